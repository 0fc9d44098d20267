"""Reminders: a JobQueue job claims due cases from the database and sends their reminders.

The database is the truth; the job keeps nothing between runs. Every SWEEP_INTERVAL the
job claims due cases in batches (CaseStore.claim_due puts a lease on each), sends each
reminder, then records it (complete_reminder, with the next round's time, or None after
the last round) or gives the case back for later (release_claim). A restart simply runs
the job again: cases whose reminder was due while the bot was down are claimed at its
first run.

Guarantees, and their one limit:
* never lost — a case leaves the schedule only through complete_reminder after Telegram
  accepted the message, or because the user acted on it; a failed send is released with a
  retry time; a process killed mid-send leaves a claim that runs out after LEASE, when the
  case is claimed again;
* never twice, except — if the process dies after Telegram accepted a reminder and before
  complete_reminder ran, that reminder is sent again when the lease runs out: at most one
  duplicate per crash, which is the price of never losing one;
* memory stays flat — at most BATCH cases are held at a time, whatever the number of open
  cases; the only other state is a bounded map of recent failures (for the back-off).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import CallbackContext, JobQueue

from bot.cases.screens import reminder_screen
from bot.cases.tracking import last_round, round_gap
from bot.core.jobs import run_repeating_once
from bot.core.render import render_screen
from bot.core.services import AnyApplication, Services, services_of
from bot.core.ui import Viewer
from bot.core.viewer import zone_or_default
from bot.infra.metrics import metrics_of
from knowledge.i18n import normalize_lang
from storage.cases import Case
from storage.users import UserSettings

logger = logging.getLogger(__name__)

JOB_NAME = "reminders"
SOON_JOB_NAME = "reminders-soon"
# how often the database is asked for due cases: a reminder is at most this late
SWEEP_INTERVAL = timedelta(seconds=30)
# the first run after a start: soon, but after the bot has finished starting
FIRST_SWEEP = timedelta(seconds=5)
# a claim lasts this long: more than a send can take, with AIORateLimiter's retries
# (3 flood waits) and timeouts; a crash mid-send delays that reminder by at most this
LEASE = timedelta(minutes=10)
BATCH = 50
# a sweep stops after this many batches and leaves the rest to the next one, so one run
# never holds the loop for long (30 messages/s is Telegram's overall limit)
MAX_BATCHES = 20
# a second reminder for the same chat in one sweep waits this long (Telegram allows
# about one message per second in a chat)
CHAT_GAP = timedelta(seconds=2)
# retries after failed sends: 1, 2, 4, … minutes, at most an hour
FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=1)
MAX_TRACKED_FAILURES = 10_000
# reminders are unsolicited bulk messages, which Telegram holds to about 30/s overall:
# one every 1/29 s, never a burst (a bucket that lets 30 go at once draws 429s, and each
# 429 pauses every send — bench/reminders.py). Replies to users are not paced by this.
SEND_INTERVAL = 1 / 29
# a run_once is scheduled for a case due before the next sweep, but not for sooner than this
MIN_WAKE = timedelta(seconds=1)


@dataclass
class SweepReport:
    sent: int = 0
    deferred: int = 0  # quiet hours, or a second message for one chat
    failed: int = 0  # released for a retry
    blocked: int = 0  # the user blocked the bot: marked inactive
    outcomes: dict[int, str] = field(default_factory=dict)  # case id → outcome (tests, logs)


def in_quiet_hours(user: UserSettings, local: datetime) -> bool:
    start, end = user.quiet_start, user.quiet_end
    if start is None or end is None or start == end:
        return False
    now = local.time().replace(tzinfo=None)
    if start < end:
        return start <= now < end
    return now >= start or now < end  # wraps midnight: 22:00-08:00


def quiet_hours_end(end: time, local: datetime) -> datetime:
    """The next time the clock in `local`'s zone reads `end`, after `local`."""
    moment = datetime.combine(local.date(), end, tzinfo=local.tzinfo)
    if moment <= local:
        moment = datetime.combine(local.date() + timedelta(days=1), end, tzinfo=local.tzinfo)
    return moment


class Reminders:
    """Sends due reminders; one per application, kept in bot_data."""

    def __init__(self) -> None:
        self._failures: OrderedDict[int, int] = OrderedDict()
        # the repeating sweep and an early one never run at once (per-chat pacing holds)
        self._lock = asyncio.Lock()
        self._pace = AsyncLimiter(1, SEND_INTERVAL)

    def _retry_at(self, case_id: int, now: datetime, at_least: timedelta | None = None) -> datetime:
        count = self._failures.pop(case_id, 0) + 1
        self._failures[case_id] = count
        while len(self._failures) > MAX_TRACKED_FAILURES:
            self._failures.popitem(last=False)
        delay = min(FIRST_RETRY * (1 << min(count - 1, 10)), MAX_RETRY)
        if at_least is not None:
            delay = max(delay, at_least)
        return now + delay

    async def sweep(self, services: Services, bot: Bot) -> SweepReport:
        """Claim and send every reminder due now, batch by batch; never raises."""
        async with self._lock:
            return await self._sweep(services, bot)

    async def _sweep(self, services: Services, bot: Bot) -> SweepReport:
        report = SweepReport()
        now = services.clock.now()
        chats: set[int] = set()
        for _ in range(MAX_BATCHES):
            try:
                batch = await services.cases.claim_due(now, BATCH, LEASE)
            except Exception:
                logger.exception("claiming due cases failed")
                return report
            for case in batch:
                try:
                    await self._remind(services, bot, case, now, chats, report)
                except Exception:
                    # the claim runs out and the case is tried again: delayed, not lost
                    logger.exception("reminder failed", extra={"case_id": case.id})
                    report.failed += 1
                    report.outcomes[case.id] = "error"
            if len(batch) < BATCH:
                break
        return report

    async def _remind(
        self,
        services: Services,
        bot: Bot,
        case: Case,
        now: datetime,
        chats: set[int],
        report: SweepReport,
    ) -> None:
        user = await services.users.get(case.owner_id)
        if user is None or not user.active:
            # blocked since the claim: an inactive owner's cases leave the schedule by
            # themselves, due again the moment they are back; no user row (never so, the
            # cases go with it): not again in this sweep
            await services.cases.release_claim(case.id, now if user else now + MAX_RETRY)
            return
        zone = zone_or_default(user.timezone, services.settings.zone)
        local = now.astimezone(zone)
        if in_quiet_hours(user, local) and user.quiet_end is not None:
            until = quiet_hours_end(user.quiet_end, local)
            await services.cases.release_claim(case.id, until)
            self._log(case, "deferred_quiet", report, until=until)
            report.deferred += 1
            return
        if case.owner_id in chats:
            await services.cases.release_claim(case.id, now + CHAT_GAP)
            self._log(case, "deferred_chat", report)
            report.deferred += 1
            return
        round_ = case.reminders_sent + 1
        rounds = last_round(services.catalog, case)
        next_at = now + round_gap(case) if round_ < rounds else None
        viewer = Viewer(lang=normalize_lang(user.lang), zone=zone, now=now)
        screen = reminder_screen(
            services.catalog, case, viewer, round_=round_, rounds=rounds, next_at=next_at
        )
        rendered = render_screen(screen)
        chats.add(case.owner_id)
        try:
            async with self._pace:
                await bot.send_message(
                    case.owner_id, rendered.text, reply_markup=rendered.keyboard
                )
        except Forbidden:
            await self._blocked(services, case, now, report)
            return
        except BadRequest as error:
            if "chat not found" in error.message.lower():
                await self._blocked(services, case, now, report)
                return
            # our message was refused: log it loudly, and try again later
            await self._failed(services, case, now, report, error)
            return
        except RetryAfter as error:
            # AIORateLimiter already waited and retried; give the case back for later
            wait = error.retry_after
            at_least = wait if isinstance(wait, timedelta) else timedelta(seconds=wait)
            await self._failed(services, case, now, report, error, at_least)
            return
        except TelegramError as error:  # NetworkError, TimedOut, server errors
            await self._failed(services, case, now, report, error)
            return
        self._failures.pop(case.id, None)
        sent_at = services.clock.now()
        await services.cases.complete_reminder(case.id, sent_at, next_at)
        report.sent += 1
        self._log(case, "sent", report, round=round_, rounds=rounds, next_at=next_at)

    async def _blocked(
        self, services: Services, case: Case, now: datetime, report: SweepReport
    ) -> None:
        await services.users.set_active(case.owner_id, False)
        # due again as soon as they are back (a message from them marks them active)
        await services.cases.release_claim(case.id, now)
        report.blocked += 1
        self._log(case, "blocked", report)

    async def _failed(
        self,
        services: Services,
        case: Case,
        now: datetime,
        report: SweepReport,
        error: TelegramError,
        at_least: timedelta | None = None,
    ) -> None:
        retry_at = self._retry_at(case.id, now, at_least)
        await services.cases.release_claim(case.id, retry_at)
        report.failed += 1
        self._log(case, "retry", report, error=type(error).__name__, retry_at=retry_at,
                  level=logging.WARNING)

    @staticmethod
    def _log(case: Case, outcome: str, report: SweepReport, level: int = logging.INFO,
             **fields: Any) -> None:
        """One line per case handled: its id, owner and outcome — never the note or case id."""
        report.outcomes[case.id] = outcome
        extra: dict[str, Any] = {"case_id": case.id, "user_id": case.owner_id,
                                 "outcome": outcome}
        for name, value in fields.items():
            extra[name] = value.isoformat() if isinstance(value, datetime) else value
        logger.log(level, "reminder", extra=extra)


REMINDERS_KEY = "reminders"

AnyContext = CallbackContext[Any, Any, Any, Any]


def reminders_of(app: AnyApplication) -> Reminders:
    found = app.bot_data.get(REMINDERS_KEY)
    if isinstance(found, Reminders):
        return found
    reminders = Reminders()
    app.bot_data[REMINDERS_KEY] = reminders
    return reminders


async def sweep_job(context: AnyContext) -> None:
    """The job: send what is due, then wake early if something falls due before the next run."""
    app = context.application
    services = services_of(context)
    report = await reminders_of(app).sweep(services, context.bot)
    metrics = metrics_of(context)
    for _ in range(report.sent):
        metrics.reminder_sent()
    for _ in range(report.failed + report.blocked):
        metrics.reminder_failed()
    if report.outcomes:
        logger.info("reminder sweep", extra={"sent": report.sent, "deferred": report.deferred,
                                             "failed": report.failed, "blocked": report.blocked})
    try:
        next_due = await services.cases.next_due_at()
    except Exception:
        logger.exception("reading the next due time failed")
        return
    job_queue = context.job_queue
    if next_due is not None and job_queue is not None:
        wake_early(job_queue, next_due - services.clock.now())


def wake_early(job_queue: JobQueue[Any], delay: timedelta) -> None:
    """A one-off run when the next case falls due well before the next sweep."""
    if not MIN_WAKE <= delay < SWEEP_INTERVAL - MIN_WAKE:
        return
    for job in job_queue.get_jobs_by_name(SOON_JOB_NAME):
        job.schedule_removal()
    job_queue.run_once(sweep_job, when=delay, name=SOON_JOB_NAME)


def schedule_reminders(app: AnyApplication) -> None:
    """Start the sweep (post_init). The schedule itself is in the database: nothing to load."""
    reminders_of(app)
    run_repeating_once(app, sweep_job, name=JOB_NAME, interval=SWEEP_INTERVAL,
                       first=FIRST_SWEEP, without="reminders off")
