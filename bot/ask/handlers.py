"""Free text in a private chat is a question (so is `/faq <question>` there): answer with
the best card or suggestions."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.ask.screens import answer_screen, nothing_to_search_screen
from bot.cases.tracking import command_argument
from bot.core.replies import show
from bot.core.services import services_of
from bot.core.texts import MESSAGES
from bot.core.viewer import viewer_for
from bot.menu import handlers as menu

logger = logging.getLogger(__name__)

# a question is a sentence; beyond this, the rest is noise for the search
MAX_QUESTION = 300


async def on_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Search the question and show the answer (never logs the text itself)."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    await answer_question(update, context, message.text)


async def faq_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/faq <question>` in a private chat (the group habit): the question, as if typed.

    `/faq` alone shows the home menu, as /start does.
    """
    message = update.effective_message
    if message is None:
        return
    question = command_argument(message.text, "faq")
    if not question:
        await menu.start(update, context)
        return
    await answer_question(update, context, question)


async def answer_question(
    update: Update, context: ContextTypes.DEFAULT_TYPE, question: str
) -> None:
    """The answer to `question` in the chat of the update."""
    user = update.effective_user
    if user is None:
        return
    services = services_of(context)
    text = question.strip()
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
            "chars": len(question),
            "confident": result.confident,
            "best": result.matches[0].ref.key if result.matches else None,
        },
    )
    screen = answer_screen(services.catalog, result, viewer)
    for note in notes:
        screen = screen.with_note(note)
    await show(update, screen)
