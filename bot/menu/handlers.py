"""/start, /menu and the menu buttons: platform → role → issue → answer card."""

from __future__ import annotations

from telegram import Update

from bot.core.callbacks import parse_callback
from bot.core.context import BotContext
from bot.core.replies import answer_expired, show
from bot.core.screens import home_screen
from bot.menu.screens import screen_for


async def start(update: Update, context: BotContext) -> None:
    """Send the home menu: choose a platform, or type a question."""
    await show(update, home_screen(context.services.catalog, context.viewer.lang))


async def on_menu_button(update: Update, context: BotContext) -> None:
    """A navigation button: answer it first, then redraw the message in place."""
    query = update.callback_query
    if query is None:
        return
    action = parse_callback(query.data)
    screen = None if action is None else screen_for(context.services.catalog, action,
                                                    context.viewer)
    if screen is None:
        await answer_expired(update, context)
        return
    await query.answer()
    await show(update, screen)
