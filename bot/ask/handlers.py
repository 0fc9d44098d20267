"""Free text in a private chat is a question (so is `/faq <question>` there): answer with
the best card or suggestions."""

from __future__ import annotations

import logging

from telegram import Update

from bot.ask.screens import answer_screen, nothing_to_search_screen
from bot.core.context import BotContext
from bot.core.input import MAX_QUESTION, command_argument
from bot.core.replies import show
from bot.core.screens import home_screen
from bot.core.texts import MESSAGES

logger = logging.getLogger(__name__)


async def on_question(update: Update, context: BotContext) -> None:
    """Search the question and show the answer (never logs the text itself)."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    await answer_question(update, context, message.text)


async def faq_command(update: Update, context: BotContext) -> None:
    """`/faq <question>` in a private chat (the group habit): the question, as if typed.

    `/faq` alone shows the home menu, as /start does.
    """
    message = update.effective_message
    if message is None:
        return
    question = command_argument(message.text, "faq")
    if not question:
        await show(update, home_screen(context.services.catalog, context.viewer.lang))
        return
    await answer_question(update, context, question)


async def answer_question(update: Update, context: BotContext, question: str) -> None:
    """The answer to `question` in the chat of the update."""
    services = context.services
    text = question.strip()
    viewer = context.viewer_asking(text)
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
            "user_id": context.user.id,
            "chars": len(question),
            "confident": result.confident,
            "best": result.matches[0].ref.key if result.matches else None,
        },
    )
    screen = answer_screen(services.catalog, result, viewer)
    for note in notes:
        screen = screen.with_note(note)
    await show(update, screen)
