"""Shared fixtures for the storage tests: a real database file in tmp_path, a fixed clock."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from storage import Case, CaseStore, Database, GroupStore, UserStore
from storage.migrations import MIGRATIONS, split_statements

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


class FixedClock:
    """A clock that moves only when a test says so."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    # a directory that does not exist yet: open() must create it
    return tmp_path / "data" / "kefu.sqlite3"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
async def db(db_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(db_path)
    yield database
    await database.close()


@pytest.fixture
def users(db: Database, clock: FixedClock) -> UserStore:
    return UserStore(db, clock)


@pytest.fixture
def cases(db: Database, clock: FixedClock) -> CaseStore:
    return CaseStore(db, clock)


@pytest.fixture
def groups(db: Database, clock: FixedClock) -> GroupStore:
    return GroupStore(db, clock)


NewCase = Callable[..., Awaitable[Case]]


@pytest.fixture
def new_case(cases: CaseStore) -> NewCase:
    """Add a case with sensible defaults; keywords override any argument of `add`."""
    counter = iter(range(1, 1_000_000))

    async def make(owner_id: int = 1, **overrides: Any) -> Case:
        args: dict[str, Any] = {
            "owner_id": owner_id,
            "platform": "amazon",
            "role": "seller",
            "channel": "case_log",
            "issue": "account_health",
            "external_id": f"1{next(counter):09d}",
            "note": None,
            "opened_at": T0,
            "due_at": T0 + timedelta(hours=24),
        }
        args.update(overrides)
        return await cases.add(**args)

    return make


def database_at_version(path: Path, version: int) -> sqlite3.Connection:
    """A file with the schema of `version` (the first `version` migrations), as an older
    kefu-bot left it; the caller adds rows and closes it before opening it the new way."""
    old = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:version]:
        for statement in split_statements(script):
            old.execute(statement)
    old.execute(f"PRAGMA user_version = {version:d}")
    return old
