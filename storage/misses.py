"""What users ask that the bot cannot answer, counted anonymously for the operators.

Why: the questions the bot is not sure about, and those about platforms it does not
cover, say what to add next. They are kept as counts per day and an allow-listed text
only (storage/redact.py: words the bot knows, every other token a placeholder) — never
a user id or chat id, never an exact time — and for 30 days; `sweep` deletes older days.
`record` redacts itself, so no caller can store a number, a name or an address.

A row's count is the number of different senders who asked that text that day: each
sender counts once per text per day, told apart by a keyed hash (HMAC) whose key lives
in memory only and is new each UTC day (SenderTally), so nothing stored or kept past the
day says who asked. A sender's texts beyond MAX_TEXTS_PER_SENDER a day, and new texts
beyond MAX_MISSES_PER_DAY, are counted under OVERFLOW_TEXT. The operators' views show a
text only once MIN_SENDERS different senders asked it on one day; below that, the text
is only counted (by kind and platform).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from enum import StrEnum

from storage.db import Database
from storage.redact import Vocabulary, common_vocabulary, redact
from storage.timestamps import Clock, SystemClock

__all__ = [
    "EARLIER_TEXT",
    "MAX_MISSES_PER_DAY",
    "MAX_TEXTS_PER_SENDER",
    "MAX_TOP",
    "MIN_SENDERS",
    "OVERFLOW_TEXT",
    "RETENTION_DAYS",
    "MissCount",
    "MissKind",
    "MissStore",
    "MissSummary",
    "SenderTally",
]

RETENTION_DAYS = 30
MAX_TOP = 100  # the most rows `top` returns, whatever is asked
# distinct texts kept per day; beyond, further new texts are counted under OVERFLOW_TEXT
# so a flood of unique messages cannot grow the file without bound, and no count is lost
MAX_MISSES_PER_DAY = 5000
OVERFLOW_TEXT = "(more questions that day)"
# the texts of misses recorded before the allow-list are not kept, their counts are
# (migration 4); a marker, like OVERFLOW_TEXT, that is counted and never listed
EARLIER_TEXT = "(questions from before the anonymous form)"
_MARKERS = (OVERFLOW_TEXT, EARLIER_TEXT)
MAX_PLATFORM_LEN = 64
# distinct texts one sender adds to a day; beyond, theirs are counted under OVERFLOW_TEXT
MAX_TEXTS_PER_SENDER = 20
# a text is shown to operators once this many different senders asked it on one day
MIN_SENDERS = 3
# (sender, text) pairs remembered a day (about 100 bytes each); beyond, new ones are
# counted under OVERFLOW_TEXT, so memory stays bounded whatever the traffic
MAX_PAIRS_PER_DAY = 100_000

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class MissKind(StrEnum):
    NOT_SURE = "not_sure"  # search was not confident
    UNCOVERED = "uncovered"  # the question names a platform no knowledge file covers


@dataclass(frozen=True)
class MissCount:
    """One redacted question and how many senders missed it in the window (summed by day)."""

    kind: MissKind
    platform: str | None  # the uncovered platform's id (platform_names.yaml)
    text: str
    count: int
    last_day: date  # the most recent day it was asked


@dataclass(frozen=True)
class MissSummary:
    """Misses in the window by kind and, for uncovered platforms, by platform (/metrics).

    `hidden`: the misses whose text is not shown (asked by fewer than MIN_SENDERS
    different senders on any one day, or counted under OVERFLOW_TEXT).
    """

    total: int
    by_kind: dict[MissKind, int] = field(default_factory=dict)
    by_platform: dict[str, int] = field(default_factory=dict)
    hidden: int = 0


class SenderTally:
    """Who already counted what today, without knowing who: keyed hashes, in memory only.

    The key is random, new each UTC day and never written anywhere; with it go the
    day's hashes, so not even this process can tell yesterday's senders apart.
    """

    def __init__(self) -> None:
        self._day: date | None = None
        self._key = b""
        self._pairs: set[bytes] = set()
        self._texts: dict[bytes, int] = {}

    def _today(self, day: date) -> None:
        if day != self._day:
            self._day = day
            self._key = secrets.token_bytes(32)
            self._pairs = set()
            self._texts = {}

    def _digest(self, *parts: str) -> bytes:
        message = "\x1f".join(parts).encode("utf-8", "surrogatepass")
        return hmac.new(self._key, message, hashlib.sha256).digest()[:16]

    def claim(
        self, day: date, sender: int | None, key: tuple[str, str, str]
    ) -> tuple[bytes | None, bool]:
        """Reserve a (sender, text) pair of today: (its hash, whether the text may have a
        row of its own — else it counts under OVERFLOW_TEXT), or (None, …) if this sender
        counted it today already. A pair whose write failed is given back with `release`.
        """
        self._today(day)
        who = self._digest("sender", "" if sender is None else str(sender))
        pair = self._digest(who.hex(), *key)
        if pair in self._pairs:
            return None, True
        own_row = self._texts.get(who, 0) < MAX_TEXTS_PER_SENDER
        if not own_row or len(self._pairs) >= MAX_PAIRS_PER_DAY:
            own_row = False
            pair = self._digest(who.hex(), key[0], key[1], OVERFLOW_TEXT)
            if pair in self._pairs:
                return None, False
        if len(self._pairs) < MAX_PAIRS_PER_DAY:  # beyond, overflow counts without a pair
            self._pairs.add(pair)
        if own_row:
            self._texts[who] = self._texts.get(who, 0) + 1
        return pair, own_row

    def release(self, day: date, sender: int | None, pair: bytes, own_row: bool) -> None:
        """Give back a pair whose count the database did not take."""
        if day != self._day or pair not in self._pairs:
            return
        self._pairs.discard(pair)
        if own_row:
            who = self._digest("sender", "" if sender is None else str(sender))
            self._texts[who] = max(0, self._texts.get(who, 0) - 1)


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

    def __init__(
        self, db: Database, clock: Clock | None = None, vocabulary: Vocabulary | None = None
    ) -> None:
        self._db = db
        self._clock: Clock = clock or SystemClock()
        # what a stored text may keep; the knowledge files' words, swapped on /reload
        self.vocabulary: Vocabulary = vocabulary or common_vocabulary()
        self._tally = SenderTally()

    def _cutoff(self, days: int) -> str:
        """The first day inside a window of `days` days ending today (UTC)."""
        if days < 1:
            raise ValueError("the window is at least one day")
        return (_utc_day(self._clock) - timedelta(days=days - 1)).isoformat()

    async def record(
        self, kind: MissKind | str, text: str, platform: str | None = None, *,
        sender: int | None = None,
    ) -> str | None:
        """Count one miss; return the text as stored, or None if nothing was left to store.

        The text is redacted here. A question that is only numbers, names and the like is
        still counted, by its placeholder. `sender` (a user id, never stored) counts once
        per text per day; None is one anonymous sender.
        """
        kind = MissKind(kind)
        stored_platform = _clean_platform(kind, platform)
        stored = redact(text, self.vocabulary)
        if not stored:
            return None
        today = _utc_day(self._clock)
        day = today.isoformat()
        pair, own_row = self._tally.claim(today, sender, (kind.value, stored_platform, stored))
        if not own_row:
            stored = OVERFLOW_TEXT
        if pair is None:  # this sender counted this text today already
            return stored
        key = (day, kind.value, stored_platform)
        try:
            stored = await self._count(key, stored)
        except BaseException:
            self._tally.release(today, sender, pair, own_row)
            raise
        return stored

    async def _count(self, key: tuple[str, str, str], stored: str) -> str:
        """One more sender for the text on the day; a new text past the day's cap is
        counted under OVERFLOW_TEXT. The text as counted."""
        day = key[0]
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE misses SET count = count + 1 "
                "WHERE day = ? AND kind = ? AND platform = ? AND text = ?",
                (*key, stored),
            )
            if not changed:
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
        """The most frequent misses of the last `days` days that may be shown, at most
        MAX_TOP: texts MIN_SENDERS different senders asked on one day (a count per day is
        of different senders; across days it cannot be, the keys are gone).

        Ties go to the most recent, then to the text, so the list is stable.
        """
        if limit < 1:
            raise ValueError("limit must be at least 1")
        rows = await self._db.fetchall(
            """
            SELECT kind, platform, text, sum(count) AS total, max(day) AS last_day
            FROM misses WHERE day >= ? AND text NOT IN (?, ?)
            GROUP BY kind, platform, text
            HAVING max(count) >= ?
            ORDER BY total DESC, last_day DESC, text, kind, platform
            LIMIT ?
            """,
            (self._cutoff(days), *_MARKERS, MIN_SENDERS, min(limit, MAX_TOP)),
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
        """Counts by kind and by uncovered platform over the last `days` days, and how many
        of them `top` does not show."""
        cutoff = self._cutoff(days)
        rows = await self._db.fetchall(
            """
            SELECT kind, platform, sum(count) AS total FROM misses
            WHERE day >= ? GROUP BY kind, platform ORDER BY kind, platform
            """,
            (cutoff,),
        )
        by_kind: dict[MissKind, int] = {}
        by_platform: dict[str, int] = {}
        for row in rows:
            kind = MissKind(row["kind"])
            by_kind[kind] = by_kind.get(kind, 0) + int(row["total"])
            if row["platform"]:
                by_platform[row["platform"]] = int(row["total"])
        shown = await self._db.fetchone(
            """
            SELECT coalesce(sum(total), 0) FROM (
                SELECT sum(count) AS total FROM misses WHERE day >= ? AND text NOT IN (?, ?)
                GROUP BY kind, platform, text HAVING max(count) >= ?
            )
            """,
            (cutoff, *_MARKERS, MIN_SENDERS),
        )
        total = sum(by_kind.values())
        hidden = total - (int(shown[0]) if shown is not None else 0)
        return MissSummary(total, by_kind, by_platform, hidden)

    async def sweep(self) -> int:
        """Delete the days older than the retention window; return how many rows went."""
        return await self._db.execute(
            "DELETE FROM misses WHERE day < ?", (self._cutoff(RETENTION_DAYS),)
        )


def _utc_day(clock: Clock) -> date:
    """Today in UTC: one calendar for every server, whatever its local zone."""
    return clock.now().astimezone(UTC).date()
