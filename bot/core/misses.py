"""What users miss, on the bot's side: recording a miss (best effort) and the daily sweep.

The answering paths call `record_miss` when they could not answer confidently, or when a
question names a platform no knowledge file covers. The store (storage/misses.py) keeps
only the words the bot knows (the knowledge files' words, knowledge/vocabulary.py, and a
common-word list), counts each sender once per text and day without storing who, and
keeps no user or chat id; it keeps counts per day for RETENTION_DAYS, and the
JobQueue job scheduled here deletes older days once a day. Operators read the misses with
/misses (bot/admin), `python -m bot misses` and /metrics (counted in `Services.miss_counts`).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.core.jobs import run_repeating_once
from bot.core.services import AnyApplication, AnyContext, Services, services_of
from storage.misses import MissKind

logger = logging.getLogger(__name__)

SWEEP_JOB_NAME = "misses-sweep"
# older days go once a day; the first sweep soon after a start, so a bot restarted every
# day still sweeps
SWEEP_INTERVAL = timedelta(days=1)
FIRST_SWEEP = timedelta(minutes=1)


async def record_miss(
    services: Services, kind: MissKind | str, text: str, platform: str | None = None, *,
    sender: int | None = None,
) -> None:
    """Count a question the bot could not answer; never raises.

    `kind` is MissKind.NOT_SURE (no platform) or MissKind.UNCOVERED with the uncovered
    platform's id; `sender` (who asked) is counted once per text and day and never stored.
    A failing database costs a log line (never the text), not the answer.
    """
    try:
        miss_kind = MissKind(kind)
    except ValueError:
        logger.warning("miss of an unknown kind not recorded", extra={"kind": str(kind)})
        return
    services.miss_counts.count(miss_kind, platform)
    try:
        await services.misses.record(miss_kind, text, platform, sender=sender)
    except Exception as exc:  # best effort: a miss is never worth a failed answer
        logger.warning(
            "miss not recorded",
            extra={"kind": miss_kind.value, "platform": platform, "error": type(exc).__name__},
        )


async def sweep_misses_job(context: AnyContext) -> None:
    """Delete the misses older than the retention window (a failure reaches the error handler,
    and the next day's run tries again)."""
    removed = await services_of(context).misses.sweep()
    logger.info("misses swept", extra={"removed": removed})


def schedule_miss_sweep(app: AnyApplication) -> None:
    """Start the daily sweep (post_init)."""
    run_repeating_once(app, sweep_misses_job, name=SWEEP_JOB_NAME, interval=SWEEP_INTERVAL,
                       first=FIRST_SWEEP, without="misses kept")
