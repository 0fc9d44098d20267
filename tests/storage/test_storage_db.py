"""Opening, refusing, locking, transactions and backup of the database file."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from storage import Database, DatabaseError, UserStore
from storage.migrations import APPLICATION_ID, LATEST_VERSION


def _plain(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    return sqlite3.connect(path, isolation_level=None, check_same_thread=False)


# File set-up and inspection are plain synchronous helpers: blocking file calls do not
# belong in the body of a coroutine, even in a test.


def _bytes(path: Path) -> bytes:
    return path.read_bytes()


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _exists(path: Path) -> bool:
    return path.exists()


def _listing(directory: Path) -> list[str]:
    return sorted(entry.name for entry in directory.iterdir())


def _make_dir(path: Path) -> None:
    path.mkdir(parents=True)


def _schema(path: Path) -> list[tuple[str, str]]:
    conn = _plain(path)
    try:
        return conn.execute("SELECT name, sql FROM sqlite_schema ORDER BY name").fetchall()
    finally:
        conn.close()


async def test_open_creates_directory_and_file_in_wal_mode(db_path: Path) -> None:
    assert not _exists(db_path.parent)
    db = await Database.open(db_path)
    try:
        assert _exists(db_path)
        assert db.path == db_path
        row = await db.fetchone("PRAGMA journal_mode")
        assert row is not None and row[0] == "wal"
        row = await db.fetchone("PRAGMA foreign_keys")
        assert row is not None and row[0] == 1
        row = await db.fetchone("PRAGMA busy_timeout")
        assert row is not None and row[0] == 5000
        row = await db.fetchone("PRAGMA synchronous")
        assert row is not None and row[0] == 1  # NORMAL
    finally:
        await db.close()
    # WAL is a property of the file, not just of our connection
    conn = _plain(db_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


async def test_open_migrates_an_empty_file_to_the_latest_version(db_path: Path) -> None:
    db = await Database.open(db_path)
    await db.close()
    conn = _plain(db_path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        tables = {
            name for (name,) in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")
        }
    finally:
        conn.close()
    assert {"users", "cases", "group_chats"} <= tables


async def test_an_existing_zero_byte_file_is_taken_as_new(db_path: Path) -> None:
    _write(db_path, b"")
    db = await Database.open(db_path)
    await db.close()
    assert _schema(db_path)


async def test_reopening_keeps_data_and_schema(db_path: Path) -> None:
    db = await Database.open(db_path)
    await UserStore(db).set_lang(7, "zh-Hans")
    await db.close()
    schema_before = _schema(db_path)

    db = await Database.open(db_path)
    try:
        settings = await UserStore(db).get(7)
        row = await db.fetchone("PRAGMA user_version")
    finally:
        await db.close()
    assert settings is not None and settings.lang == "zh-Hans"
    assert row is not None and row[0] == LATEST_VERSION
    assert _schema(db_path) == schema_before


async def test_a_newer_schema_version_is_refused_untouched(db_path: Path) -> None:
    db = await Database.open(db_path)
    await db.close()
    conn = _plain(db_path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = _bytes(db_path)

    with pytest.raises(DatabaseError) as caught:
        await Database.open(db_path)

    message = str(caught.value)
    assert str(db_path) in message
    assert f"schema version {LATEST_VERSION + 1}" in message
    assert "newer" in message
    assert _bytes(db_path) == before


async def test_a_corrupt_file_is_refused_and_left_byte_for_byte(db_path: Path) -> None:
    garbage = bytes(range(256)) * 40 + "这不是数据库".encode()
    _write(db_path, garbage)

    with pytest.raises(DatabaseError) as caught:
        await Database.open(db_path)

    assert str(caught.value) == f"{db_path} is not a kefu-bot database (file is not a database)"
    assert _bytes(db_path) == garbage
    assert not _exists(Path(f"{db_path}-wal"))


async def test_a_damaged_kefu_database_is_refused_untouched(db_path: Path) -> None:
    db = await Database.open(db_path)
    await UserStore(db).set_lang(1, "en")
    await db.close()
    conn = _plain(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(_bytes(db_path))
    data[100:4096] = b"\xff" * (4096 - 100)  # page 1 past the header: the schema
    _write(db_path, bytes(data))

    with pytest.raises(DatabaseError, match=r"is not a kefu-bot database \(.*malformed"):
        await Database.open(db_path)

    assert _bytes(db_path) == bytes(data)


async def test_a_transaction_cancelled_while_waiting_for_the_lock_leaves_no_trace(
    db_path: Path,
) -> None:
    db = await Database.open(db_path)
    users = UserStore(db)
    blocker = _plain(db_path)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        waiting = asyncio.create_task(users.forget(1))  # forget runs a transaction
        await asyncio.sleep(0.1)  # let it reach BEGIN IMMEDIATE and wait there
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    try:
        # the connection is not stuck inside the cancelled BEGIN
        settings = await users.set_lang(1, "en")
        assert settings.lang == "en"
        async with db.transaction() as tx:
            await tx.execute("UPDATE users SET lang = 'zh' WHERE user_id = 1")
        stored = await users.get(1)
        assert stored is not None and stored.lang == "zh"
    finally:
        await db.close()

    db = await Database.open(db_path)  # and what it wrote was committed
    try:
        reread = await UserStore(db).get(1)
        assert reread is not None and reread.lang == "zh"
    finally:
        await db.close()


async def test_another_programs_sqlite_file_is_refused_untouched(db_path: Path) -> None:
    conn = _plain(db_path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices (total) VALUES (9.5)")
    conn.close()
    before = _bytes(db_path)

    with pytest.raises(DatabaseError, match="is not a kefu-bot database"):
        await Database.open(db_path)

    assert _bytes(db_path) == before
    assert _schema(db_path) == [
        ("invoices", "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    ]


async def test_a_file_marked_by_another_application_is_refused(db_path: Path) -> None:
    conn = _plain(db_path)
    conn.execute("PRAGMA application_id = 42")
    conn.close()

    with pytest.raises(DatabaseError, match=r"application_id 0x2a"):
        await Database.open(db_path)


async def test_a_directory_in_place_of_the_file_is_refused(db_path: Path) -> None:
    _make_dir(db_path)
    with pytest.raises(DatabaseError, match="is not a regular file"):
        await Database.open(db_path)


async def test_a_writer_waits_for_another_connections_write_lock(db_path: Path) -> None:
    db = await Database.open(db_path)
    users = UserStore(db)
    await users.ensure(1)
    blocker = _plain(db_path)
    blocker.execute("BEGIN IMMEDIATE")
    blocker.execute("UPDATE users SET lang = 'blocker' WHERE user_id = 1")
    released = threading.Event()

    def release() -> None:
        blocker.execute("COMMIT")
        released.set()

    timer = threading.Timer(0.3, release)
    timer.start()
    try:
        settings = await users.set_lang(1, "en")
        # we finished after the other writer: we waited for it instead of failing
        assert released.is_set()
        assert settings.lang == "en"
        stored = await users.get(1)
        assert stored is not None and stored.lang == "en"
    finally:
        timer.join()
        blocker.close()
        await db.close()


async def test_without_busy_timeout_the_same_lock_fails(db_path: Path) -> None:
    # the counterpart of the test above: the lock there was real
    db = await Database.open(db_path)
    await db.close()
    db = await Database.open(db_path, busy_timeout_ms=0)
    blocker = _plain(db_path)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await UserStore(db).set_lang(1, "en")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        await db.close()


async def test_a_transaction_commits_all_or_nothing(db: Database) -> None:
    users = UserStore(db)

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO users (user_id, created_at, updated_at) VALUES (1, 'x', 'x')"
            )
            raise Boom
    assert await users.get(1) is None

    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO users (user_id, created_at, updated_at)"
            " VALUES (2, '2025-01-01T00:00:00.000000+00:00', '2025-01-01T00:00:00.000000+00:00')"
        )
    assert await users.get(2) is not None


async def test_other_tasks_do_not_slip_into_an_open_transaction(db: Database) -> None:
    users = UserStore(db)
    await users.ensure(3)
    inside = asyncio.Event()

    class Boom(Exception):
        pass

    async def failing_transaction() -> None:
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO users (user_id, created_at, updated_at) VALUES (1, 'x', 'x')"
            )
            inside.set()
            for _ in range(20):  # give the other tasks every chance to run
                await asyncio.sleep(0)
            raise Boom

    async def write_one_row() -> None:  # Database.fetchone
        await inside.wait()
        await users.set_lang(2, "en")

    async def write_a_statement() -> None:  # Database.execute
        await inside.wait()
        await users.set_active(3, False)

    async def read_one() -> object:  # Database.fetchone
        await inside.wait()
        return await users.get(1)

    async def read_all() -> list[int]:  # Database.fetchall
        await inside.wait()
        rows = await db.fetchall("SELECT user_id FROM users ORDER BY user_id DESC")
        return [int(row[0]) for row in rows]

    results = await asyncio.gather(
        failing_transaction(),
        write_one_row(),
        write_a_statement(),
        read_one(),
        read_all(),
        return_exceptions=True,
    )

    assert isinstance(results[0], Boom)
    assert results[1] is None and results[2] is None
    # readers never saw the uncommitted row
    assert results[3] is None
    assert isinstance(results[4], list) and 3 in results[4] and 1 not in results[4]
    assert await users.get(1) is None
    # the other tasks' writes were not rolled back with the failed transaction
    kept = await users.get(2)
    assert kept is not None and kept.lang == "en"
    blocked = await users.get(3)
    assert blocked is not None and blocked.active is False


async def test_using_the_database_inside_its_own_transaction_is_an_error(db: Database) -> None:
    with pytest.raises(RuntimeError, match="executor"):
        async with db.transaction():
            await db.fetchone("SELECT 1")
    # the failed transaction released the connection
    assert await db.fetchone("SELECT 1") is not None


async def test_backup_holds_every_committed_row_and_nothing_uncommitted(
    db: Database, tmp_path: Path
) -> None:
    users = UserStore(db)
    for user_id in range(1, 51):
        await users.set_lang(user_id, "zh")
    target = tmp_path / "backups" / "kefu-backup.sqlite3"

    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO users (user_id, created_at, updated_at) VALUES (999, 'x', 'x')"
        )
        await db.backup(target)  # runs beside the open transaction

    assert _exists(target)
    assert _listing(target.parent) == [target.name]  # no partial copy left behind
    conn = sqlite3.connect(target)
    try:
        # one self-contained file, not a database that needs its -wal
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()
    copy = await Database.open(target)
    try:
        copy_users = UserStore(copy)
        assert await copy_users.count_users() == 50
        assert await copy_users.get(999) is None
        first = await copy_users.get(1)
        assert first is not None and first.lang == "zh"
    finally:
        await copy.close()


async def test_backup_replaces_an_older_backup(db: Database, tmp_path: Path) -> None:
    users = UserStore(db)
    target = tmp_path / "kefu-backup.sqlite3"
    await users.set_lang(1, "en")
    await db.backup(target)
    await users.set_lang(2, "en")
    await db.backup(target)

    copy = await Database.open(target)
    try:
        assert await UserStore(copy).count_users() == 2
    finally:
        await copy.close()


async def test_backup_refuses_to_overwrite_the_database_itself(db: Database) -> None:
    with pytest.raises(ValueError):
        await db.backup(db.path)


async def test_close_twice_is_harmless(db_path: Path) -> None:
    db = await Database.open(db_path)
    await db.close()
    await db.close()
