"""SQLite under stress: another writer holding the lock, damaged files, migrations run again."""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.fakeapi_http import ServerThread
from bot.core.clock import ManualClock
from storage.db import Database
from storage.migrations import LATEST_VERSION, apply_migrations
from tests.bot.conftest import START
from tests.bot.harness import EN_USER, TOKEN, Harness
from tests.faults.conftest import LogRecorder

REPO = Path(__file__).resolve().parents[2]
LOCK_HELD = 0.3  # seconds the other writer keeps the lock: well inside the busy timeout


class OtherWriter:
    """A second connection (another process would do the same) holding the write lock."""

    def __init__(self, path: Path) -> None:
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._conn.execute("BEGIN IMMEDIATE")
        self._conn.execute("UPDATE users SET updated_at = updated_at")
        self.released_at: float | None = None
        self._timer = threading.Timer(LOCK_HELD, self.release)

    def release_soon(self) -> None:
        self._timer.start()

    def release(self) -> None:
        if self.released_at is None:
            self._conn.execute("COMMIT")
            self._conn.close()
            self.released_at = time.monotonic()


@pytest.fixture
def logs() -> Iterator[LogRecorder]:
    recorder = LogRecorder(logging.WARNING)
    logging.getLogger().addHandler(recorder)
    try:
        yield recorder
    finally:
        logging.getLogger().removeHandler(recorder)


async def test_a_locked_database_makes_the_bot_wait_not_fail(
    tmp_path: Path, logs: LogRecorder
) -> None:
    db_path = tmp_path / "kefu.sqlite3"
    bot = await Harness.start(db_path, ManualClock(START))
    try:
        await bot.send("/lang", user=EN_USER)  # the user exists, the language menu is up
        writer = OtherWriter(db_path)
        writer.release_soon()
        try:
            # both write: /start records the visit, the button stores the language
            await bot.send("/start", user=EN_USER)
            await bot.send("/lang", user=EN_USER)
            await bot.tap("中文", user=EN_USER)
        finally:
            writer.release()
        done_at = time.monotonic()
        assert writer.released_at is not None and writer.released_at <= done_at
        stored = await bot.app.bot_data["services"].users.get(EN_USER.id)
        assert stored is not None and stored.lang == "zh"
        assert "语言" in bot.screen(EN_USER).plain
    finally:
        await bot.stop()
    bot.assert_clean()
    assert logs.at_least(logging.WARNING) == []


# --- damaged files: a clear error at start, and the file left exactly as it was --------


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(64 * 1024))


def _damaged_header(path: Path) -> None:
    """A real kefu database whose header (page size, counters) was overwritten."""
    _real_database(path)
    data = bytearray(path.read_bytes())
    data[16:28] = b"\xff" * 12
    path.write_bytes(bytes(data))


def _someone_elses(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('keep me')")
    conn.commit()
    conn.close()


def _real_database(path: Path) -> None:
    import asyncio

    async def create() -> None:
        db = await Database.open(path)
        await db.close()

    asyncio.run(create())
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@pytest.fixture
def local_api() -> Iterator[ServerThread]:
    api = ServerThread()
    try:
        yield api
    finally:
        api.close()


def _digest(folder: Path) -> dict[str, str]:
    """Every SQLite file in the folder (the database and any journal beside it)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())
            if p.name.endswith((".sqlite3", "-wal", "-shm", "-journal"))}


@pytest.mark.parametrize("damage", [_garbage, _damaged_header, _someone_elses],
                         ids=["garbage", "damaged-header", "another-apps-database"])
def test_a_damaged_database_stops_the_bot_with_one_line_and_is_left_alone(
    tmp_path: Path, local_api: ServerThread, damage: object
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db_path = folder / "kefu.sqlite3"
    assert callable(damage)
    damage(db_path)
    before = _digest(folder)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update({"PYTHONPATH": str(REPO), "BOT_TOKEN": TOKEN, "BOT_DB": str(db_path),
                "BOT_API_BASE_URL": local_api.base_url, "BOT_LOG_LEVEL": "INFO"})
    result = subprocess.run([sys.executable, "-m", "bot"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode != 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "level=CRITICAL" in line]
    assert len(lines) == 1, result.stderr
    assert "kefu.sqlite3" in lines[0] and "Traceback" not in result.stderr
    assert TOKEN not in result.stderr
    assert _digest(folder) == before  # not a byte changed, no -wal or -journal left beside


# --- migrations ---------------------------------------------------------------------------


def _schema(path: Path) -> tuple[list[tuple[str, str, str]], int, int]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT type, name, coalesce(sql, '') FROM sqlite_schema ORDER BY type, name"
        ).fetchall()
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    finally:
        conn.close()
    return rows, version, app_id


async def test_migrations_run_again_change_nothing(tmp_path: Path) -> None:
    path = tmp_path / "kefu.sqlite3"
    db = await Database.open(path)
    await db.execute(
        "INSERT INTO users (user_id, lang, created_at, updated_at) VALUES (1, 'zh', 'x', 'x')")
    await db.close()
    first = _schema(path)
    assert first[1] == LATEST_VERSION
    for _ in range(3):  # restarts
        db = await Database.open(path)
        await db.close()
    assert _schema(path) == first
    # and applying them by hand on an up-to-date file is a no-op
    import aiosqlite

    async with aiosqlite.connect(path, isolation_level=None) as conn:
        assert await apply_migrations(conn, str(path)) == LATEST_VERSION
        assert await apply_migrations(conn, str(path)) == LATEST_VERSION
    assert _schema(path) == first
    conn2 = sqlite3.connect(path)
    assert conn2.execute("SELECT user_id, lang FROM users").fetchall() == [(1, "zh")]
    conn2.close()
