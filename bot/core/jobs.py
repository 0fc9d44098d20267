"""Repeating jobs on PTB's JobQueue, started once however often post_init runs."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from bot.core.services import AnyApplication

logger = logging.getLogger(__name__)

JobCallback = Callable[[Any], Coroutine[Any, Any, None]]


def run_repeating_once(
    app: AnyApplication, callback: JobCallback, *, name: str, interval: timedelta,
    first: timedelta, without: str,
) -> bool:
    """Start `callback` every `interval` under `name`, replacing a job of that name; False
    (and CRITICAL, saying what is `without` it) when the JobQueue extra is missing."""
    job_queue = app.job_queue
    if job_queue is None:
        logger.critical("no JobQueue (install python-telegram-bot[job-queue]): %s", without)
        return False
    for job in job_queue.get_jobs_by_name(name):
        job.schedule_removal()
    job_queue.run_repeating(
        callback, interval=interval, first=first, name=name,
        # one run at a time; a late one is run once, not caught up run by run
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )
    return True
