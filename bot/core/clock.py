"""The bot's notion of now, injectable so tests control time instead of sleeping.

`Clock` and `SystemClock` are storage's (the stores stamp rows with the same clock);
`ManualClock` is the one tests and benchmarks move by hand.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.timestamps import Clock, SystemClock

__all__ = ["Clock", "ManualClock", "SystemClock"]


class ManualClock:
    """A clock that moves only when told to (tests, benchmarks)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)
