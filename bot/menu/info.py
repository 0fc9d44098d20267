"""/help and /about: what the bot does, and where its facts come from."""

from __future__ import annotations

from telegram import Update

from bot.core.context import BotContext
from bot.core.replies import show
from bot.menu.screens import about_screen, help_screen


async def help_command(update: Update, context: BotContext) -> None:
    """How to use the bot, with the menu under it."""
    await show(update, help_screen(context.services.catalog, context.viewer.lang))


async def about_command(update: Update, context: BotContext) -> None:
    """Every source of the knowledge base with its last-checked date."""
    await show(update, about_screen(context.services.catalog, context.viewer.lang))
