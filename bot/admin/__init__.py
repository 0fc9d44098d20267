"""Operators' commands (BOT_ADMINS), private chats only: /stats, /misses and /reload."""

from __future__ import annotations

from telegram.ext import CommandHandler

from bot.admin import handlers
from bot.core.filters import NEW_MESSAGE, PRIVATE
from bot.core.services import AnyApplication


def register(app: AnyApplication) -> None:
    # anyone else gets the unknown-command answer
    for name, callback in (
        ("stats", handlers.stats_command),
        ("misses", handlers.misses_command),
        ("reload", handlers.reload_command),
    ):
        app.add_handler(CommandHandler(name, callback, filters=PRIVATE & NEW_MESSAGE))
