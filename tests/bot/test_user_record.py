"""The user row on every private update: written when it changes something, read every time.

The bot writes a user when they are new, come back after blocking it, or were last
recorded `SEEN_PRECISION` ago (bot/core/context.py, issue #21); otherwise it only reads.
A second connection on the same file stands for another process (the operator's CLI):
what it forgets or changes is what the bot's next update sees.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

from bot.core.clock import ManualClock
from bot.core.context import SEEN_PRECISION
from bot.core.services import services_of
from bot.core.texts import MESSAGES
from storage import Database, UserStore
from tests.bot.fakeapi import Failure
from tests.bot.harness import ZH_USER, Harness


async def test_a_user_writing_again_is_read_not_written(
    bot: Harness, clock: ManualClock, db_path: Path
) -> None:
    await bot.send("/start")
    users = services_of(bot.app).users
    first = await users.get(ZH_USER.id)
    assert first is not None and first.last_seen_at == clock.now()
    # SQLite's count of commits by other connections, read on a connection of our own
    with closing(sqlite3.connect(db_path)) as other:
        version = other.execute("PRAGMA data_version").fetchone()[0]
        for _ in range(3):
            clock.advance(timedelta(seconds=30))
            await bot.send("/help")
        assert other.execute("PRAGMA data_version").fetchone()[0] == version  # no commit
        assert await users.get(ZH_USER.id) == first
        clock.advance(SEEN_PRECISION)
        await bot.send("/help")
        assert other.execute("PRAGMA data_version").fetchone()[0] != version
    again = await users.get(ZH_USER.id)
    assert again is not None and again.last_seen_at == clock.now()


async def test_a_user_who_blocks_and_comes_back_a_moment_later(
    bot: Harness, clock: ManualClock
) -> None:
    users = services_of(bot.app).users
    await bot.send("/start")
    bot.api.fail("sendMessage", Failure.blocked())
    await bot.send("/help")
    stored = await users.get(ZH_USER.id)
    assert stored is not None and not stored.active
    clock.advance(timedelta(seconds=5))  # well within SEEN_PRECISION of the last write
    calls = await bot.send("/help")
    assert [c.method for c in calls] == ["sendMessage"]
    stored = await users.get(ZH_USER.id)
    assert stored is not None and stored.active


async def test_another_process_forgets_a_user_while_the_bot_runs(
    bot: Harness, clock: ManualClock, db_path: Path
) -> None:
    await bot.send("/lang")
    await bot.tap("English")  # a setting the forgotten user must not keep
    users = services_of(bot.app).users
    before = await users.get(ZH_USER.id)
    assert before is not None and before.lang == "en"
    other = await Database.open(db_path)
    try:
        clock.advance(timedelta(seconds=20))
        assert await UserStore(other, clock).forget(ZH_USER.id)
    finally:
        await other.close()
    assert await users.get(ZH_USER.id) is None
    clock.advance(timedelta(seconds=20))
    await bot.send("/start")
    # back as a new user: created now, no settings, answered in their app's language (zh)
    after = await users.get(ZH_USER.id)
    assert after is not None and after.created_at == clock.now() > before.created_at
    assert after.lang is None and after.active
    assert MESSAGES.get("home.title", "zh") in bot.screen().plain


async def test_settings_changed_by_another_process_are_the_next_update_s(
    bot: Harness, clock: ManualClock, db_path: Path
) -> None:
    await bot.send("/start")
    assert MESSAGES.get("home.title", "zh") in bot.screen().plain
    other = await Database.open(db_path)
    try:
        await UserStore(other, clock).set_lang(ZH_USER.id, "en")
    finally:
        await other.close()
    clock.advance(timedelta(seconds=1))
    await bot.send("/start")
    assert MESSAGES.get("home.title", "en") in bot.screen().plain
