"""What users ask that the bot cannot answer, counted anonymously for the operators.

Why: the questions the bot is not sure about, and those about platforms it does not
cover, say what to add next. They are kept as counts per day and redacted text only —
never a user id or chat id, never an exact time — and for 30 days; `sweep` deletes
older days. `record` redacts itself (storage.redact), so no caller can store a phone
number, an order id, an e-mail address or a link by mistake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from enum import StrEnum

from storage.db import Database
from storage.redact import redact
from storage.timestamps import Clock, SystemClock

__all__ = [
    "MAX_MISSES_PER_DAY",
    "MAX_TOP",
    "OVERFLOW_TEXT",
    "RETENTION_DAYS",
    "MissCount",
    "MissKind",
    "MissStore",
    "MissSummary",
]

RETENTION_DAYS = 30
MAX_TOP = 100  # the most rows `top` returns, whatever is asked
# distinct texts kept per day; beyond, further new texts are counted under OVERFLOW_TEXT
# so a flood of unique messages cannot grow the file without bound, and no count is lost
MAX_MISSES_PER_DAY = 5000
OVERFLOW_TEXT = "(more questions that day)"
MAX_PLATFORM_LEN = 64

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class MissKind(StrEnum):
    NOT_SURE = "not_sure"  # search was not confident
    UNCOVERED = "uncovered"  # the question names a platform no knowledge file covers


@dataclass(frozen=True)
class MissCount:
    """One redacted question and how often it was missed in the window."""

    kind: MissKind
    platform: str | None  # the uncovered platform's id (platform_names.yaml)
    text: str
    count: int
    last_day: date  # the most recent day it was asked


@dataclass(frozen=True)
class MissSummary:
    """Misses in the window by kind and, for uncovered platforms, by platform (/metrics)."""

    total: int
    by_kind: dict[MissKind, int] = field(default_factory=dict)
    by_platform: dict[str, int] = field(default_factory=dict)


def _clean_platform(kind: MissKind, platform: str | None) -> str:
    if kind is MissKind.NOT_SURE:
        if platform:
            raise ValueError("a not_sure miss names no platform")
        return ""
    cleaned = (platform or "").strip()
    if not cleaned or len(cleaned) > MAX_PLATFORM_LEN or _CONTROL.search(cleaned):
        raise ValueError(f"an uncovered miss needs a platform id of 1-{MAX_PLATFORM_LEN} chars")
    return cleaned


class MissStore:
    """Records misses and reads the operators' views; all SQL for `misses` is here."""

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self._db = db
        self._clock: Clock = clock or SystemClock()

    def _cutoff(self, days: int) -> str:
        """The first day inside a window of `days` days ending today (UTC)."""
        if days < 1:
            raise ValueError("the window is at least one day")
        return (_utc_day(self._clock) - timedelta(days=days - 1)).isoformat()

    async def record(
        self, kind: MissKind | str, text: str, platform: str | None = None
    ) -> str | None:
        """Count one miss; return the text as stored, or None if nothing was left to store.

        The text is redacted here. A question that is only digits, links and the like is
        still counted, by its placeholders ("<n>").
        """
        kind = MissKind(kind)
        stored_platform = _clean_platform(kind, platform)
        stored = redact(text)
        if not stored:
            return None
        day = _utc_day(self._clock).isoformat()
        key = (day, kind.value, stored_platform)
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE misses SET count = count + 1 "
                "WHERE day = ? AND kind = ? AND platform = ? AND text = ?",
                (*key, stored),
            )
            if changed:
                return stored
            row = await tx.fetchone("SELECT count(*) FROM misses WHERE day = ?", (day,))
            if row is not None and int(row[0]) >= MAX_MISSES_PER_DAY:
                stored = OVERFLOW_TEXT
            await tx.execute(
                """
                INSERT INTO misses (day, kind, platform, text) VALUES (?, ?, ?, ?)
                ON CONFLICT (day, kind, platform, text) DO UPDATE SET count = count + 1
                """,
                (*key, stored),
            )
        return stored

    async def top(self, limit: int = 20, days: int = RETENTION_DAYS) -> list[MissCount]:
        """The most frequent misses of the last `days` days, at most MAX_TOP of them.

        Ties go to the most recent, then to the text, so the list is stable.
        """
        if limit < 1:
            raise ValueError("limit must be at least 1")
        rows = await self._db.fetchall(
            """
            SELECT kind, platform, text, sum(count) AS total, max(day) AS last_day
            FROM misses WHERE day >= ?
            GROUP BY kind, platform, text
            ORDER BY total DESC, last_day DESC, text, kind, platform
            LIMIT ?
            """,
            (self._cutoff(days), min(limit, MAX_TOP)),
        )
        return [
            MissCount(
                kind=MissKind(row["kind"]),
                platform=row["platform"] or None,
                text=row["text"],
                count=int(row["total"]),
                last_day=date.fromisoformat(row["last_day"]),
            )
            for row in rows
        ]

    async def summary(self, days: int = RETENTION_DAYS) -> MissSummary:
        """Counts by kind and by uncovered platform over the last `days` days."""
        rows = await self._db.fetchall(
            """
            SELECT kind, platform, sum(count) AS total FROM misses
            WHERE day >= ? GROUP BY kind, platform ORDER BY kind, platform
            """,
            (self._cutoff(days),),
        )
        by_kind: dict[MissKind, int] = {}
        by_platform: dict[str, int] = {}
        for row in rows:
            kind = MissKind(row["kind"])
            by_kind[kind] = by_kind.get(kind, 0) + int(row["total"])
            if row["platform"]:
                by_platform[row["platform"]] = int(row["total"])
        return MissSummary(sum(by_kind.values()), by_kind, by_platform)

    async def sweep(self) -> int:
        """Delete the days older than the retention window; return how many rows went."""
        return await self._db.execute(
            "DELETE FROM misses WHERE day < ?", (self._cutoff(RETENTION_DAYS),)
        )


def _utc_day(clock: Clock) -> date:
    """Today in UTC: one calendar for every server, whatever its local zone."""
    return clock.now().astimezone(UTC).date()
