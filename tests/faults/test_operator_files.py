"""An operator's commands pointed at the wrong files: `restore` of what is not a kefu-bot
backup, `backup` over the live database or its lock, and one database reached through two
paths. Each is refused with one line, and not a byte changes."""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import sqlite3
from pathlib import Path

import pytest

from bot.infra.ops import (
    BackupRefusedError,
    DatabaseInUseError,
    DatabaseLock,
    backup,
    lock_path,
    restore,
    run_backup,
    run_restore,
)
from storage.db import Database
from storage.migrations import APPLICATION_ID, LATEST_VERSION
from storage.users import UserStore


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "kefu.sqlite3"
    asyncio.run(add_users(path, range(1, 301)))
    return path


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db: Path) -> Path:
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


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file() and not p.is_symlink()}


def user_count(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("SELECT count(*) FROM users").fetchone()[0])
    finally:
        connection.close()


# --- 1. restore takes kefu-bot backups only -------------------------------------------


def test_a_kefu_database_carries_the_documented_mark(db: Path) -> None:
    assert int.from_bytes(b"kefu", "big") == APPLICATION_ID
    assert db.read_bytes()[68:72] == b"kefu"  # the header's application_id field


def _empty_file(path: Path, db: Path) -> None:
    path.write_bytes(b"")


def _sqlite_without_tables(path: Path, db: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 0")
    connection.execute("VACUUM")  # writes a valid, empty database file
    connection.close()


def _damaged_page(path: Path, db: Path) -> None:
    backup(db, path)
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    pages = len(data) // page_size
    assert pages > 4
    middle = (pages // 2) * page_size
    data[middle:middle + page_size] = os.urandom(page_size)
    path.write_bytes(bytes(data))


def _newer_schema(path: Path, db: Path) -> None:
    backup(db, path)
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    connection.commit()
    connection.close()


@pytest.mark.parametrize(
    ("make", "says"),
    [(_empty_file, "no kefu-bot mark"), (_sqlite_without_tables, "no kefu-bot mark"),
     (_damaged_page, "integrity check"), (_newer_schema, "newer than this kefu-bot")],
    ids=["0-byte", "sqlite-no-tables", "damaged-page", "newer-schema"],
)
def test_restore_refuses_what_is_not_a_good_kefu_backup(
    env: Path, tmp_path: Path, make: object, says: str
) -> None:
    db = env
    source = tmp_path / "candidate.sqlite3"
    assert callable(make)
    make(source, db)
    before = digest(db.parent)
    source_before = hashlib.sha256(source.read_bytes()).hexdigest()
    out, err = io.StringIO(), io.StringIO()
    assert run_restore(str(source), out=out, err=err) == 1
    lines = err.getvalue().splitlines()
    assert len(lines) == 1, err.getvalue()
    assert lines[0].startswith("restore failed, nothing changed: ")
    assert says in lines[0] and str(source) in lines[0]
    assert out.getvalue() == ""
    after = digest(db.parent)
    after.pop(lock_path(db).name, None)
    before.pop(lock_path(db).name, None)
    assert after == before  # the database untouched, nothing left beside it
    assert hashlib.sha256(source.read_bytes()).hexdigest() == source_before
    assert user_count(db) == 300


# --- 2. one database, one lock ----------------------------------------------------------


def test_a_symlinked_path_takes_the_same_lock(db: Path, tmp_path: Path) -> None:
    link = tmp_path / "elsewhere" / "bot.db"
    link.parent.mkdir()
    link.symlink_to(db)
    assert lock_path(link) == lock_path(db)
    with DatabaseLock(db), pytest.raises(DatabaseInUseError):
        DatabaseLock(link).acquire()
    with DatabaseLock(link), pytest.raises(DatabaseInUseError):
        restore(db, backup(db, tmp_path / "b.sqlite3"))
    assert not (link.parent / "bot.db.lock").exists()


def test_restore_through_a_symlink_replaces_the_real_file(db: Path, tmp_path: Path) -> None:
    copy = backup(db, tmp_path / "b.sqlite3")
    asyncio.run(add_users(db, range(301, 311)))
    link = tmp_path / "link.sqlite3"
    link.symlink_to(db)
    restore(link, copy)
    assert link.is_symlink() and link.resolve() == db.resolve()
    assert user_count(db) == 300


@pytest.mark.parametrize("which", ["lock", "-wal", "-shm", "itself", "symlink", "hard link"])
def test_backup_refuses_the_live_database_and_its_files(
    db: Path, tmp_path: Path, which: str
) -> None:
    live = sqlite3.connect(db)  # a running bot: -wal and -shm exist
    live.execute("SELECT count(*) FROM users").fetchone()
    with DatabaseLock(db):
        targets = {
            "lock": lock_path(db),
            "-wal": db.with_name(db.name + "-wal"),
            "-shm": db.with_name(db.name + "-shm"),
            "itself": db,
        }
        if which == "symlink":
            target = tmp_path / "to-db"
            target.symlink_to(db)
        elif which == "hard link":
            target = tmp_path / "same-inode.sqlite3"
            os.link(db, target)
        else:
            target = targets[which]
        assert target.exists()
        before = digest(db.parent)
        inode = lock_path(db).stat().st_ino
        with pytest.raises(BackupRefusedError, match="live database's own file"):
            backup(db, target)
        assert digest(db.parent) == before
        assert lock_path(db).stat().st_ino == inode
    live.close()


def test_backup_refuses_to_overwrite_a_file_that_is_not_a_backup(
    env: Path, tmp_path: Path
) -> None:
    db = env
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me\n")
    err = io.StringIO()
    assert run_backup(str(notes), out=io.StringIO(), err=err) == 1
    assert notes.read_text() == "keep me\n"
    [line] = err.getvalue().splitlines()
    assert line.startswith("backup refused, nothing written: ")
    assert "not a kefu-bot backup" in line and str(notes) in line
    # an earlier backup may be overwritten (a timer writing the same name each day)
    earlier = backup(db, tmp_path / "daily.sqlite3")
    asyncio.run(add_users(db, range(301, 305)))
    assert run_backup(str(earlier), out=io.StringIO(), err=io.StringIO()) == 0
    assert user_count(earlier) == 304
