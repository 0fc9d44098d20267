"""`python -m bot backup` beside a writing bot, and `restore`: refused under a running bot,
validated, atomic, the replaced database kept."""

from __future__ import annotations

import asyncio
import io
import os
import sqlite3
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.infra.ops import (
    DatabaseInUseError,
    DatabaseLock,
    backup,
    lock_path,
    restore,
    run_backup,
    run_restore,
)
from storage.db import Database, DatabaseError
from storage.migrations import LATEST_VERSION
from storage.users import UserStore


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "kefu.sqlite3"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db: Path) -> Path:
    """BOT_DB set, no other BOT_* variable, no .env in the working directory."""
    for name in list(os.environ):
        if name.startswith("BOT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("BOT_DB", str(db))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return db


async def add_users(db: Path, ids: range) -> None:
    database = await Database.open(db)
    try:
        users = UserStore(database)
        for user_id in ids:
            await users.ensure(user_id)
    finally:
        await database.close()


def user_ids(path: Path) -> list[int]:
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return [row[0] for row in connection.execute("SELECT user_id FROM users ORDER BY 1")]
    finally:
        connection.close()


def leftovers(folder: Path, pattern: str = "*.partial") -> list[Path]:
    return list(folder.glob(pattern))


async def test_a_backup_taken_during_writes_has_every_committed_row(
    db: Path, tmp_path: Path
) -> None:
    await add_users(db, range(1, 2001))  # enough pages that the copy takes a moment
    database = await Database.open(db)
    users = UserStore(database)
    committed: list[int] = []
    enough = asyncio.Event()
    stop = asyncio.Event()

    async def write() -> None:
        user_id = 10_000
        while not stop.is_set():
            await users.ensure(user_id)  # committed when it returns
            committed.append(user_id)
            user_id += 1
            if len(committed) >= 50:
                enough.set()

    writer = asyncio.create_task(write())
    try:
        await enough.wait()
        before = list(committed)
        target = tmp_path / "backup.sqlite3"
        copy = await asyncio.to_thread(backup, db, target)
        written_during = len(committed) - len(before)
    finally:
        stop.set()
        await writer
        await database.close()

    assert copy == target
    assert leftovers(tmp_path) == []
    ids = user_ids(copy)  # opens, passes integrity_check
    assert set(range(1, 2001)) <= set(ids)
    assert set(before) <= set(ids)  # everything committed before the backup began
    # a snapshot: the writes it holds are exactly the first n, none skipped
    later = [i for i in ids if i >= 10_000]
    assert later == committed[: len(later)]
    assert written_during > 0  # the bot kept writing while the copy was taken
    # the copy is one self-contained file, opened as a kefu-bot database
    assert leftovers(copy.parent, f"{copy.name}-wal") == []
    reopened = await Database.open(copy)
    await reopened.check()
    await reopened.close()


def test_backup_into_a_directory_gets_a_time_stamped_name(db: Path, tmp_path: Path) -> None:
    asyncio.run(add_users(db, range(1, 4)))
    folder = tmp_path / "backups"
    folder.mkdir()
    copy = backup(db, folder)
    assert copy.parent == folder and copy.name.startswith("kefu-") and copy.suffix == ".sqlite3"
    assert user_ids(copy) == [1, 2, 3]


def test_backup_of_a_missing_database_is_an_error(db: Path, tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="nothing to back up"):
        backup(db, tmp_path / "b.sqlite3")
    assert not db.exists()  # not created by asking


def test_restore_is_refused_while_the_lock_is_held(db: Path, tmp_path: Path) -> None:
    asyncio.run(add_users(db, range(1, 4)))
    copy = backup(db, tmp_path / "b.sqlite3")
    asyncio.run(add_users(db, range(4, 6)))
    with DatabaseLock(db), pytest.raises(DatabaseInUseError, match="in use by pid"):
        restore(db, copy)
    assert user_ids(db) == [1, 2, 3, 4, 5]  # untouched
    # a second holder is refused too (a second bot on the same file)
    with DatabaseLock(db), pytest.raises(DatabaseInUseError):
        DatabaseLock(db).acquire()
    # released: now it may
    restore(db, copy)
    assert user_ids(db) == [1, 2, 3]


def test_restore_replaces_atomically_and_keeps_the_old_database(
    db: Path, tmp_path: Path
) -> None:
    asyncio.run(add_users(db, range(1, 4)))
    copy = backup(db, tmp_path / "b.sqlite3")
    # the old database as a crashed bot leaves it: commits still in its -wal file
    asyncio.run(add_users(db, range(4, 6)))
    crashed = sqlite3.connect(db)
    crashed.execute("PRAGMA wal_autocheckpoint = 0")
    crashed.execute(
        "INSERT INTO users (user_id, created_at, updated_at) VALUES (99, 'x', 'x')"
    )
    crashed.commit()
    snapshot = {suffix: Path(f"{db}{suffix}").read_bytes() for suffix in ("", "-wal")}
    crashed.close()
    for suffix, data in snapshot.items():
        Path(f"{db}{suffix}").write_bytes(data)
    assert Path(f"{db}-wal").stat().st_size > 0

    aside = restore(db, copy)
    assert aside is not None and aside.name.startswith("kefu.sqlite3.replaced-")
    assert user_ids(db) == [1, 2, 3]  # no stale WAL frames applied to the restored file
    assert user_ids(aside) == [1, 2, 3, 4, 5, 99]  # the old data, its WAL included
    assert not [p for p in db.parent.iterdir() if ".restore-" in p.name]
    assert not lock_path(db).read_text()  # released and emptied


@pytest.mark.parametrize("kind", ["garbage", "foreign", "newer", "missing"])
def test_restore_refuses_what_is_not_a_kefu_database(
    db: Path, tmp_path: Path, kind: str
) -> None:
    asyncio.run(add_users(db, range(1, 3)))
    source = tmp_path / f"{kind}.sqlite3"
    if kind == "garbage":
        source.write_bytes(b"this is not a database" * 100)
    elif kind == "foreign":
        other = sqlite3.connect(source)
        other.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
        other.commit()
        other.close()
    elif kind == "newer":
        backup(db, source)
        newer = sqlite3.connect(source)
        newer.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
        newer.commit()
        newer.close()
    with pytest.raises(DatabaseError) as raised:
        restore(db, source)
    assert str(source) in str(raised.value)
    assert user_ids(db) == [1, 2]
    assert {p.name for p in db.parent.iterdir()} - {"kefu.sqlite3.lock"} == {"kefu.sqlite3"}


def test_restore_into_an_empty_place(db: Path, tmp_path: Path) -> None:
    source_db = tmp_path / "elsewhere" / "kefu.sqlite3"
    asyncio.run(add_users(source_db, range(7, 9)))
    copy = backup(source_db, tmp_path / "b.sqlite3")
    assert restore(db, copy) is None  # nothing was there to keep
    assert user_ids(db) == [7, 8]


def test_the_commands(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = env
    asyncio.run(add_users(db, range(1, 4)))
    target = tmp_path / "cli-backup.sqlite3"
    assert main(["backup", str(target)]) == 0
    assert f"backup written: {target}" in capsys.readouterr().out
    asyncio.run(add_users(db, range(4, 5)))
    assert main(["restore", str(target)]) == 0
    out = capsys.readouterr().out
    assert f"restored {db} from {target}" in out and "previous database is kept as" in out
    assert user_ids(db) == [1, 2, 3]

    assert main(["backup", f"{tmp_path / 'new' / 'dir'}/"]) == 0  # a new directory
    [made] = (tmp_path / "new" / "dir").iterdir()
    assert made.name.startswith("kefu-") and made.name in capsys.readouterr().out

    err = io.StringIO()
    with DatabaseLock(db):
        assert run_restore(str(target), out=io.StringIO(), err=err) == 1
    assert "restore refused" in err.getvalue() and "stop the bot first" in err.getvalue()
    err = io.StringIO()
    assert run_restore(str(tmp_path / "nope.sqlite3"), out=io.StringIO(), err=err) == 1
    assert "nothing changed" in err.getvalue()
    err = io.StringIO()
    db.unlink()
    assert run_backup(str(target), out=io.StringIO(), err=err) == 1
    assert "nothing to back up" in err.getvalue()


def test_health_without_an_http_server_says_what_to_set(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["health"]) == 2
    assert "BOT_HTTP_PORT" in capsys.readouterr().err
