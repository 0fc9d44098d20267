"""Operators' commands (BOT_ADMINS), private chats only: /stats, /misses, /feedback,
/reload."""

from __future__ import annotations

from collections.abc import Iterable

from telegram.ext import CommandHandler, filters

from bot.admin import handlers
from bot.core.filters import NEW_MESSAGE, PRIVATE
from bot.core.services import AnyApplication


def register(app: AnyApplication, admins: Iterable[int]) -> None:
    """Only the operators' own messages match (BOT_ADMINS): anyone else's command falls
    through to the unknown-command answer, as if there were no such command."""
    operators = filters.User(user_id=list(admins))
    for name, callback in (
        ("stats", handlers.stats_command),
        ("misses", handlers.misses_command),
        ("feedback", handlers.feedback_command),
        ("reload", handlers.reload_command),
    ):
        app.add_handler(
            CommandHandler(name, callback, filters=PRIVATE & NEW_MESSAGE & operators)
        )
