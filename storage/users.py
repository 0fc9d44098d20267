"""Per-user settings (language, time zone, quiet hours) and whether we may message them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from storage.db import Database, Row, require_row
from storage.timestamps import (
    Clock,
    SystemClock,
    from_db,
    from_db_or_none,
    time_from_db,
    time_to_db,
    to_db,
)

# BCP 47-ish: "zh", "zh-Hant", "en-US"; long enough for any real tag, short enough to
# keep junk out.
MAX_LANG_LEN = 35
_LANG = re.compile(r"[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*")

_COLUMNS = (
    "user_id, lang, timezone, quiet_start, quiet_end, active, last_seen_at, created_at, updated_at"
)


@dataclass(frozen=True)
class UserSettings:
    """A user as stored; `active` is False once they blocked the bot."""

    user_id: int
    lang: str | None
    timezone: str | None
    quiet_start: time | None
    quiet_end: time | None
    active: bool
    created_at: datetime
    updated_at: datetime
    last_seen_at: datetime | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, for a user's data export."""
        return {
            "user_id": self.user_id,
            "lang": self.lang,
            "timezone": self.timezone,
            "quiet_start": None if self.quiet_start is None else self.quiet_start.isoformat(),
            "quiet_end": None if self.quiet_end is None else self.quiet_end.isoformat(),
            "active": self.active,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "last_seen_at": None if self.last_seen_at is None else self.last_seen_at.isoformat(),
        }


def clean_lang(lang: str | None) -> str | None:
    """A language tag fit to store, or ValueError; None means "not chosen"."""
    if lang is None:
        return None
    lang = lang.strip()
    if len(lang) > MAX_LANG_LEN or not _LANG.fullmatch(lang):
        raise ValueError(f"not a language tag: {lang[:40]!r}")
    return lang


def clean_timezone(name: str | None) -> str | None:
    """An IANA zone name that zoneinfo can load, or ValueError; None means "default"."""
    if name is None:
        return None
    name = name.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone: {name[:64]!r}") from exc
    return name


class UserStore:
    """Reads and writes users; created on first contact by `ensure`."""

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self._db = db
        self._clock: Clock = clock or SystemClock()

    async def get(self, user_id: int) -> UserSettings | None:
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM users WHERE user_id = ?", (user_id,))
        return None if row is None else _to_user(row)

    async def ensure(self, user_id: int) -> UserSettings:
        """The user, created if new; marks them active and seen now.

        Call it when the user talks to us: a message from someone who had blocked the
        bot means they unblocked it, so reminders resume.
        """
        now = to_db(self._clock.now())
        row = await self._db.fetchone(
            f"""
            INSERT INTO users (user_id, active, last_seen_at, created_at, updated_at)
            VALUES (?, 1, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET
                active = 1, last_seen_at = excluded.last_seen_at
            RETURNING {_COLUMNS}
            """,
            (user_id, now, now, now),
        )
        return _to_user(require_row(row, "user upsert"))

    async def seen(self, user_id: int, fresh_for: timedelta) -> UserSettings:
        """What `ensure` returns, written only when the write would change something.

        A read, and then `ensure` only for a user who is new, marked blocked, or last
        seen `fresh_for` ago or longer (or in the future: a clock set back). So
        `last_seen_at` lags by less than `fresh_for`, after a crash too, and the row read
        is always the database's own: a user deleted or changed by another process (the
        CLI's `forget`) is seen as such on their next update.
        """
        stored = await self.get(user_id)
        if stored is not None and stored.active and stored.last_seen_at is not None:
            age = self._clock.now() - stored.last_seen_at
            if timedelta(0) <= age < fresh_for:
                return stored
        return await self.ensure(user_id)

    async def set_lang(self, user_id: int, lang: str | None) -> UserSettings:
        return await self._set(user_id, ("lang",), (clean_lang(lang),))

    async def set_timezone(self, user_id: int, timezone: str | None) -> UserSettings:
        return await self._set(user_id, ("timezone",), (clean_timezone(timezone),))

    async def set_quiet_hours(
        self, user_id: int, start: time | None, end: time | None
    ) -> UserSettings:
        """Set local quiet hours (start > end wraps midnight) or clear them with None, None.

        Both or neither: half a range has no meaning. start == end is refused as it could
        mean "never quiet" as well as "always quiet".
        """
        if (start is None) != (end is None):
            raise ValueError("quiet hours need both start and end, or neither")
        if start is not None and start == end:
            raise ValueError("quiet hours start and end at the same time")
        values = (
            None if start is None else time_to_db(start),
            None if end is None else time_to_db(end),
        )
        return await self._set(user_id, ("quiet_start", "quiet_end"), values)

    async def set_active(self, user_id: int, active: bool) -> bool:
        """Record whether we may message the user; False if we never met them.

        While inactive their cases are never claimed for reminders (a trigger copies the
        flag onto the cases so the scheduler's index skips them).
        """
        changed = await self._db.execute(
            "UPDATE users SET active = ?, updated_at = ? WHERE user_id = ?",
            (int(active), to_db(self._clock.now()), user_id),
        )
        return changed == 1

    async def forget(self, user_id: int) -> bool:
        """Delete the user and every case of theirs, all or nothing; False if unknown."""
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM cases WHERE owner_id = ?", (user_id,))
            deleted = await tx.execute("DELETE FROM users WHERE user_id = ?", (user_id,))
        # the deleted rows are zeroed in the pages (secure_delete); their old copies leave
        # the write-ahead log too
        await self._db.purge()
        return deleted == 1

    async def count_users(self) -> int:
        row = await self._db.fetchone("SELECT count(*) FROM users")
        return 0 if row is None else int(row[0])

    async def count_active_since(self, since: datetime) -> int:
        """Users not blocking the bot who talked to it at or after `since`."""
        row = await self._db.fetchone(
            "SELECT count(*) FROM users WHERE active = 1 AND last_seen_at >= ?",
            (to_db(since),),
        )
        return 0 if row is None else int(row[0])

    async def _set(
        self, user_id: int, columns: tuple[str, ...], values: tuple[object, ...]
    ) -> UserSettings:
        """Upsert some settings columns; a user we never met is created with them."""
        # `columns` are the literal names passed above, never user input
        names = ", ".join(columns)
        marks = ", ".join("?" for _ in columns)
        updates = ", ".join(f"{name} = excluded.{name}" for name in columns)
        now = to_db(self._clock.now())
        row = await self._db.fetchone(
            f"""
            INSERT INTO users (user_id, {names}, created_at, updated_at)
            VALUES (?, {marks}, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET {updates}, updated_at = excluded.updated_at
            RETURNING {_COLUMNS}
            """,
            (user_id, *values, now, now),
        )
        return _to_user(require_row(row, "user upsert"))


def _to_user(row: Row) -> UserSettings:
    return UserSettings(
        user_id=int(row["user_id"]),
        lang=row["lang"],
        timezone=row["timezone"],
        quiet_start=time_from_db(row["quiet_start"]),
        quiet_end=time_from_db(row["quiet_end"]),
        active=bool(row["active"]),
        created_at=from_db(row["created_at"]),
        updated_at=from_db(row["updated_at"]),
        last_seen_at=from_db_or_none(row["last_seen_at"]),
    )
