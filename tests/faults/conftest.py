"""A bot that keeps running across many generated examples, and a record of what it logged."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.core.clock import ManualClock
from tests.bot.conftest import START
from tests.bot.harness import Harness

# KEFU_HEAVY_FAULTS=1: many more generated examples and crash/restart rounds
HEAVY = os.environ.get("KEFU_HEAVY_FAULTS", "") not in ("", "0")

T = TypeVar("T")


class LogRecorder(logging.Handler):
    """Keeps every record at or above `level` from every logger."""

    def __init__(self, level: int = logging.DEBUG) -> None:
        super().__init__(level)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def at_least(self, level: int) -> list[logging.LogRecord]:
        return [r for r in self.records if r.levelno >= level]

    def clear(self) -> None:
        self.records.clear()


class BotSession:
    """One running Application (the Harness) on its own event loop, for synchronous tests.

    Hypothesis calls a test many times with one set of fixtures; the bot, its database
    and the fake API stay up between examples, so state builds up as it would in use.
    """

    def __init__(self, db_path: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.clock = ManualClock(START)
        self.bot: Harness = self.run(Harness.start(db_path, self.clock))

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)

    def close(self) -> None:
        try:
            self.run(self.bot.stop())
        finally:
            self.loop.close()


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotSession]:
    running = BotSession(tmp_path_factory.mktemp("faults") / "kefu.sqlite3")
    try:
        yield running
    finally:
        running.close()


@pytest.fixture(scope="module")
def errors_logged() -> Iterator[LogRecorder]:
    """Records at WARNING and above from every logger, for the module's tests."""
    recorder = LogRecorder(logging.WARNING)
    root = logging.getLogger()
    root.addHandler(recorder)
    try:
        yield recorder
    finally:
        root.removeHandler(recorder)
