"""Everything no feature handles: stale buttons, edits, stickers and photos, unknown commands."""

from __future__ import annotations

import html
import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.core.replies import show
from bot.core.screens import home_screen
from bot.core.services import Services, services_of
from bot.core.texts import MESSAGES
from bot.core.ui import Viewer
from bot.core.viewer import viewer_for

logger = logging.getLogger(__name__)


async def answer_expired(update: Update, services: Services, viewer: Viewer) -> None:
    """A button we cannot act on: say so on the button, and redraw a fresh home menu."""
    query = update.callback_query
    if query is None:
        return
    await query.answer(MESSAGES.get("expired.toast", viewer.lang))
    screen = home_screen(services.catalog, viewer.lang).with_note(
        MESSAGES.get("expired", viewer.lang)
    )
    await show(update, screen)


async def on_unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Callback data of another version, forged or mangled: the menu has expired."""
    query = update.callback_query
    if query is None:
        return
    services = services_of(context)
    viewer = await viewer_for(services, query.from_user)
    logger.debug("unknown callback data", extra={"user_id": query.from_user.id})
    await answer_expired(update, services, viewer)


async def _reply(update: Update, context: ContextTypes.DEFAULT_TYPE, key: str) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    viewer = await viewer_for(services_of(context), user)
    await message.reply_text(html.escape(MESSAGES.get(key, viewer.lang)))


async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message: answers are not re-done for edits, say so briefly."""
    await _reply(update, context, "edited")


async def on_not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A sticker, photo, voice note, contact, location…: ask for text."""
    await _reply(update, context, "nontext")


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command we do not have: point to /help."""
    await _reply(update, context, "unknown_command")
