"""A kefu database filled with open cases, fast: the real schema, rows inserted in bulk.

`Database.open` creates the file (every migration applied); the rows then go in with one
executemany per table inside one transaction, in the shape `CaseStore.add` writes them
(owner_active copied from the user, remind_at = due_at), so the bot sees ordinary cases.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.db import Database
from storage.timestamps import to_db

# real catalog ids, so a reminder renders like one for a case tracked through /track
CASE_KINDS = (
    ("amazon", "seller", "seller_case", "suspension"),
    ("amazon", "seller", "seller_email", "payment_missing"),
    ("amazon", "buyer", "buyer_email", "return_refund"),
    ("tmall", "buyer", "merchant", "after_sales"),
)
FIRST_OWNER = 200_000_000


@dataclass(frozen=True)
class Fill:
    open_cases: int
    due: int  # of them, due already (opened days ago)
    owners: int  # distinct users; the due cases each get their own owner


def _rows(fill: Fill, now: datetime) -> Iterator[tuple[object, ...]]:
    created = to_db(now - timedelta(days=3))
    for i in range(fill.open_cases):
        platform, role, channel, issue = CASE_KINDS[i % len(CASE_KINDS)]
        if i < fill.due:
            owner = FIRST_OWNER + i  # one due case per chat: no per-chat pacing in the way
            opened = now - timedelta(days=3, minutes=i % 600)
            due = now - timedelta(hours=1, seconds=i)
        else:
            owner = FIRST_OWNER + fill.due + (i % max(1, fill.owners - fill.due))
            opened = now - timedelta(hours=i % 48)
            due = now + timedelta(days=1, minutes=i % 10_000)
        yield (owner, platform, role, channel, issue, f"CASE-{i:07d}", None, to_db(opened),
               to_db(due), to_db(due), created, created)


def fill_database(path: Path, fill: Fill, now: datetime | None = None) -> None:
    """Create `path` as a kefu database holding `fill`'s open cases."""
    now = now or datetime.now(UTC)

    async def create() -> None:
        db = await Database.open(path)
        await db.close()

    asyncio.run(create())
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        created = to_db(now - timedelta(days=3))
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO users (user_id, lang, active, created_at, updated_at)"
            " VALUES (?, ?, 1, ?, ?)",
            ((FIRST_OWNER + i, "zh" if i % 2 else "en", created, created)
             for i in range(max(fill.owners, fill.due))),
        )
        conn.executemany(
            """
            INSERT INTO cases (owner_id, platform, role, channel, issue, external_id, note,
                               opened_at, due_at, remind_at, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            _rows(fill, now),
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def due_owners(fill: Fill) -> list[int]:
    """The chats that must each get one reminder."""
    return [FIRST_OWNER + i for i in range(fill.due)]
