"""No silent drops in groups: a question within a member's cool-down waits, a question over
the group's cap waits its turn, and one that will not be answered is covered by a note.

The decisions are bot/core/flood.py's (`GroupFlood.admit`, `hold`, `cap_note`); this module
acts on them. A member's question within their cool-down is kept (only the latest: a newer
one takes its place) and answered by a JobQueue job when the cool-down ends — as one
message, through the same path and the same group cap as any answer. A question the cap
holds back waits in the group's queue; a job per group answers the queue, oldest first, as
the minute frees slots, and puts one note under the questions it will not answer (the
queue was full, or they waited 10 minutes). A restart loses what waits, which costs those
answers. A member who asked too often gets one short note, never one per message.
"""

from __future__ import annotations

import html
import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from telegram import Message, ReplyParameters, Update
from telegram.error import ChatMigrated, TelegramError

from bot.core.context import BotContext
from bot.core.flood import Verdict
from bot.core.services import AnyContext, Services
from bot.core.texts import MESSAGES
from knowledge.i18n import normalize_lang
from knowledge.schema import Lang

logger = logging.getLogger(__name__)

# a waiting question's job: one per member and group, "group-question:<chat>:<member>"
JOB_PREFIX = "group-question"
# a group's queue's job: one per group, "group-queue:<chat>"
QUEUE_JOB_PREFIX = "group-queue"


class Answer(Protocol):
    """Answers the question of `update` (bot/groups/handlers.answer_question, its arguments
    bound); `queued`: it comes from the group's queue, its turn has come."""

    async def __call__(
        self, update: Update, context: BotContext, *, queued: bool = False
    ) -> None: ...


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


@dataclass(frozen=True)
class WaitingTurn:
    """A group queue job's data: the group (its id when the question came) and when."""

    chat_id: int
    due: datetime


def job_name(chat_id: int, user_id: int) -> str:
    return f"{JOB_PREFIX}:{chat_id}:{user_id}"


def queue_job_name(chat_id: int) -> str:
    return f"{QUEUE_JOB_PREFIX}:{chat_id}"


async def admit_question(update: Update, context: BotContext, answer: Answer) -> bool:
    """True if the question is to be answered now; otherwise it waits, or the member is told
    (once) that they asked too often."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return False
    services = context.services
    chat_id = services.flood.moved_to(message.chat.id)
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
        await _note(context, message, chat_id, admission.at, member=True)
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


# --- the group's queue over the cap --------------------------------------------------------


async def hold_question(
    context: BotContext, update: Update, answer: Answer, *, front: bool = False
) -> None:
    """The group's cap holds the question back: it waits its turn (the group is told once
    that answers pause), or, the queue full, it is covered by the "won't answer" note."""
    message = update.effective_message
    if message is None:
        return
    services = context.services
    chat_id = services.flood.moved_to(message.chat.id)
    if services.flood.hold(chat_id, _Question(update, answer), front=front):
        logger.debug("group question waits for room", extra={"chat_id": chat_id})
        if not front:
            await tell_over_cap(context, message, chat_id)
    else:
        await tell_unanswered(context, chat_id)
    _schedule_queue(context, chat_id)


def _schedule_queue(context: BotContext, chat_id: int) -> None:
    """Run the group's queue when it has room (once: a job already set stays)."""
    services = context.services
    job_queue = context.job_queue
    if job_queue is None:
        logger.critical("no JobQueue (install python-telegram-bot[job-queue]): questions lost")
        return
    name = queue_job_name(chat_id)
    if any(not job.removed for job in job_queue.get_jobs_by_name(name)):
        return
    due = services.flood.room_at(chat_id)
    delay = max(due - services.clock.now(), timedelta(0))
    job_queue.run_once(answer_queue, when=delay, data=WaitingTurn(chat_id, due), name=name)


async def answer_queue(context: AnyContext) -> None:
    """The job: answer the group's waiting questions, oldest first, while it has room; tell
    the group about the ones it will not answer; run again when room frees, if any wait."""
    if not isinstance(context, BotContext):  # the application's context type (bot/app.py)
        raise TypeError(f"a group queue's job needs a BotContext, not {type(context)}")
    job = context.job
    turn = job.data if job is not None else None
    if not isinstance(turn, WaitingTurn):
        return
    flood = context.services.flood
    chat_id = flood.moved_to(turn.chat_id)
    try:
        while flood.has_room(chat_id):
            question = flood.next_waiting(chat_id)
            if not isinstance(question, _Question):
                break
            user = question.update.effective_user
            if user is not None:
                await context.load(user)  # the asker's language, if stored
            try:
                await question.answer(question.update, context, queued=True)
            except TelegramError as exc:  # that answer is lost; the others still come
                logger.warning("queued group answer failed",
                               extra={"chat_id": chat_id, "error": exc.message})
            chat_id = flood.moved_to(chat_id)  # it may have moved while answering
        await tell_unanswered(context, chat_id)
    finally:
        if flood.pending(chat_id):
            _schedule_queue(context, chat_id)


async def tell_unanswered(context: BotContext, chat_id: int) -> None:
    """One note, under the first of them, that some questions here won't be answered."""
    services = context.services
    question = services.flood.unanswered_note(chat_id)
    if not isinstance(question, _Question):
        return
    message = question.update.effective_message
    if message is None:
        return
    lang = await _lang(services, message, chat_id)
    text = MESSAGES.get("group.flood.unanswered", lang)
    await send_reply(context, message, chat_id, html.escape(text))


async def send_reply(
    context: BotContext, message: Message, chat_id: int, text: str,
    reply_to: int | None = None, **kwargs: object,
) -> Message:
    """Send `text` under `message` (or `reply_to`, in its chat) to the group `chat_id`: the
    message's chat, or the supergroup it became. A group that migrated meanwhile gets it
    at its new id (ChatMigrated: everything waiting for it moves too)."""
    services = context.services
    thread = message.message_thread_id if message.is_topic_message else None
    reply = ReplyParameters(reply_to or message.message_id, allow_sending_without_reply=True)
    if chat_id != message.chat.id:
        thread = None  # a basic group has no topics, and message ids start anew
    try:
        return await context.bot.send_message(
            chat_id, text, reply_parameters=reply, message_thread_id=thread,
            **kwargs,  # type: ignore[arg-type]
        )
    except ChatMigrated as exc:
        new = exc.new_chat_id
        await move_group(services, chat_id, new)
        return await context.bot.send_message(
            new, text, reply_parameters=reply, **kwargs  # type: ignore[arg-type]
        )


async def move_group(services: Services, old: int, new: int) -> None:
    """The group `old` became the supergroup `new`: its settings, queue and waiting
    questions go with it (twice is harmless: the second finds nothing left to move)."""
    services.flood.migrate(old, new)
    services.presses.forget_chat(old)
    moved = await services.groups.migrate(old, new)
    logger.info("group migrated", extra={"chat_id": new, "from_chat_id": old, "moved": moved})


async def tell_over_cap(context: BotContext, message: Message, chat_id: int | None = None
                        ) -> None:
    """The group's cap held back an answer to `message`: say when answers resume, once."""
    services = context.services
    chat_id = services.flood.moved_to(message.chat.id) if chat_id is None else chat_id
    until = services.flood.cap_note(chat_id)
    if until is not None:
        await _note(context, message, chat_id, until, member=False)


async def _note(
    context: BotContext, message: Message, chat_id: int, until: datetime, *, member: bool
) -> None:
    """A short reply under `message`: the member, or the group, is answered again `until`
    (the note's slot in the group's cap is already taken)."""
    services = context.services
    seconds = (until - services.clock.now()).total_seconds()
    minutes = max(1, math.ceil(seconds / 60))
    lang = await _lang(services, message, chat_id)
    if member:
        text = MESSAGES.get("group.flood.member", lang, minutes=minutes)
    else:
        text = MESSAGES.get("group.flood.group", lang, minutes=minutes)
    await send_reply(context, message, chat_id, html.escape(text))


async def _lang(services: Services, message: Message, chat_id: int) -> Lang:
    """The group's language if its admins set one, else the asker's app language."""
    group = await services.groups.get(chat_id)
    if group is not None and group.lang:
        return normalize_lang(group.lang)
    user = message.from_user
    return normalize_lang(user.language_code if user is not None else None)
