"""Issue 17 (10): a database, -wal or -shm file the bot cannot write is said clearly — a
start-up error naming the file, a failing /healthz and one log line — instead of SQLite
running on read-only or the process dying of SIGBUS with no word.

Tests run as root here, where chmod 0444 binds nobody: a file "the bot cannot write" is
made as root too — a directory in the file's place (no one opens that for writing) or an
immutable file (chattr +i, skipped where the file system or the container refuses it);
chmod 0444 is tested by opening the database as user nobody (setpriv) when root.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.core.clock import ManualClock
from bot.core.services import services_of
from bot.infra.http import Lifecycle, ServerState, health_report
from storage.db import Database, DatabaseError, unwritable_file
from storage.errors import WriteFailed
from storage.users import UserStore
from tests.bot.casekit import start_bot
from tests.bot.conftest import START
from tests.bot.harness import Harness
from tests.faults.conftest import LogRecorder

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def sibling(db_path: Path, suffix: str) -> Path:
    return db_path.with_name(db_path.name + suffix)


async def make_database(db_path: Path) -> None:
    """A database left as a killed bot leaves it: its -wal and -shm still there."""
    db = await Database.open(db_path)
    await UserStore(db).ensure(1)
    await db.close()
    for suffix in ("-wal", "-shm"):
        sibling(db_path, suffix).touch()


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[None]:
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.skip("no chattr here")
    done = subprocess.run([chattr, "+i", str(path)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"chattr +i refused here: {done.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "kefu.sqlite3"


@pytest.mark.parametrize("suffix", ["-wal", "-shm"])
async def test_start_up_names_a_log_file_that_is_a_directory(
    db_path: Path, suffix: str
) -> None:
    await make_database(db_path)
    target = sibling(db_path, suffix)
    target.unlink()
    target.mkdir()
    with pytest.raises(DatabaseError) as raised:
        await Database.open(db_path)
    message = str(raised.value)
    assert f"{db_path.name}{suffix}" in message and "cannot be written" in message


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
async def test_start_up_names_an_immutable_file(db_path: Path, suffix: str) -> None:
    await make_database(db_path)
    with immutable(sibling(db_path, suffix)), pytest.raises(DatabaseError) as raised:
        await Database.open(db_path)
    assert f"{db_path.name}{suffix} cannot be written" in str(raised.value)


OPEN = """
import asyncio, sys
from storage.db import Database, DatabaseError
async def main():
    db = await Database.open(sys.argv[1])
    await db.close()
try:
    asyncio.run(main())
except DatabaseError as exc:
    print(exc)
"""


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_start_up_names_a_read_only_file(suffix: str) -> None:
    """chmod 0444, opened by a user it binds: as root, the open runs as nobody (setpriv)."""
    setpriv = shutil.which("setpriv")
    if ROOT and setpriv is None:
        pytest.skip("running as root without setpriv: 0444 binds nobody here")
    # a folder nobody may enter (pytest's tmp_path is private to root)
    with tempfile.TemporaryDirectory() as folder:
        Path(folder).chmod(0o777)
        db_path = Path(folder) / "kefu.sqlite3"
        asyncio.run(make_database(db_path))
        for path in _all_files(db_path):
            path.chmod(0o666)
        sibling(db_path, suffix).chmod(0o444)
        if ROOT:
            assert setpriv is not None
            command = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups",
                       sys.executable, "-c", OPEN, str(db_path)]
            done = subprocess.run(command, capture_output=True, text=True, check=False,
                                  cwd=Path(__file__).resolve().parents[2], timeout=60)
            message = done.stdout + done.stderr
        else:
            with pytest.raises(DatabaseError) as raised:
                asyncio.run(Database.open(db_path))
            message = str(raised.value)
    assert f"{db_path.name}{suffix} cannot be written (Permission denied)" in message, message


def _all_files(db_path: Path) -> list[Path]:
    return [sibling(db_path, suffix) for suffix in ("", "-wal", "-shm")]


def test_a_healthy_database_has_no_unwritable_file(tmp_path: Path) -> None:
    db_path = tmp_path / "kefu.sqlite3"
    assert unwritable_file(db_path) is None  # nothing there yet: it will be created
    db_path.write_bytes(b"")
    assert unwritable_file(db_path) is None


@pytest.fixture
async def bot(db_path: Path) -> AsyncIterator[Harness]:
    harness = await start_bot(db_path, ManualClock(START))
    try:
        yield harness
    finally:
        await harness.stop()


@pytest.fixture
def logs() -> Iterator[LogRecorder]:
    recorder = LogRecorder(logging.WARNING)
    logging.getLogger().addHandler(recorder)
    try:
        yield recorder
    finally:
        logging.getLogger().removeHandler(recorder)


async def health(bot: Harness) -> tuple[bool, dict[str, object]]:
    return await health_report(ServerState(bot.app, "webhook", Lifecycle.READY))


async def test_healthz_fails_while_the_shm_file_cannot_be_written(
    bot: Harness, db_path: Path, logs: LogRecorder
) -> None:
    services = services_of(bot.app)
    await services.users.ensure(1)
    assert (await health(bot))[0]
    shm = sibling(db_path, "-shm")
    assert shm.exists()
    # the file in place of the one SQLite maps is one nobody can open for writing
    moved = shm.rename(shm.with_name("moved-shm"))
    shm.mkdir()
    try:
        for _ in range(3):  # health checks come every few seconds: one log line
            healthy, body = await health(bot)
            assert not healthy
            assert str(body["database"]).startswith(f"not writable: {shm.name} cannot be written")
        lines = [r for r in logs.records if "cannot be written" in r.getMessage()
                 or "cannot be written" in str(getattr(r, "problem", ""))]
        assert len(lines) == 1
        # meanwhile writes are refused by the bot, not attempted (growing the log through
        # a -shm it cannot extend is what killed the process with SIGBUS)
        with pytest.raises(WriteFailed):
            await services.users.ensure(2)
    finally:
        shm.rmdir()
        moved.rename(shm)
    healthy, body = await health(bot)
    assert healthy and body["database"] == "ok"
    await services.users.ensure(2)


async def test_healthz_fails_when_the_shm_file_is_made_immutable(
    bot: Harness, db_path: Path
) -> None:
    services = services_of(bot.app)
    await services.users.ensure(1)
    with immutable(sibling(db_path, "-shm")):
        healthy, body = await health(bot)
        assert not healthy and "-shm cannot be written" in str(body["database"])
        with pytest.raises(WriteFailed):
            await services.users.ensure(2)
    assert (await health(bot))[0]
