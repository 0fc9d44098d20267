"""Issue 17 (10): a database, -wal or -shm file the bot cannot write is said clearly — a
start-up error naming the file, a failing /healthz and one log line — instead of SQLite
running on read-only or the process dying of SIGBUS with no word.

Tests run as root here, where chmod 0444 changes nothing: a file "the bot cannot write" is
made as root too — a directory in the file's place (no one opens that for writing) or an
immutable file (chattr +i, skipped where the file system or the container refuses it);
chmod 0444 is tested where the tests do not run as root.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
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


@pytest.mark.skipif(ROOT, reason="root writes a 0444 file all the same (see the tests above)")
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
async def test_start_up_names_a_read_only_file(db_path: Path, suffix: str) -> None:
    await make_database(db_path)
    sibling(db_path, suffix).chmod(0o444)
    with pytest.raises(DatabaseError) as raised:
        await Database.open(db_path)
    assert f"{db_path.name}{suffix} cannot be written" in str(raised.value)


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
