"""/start, /menu and the menu buttons: platform → role → issue → answer card."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.core.callbacks import parse_callback
from bot.core.replies import show
from bot.core.screens import home_screen
from bot.core.services import services_of
from bot.core.viewer import viewer_for
from bot.menu.fallback import answer_expired
from bot.menu.screens import screen_for


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the home menu: choose a platform, or type a question."""
    user = update.effective_user
    message = update.effective_message
    if user is None or message is None:
        return
    services = services_of(context)
    viewer = await viewer_for(services, user)
    await show(update, home_screen(services.catalog, viewer.lang))


async def on_menu_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A navigation button: answer it first, then redraw the message in place."""
    query = update.callback_query
    if query is None:
        return
    services = services_of(context)
    viewer = await viewer_for(services, query.from_user)
    action = parse_callback(query.data)
    screen = None if action is None else screen_for(services.catalog, action, viewer)
    if screen is None:
        await answer_expired(update, services, viewer)
        return
    await query.answer()
    await show(update, screen)
