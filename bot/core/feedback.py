"""What users report, on the bot's side: votes under answers, reply times of tracked cases,
the line of reported reply times under an answer, the operators' report and the daily sweep.

The store (storage/feedback.py) keeps no user, chat or question. One vote per answer
message is held by a keyed hash of (chat, message): the key is derived from the bot's
token, which never enters the database, so the file alone cannot tell whose vote a row
is; the hash is cleared two days later, and at once by /forget. Features record through
`record_vote` and `record_reply_time` (best effort: a failed write never costs the user
an answer); operators read `feedback_report` (/feedback, `python -m bot feedback`).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.jobs import run_repeating_once
from bot.core.services import AnyApplication, AnyContext, Services, services_of
from knowledge.answer import DirectAnswer, answer_about
from knowledge.aspects import AskedAspects
from knowledge.catalog import AspectFact, CardRef, Catalog, platform_facts
from knowledge.schema import Aspect, Source
from storage.cases import Case
from storage.feedback import (
    CHAT_BYTES,
    RETENTION_DAYS,
    AnswerKey,
    FeedbackStore,
    ReplyTimeStat,
    VoteCount,
    VoteKind,
    VoteOutcome,
)

logger = logging.getLogger(__name__)

# a vote button older than this is refused like any stale button (the key's lifetime,
# storage.feedback.KEY_DAYS, covers it)
VOTE_WINDOW = timedelta(hours=48)
# a reported median is shown under an answer from this many reports on
MIN_REPORTS = 5
MAX_CHANNELS_LOOKED_UP = 3  # of a reply-time answer's channels, the first few are read
# a fact whose answers got this many "did not work" votes in RECHECK_DAYS is named in
# the daily log line, so an editor re-checks its source
RECHECK_THRESHOLD = 3
RECHECK_DAYS = 30
SWEEP_JOB_NAME = "feedback-sweep"
SWEEP_INTERVAL = timedelta(days=1)
FIRST_SWEEP = timedelta(minutes=2)
_KEY_CONTEXT = b"kefu-bot vote keys v1\x00"


# --- identities -----------------------------------------------------------------------


def vote_secret(token: str) -> bytes:
    """The key of message hashes, derived from the bot's token (never stored)."""
    return hashlib.sha256(_KEY_CONTEXT + token.encode("utf-8")).digest()


def chat_part(secret: bytes, chat_id: int) -> bytes:
    """The first bytes of every message key of one chat (so /forget can clear them)."""
    return hmac.new(secret, f"chat:{chat_id}".encode(), hashlib.sha256).digest()[:CHAT_BYTES]


def message_key(secret: bytes, chat_id: int, message_id: int) -> bytes:
    """16 bytes that stand for one answer message, unreadable without the secret."""
    own = hmac.new(secret, f"message:{chat_id}:{message_id}".encode(), hashlib.sha256)
    return chat_part(secret, chat_id) + own.digest()[:CHAT_BYTES]


def answer_key(ref: CardRef, aspect: Aspect | None) -> AnswerKey:
    return AnswerKey(ref.platform, ref.role, ref.issue, ref.site or "",
                     "" if aspect is None else aspect.value)


def answer_ref(key: AnswerKey) -> tuple[CardRef, Aspect | None]:
    """The card and aspect a stored vote names (an aspect no longer known: the card)."""
    try:
        aspect: Aspect | None = Aspect(key.aspect) if key.aspect else None
    except ValueError:
        aspect = None
    return CardRef(key.platform, key.role, key.issue, key.site or None), aspect


# --- recording --------------------------------------------------------------------------


async def record_vote(
    services: Services, key: bytes, answer: AnswerKey, vote: VoteKind
) -> VoteOutcome | None:
    """Count a vote; None (and a log line) when the database did not take it."""
    try:
        return await services.feedback.vote(key, answer, vote)
    except Exception as exc:  # best effort: a vote is never worth an error to the user
        logger.warning("vote not recorded",
                       extra={"platform": answer.platform, "error": type(exc).__name__})
        return None


def waited_hours(case: Case, replied_at: datetime) -> int:
    """Opened → replied in whole hours (never negative)."""
    return max(int((replied_at - case.opened_at).total_seconds() // 3600), 0)


async def record_reply_time(services: Services, case: Case, replied_at: datetime) -> bool:
    """Add the case's wait to the anonymous reply times (the caller checked consent)."""
    try:
        kept = await services.feedback.record_reply_time(
            case.platform, case.role, case.channel, case.site, waited_hours(case, replied_at))
    except Exception as exc:
        logger.warning("reply time not recorded",
                       extra={"platform": case.platform, "error": type(exc).__name__})
        return False
    logger.info("reply time reported", extra={"platform": case.platform,
                                              "channel": case.channel, "kept": kept})
    return kept


# --- what answers show -------------------------------------------------------------------


def _facts_by_path(catalog: Catalog, platform_id: str) -> dict[str, AspectFact]:
    platform = catalog.platform(platform_id)
    return {} if platform is None else {f.path: f for f in platform_facts(platform)}


def answered_channels(catalog: Catalog, answer: DirectAnswer) -> list[str]:
    """The channels whose reply times a reply-time answer states, in its order."""
    if answer.ref is None or answer.aspect is not Aspect.response_time:
        return []
    facts = _facts_by_path(catalog, answer.ref.platform)
    channels: list[str] = []
    for path in answer.facts:
        fact = facts.get(path)
        if fact is not None and fact.kind == "response" and fact.channel is not None \
                and fact.channel not in channels:
            channels.append(fact.channel)
    return channels


async def reported_reply_time(services: Services, answer: DirectAnswer) -> ReplyTimeStat | None:
    """Users' median for the first channel of a reply-time answer that MIN_REPORTS or more
    cases of the last RETENTION_DAYS days were reported for; else None."""
    if answer.ref is None:
        return None
    ref = answer.ref
    for channel in answered_channels(services.catalog, answer)[:MAX_CHANNELS_LOOKED_UP]:
        try:
            stat = await services.feedback.reply_time(ref.platform, ref.role, channel, ref.site)
        except Exception as exc:  # the answer goes out without the line
            logger.warning("reply times not read", extra={"error": type(exc).__name__})
            return None
        if stat is not None and stat.count >= MIN_REPORTS:
            return stat
    return None


# --- the operators' report ----------------------------------------------------------------


@dataclass(frozen=True)
class AnswerVotes:
    """One answer's votes in the window, the facts it draws on and their sources."""

    answer: AnswerKey
    up: int
    down: Counter[VoteKind]
    facts: tuple[str, ...]
    sources: tuple[Source, ...]

    @property
    def negative(self) -> int:
        return sum(self.down.values())


@dataclass(frozen=True)
class Rate:
    """👍 among all votes, for one platform and aspect ('' : the card itself)."""

    platform: str
    aspect: str
    up: int
    total: int


@dataclass(frozen=True)
class FeedbackReport:
    days: int
    answers: list[AnswerVotes]  # most 👎 first
    rates: list[Rate]
    reply_times: list[ReplyTimeStat]
    overflow: Counter[VoteKind] = field(default_factory=Counter)  # past the daily cap


def answer_facts(catalog: Catalog, key: AnswerKey, now: datetime) -> DirectAnswer | None:
    """The answer as the catalog words it now (its facts and sources); None if gone."""
    ref, aspect = answer_ref(key)
    if catalog.resolve(ref) is None:
        return None
    asked = AskedAspects(() if aspect is None else (aspect,))
    answer = answer_about(catalog, ref, asked, lang="en", user_zone=ZoneInfo("UTC"), now=now)
    return None if answer.ref is None else answer


def _answers(catalog: Catalog, counts: list[VoteCount], now: datetime) -> list[AnswerVotes]:
    by_answer: dict[AnswerKey, tuple[int, Counter[VoteKind]]] = {}
    for count in counts:
        if count.answer is None:
            continue
        up, down = by_answer.get(count.answer, (0, Counter()))
        if count.vote is VoteKind.UP:
            up += count.count
        else:
            down[count.vote] += count.count
        by_answer[count.answer] = (up, down)
    answers = []
    for key, (up, down) in by_answer.items():
        # only answers voted down are worth an editor's look: the others need no facts
        answer = answer_facts(catalog, key, now) if down else None
        facts = answer.facts if answer is not None else ()
        sources = answer.sources if answer is not None else ()
        answers.append(AnswerVotes(key, up, down, facts, sources))
    answers.sort(key=lambda a: (-a.negative, -a.up, a.answer.platform, a.answer.role,
                                a.answer.issue, a.answer.site, a.answer.aspect))
    return answers


def _rates(counts: list[VoteCount]) -> list[Rate]:
    up: Counter[tuple[str, str]] = Counter()
    total: Counter[tuple[str, str]] = Counter()
    for count in counts:
        if count.answer is None:
            continue
        where = (count.answer.platform, count.answer.aspect)
        total[where] += count.count
        if count.vote is VoteKind.UP:
            up[where] += count.count
    return [Rate(p, a, up[(p, a)], n) for (p, a), n in sorted(total.items())]


async def feedback_report(
    store: FeedbackStore, catalog: Catalog, now: datetime, days: int = RETENTION_DAYS
) -> FeedbackReport:
    """Votes by answer and reason, 👍 rates, reported reply times, over `days` days."""
    counts = await store.votes(days)
    overflow: Counter[VoteKind] = Counter()
    for count in counts:
        if count.answer is None:
            overflow[count.vote] += count.count
    return FeedbackReport(days, _answers(catalog, counts, now), _rates(counts),
                          await store.reply_times(days), overflow)


def facts_to_recheck(report: FeedbackReport, threshold: int = RECHECK_THRESHOLD) -> Counter[str]:
    """"platform:fact path" → "did not work" votes, for facts at or past `threshold`."""
    broken: Counter[str] = Counter()
    for answer in report.answers:
        votes = answer.down[VoteKind.BROKEN]
        for path in answer.facts if votes else ():
            broken[f"{answer.answer.platform}:{path}"] += votes
    return Counter({fact: n for fact, n in broken.items() if n >= threshold})


# --- the daily sweep ------------------------------------------------------------------------


async def sweep_feedback_job(context: AnyContext) -> None:
    """Delete reports older than RETENTION_DAYS, clear old message keys, and name in the
    log line the facts users say did not work (a failure reaches the error handler)."""
    services = services_of(context)
    removed = await services.feedback.sweep()
    now = services.clock.now().astimezone(UTC)
    report = await feedback_report(services.feedback, services.catalog, now, RECHECK_DAYS)
    recheck = facts_to_recheck(report)
    logger.info(
        "feedback swept",
        extra={
            "removed": removed,
            "recheck": ", ".join(f"{fact} ({n})" for fact, n in recheck.most_common()) or "-",
        },
    )


def schedule_feedback_sweep(app: AnyApplication) -> None:
    """Start the daily sweep (post_init)."""
    run_repeating_once(app, sweep_feedback_job, name=SWEEP_JOB_NAME, interval=SWEEP_INTERVAL,
                       first=FIRST_SWEEP, without="user feedback kept past 90 days")
