"""Everything no feature handles: stale buttons, edits, stickers and photos, unknown commands."""

from __future__ import annotations

import logging

from telegram import Update

from bot.core.context import BotContext
from bot.core.replies import answer_expired, reply_message

logger = logging.getLogger(__name__)


async def on_unknown_button(update: Update, context: BotContext) -> None:
    """Callback data of another version, forged or mangled: the menu has expired."""
    logger.debug("unknown callback data", extra={"user_id": context.user.id})
    await answer_expired(update, context)


async def on_edited(update: Update, context: BotContext) -> None:
    """An edited message: answers are not re-done for edits, say so briefly."""
    await reply_message(update, context, "edited")


async def on_not_text(update: Update, context: BotContext) -> None:
    """A sticker, photo, voice note, contact, location…: ask for text."""
    await reply_message(update, context, "nontext")


async def on_unknown_command(update: Update, context: BotContext) -> None:
    """A command we do not have: point to /help."""
    await reply_message(update, context, "unknown_command")
