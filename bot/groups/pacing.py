"""No silent drops in groups: a question within a member's cool-down waits, too many get a note.

The decisions are bot/core/flood.py's (`GroupFlood.admit`, `cap_note`); this module acts on
them. A member's question within their cool-down is kept (only the latest: a newer one
takes its place) and answered by a JobQueue job when the cool-down ends — as one message,
through the same path and the same group cap as any answer. A restart loses a waiting
question, which costs one answer. A question that gets no answer at all (the member asked
too often, or the group's cap is used up) gets one short note the first time, never one per
message.
"""

from __future__ import annotations

import html
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import Message, ReplyParameters, Update

from bot.core.context import BotContext
from bot.core.flood import Verdict
from bot.core.services import AnyContext, Services
from bot.core.texts import MESSAGES
from knowledge.i18n import normalize_lang
from knowledge.schema import Lang

logger = logging.getLogger(__name__)

# a waiting question's job: one per member and group, "group-question:<chat>:<member>"
JOB_PREFIX = "group-question"

# answers the question of `update` (bot/groups/handlers.answer_question, its arguments bound)
Answer = Callable[[Update, BotContext], Awaitable[None]]


@dataclass(frozen=True)
class WaitingAnswer:
    """A job's data: whose waiting question to answer, and when it is due."""

    chat_id: int
    user_id: int
    due: datetime


@dataclass(frozen=True)
class _Question:
    """What GroupFlood keeps for a member: the update, and how to answer it."""

    update: Update
    answer: Answer


def job_name(chat_id: int, user_id: int) -> str:
    return f"{JOB_PREFIX}:{chat_id}:{user_id}"


async def admit_question(update: Update, context: BotContext, answer: Answer) -> bool:
    """True if the question is to be answered now; otherwise it waits, or the member is told
    (once) that they asked too often."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return False
    services = context.services
    chat_id = message.chat.id
    admission = services.flood.admit(chat_id, user.id, _Question(update, answer))
    if admission.verdict is Verdict.NOW:
        return True
    if admission.verdict is Verdict.LATER:
        logger.debug("group question waits for the cool-down", extra={"chat_id": chat_id})
        if admission.schedule and admission.at is not None:
            _schedule(context, services, WaitingAnswer(chat_id, user.id, admission.at))
        return False
    logger.debug("group question refused: member paused", extra={"chat_id": chat_id})
    if admission.note and admission.at is not None and services.flood.may_note(chat_id):
        await _note(services, message, admission.at, member=True)
    return False


def _schedule(context: BotContext, services: Services, waiting: WaitingAnswer) -> None:
    job_queue = context.job_queue
    if job_queue is None:
        logger.critical("no JobQueue (install python-telegram-bot[job-queue]): question lost")
        return
    delay = max(waiting.due - services.clock.now(), timedelta(0))
    job_queue.run_once(
        answer_waiting, when=delay, data=waiting,
        name=job_name(waiting.chat_id, waiting.user_id),
    )


async def answer_waiting(context: AnyContext) -> None:
    """The job: the member's cool-down is over; answer their latest question, if one waits."""
    if not isinstance(context, BotContext):  # the application's context type (bot/app.py)
        raise TypeError(f"a group question's job needs a BotContext, not {type(context)}")
    job = context.job
    waiting = job.data if job is not None else None
    if not isinstance(waiting, WaitingAnswer):
        return
    question = context.services.flood.take_waiting(waiting.chat_id, waiting.user_id)
    if not isinstance(question, _Question):
        return  # the member was paused since, or the bot left the group
    user = question.update.effective_user
    if user is None:
        return
    await context.load(user)  # a job's context has no user yet: their language, if stored
    await question.answer(question.update, context)


async def tell_over_cap(services: Services, message: Message) -> None:
    """The group's cap stopped an answer to `message`: say when answers resume, once."""
    until = services.flood.cap_note(message.chat.id)
    if until is not None:
        await _note(services, message, until, member=False)


async def _note(services: Services, message: Message, until: datetime, *, member: bool) -> None:
    """A short reply under `message`: the member, or the group, is answered again `until`
    (the note's slot in the group's cap is already taken)."""
    seconds = (until - services.clock.now()).total_seconds()
    minutes = max(1, math.ceil(seconds / 60))
    lang = await _lang(services, message)
    if member:
        text = MESSAGES.get("group.flood.member", lang, minutes=minutes)
    else:
        text = MESSAGES.get("group.flood.group", lang, minutes=minutes)
    await message.reply_text(
        html.escape(text),
        reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
    )


async def _lang(services: Services, message: Message) -> Lang:
    """The group's language if its admins set one, else the asker's app language."""
    group = await services.groups.get(message.chat.id)
    if group is not None and group.lang:
        return normalize_lang(group.lang)
    user = message.from_user
    return normalize_lang(user.language_code if user is not None else None)
