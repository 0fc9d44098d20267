"""/help and /about: what the bot does, and where its facts come from."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.core.replies import show
from bot.core.services import services_of
from bot.core.viewer import viewer_for
from bot.menu.screens import about_screen, help_screen


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """How to use the bot, with the menu under it."""
    user = update.effective_user
    if user is None:
        return
    services = services_of(context)
    viewer = await viewer_for(services, user)
    await show(update, help_screen(services.catalog, viewer.lang))


async def about_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every source of the knowledge base with its last-checked date."""
    user = update.effective_user
    if user is None:
        return
    services = services_of(context)
    viewer = await viewer_for(services, user)
    await show(update, about_screen(services.catalog, viewer.lang))
