"""Issue 17 (10): after /forget nothing of the user's lingers in the files — not in the
database pages (secure_delete) and not in the write-ahead log (checkpointed, truncated)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.clock import ManualClock
from bot.core.services import services_of
from tests.bot.casekit import register, start_bot
from tests.bot.conftest import START
from tests.bot.harness import EN_USER, ZH_USER, Harness

CASE_ID = "QZX4471098823"
NOTE = "kiwi-umbrella-secret-note"
OTHER_CASE = "OTHER5550001"


def raw_files(db_path: Path) -> bytes:
    """Every byte of the database, its -wal and -shm on the disk."""
    data = b""
    for suffix in ("", "-wal", "-shm"):
        path = db_path.with_name(db_path.name + suffix)
        if path.exists():
            data += path.read_bytes()
    return data


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "kefu.sqlite3"


@pytest.fixture
async def bot(db_path: Path) -> AsyncIterator[Harness]:
    harness = await start_bot(db_path, ManualClock(START))
    try:
        yield harness
    finally:
        await harness.stop()


async def test_forget_leaves_no_byte_of_the_cases_in_the_files(
    bot: Harness, db_path: Path
) -> None:
    await register(bot, CASE_ID, note=NOTE)
    await register(bot, OTHER_CASE, user=EN_USER)
    services = services_of(bot.app)
    await services.db.execute("PRAGMA wal_checkpoint(PASSIVE)")  # in the file and the log
    before = raw_files(db_path)
    assert CASE_ID.encode() in before and NOTE.encode() in before
    await bot.send("/forget")
    await bot.tap("确定，全部删除")
    assert "已删除你的全部数据" in bot.screen().plain
    after = raw_files(db_path)  # the bot still runs, its connection open
    assert CASE_ID.encode() not in after
    assert NOTE.encode() not in after
    assert OTHER_CASE.encode() in after  # someone else's case stays
    wal = db_path.with_name(db_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # checkpointed and truncated
    assert await services.users.get(ZH_USER.id) is None
    # the connection deletes securely from now on, whatever deletes
    row = await services.db.fetchone("PRAGMA secure_delete")
    assert row is not None and row[0] == 1
