"""Free text in a private chat is a question (so is `/faq <question>` there): the fact
asked first, from the one answering path every front end shares."""

from __future__ import annotations

import logging

from telegram import Update

from bot.ask.callbacks import AnswerFor
from bot.ask.screens import answer_screen, reply_screen
from bot.core.answering import respond
from bot.core.callbacks import parse_callback
from bot.core.context import BotContext
from bot.core.input import MAX_MESSAGE, MAX_QUESTION, command_argument, hidden_links
from bot.core.replies import answer_expired, show
from bot.core.screens import home_screen
from bot.core.texts import MESSAGES
from knowledge.answer import answer_about
from knowledge.aspects import AskedAspects

logger = logging.getLogger(__name__)


async def on_question(update: Update, context: BotContext) -> None:
    """Answer the question (never logs the text itself)."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    await answer_question(update, context, message.text, hidden_links(message))


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


async def answer_question(update: Update, context: BotContext, question: str,
                          hidden: tuple[str, ...] = ()) -> None:
    """The reply to `question` in the chat of the update.

    Links hidden behind its words (`hidden`) are checked with it; a long paste is checked
    whole (every number and link in it), and only its head is read as a question."""
    services = context.services
    text = question.strip()
    viewer = context.viewer_asking(text)
    notes = []
    checked = " ".join((text, *hidden))  # the addresses behind linked words, too
    whole = None
    if len(text) > MAX_QUESTION:
        whole = services.responder.checker.check(checked[:MAX_MESSAGE])
        if whole is None:
            notes.append(MESSAGES.get("question.too_long", viewer.lang, length=len(text),
                                      limit=MAX_QUESTION))
        checked = text[:MAX_QUESTION]
    reply = whole or await respond(services, checked, viewer)
    logger.debug(
        "question",
        extra={"user_id": context.user.id, "chars": len(question), "reply": type(reply).__name__},
    )
    screen = reply_screen(services.catalog, reply, viewer)
    for note in notes:
        screen = screen.with_note(note)
    await show(update, screen)


async def on_answer_button(update: Update, context: BotContext) -> None:
    """A site button under an answer: the same fact for that site, in place."""
    query = update.callback_query
    if query is None:
        return
    action = parse_callback(query.data)
    if not isinstance(action, AnswerFor):
        await answer_expired(update, context)
        return
    viewer = context.viewer
    catalog = context.services.catalog
    answer = answer_about(catalog, action.ref, AskedAspects((action.aspect,)), lang=viewer.lang,
                          user_zone=viewer.zone, now=viewer.now)
    if answer.ref is None:
        await answer_expired(update, context)
        return
    await query.answer()
    await show(update, answer_screen(catalog, answer, viewer))
