"""Free text in a private chat is a question (so is `/faq <question>` there): the fact
asked first, from the one answering path every front end shares."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest

from bot.ask.callbacks import AnswerFor, Vote
from bot.ask.screens import answer_screen, reason_rows, reply_screen
from bot.core.answering import respond
from bot.core.callbacks import parse_callback
from bot.core.context import BotContext
from bot.core.feedback import (
    VOTE_WINDOW,
    answer_key,
    message_key,
    record_vote,
    reported_reply_time,
    vote_secret,
)
from bot.core.input import MAX_MESSAGE, MAX_QUESTION, command_argument, hidden_links
from bot.core.render import render_keyboard
from bot.core.replies import answer_expired, is_not_modified, show
from bot.core.screens import home_screen
from bot.core.texts import MESSAGES
from bot.infra.metrics import metrics_of
from knowledge.answer import DirectAnswer, answer_about
from knowledge.aspects import AskedAspects
from storage.feedback import VoteKind, VoteOutcome

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
    reply = whole or await respond(services, checked, viewer, memory=context.user_data)
    logger.debug(
        "question",
        extra={"user_id": context.user.id, "chars": len(question), "reply": type(reply).__name__},
    )
    reported = await reported_reply_time(services, reply) if isinstance(reply, DirectAnswer) \
        else None
    screen = reply_screen(services.catalog, reply, viewer, reported)
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
    reported = await reported_reply_time(context.services, answer)
    await show(update, answer_screen(catalog, answer, viewer, reported))


def _in_own_chat(query: CallbackQuery) -> bool:
    message = query.message
    return (message is not None and message.chat.type == ChatType.PRIVATE
            and message.chat.id == query.from_user.id)


def _voted_message(query: CallbackQuery, context: BotContext) -> Message | None:
    """The answer message a vote is for, if the vote may count: the presser's own private
    chat, a message still there and younger than VOTE_WINDOW."""
    message = query.message
    if not isinstance(message, Message) or not _in_own_chat(query):
        return None
    if context.services.clock.now() - message.date > VOTE_WINDOW:
        return None
    return message


def _is_vote(button: InlineKeyboardButton) -> bool:
    data = button.callback_data
    return isinstance(data, str) and isinstance(parse_callback(data), Vote)


def _without_votes(markup: InlineKeyboardMarkup | None) -> list[list[InlineKeyboardButton]]:
    """The message's own buttons, with the vote and reason rows taken out."""
    rows = markup.inline_keyboard if markup is not None else ()
    return [list(row) for row in rows if not any(_is_vote(button) for button in row)]


async def on_vote(update: Update, context: BotContext) -> None:
    """👍 / 👎 / a reason under an answer: count it once per message, then edit only the
    keyboard — 👎 asks why, anything else thanks and takes the vote buttons away."""
    query = update.callback_query
    if query is None:
        return
    action = parse_callback(query.data)
    message = _voted_message(query, context)
    services = context.services
    lang = context.viewer.lang
    if not isinstance(action, Vote) or services.catalog.resolve(action.ref) is None:
        logger.info("vote refused", extra={"user_id": query.from_user.id, "forged": True})
        if _in_own_chat(query):
            await answer_expired(update, context)
        else:  # someone else's chat (a group): say so on the button, edit nothing there
            await query.answer(MESSAGES.get("expired.toast", lang))
        return
    if message is None:  # an old answer, or not the presser's chat: the answer stays
        logger.info("vote refused", extra={"user_id": query.from_user.id, "forged": False})
        await query.answer(MESSAGES.get("expired.toast", lang))
        return
    secret = vote_secret(services.settings.require_token())
    key = message_key(secret, message.chat.id, message.message_id)
    answer = answer_key(action.ref, action.aspect)
    outcome = await record_vote(services, key, answer, action.vote)
    if outcome in (VoteOutcome.NEW, VoteOutcome.CHANGED, VoteOutcome.OVERFLOW):
        metrics_of(context).vote(answer.platform, answer.aspect, action.vote.value)
    rows = _without_votes(message.reply_markup)
    if action.vote is VoteKind.DOWN:
        await query.answer(MESSAGES.get("feedback.why", lang))
        reasons = render_keyboard(reason_rows(action, lang))
        rows += [list(row) for row in (reasons.inline_keyboard if reasons else ())]
    else:
        await query.answer(MESSAGES.get("feedback.thanks", lang))
    try:
        await query.edit_message_reply_markup(InlineKeyboardMarkup(rows) if rows else None)
    except BadRequest as exc:
        if not is_not_modified(exc):  # a double tap finds the keyboard already changed
            logger.info("vote buttons not edited", extra={"error": exc.message})
