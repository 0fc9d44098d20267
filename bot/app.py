"""The Telegram application: built once, every handler registered here, run until a signal."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    LinkPreviewOptions,
)
from telegram.constants import ParseMode
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    ChosenInlineResultHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.callbacks import (
    Home,
    OpenCard,
    OpenMenu,
    OpenSection,
    OpenSettings,
    SetLang,
    SetZone,
    TrackCase,
)
from bot.callbacks import pattern as callback_pattern
from bot.case_callbacks import CaseAction, ForgetData, ListCases, StartTrack, TrackStep
from bot.clock import Clock, SystemClock
from bot.config import ConfigError, Settings, load_settings
from bot.deeplinks import CASE_COMMANDS
from bot.group_callbacks import GroupNav, GroupOption
from bot.handlers import (
    admin,
    cases,
    data,
    deeplinks,
    errors,
    fallback,
    groups,
    info,
    inline,
    membership,
    menu,
    questions,
    quiet,
    settings,
    track,
)
from bot.logs import Redactor, setup_logging
from bot.metrics import MeasuredApplication, Metrics
from bot.ops import DatabaseInUseError, DatabaseLock
from bot.reminders import schedule_reminders
from bot.runtime import check_webhook, serve
from bot.services import SERVICES_KEY, Services, open_services
from bot.texts import MESSAGES
from bot.updates import PerChatUpdateProcessor
from knowledge.catalog import CatalogError
from knowledge.schema import Lang
from storage.errors import DatabaseError

logger = logging.getLogger(__name__)

BotApplication = Application[Any, Any, Any, Any, Any, Any]

# the commands shown in Telegram's menu, in this order
COMMANDS = (
    "start", "menu", "track", "cases", "help", "lang", "tz", "quiet", "mydata", "forget", "about"
)
# Telegram picks the list by the user's app language; None is everyone else
COMMAND_LANGUAGES: tuple[tuple[str | None, Lang], ...] = ((None, "en"), ("zh", "zh"), ("en", "en"))
# AIORateLimiter's default of 0 retries nothing: a flood-wait would drop the message
RATE_LIMIT_RETRIES = 3
# Telegram's ~30 messages/s is a limit on bulk sending: reminders pace themselves to it
# (bot/reminders.py). Replies to the users who just wrote are not held to that budget —
# with it, 50 questions a second would queue without bound (bench/throughput.py). Groups
# keep AIORateLimiter's 20 messages a minute, and flood waits are retried.
OVERALL_RATE = 0  # AIORateLimiter: 0 switches the overall limit off


def add_handlers(app: BotApplication) -> None:
    """Every handler of the bot. Within a group the first matching handler wins."""
    private = filters.ChatType.PRIVATE
    # commands and questions react to new messages only: an edit must not run them again
    new_message = filters.UpdateType.MESSAGE

    # group -1, before everything: text typed for a /track form or a case edit is taken
    # here (ApplicationHandlerStop), so it is not answered as a question in group 0;
    # another command abandons the form, and carries on to its own handler in group 0
    typing_for_form = track.PendingInput(app, typed_only=True)
    form_open = track.PendingInput(app, typed_only=False)
    app.add_handler(
        MessageHandler(private & new_message & filters.TEXT & ~filters.COMMAND & typing_for_form,
                       track.on_typed_text),
        group=-1,
    )
    app.add_handler(
        MessageHandler(private & new_message & filters.COMMAND & form_open,
                       track.on_any_command),
        group=-1,
    )

    # group 0: what users do
    # group chats first: short answers there, and case commands get only a link to the
    # private chat (no case data in a group); the private-chat handlers below never run
    # for a group's command
    in_group = filters.ChatType.GROUPS
    for names, callback in (
        ("faq", groups.on_faq),
        (("start", "menu"), groups.on_group_menu),
        ("help", groups.on_group_help),
        ("settings", groups.on_settings),
        (CASE_COMMANDS, groups.on_case_command),
    ):
        app.add_handler(CommandHandler(names, callback, filters=in_group & new_message), group=0)
    # mentions and replies to the bot (privacy mode lets the bot see nothing else)
    app.add_handler(
        MessageHandler(in_group & new_message & filters.TEXT & ~filters.COMMAND,
                       groups.on_group_message),
        group=0,
    )
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, groups.on_migrate), group=0)
    # a deep link (`/start <payload>`, from a group or an inline result) before plain /start
    app.add_handler(
        CommandHandler("start", deeplinks.start_with_payload, filters=private & new_message,
                       has_args=True),
        group=0,
    )
    for names, callback in (
        (("start", "menu"), menu.start),
        ("help", info.help_command),
        ("about", info.about_command),
        ("lang", settings.lang_command),
        ("tz", settings.tz_command),
    ):
        app.add_handler(CommandHandler(names, callback, filters=new_message), group=0)
    # /faq is how groups ask; in the private chat it is a question like any typed text
    app.add_handler(
        CommandHandler("faq", questions.faq_command, filters=private & new_message), group=0
    )
    # operators (BOT_ADMINS), private chats only; anyone else gets the unknown-command answer
    for names, callback in (("stats", admin.stats_command), ("reload", admin.reload_command)):
        app.add_handler(CommandHandler(names, callback, filters=private & new_message), group=0)
    # cases are private: in a group these commands get a link to the private chat instead
    for names, callback in (
        ("track", track.track_command),
        ("cases", cases.cases_command),
        ("quiet", quiet.quiet_command),
        ("mydata", data.mydata_command),
        ("forget", data.forget_command),
    ):
        app.add_handler(
            CommandHandler(names, callback, filters=private & new_message), group=0
        )
    app.add_handler(
        CallbackQueryHandler(
            menu.on_menu_button,
            pattern=callback_pattern(Home, OpenMenu, OpenCard, OpenSection),
        ),
        group=0,
    )
    app.add_handler(
        CallbackQueryHandler(track.on_track_card, pattern=callback_pattern(TrackCase)), group=0
    )
    app.add_handler(
        CallbackQueryHandler(
            track.on_track_button, pattern=callback_pattern(TrackStep, StartTrack)
        ),
        group=0,
    )
    app.add_handler(
        CallbackQueryHandler(
            cases.on_case_button, pattern=callback_pattern(CaseAction, ListCases)
        ),
        group=0,
    )
    app.add_handler(
        CallbackQueryHandler(data.on_forget_button, pattern=callback_pattern(ForgetData)),
        group=0,
    )
    app.add_handler(
        CallbackQueryHandler(
            settings.on_settings_button, pattern=callback_pattern(OpenSettings, SetLang, SetZone)
        ),
        group=0,
    )
    app.add_handler(
        CallbackQueryHandler(
            groups.on_group_button, pattern=callback_pattern(GroupNav, GroupOption)
        ),
        group=0,
    )
    # after the patterned ones: any other data (old version, forged) is an expired menu
    app.add_handler(CallbackQueryHandler(fallback.on_unknown_button), group=0)
    app.add_handler(
        MessageHandler(private & new_message & filters.TEXT & ~filters.COMMAND,
                       questions.on_question),
        group=0,
    )
    # after the CommandHandlers: a command none of them took is unknown
    app.add_handler(
        MessageHandler(private & new_message & filters.COMMAND, fallback.on_unknown_command),
        group=0,
    )
    app.add_handler(
        MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, fallback.on_edited), group=0
    )
    app.add_handler(
        MessageHandler(private & new_message & ~filters.TEXT & ~filters.StatusUpdate.ALL,
                       fallback.on_not_text),
        group=0,
    )
    app.add_handler(
        ChatMemberHandler(membership.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER),
        group=0,
    )
    app.add_handler(InlineQueryHandler(inline.on_inline_query), group=0)
    app.add_handler(ChosenInlineResultHandler(inline.on_chosen_inline_result), group=0)
    app.add_error_handler(errors.on_error)


async def set_commands(bot: Bot) -> None:
    """The command menus in Chinese and English; a rejection is logged, the bot runs on.

    The default list is the private chat's. In groups members see /faq, and admins also
    /settings (Telegram picks the narrowest scope that has a list).
    """
    for language, lang in COMMAND_LANGUAGES:
        commands = [BotCommand(name, MESSAGES.get(f"command.{name}", lang)) for name in COMMANDS]
        faq = BotCommand("faq", MESSAGES.get("group.command.faq", lang))
        group_settings = BotCommand("settings", MESSAGES.get("group.command.settings", lang))
        menus: list[tuple[list[BotCommand], BotCommandScope | None]] = [
            (commands, None),
            ([faq], BotCommandScopeAllGroupChats()),
            ([faq, group_settings], BotCommandScopeAllChatAdministrators()),
        ]
        for menu_commands, scope in menus:
            try:
                await bot.set_my_commands(menu_commands, scope=scope, language_code=language)
            except TelegramError as exc:
                logger.warning(
                    "setMyCommands rejected",
                    extra={
                        "language": language or "default",
                        "scope": scope.type if scope else "default",
                        "error": exc.message,
                    },
                )


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
) -> BotApplication:
    """The application, ready to initialize; services open in post_init (MissingTokenError)."""
    token = settings.require_token()
    bot_clock: Clock = clock or SystemClock()

    async def post_init(app: BotApplication) -> None:
        services = await open_services(settings, bot_clock)
        app.bot_data[SERVICES_KEY] = services
        await set_commands(app.bot)
        schedule_reminders(app)
        logger.info(
            "ready",
            extra={
                "bot": app.bot.username,
                "mode": "webhook" if settings.webhook_mode else "polling",
                "platforms": len(services.catalog.platforms),
                "cards": len(services.search.refs),
            },
        )

    async def post_shutdown(app: BotApplication) -> None:
        services = app.bot_data.pop(SERVICES_KEY, None)
        if isinstance(services, Services):
            await services.close()

    builder = (
        Application.builder()
        .token(token)
        .base_url(settings.api_base_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(
            AIORateLimiter(overall_max_rate=OVERALL_RATE, max_retries=RATE_LIMIT_RETRIES)
        )
        # chats side by side, each chat's updates in order: over a real network one
        # update's round trips no longer hold up everyone else's (bench/throughput.py)
        .concurrent_updates(PerChatUpdateProcessor())
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        # counts updates, their handling time and errors for /metrics and /stats
        .application_class(MeasuredApplication)
    )
    if request is not None:
        builder = builder.request(request)
    if updates_request is not None:
        builder = builder.get_updates_request(updates_request)
    app: BotApplication = builder.build()
    if isinstance(app, MeasuredApplication):
        app.metrics = Metrics(bot_clock, redact=Redactor(settings.secrets()))
    add_handlers(app)
    return app


def run_bot(settings: Settings) -> int:
    """Run until SIGINT/SIGTERM; the exit status (ConfigError when it cannot start)."""
    setup_logging(
        settings.log_level, settings.log_format, secrets=settings.secrets(),
        libs_level=settings.log_level_libs,
    )
    check_webhook(settings)
    # held for the life of the process: `restore` refuses while it is, and so does a
    # second bot started on the same database
    lock = DatabaseLock(settings.db)
    try:
        lock.acquire()
    except DatabaseInUseError as exc:
        logger.critical("cannot start", extra={"error": str(exc)})
        return 1
    try:
        clean = asyncio.run(serve(build_application(settings), settings))
    except InvalidToken:
        logger.critical("Telegram rejected BOT_TOKEN: check it with @BotFather")
        return ConfigError.EXIT_CODE
    except (CatalogError, DatabaseError) as exc:
        logger.critical("cannot start", extra={"error": str(exc)})
        return 1
    except TelegramError as exc:  # the Bot API stayed unreachable while starting
        logger.critical("cannot reach the Bot API", extra={"error": exc.message})
        return 1
    except OSError as exc:  # the HTTP server's address is taken or not ours
        logger.critical("cannot listen", extra={"error": str(exc)})
        return 1
    finally:
        lock.release()
    logger.info("stopped")
    if not clean:
        # a thread still stuck in the abandoned work would hold the interpreter's exit
        # past the 10 s a supervisor waits before SIGKILL; committed data is safe
        logging.shutdown()
        os._exit(0)
    return 0


def main() -> int:
    """`python -m bot`: run with the environment's settings; a config problem exits 2."""
    try:
        settings = load_settings()
        settings.require_token()
        return run_bot(settings)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return ConfigError.EXIT_CODE
