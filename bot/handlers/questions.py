"""Free text in a private chat is a question: answer with the best card or suggestions."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.replies import show
from bot.screens import answer_screen, nothing_to_search_screen
from bot.services import services_of
from bot.texts import MESSAGES
from bot.viewer import viewer_for

logger = logging.getLogger(__name__)

# a question is a sentence; beyond this, the rest is noise for the search
MAX_QUESTION = 300


async def on_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Search the question and show the answer (never logs the text itself)."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.text is None:
        return
    services = services_of(context)
    text = message.text.strip()
    viewer = await viewer_for(services, user, question=text)
    if not any(ch.isalnum() for ch in text):
        # emoji, punctuation, whitespace: nothing to search for
        await show(update, nothing_to_search_screen(services.catalog, viewer.lang))
        return
    notes = []
    if len(text) > MAX_QUESTION:
        notes.append(
            MESSAGES.get("question.too_long", viewer.lang, length=len(text), limit=MAX_QUESTION)
        )
        text = text[:MAX_QUESTION]
    result = services.search.search(text)
    logger.debug(
        "question",
        extra={
            "user_id": user.id,
            "chars": len(message.text),
            "confident": result.confident,
            "best": result.matches[0].ref.key if result.matches else None,
        },
    )
    screen = answer_screen(services.catalog, result, viewer)
    for note in notes:
        screen = screen.with_note(note)
    await show(update, screen)
