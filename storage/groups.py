"""Per-group-chat settings: answer language and whether mentions get an answer."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Database, Row, require_row
from storage.timestamps import Clock, SystemClock, to_db
from storage.users import clean_lang

_COLUMNS = "chat_id, lang, reply_to_mentions"


@dataclass(frozen=True)
class GroupSettings:
    """A group's settings; a group never configured has none stored (see `defaults`)."""

    chat_id: int
    lang: str | None
    reply_to_mentions: bool

    @classmethod
    def defaults(cls, chat_id: int) -> GroupSettings:
        return cls(chat_id=chat_id, lang=None, reply_to_mentions=True)


class GroupStore:
    """Reads and writes group settings; a row exists only once an admin changed one."""

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self._db = db
        self._clock: Clock = clock or SystemClock()

    async def get(self, chat_id: int) -> GroupSettings | None:
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM group_chats WHERE chat_id = ?", (chat_id,)
        )
        return None if row is None else _to_group(row)

    async def set_lang(self, chat_id: int, lang: str | None) -> GroupSettings:
        return await self._set(chat_id, "lang", clean_lang(lang))

    async def set_reply_to_mentions(self, chat_id: int, reply: bool) -> GroupSettings:
        return await self._set(chat_id, "reply_to_mentions", int(reply))

    async def migrate(self, old_chat_id: int, new_chat_id: int) -> bool:
        """Carry settings over when Telegram turns a group into a supergroup (new id).

        If the new id already has settings, someone set them after the move: they win and
        the old row is dropped. Returns False if the old id had no settings.
        """
        if old_chat_id == new_chat_id:
            return await self.get(old_chat_id) is not None
        now = to_db(self._clock.now())
        async with self._db.transaction() as tx:
            moved = await tx.execute(
                """
                UPDATE group_chats SET chat_id = ?, updated_at = ?
                WHERE chat_id = ?
                  AND NOT EXISTS (SELECT 1 FROM group_chats WHERE chat_id = ?)
                """,
                (new_chat_id, now, old_chat_id, new_chat_id),
            )
            dropped = 0
            if not moved:
                dropped = await tx.execute(
                    "DELETE FROM group_chats WHERE chat_id = ?", (old_chat_id,)
                )
        return moved + dropped == 1

    async def forget(self, chat_id: int) -> bool:
        """Drop a group's settings (the bot left or was removed)."""
        return await self._db.execute("DELETE FROM group_chats WHERE chat_id = ?", (chat_id,)) == 1

    async def _set(self, chat_id: int, column: str, value: object) -> GroupSettings:
        # `column` is one of the literal names above, never user input
        now = to_db(self._clock.now())
        row = await self._db.fetchone(
            f"""
            INSERT INTO group_chats (chat_id, {column}, created_at, updated_at)
            VALUES (?, ?, ?, ?)
            ON CONFLICT (chat_id) DO UPDATE SET
                {column} = excluded.{column}, updated_at = excluded.updated_at
            RETURNING {_COLUMNS}
            """,
            (chat_id, value, now, now),
        )
        return _to_group(require_row(row, "group upsert"))


def _to_group(row: Row) -> GroupSettings:
    return GroupSettings(
        chat_id=int(row["chat_id"]),
        lang=row["lang"],
        reply_to_mentions=bool(row["reply_to_mentions"]),
    )
