"""Group chats (/faq, mentions, replies, admins' /settings) and inline mode: short answers
anyone may read, never case data."""

from __future__ import annotations

from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    ChosenInlineResultHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.core.callbacks import pattern
from bot.core.deeplinks import CASE_COMMANDS
from bot.core.filters import IN_GROUP, NEW_MESSAGE
from bot.core.services import AnyApplication
from bot.groups import handlers, inline, membership
from bot.groups.callbacks import GroupNav, GroupOption


def register(app: AnyApplication) -> None:
    """Before the private chat's handlers: a group's /start or /help is answered here.

    Case commands get only a link to the private chat (no case data in a group).
    """
    for names, callback in (
        ("faq", handlers.on_faq),
        (("start", "menu"), handlers.on_group_menu),
        ("help", handlers.on_group_help),
        ("settings", handlers.on_settings),
        (CASE_COMMANDS, handlers.on_case_command),
    ):
        app.add_handler(CommandHandler(names, callback, filters=IN_GROUP & NEW_MESSAGE))
    # mentions and replies to the bot (privacy mode lets the bot see nothing else)
    app.add_handler(
        MessageHandler(IN_GROUP & NEW_MESSAGE & filters.TEXT & ~filters.COMMAND,
                       handlers.on_group_message)
    )
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, handlers.on_migrate))
    app.add_handler(
        CallbackQueryHandler(handlers.on_group_button, pattern=pattern(GroupNav, GroupOption))
    )
    app.add_handler(
        ChatMemberHandler(membership.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    app.add_handler(InlineQueryHandler(inline.on_inline_query))
    app.add_handler(ChosenInlineResultHandler(inline.on_chosen_inline_result))
