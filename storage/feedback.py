"""What users report: votes under answers, and how long tracked cases waited for a reply.

Why: every fact comes from a guide checked on one day; users see when a number stops
working or a platform's real reply time drifts. Both are kept anonymous by design:

* a vote names the answer (platform, role, issue, site, aspect) and the vote, never a
  user, chat or question. So that one answer message counts once (a second tap changes
  the vote, a hundred taps count once), a vote keeps a 16-byte keyed hash of its message
  while the message's buttons can still be pressed (`KEY_DAYS`); the sweep then clears it.
  The caller makes the key (the secret stays out of the database); its first 8 bytes
  name the chat, so /forget can clear the keys of one chat (`forget_chat`).
* a reply time is a count per day, platform, role, channel, site and whole hour: no case
  id, user or chat, no exact moment.
* past `MAX_VOTES_PER_DAY` votes a day, further votes fold into one count per vote kind
  (platform ''), and past `MAX_REPLY_ROWS_PER_DAY` rows further reply times are not
  kept: a flood cannot grow the file without bound, nor move any answer's numbers.

Everything older than `RETENTION_DAYS` goes in `sweep`.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from enum import StrEnum

from storage.db import Database, Executor
from storage.timestamps import Clock, SystemClock, to_db

__all__ = [
    "KEY_BYTES",
    "KEY_DAYS",
    "MAX_HOURS",
    "MAX_REPLY_ROWS_PER_DAY",
    "MAX_VOTES_PER_DAY",
    "RETENTION_DAYS",
    "AnswerKey",
    "FeedbackStore",
    "ReplyTimeStat",
    "VoteCount",
    "VoteKind",
    "VoteOutcome",
]

RETENTION_DAYS = 90
# a vote's message key is kept this many days after the vote's day (votes on messages
# older than the caller's window are refused anyway), then cleared
KEY_DAYS = 2
KEY_BYTES = 16
CHAT_BYTES = 8  # the first bytes of a key: the chat's part
MAX_VOTES_PER_DAY = 5000
MAX_REPLY_ROWS_PER_DAY = 5000
MAX_HOURS = 8784  # a year (leap): a longer wait is kept as a year
MAX_ID_LEN = 64


class VoteKind(StrEnum):
    UP = "up"  # 👍
    DOWN = "down"  # 👎, no reason chosen (yet)
    WRONG = "wrong"  # wrong or out of date
    OFF_TOPIC = "off_topic"  # not what I asked
    BROKEN = "broken"  # the number or link did not work
    OTHER = "other"  # something else

    @property
    def negative(self) -> bool:
        return self is not VoteKind.UP


class VoteOutcome(StrEnum):
    NEW = "new"  # the message's first vote
    CHANGED = "changed"  # the message had another vote: it is replaced
    SAME = "same"  # the same vote again: nothing changes
    OVERFLOW = "overflow"  # past the day's cap: counted, but for no answer


@dataclass(frozen=True)
class AnswerKey:
    """Which answer a vote is about; '' where a part is absent (no site, the card)."""

    platform: str
    role: str
    issue: str
    site: str = ""
    aspect: str = ""

    def __post_init__(self) -> None:
        for name in ("platform", "role", "issue"):
            value = getattr(self, name)
            if not value or len(value) > MAX_ID_LEN:
                raise ValueError(f"an answer's {name} is 1-{MAX_ID_LEN} characters")
        if len(self.site) > MAX_ID_LEN or len(self.aspect) > MAX_ID_LEN:
            raise ValueError(f"site and aspect are at most {MAX_ID_LEN} characters")


@dataclass(frozen=True)
class VoteCount:
    """Votes of one kind for one answer in the window (answer None: the day's overflow)."""

    answer: AnswerKey | None
    vote: VoteKind
    count: int


@dataclass(frozen=True)
class ReplyTimeStat:
    """Reported waits for one platform · role · channel (· site), in whole hours."""

    platform: str
    role: str
    channel: str
    site: str | None
    median_hours: int
    count: int


def _median(pairs: Iterable[tuple[int, int]]) -> tuple[int, int] | None:
    """(median rounded half up, count) of hours given as (hours, how many); None if none."""
    values: list[int] = []
    for hours, count in pairs:
        values.extend([hours] * count)
    if not values:
        return None
    return int(statistics.median(values) + 0.5), len(values)


class FeedbackStore:
    """Votes, reply times and who shares them; all SQL of those tables is here."""

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self._db = db
        self._clock: Clock = clock or SystemClock()

    def _today(self) -> date:
        return self._clock.now().astimezone(UTC).date()

    def _cutoff(self, days: int) -> str:
        if days < 1:
            raise ValueError("the window is at least one day")
        return (self._today() - timedelta(days=days - 1)).isoformat()

    # --- votes --------------------------------------------------------------------

    async def vote(self, message_key: bytes, answer: AnswerKey, vote: VoteKind) -> VoteOutcome:
        """Count `vote` for the answer message `message_key`: once per message, ever.

        A message voted before keeps its first answer (a forged button naming another
        answer cannot move a vote there) and takes the new vote in place of the old.
        """
        if len(message_key) != KEY_BYTES:
            raise ValueError(f"a message key is {KEY_BYTES} bytes")
        vote = VoteKind(vote)
        day = self._today().isoformat()
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT id, vote FROM feedback_votes WHERE message_key = ?", (message_key,)
            )
            if row is not None:
                if row["vote"] == vote.value:
                    return VoteOutcome.SAME
                await tx.execute(
                    "UPDATE feedback_votes SET vote = ? WHERE id = ?", (vote.value, row["id"])
                )
                return VoteOutcome.CHANGED
            counted = await tx.fetchone(
                "SELECT count(*) FROM feedback_votes WHERE day = ? AND platform <> ''", (day,)
            )
            if counted is not None and int(counted[0]) >= MAX_VOTES_PER_DAY:
                await _fold(tx, day, vote)
                return VoteOutcome.OVERFLOW
            await tx.execute(
                """
                INSERT INTO feedback_votes
                    (day, message_key, platform, role, issue, site, aspect, vote)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (day, message_key, answer.platform, answer.role, answer.issue, answer.site,
                 answer.aspect, vote.value),
            )
        return VoteOutcome.NEW

    async def votes(self, days: int = RETENTION_DAYS) -> list[VoteCount]:
        """Votes of the last `days` days by answer and kind, most first."""
        rows = await self._db.fetchall(
            """
            SELECT platform, role, issue, site, aspect, vote, sum(count) AS total
            FROM feedback_votes WHERE day >= ?
            GROUP BY platform, role, issue, site, aspect, vote
            ORDER BY total DESC, platform, role, issue, site, aspect, vote
            """,
            (self._cutoff(days),),
        )
        return [
            VoteCount(
                None if not row["platform"] else AnswerKey(
                    row["platform"], row["role"], row["issue"], row["site"], row["aspect"]),
                VoteKind(row["vote"]),
                int(row["total"]),
            )
            for row in rows
        ]

    async def forget_chat(self, chat_part: bytes) -> int:
        """Clear the message keys of one chat (its first CHAT_BYTES); the votes stay."""
        if len(chat_part) != CHAT_BYTES:
            raise ValueError(f"a chat's part of a key is {CHAT_BYTES} bytes")
        return await self._db.execute(
            "UPDATE feedback_votes SET message_key = NULL "
            "WHERE message_key IS NOT NULL AND substr(message_key, 1, ?) = ?",
            (CHAT_BYTES, chat_part),
        )

    # --- reply times ----------------------------------------------------------------

    async def record_reply_time(
        self, platform: str, role: str, channel: str, site: str | None, hours: int
    ) -> bool:
        """Count one case that waited `hours` (whole, ≥ 0); False if the day is full."""
        for name, value in (("platform", platform), ("role", role), ("channel", channel)):
            if not value or len(value) > MAX_ID_LEN:
                raise ValueError(f"a reply time's {name} is 1-{MAX_ID_LEN} characters")
        if site is not None and not 0 < len(site) <= MAX_ID_LEN:
            raise ValueError(f"a site is 1-{MAX_ID_LEN} characters or None")
        if hours < 0:
            raise ValueError("a wait is never negative")
        hours = min(hours, MAX_HOURS)
        day = self._today().isoformat()
        key = (day, platform, role, channel, site or "", hours)
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE reply_times SET count = count + 1 WHERE day = ? AND platform = ? "
                "AND role = ? AND channel = ? AND site = ? AND hours = ?",
                key,
            )
            if changed:
                return True
            row = await tx.fetchone("SELECT count(*) FROM reply_times WHERE day = ?", (day,))
            if row is not None and int(row[0]) >= MAX_REPLY_ROWS_PER_DAY:
                return False
            await tx.execute(
                "INSERT INTO reply_times (day, platform, role, channel, site, hours) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                key,
            )
        return True

    async def reply_time(
        self, platform: str, role: str, channel: str, site: str | None,
        days: int = RETENTION_DAYS,
    ) -> ReplyTimeStat | None:
        """The median wait for one channel of the last `days` days; with no site, all
        sites together. None when nothing was reported."""
        sql = (
            "SELECT hours, sum(count) AS n FROM reply_times WHERE platform = ? AND channel = ? "
            "AND role = ? AND day >= ?"
        )
        params: list[object] = [platform, channel, role, self._cutoff(days)]
        if site is not None:
            sql += " AND site = ?"
            params.append(site)
        rows = await self._db.fetchall(sql + " GROUP BY hours", params)
        found = _median((int(r["hours"]), int(r["n"])) for r in rows)
        if found is None:
            return None
        return ReplyTimeStat(platform, role, channel, site, *found)

    async def reply_times(self, days: int = RETENTION_DAYS) -> list[ReplyTimeStat]:
        """The median wait of every platform · role · channel · site reported, most first."""
        rows = await self._db.fetchall(
            """
            SELECT platform, role, channel, site, hours, sum(count) AS n FROM reply_times
            WHERE day >= ? GROUP BY platform, role, channel, site, hours
            ORDER BY platform, role, channel, site, hours
            """,
            (self._cutoff(days),),
        )
        groups: dict[tuple[str, str, str, str], list[tuple[int, int]]] = {}
        for row in rows:
            key = (row["platform"], row["role"], row["channel"], row["site"])
            groups.setdefault(key, []).append((int(row["hours"]), int(row["n"])))
        stats = []
        for (platform, role, channel, site), pairs in groups.items():
            found = _median(pairs)
            if found is not None:
                stats.append(ReplyTimeStat(platform, role, channel, site or None, *found))
        return sorted(stats, key=lambda s: (-s.count, s.platform, s.role, s.channel,
                                            s.site or ""))

    # --- sharing ----------------------------------------------------------------------

    async def sharing(self, user_id: int) -> bool | None:
        """Whether the user shares reply times; None: not asked yet."""
        row = await self._db.fetchone(
            "SELECT share FROM reply_time_sharing WHERE user_id = ?", (user_id,)
        )
        return None if row is None else bool(row["share"])

    async def set_sharing(self, user_id: int, share: bool) -> bool | None:
        """Store the user's choice (the user must exist); return the choice before."""
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT share FROM reply_time_sharing WHERE user_id = ?", (user_id,)
            )
            await tx.execute(
                """
                INSERT INTO reply_time_sharing (user_id, share, decided_at) VALUES (?, ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET share = excluded.share,
                                                    decided_at = excluded.decided_at
                """,
                (user_id, int(share), to_db(self._clock.now())),
            )
        return None if row is None else bool(row["share"])

    # --- retention --------------------------------------------------------------------

    async def sweep(self) -> int:
        """Delete what is older than RETENTION_DAYS and clear message keys older than
        KEY_DAYS; return how many rows went."""
        cutoff = self._cutoff(RETENTION_DAYS)
        keys_cutoff = (self._today() - timedelta(days=KEY_DAYS)).isoformat()
        async with self._db.transaction() as tx:
            removed = await tx.execute("DELETE FROM feedback_votes WHERE day < ?", (cutoff,))
            removed += await tx.execute("DELETE FROM reply_times WHERE day < ?", (cutoff,))
            await tx.execute(
                "UPDATE feedback_votes SET message_key = NULL "
                "WHERE message_key IS NOT NULL AND day < ?",
                (keys_cutoff,),
            )
        return removed


async def _fold(tx: Executor, day: str, vote: VoteKind) -> None:
    await tx.execute(
        """
        INSERT INTO feedback_votes (day, platform, role, issue, vote) VALUES (?, '', '', '', ?)
        ON CONFLICT (day, vote) WHERE platform = '' DO UPDATE SET count = count + 1
        """,
        (day, vote.value),
    )
