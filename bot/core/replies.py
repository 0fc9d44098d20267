"""Showing a screen: edit the message a button belongs to, or send a new one."""

from __future__ import annotations

import html
import logging
from typing import TYPE_CHECKING

from telegram import Update
from telegram.error import BadRequest

if TYPE_CHECKING:
    from bot.core.context import BotContext

from bot.core.render import render_screen
from bot.core.screens import home_screen
from bot.core.texts import MESSAGES
from bot.core.ui import Screen

logger = logging.getLogger(__name__)


def is_not_modified(error: BadRequest) -> bool:
    # Telegram has no error code for this; its description is the only signal
    return "message is not modified" in error.message.lower()


async def show(update: Update, screen: Screen) -> None:
    """Replace the pressed button's message with `screen`, or send `screen` as a reply."""
    rendered = render_screen(screen)
    query = update.callback_query
    if query is not None:
        try:
            await query.edit_message_text(rendered.text, reply_markup=rendered.keyboard)
            return
        except BadRequest as exc:
            if is_not_modified(exc):
                return  # the same button pressed twice: nothing to change
            # too old, deleted, or not editable: the user still gets the screen
            logger.info("edit failed, sending instead", extra={"error": exc.message})
        chat_id = query.message.chat.id if query.message is not None else query.from_user.id
        await query.get_bot().send_message(chat_id, rendered.text, reply_markup=rendered.keyboard)
        return
    message = update.effective_message
    if message is not None:
        await message.reply_text(rendered.text, reply_markup=rendered.keyboard)


async def answer_expired(update: Update, context: BotContext) -> None:
    """A button we cannot act on: say so on the button, and redraw a fresh home menu."""
    query = update.callback_query
    if query is None:
        return
    lang = context.viewer.lang
    await query.answer(MESSAGES.get("expired.toast", lang))
    screen = home_screen(context.services.catalog, lang).with_note(MESSAGES.get("expired", lang))
    await show(update, screen)


async def reply_message(update: Update, context: BotContext, key: str) -> None:
    """Reply with one of the catalog's messages, in the asker's language."""
    message = update.effective_message
    if message is not None:
        await message.reply_text(html.escape(MESSAGES.get(key, context.viewer.lang)))
