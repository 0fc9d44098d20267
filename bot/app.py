"""The Telegram application: built once, every handler registered here, run until a signal."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Iterable
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    Application,
    BaseRateLimiter,
    ContextTypes,
    Defaults,
    TypeHandler,
)
from telegram.request import BaseRequest

from bot import admin, ask, cases, groups, menu
from bot.cases.reminders import schedule_reminders
from bot.core.clock import Clock, SystemClock
from bot.core.config import ConfigError, Settings, load_settings
from bot.core.context import BotContext, load_user
from bot.core.feedback import schedule_feedback_sweep
from bot.core.misses import schedule_miss_sweep
from bot.core.services import SERVICES_KEY, Services, open_services
from bot.core.texts import MESSAGES
from bot.infra.errors import on_error
from bot.infra.logs import Redactor, setup_logging
from bot.infra.metrics import MeasuredApplication, Metrics
from bot.infra.ops import DatabaseInUseError, DatabaseLock
from bot.infra.ratelimit import GroupAwareRateLimiter
from bot.infra.runtime import check_webhook, serve
from bot.infra.transport import bot_requests
from bot.infra.updates import PerChatUpdateProcessor
from knowledge.catalog import CatalogError
from knowledge.schema import Lang
from storage.errors import DatabaseError

logger = logging.getLogger(__name__)

BotApplication = Application[Any, Any, Any, Any, Any, Any]

# the commands shown in Telegram's menu, in this order
COMMANDS = (
    "start", "menu", "track", "cases", "help", "lang", "tz", "quiet", "share", "mydata", "forget",
    "about",
)
# Telegram picks the list by the user's app language; None is everyone else
COMMAND_LANGUAGES: tuple[tuple[str | None, Lang], ...] = ((None, "en"), ("zh", "zh"), ("en", "en"))
# AIORateLimiter's default of 0 retries nothing: a flood-wait would drop the message
RATE_LIMIT_RETRIES = 3
# Telegram's ~30 messages/s is a limit on bulk sending: reminders pace themselves to it
# (bot/cases/reminders.py). Replies to the users who just wrote are not held to that budget —
# with it, 50 questions a second would queue without bound (bench/throughput.py). Groups
# keep AIORateLimiter's 20 messages a minute (messages only: bot/infra/ratelimit.py), and
# flood waits are retried.
OVERALL_RATE = 0  # AIORateLimiter: 0 switches the overall limit off


def add_handlers(app: BotApplication, admins: Iterable[int] = ()) -> None:
    """Every handler of the bot, feature by feature. Within a group the first match wins."""
    # group -2, before everything: who is asking, read (and recorded) once per update
    app.add_handler(TypeHandler(Update, load_user), group=-2)
    # group -1: text typed into a /track form or a case edit is not a question
    cases.register_form_input(app)
    # group 0, what users do. Groups first: there /start, /help and the case commands
    # have their own answers, and the private chat's handlers never see a group's command
    groups.register(app)
    menu.register(app)
    ask.register(app)
    cases.register(app)
    admin.register(app, admins)
    # last: whatever no feature took (expired buttons, unknown commands, edits, stickers)
    menu.register_fallbacks(app)
    app.add_error_handler(on_error)


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
    rate_limiter: BaseRateLimiter[Any] | None = None,
) -> BotApplication:
    """The application, ready to initialize; services open in post_init (MissingTokenError).

    `request`, `updates_request`, `rate_limiter`: tests' stand-ins for the network and
    for the rate limiter's real-time waits.
    """
    token = settings.require_token()
    bot_clock: Clock = clock or SystemClock()

    async def post_init(app: BotApplication) -> None:
        services = await open_services(settings, bot_clock)
        app.bot_data[SERVICES_KEY] = services
        await set_commands(app.bot)
        schedule_reminders(app)
        schedule_miss_sweep(app)
        schedule_feedback_sweep(app)
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
            # a group's bucket holds its messages only, not admin checks (bot/infra/ratelimit.py)
            rate_limiter
            or GroupAwareRateLimiter(overall_max_rate=OVERALL_RATE, max_retries=RATE_LIMIT_RETRIES)
        )
        # chats side by side, each chat's updates in order: over a real network one
        # update's round trips no longer hold up everyone else's (bench/throughput.py)
        .concurrent_updates(PerChatUpdateProcessor())
        # handlers get BotContext: context.services, context.viewer (bot/core/context.py)
        .context_types(ContextTypes(context=BotContext))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        # counts updates, their handling time and errors for /metrics and /stats
        .application_class(MeasuredApplication)
    )
    if request is None and updates_request is None:
        # aiohttp with JSON bodies, or PTB's HTTPXRequest (BOT_API_CLIENT, bot/infra/transport.py)
        request, updates_request = bot_requests(settings.api_client, settings.proxy)
    if request is not None:
        builder = builder.request(request)
    if updates_request is not None:
        builder = builder.get_updates_request(updates_request)
    app: BotApplication = builder.build()
    if isinstance(app, MeasuredApplication):
        app.metrics = Metrics(bot_clock, redact=Redactor(settings.secrets()))
    add_handlers(app, settings.admins)
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
