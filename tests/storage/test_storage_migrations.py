"""Versioned migrations: order, idempotence, one transaction each, refusal of newer files,
and each shipped version applied to a file of the one before."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiosqlite
import pytest

from storage import CaseStore, Database, DatabaseError
from storage.migrations import (
    LATEST_VERSION,
    MIGRATIONS,
    apply_migrations,
    read_version,
    split_statements,
)
from storage.timestamps import to_db
from tests.storage.conftest import T0, FixedClock

DAY = timedelta(days=1)

STEPS = (
    "CREATE TABLE a (x INTEGER);\nINSERT INTO a VALUES (1);",
    "CREATE TABLE b (y INTEGER);\nINSERT INTO b SELECT x + 1 FROM a;",
)


@pytest.fixture
async def conn(tmp_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    connection = await aiosqlite.connect(tmp_path / "m.sqlite3", isolation_level=None)
    yield connection
    await connection.close()


async def _tables(conn: aiosqlite.Connection) -> set[str]:
    rows = await conn.execute_fetchall("SELECT name FROM sqlite_schema WHERE type = 'table'")
    return {row[0] for row in rows}


async def test_migrations_run_in_order_from_empty(conn: aiosqlite.Connection) -> None:
    assert await apply_migrations(conn, "m.sqlite3", STEPS) == 2
    assert await read_version(conn) == 2
    rows = await conn.execute_fetchall("SELECT y FROM b")
    assert [row[0] for row in rows] == [2]


async def test_running_migrations_twice_changes_nothing(conn: aiosqlite.Connection) -> None:
    await apply_migrations(conn, "m.sqlite3", STEPS)
    assert await apply_migrations(conn, "m.sqlite3", STEPS) == 2
    rows = await conn.execute_fetchall("SELECT count(*) FROM a")
    assert next(iter(rows))[0] == 1  # the INSERT of step 1 did not run again


async def test_only_the_missing_steps_run(conn: aiosqlite.Connection) -> None:
    await apply_migrations(conn, "m.sqlite3", STEPS[:1])
    assert await read_version(conn) == 1
    assert await apply_migrations(conn, "m.sqlite3", STEPS) == 2
    assert await _tables(conn) == {"a", "b"}


async def test_a_failing_migration_leaves_the_previous_version_whole(
    conn: aiosqlite.Connection,
) -> None:
    broken = (STEPS[0], "CREATE TABLE c (z INTEGER);\nINSERT INTO nowhere VALUES (1);")
    with pytest.raises(sqlite3.OperationalError, match="nowhere"):
        await apply_migrations(conn, "m.sqlite3", broken)
    assert await read_version(conn) == 1
    assert await _tables(conn) == {"a"}  # table c was rolled back with its step
    assert not conn.in_transaction


async def test_a_newer_database_than_the_code_is_refused(conn: aiosqlite.Connection) -> None:
    await conn.execute("PRAGMA user_version = 5")
    with pytest.raises(DatabaseError, match=r"m.sqlite3 has schema version 5, newer .*\(2\)"):
        await apply_migrations(conn, "m.sqlite3", STEPS)
    assert await _tables(conn) == set()


async def test_a_step_applied_by_another_process_meanwhile_is_not_run_again(
    tmp_path: Path,
) -> None:
    path = tmp_path / "race.sqlite3"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("PRAGMA journal_mode = WAL")
    # the other process is migrating when we start, and finishes every step
    other.execute("BEGIN IMMEDIATE")
    for script in STEPS:
        for statement in split_statements(script):
            other.execute(statement)
    other.execute(f"PRAGMA user_version = {len(STEPS)}")
    timer = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    timer.start()
    conn = await aiosqlite.connect(path, isolation_level=None, timeout=5)
    try:
        # we read version 0, then wait for the lock; inside it we must see version 2
        assert await apply_migrations(conn, "race.sqlite3", STEPS) == 2
        rows = await conn.execute_fetchall("SELECT (SELECT count(*) FROM a), count(*) FROM b")
        assert tuple(next(iter(rows))) == (1, 1)  # no step ran twice
    finally:
        timer.join()
        other.close()
        await conn.close()


def test_split_statements_keeps_a_trigger_body_whole() -> None:
    script = """
        -- a comment
        CREATE TABLE t (x INTEGER);
        CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN
            UPDATE t SET x = x + 1 WHERE rowid = NEW.rowid;
            SELECT 1;
        END;
        INSERT INTO t VALUES (';');
    """
    statements = split_statements(script)
    assert len(statements) == 3
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")
    assert statements[2] == "INSERT INTO t VALUES (';');"


def test_split_statements_refuses_an_unterminated_statement() -> None:
    with pytest.raises(ValueError, match="unterminated"):
        split_statements("CREATE TABLE t (x INTEGER)")


def test_every_shipped_migration_splits_into_complete_statements() -> None:
    for script in MIGRATIONS:
        statements = split_statements(script)
        assert statements
        assert all(sqlite3.complete_statement(statement) for statement in statements)


# --- the shipped schema, version by version --------------------------------------------


def _version_1_file(path: Path) -> None:
    """A database as kefu-bot left it at schema version 1, with a user and two cases."""
    old = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in split_statements(MIGRATIONS[0]):
            old.execute(statement)
        old.execute("PRAGMA user_version = 1")
        old.execute(
            "INSERT INTO users (user_id, lang, created_at, updated_at) VALUES (?, 'zh', ?, ?)",
            (7, to_db(T0), to_db(T0)),
        )
        for external_id, status in (("111", "open"), ("222", "closed")):
            old.execute(
                """
                INSERT INTO cases (owner_id, platform, role, channel, external_id, opened_at,
                                   due_at, remind_at, status, created_at, updated_at)
                VALUES (7, 'amazon', 'seller', 'seller_case', ?, ?, ?, ?, ?, ?, ?)
                """,
                (external_id, to_db(T0), to_db(T0 + DAY), to_db(T0 + DAY), status,
                 to_db(T0), to_db(T0)),
            )
    finally:
        old.close()


async def test_version_2_adds_the_site_and_keeps_version_1_cases_as_they_were(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v1.sqlite3"
    _version_1_file(path)
    db = await Database.open(path)
    try:
        version = await db.fetchone("PRAGMA user_version")
        assert version is not None and version[0] == LATEST_VERSION >= 2
        columns = {row["name"]: row for row in await db.fetchall("PRAGMA table_info(cases)")}
        assert columns["site"]["type"] == "TEXT" and columns["site"]["notnull"] == 0
        store = CaseStore(db, FixedClock(T0))
        [kept] = await store.list_for_owner(7)
        assert (kept.external_id, kept.channel, kept.site) == ("111", "seller_case", None)
        assert (kept.opened_at, kept.due_at, kept.remind_at) == (T0, T0 + DAY, T0 + DAY)
        exported = await store.export_for_owner(7)
        assert [(c["external_id"], c["status"], c["site"]) for c in exported] == [
            ("111", "open", None), ("222", "closed", None)]
        # the old case is still scheduled, and new cases carry their site
        assert [c.id for c in await store.claim_due(T0 + DAY, 10, DAY)] == [kept.id]
        added = await store.add(7, "amazon", "seller", "seller_case", None, "333", None,
                                T0, T0 + 3 * DAY, site="jp")
        assert added.site == "jp"
        assert await store.get(added.id, 7) == added
    finally:
        await db.close()
    # opening again migrates nothing twice
    again = await Database.open(path)
    try:
        assert len(await CaseStore(again).export_for_owner(7)) == 3
    finally:
        await again.close()


async def test_a_site_is_a_code_or_nothing(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "new.sqlite3")
    try:
        store = CaseStore(db, FixedClock(T0))
        for bad in ("", "  ", "x" * 65, "j\np"):
            with pytest.raises(ValueError, match="site"):
                await store.add(7, "amazon", "seller", "seller_case", None, "1", None, T0, None,
                                site=bad)
        # and the table itself refuses an empty one, whoever writes it
        await store.add(7, "amazon", "seller", "seller_case", None, "1", None, T0, None)
        with pytest.raises(sqlite3.IntegrityError):
            await db.execute("UPDATE cases SET site = ''")
    finally:
        await db.close()
