"""Fixtures: a running Application on a real SQLite file, a fake Bot API, a manual clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.clock import ManualClock
from tests.bot.harness import Harness

# a Monday, 10:00 in Shanghai, 21:00 (Sunday) in New York
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "kefu.sqlite3"


@pytest.fixture
async def bot(db_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    harness = await Harness.start(db_path, clock)
    try:
        yield harness
    finally:
        await harness.stop()
    harness.assert_clean()
