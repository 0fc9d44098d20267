"""The user row across processes and a SIGKILL: `python -m bot` runs against a fake Bot API
over real HTTP while this test, another process on the same SQLite file, forgets one user
and changes another's language, a third user blocks the bot; then the bot is killed.

The bot skips the user write while the row is fresh (bot/core/context.py SEEN_PRECISION),
so what must hold is that nothing it skips is ever needed: a forgotten user comes back
only as a new one, changed settings are used on the next update, a block is recorded at
once and survives the kill, and the blocked user's next message after the restart
unblocks them.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.fakeapi_http import FakeApiServer, Fault, ServerThread
from bot.core.texts import MESSAGES
from storage import Database, UserStore
from storage.users import UserSettings
from tests.bot.harness import TOKEN

REPO = Path(__file__).resolve().parents[2]
FORGOTTEN, RELANGUAGED, BLOCKING = 7101, 7102, 7103


@pytest.fixture
def api() -> Iterator[ServerThread]:
    runner = ServerThread(record_calls=True)
    try:
        yield runner
    finally:
        runner.close()


def start(user_id: int, index: int) -> dict[str, Any]:
    user = {"id": user_id, "is_bot": False, "first_name": "U", "language_code": "zh-hans"}
    return {"message": {
        "message_id": index, "from": user, "date": int(time.time()), "text": "/start",
        "chat": {"id": user_id, "type": "private", "first_name": "U"},
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}


def sends(server: FakeApiServer, user_id: int, status: int = 200) -> list[str]:
    """Texts of the sendMessage calls to `user_id` that got `status` (on the API's loop)."""
    return [str(c.params["text"]) for c in server.calls
            if c.method == "sendMessage" and c.status == status
            and int(c.params.get("chat_id", 0)) == user_id]


def wait_for(api: ServerThread, condition: Callable[[], bool], seconds: float = 30) -> bool:
    """Wait on the fake API (its loop runs `condition` after each request it answers)."""
    done: bool = api.run(api.server.wait_until(condition, seconds), seconds + 10)
    return done


def stored(db_path: Path, user_id: int) -> UserSettings | None:
    """The user's row, read by this process on its own connection."""
    async def read() -> UserSettings | None:
        db = await Database.open(db_path)
        try:
            return await UserStore(db).get(user_id)
        finally:
            await db.close()
    return asyncio.run(read())


def until_stored(db_path: Path, user_id: int, check: Callable[[UserSettings | None], bool],
                 seconds: float = 20) -> UserSettings | None:
    """The row once `check` holds (the bot writes it after the API call it follows)."""
    deadline = time.monotonic() + seconds
    row = stored(db_path, user_id)
    while not check(row) and time.monotonic() < deadline:
        time.sleep(0.05)
        row = stored(db_path, user_id)
    return row


def test_forget_settings_and_blocks_hold_across_processes_and_a_kill(
    api: ServerThread, tmp_path: Path
) -> None:
    db_path = tmp_path / "kefu.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update({"PYTHONPATH": str(REPO), "BOT_TOKEN": TOKEN, "BOT_DB": str(db_path),
                "BOT_API_BASE_URL": api.base_url, "BOT_LOG_LEVEL": "WARNING"})
    log_path = tmp_path / "bot.log"
    server = api.server

    def launch() -> subprocess.Popen[str]:
        started = server.counts["getMe"]
        with log_path.open("a", encoding="utf-8") as log:
            process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp_path,
                                       env=env, stdout=subprocess.DEVNULL, stderr=log,
                                       text=True)
        assert wait_for(api, lambda: server.counts["getMe"] > started, 60), "no start"
        return process

    process = launch()
    try:
        api.call(server.add_updates, [start(u, i) for i, u in
                                      enumerate((FORGOTTEN, RELANGUAGED, BLOCKING))])
        assert wait_for(api, lambda: all(sends(server, u) for u in
                                         (FORGOTTEN, RELANGUAGED, BLOCKING)))
        first = stored(db_path, FORGOTTEN)
        assert first is not None and first.active

        # the operator, in another process: forget one user, change another's language
        async def operate() -> None:
            db = await Database.open(db_path)
            try:
                assert await UserStore(db).forget(FORGOTTEN)
                await UserStore(db).set_lang(RELANGUAGED, "en")
            finally:
                await db.close()
        asyncio.run(operate())
        api.call(server.fault, Fault(method="sendMessage", chat_id=BLOCKING, status=403,
                                     times=None,
                                     description="Forbidden: bot was blocked by the user"))
        api.call(server.add_updates, [start(u, 10 + i) for i, u in
                                      enumerate((FORGOTTEN, RELANGUAGED, BLOCKING))])
        assert wait_for(api, lambda: len(sends(server, FORGOTTEN)) == 2
                        and len(sends(server, RELANGUAGED)) == 2
                        and bool(sends(server, BLOCKING, 403)))
        [zh, en] = api.call(sends, server, RELANGUAGED)
        assert MESSAGES.get("home.title", "zh") in zh and MESSAGES.get("home.title", "en") in en
        blocked = until_stored(db_path, BLOCKING, lambda r: r is not None and not r.active)
        assert blocked is not None and not blocked.active
    finally:
        process.kill()  # SIGKILL: nothing held in memory survives
        process.wait(30)

    again = stored(db_path, FORGOTTEN)
    assert first is not None and again is not None
    assert again.created_at > first.created_at and again.lang is None  # a new user
    after_kill = stored(db_path, BLOCKING)
    assert after_kill is not None and not after_kill.active  # the block was written at once

    api.call(server.faults.clear)  # they unblocked the bot
    process = launch()
    try:
        api.call(server.add_updates, [start(BLOCKING, 20)])
        assert wait_for(api, lambda: bool(sends(server, BLOCKING)))
        back = until_stored(db_path, BLOCKING, lambda r: r is not None and r.active)
        assert back is not None and back.active
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    stderr = log_path.read_text(encoding="utf-8")
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
