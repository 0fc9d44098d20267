"""How moments and times of day are stored: UTC ISO-8601 text of one fixed width."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Protocol

# Every stored moment is `datetime.isoformat(timespec="microseconds")` of a UTC datetime,
# e.g. "2025-03-01T08:30:00.000000+00:00". One fixed width means text order is time
# order, so SQL compares and indexes the columns directly, and a person reading the
# file sees real dates. Microseconds keep a round trip exact.


class Clock(Protocol):
    """Where the stores (and the bot) get "now"; tests pass one they move themselves."""

    def now(self) -> datetime:
        """The current moment, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The real clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def to_db(moment: datetime) -> str:
    """Stored form of an aware datetime; a naive one is refused, its zone is unknown."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass an aware datetime (UTC)")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def to_db_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else to_db(moment)


def from_db(text: str) -> datetime:
    """An aware UTC datetime from its stored form."""
    return datetime.fromisoformat(text).astimezone(UTC)


def from_db_or_none(text: str | None) -> datetime | None:
    return None if text is None else from_db(text)


def time_to_db(value: time) -> str:
    """Stored form of a local time of day (quiet hours are in the user's own zone)."""
    if value.tzinfo is not None:
        raise ValueError(f"time of day {value!r} must be naive: it is read in the user's zone")
    return value.isoformat()


def time_from_db(text: str | None) -> time | None:
    return None if text is None else time.fromisoformat(text)
