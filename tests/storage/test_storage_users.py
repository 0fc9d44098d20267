"""User settings: first contact, settings, blocking, forgetting, counts, persistence."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from storage import CaseStatus, CaseStore, Database, UserStore


async def test_an_unknown_user_is_none(users: UserStore) -> None:
    assert await users.get(1) is None


async def test_ensure_creates_on_first_contact_and_keeps_the_row(
    users: UserStore, clock: Any
) -> None:
    first = await users.ensure(42)
    assert first.user_id == 42
    assert (first.lang, first.timezone, first.quiet_start, first.quiet_end) == (
        None,
        None,
        None,
        None,
    )
    assert first.active is True
    assert first.created_at == clock.now() == first.last_seen_at
    assert first.created_at.tzinfo is UTC

    clock.advance(timedelta(hours=3))
    await users.set_lang(42, "en")
    clock.advance(timedelta(hours=1))
    again = await users.ensure(42)
    assert again.created_at == first.created_at
    assert again.lang == "en"  # ensure does not reset settings
    assert again.last_seen_at == clock.now()
    assert again.updated_at == clock.now() - timedelta(hours=1)
    assert await users.count_users() == 1


async def test_settings_are_stored(users: UserStore) -> None:
    await users.set_lang(1, "zh-Hant")
    await users.set_timezone(1, "America/Los_Angeles")
    settings = await users.set_quiet_hours(1, time(22, 30), time(7, 0))
    assert settings.lang == "zh-Hant"
    assert settings.timezone == "America/Los_Angeles"
    assert (settings.quiet_start, settings.quiet_end) == (time(22, 30), time(7, 0))
    assert await users.get(1) == settings


async def test_settings_can_be_cleared(users: UserStore) -> None:
    await users.set_lang(1, "en")
    await users.set_timezone(1, "Asia/Shanghai")
    await users.set_quiet_hours(1, time(23), time(8))
    await users.set_lang(1, None)
    await users.set_timezone(1, None)
    settings = await users.set_quiet_hours(1, None, None)
    assert (settings.lang, settings.timezone, settings.quiet_start, settings.quiet_end) == (
        None,
        None,
        None,
        None,
    )


async def test_a_setter_creates_an_unknown_user(users: UserStore) -> None:
    settings = await users.set_timezone(5, "Europe/Berlin")
    assert settings.active is True
    assert await users.count_users() == 1


@pytest.mark.parametrize("lang", ["", "x", "en us", "<b>en</b>", "e" * 40, "中文"])
async def test_a_malformed_language_is_refused(users: UserStore, lang: str) -> None:
    with pytest.raises(ValueError):
        await users.set_lang(1, lang)
    assert await users.get(1) is None


@pytest.mark.parametrize("zone", ["", "Mars/Olympus", "../../etc/passwd", "UTC+8"])
async def test_an_unknown_time_zone_is_refused(users: UserStore, zone: str) -> None:
    with pytest.raises(ValueError):
        await users.set_timezone(1, zone)


async def test_quiet_hours_need_both_ends_and_a_real_range(users: UserStore) -> None:
    with pytest.raises(ValueError, match="both"):
        await users.set_quiet_hours(1, time(22), None)
    with pytest.raises(ValueError, match="both"):
        await users.set_quiet_hours(1, None, time(7))
    with pytest.raises(ValueError, match="same time"):
        await users.set_quiet_hours(1, time(7), time(7))
    with pytest.raises(ValueError, match="naive"):
        await users.set_quiet_hours(1, time(22, tzinfo=UTC), time(7))
    assert await users.get(1) is None


async def test_settings_survive_close_and_reopen(db_path: Path) -> None:
    db = await Database.open(db_path)
    store = UserStore(db)
    await store.set_lang(9, "en")
    await store.set_timezone(9, "America/New_York")
    await store.set_quiet_hours(9, time(21, 15, 30), time(6, 45))
    await store.set_active(9, False)
    saved = await store.get(9)
    await db.close()

    db = await Database.open(db_path)
    try:
        reloaded = await UserStore(db).get(9)
    finally:
        await db.close()
    assert reloaded == saved
    assert reloaded is not None and reloaded.quiet_start == time(21, 15, 30)
    assert reloaded.active is False


async def test_blocking_and_coming_back(users: UserStore) -> None:
    assert await users.set_active(3, False) is False  # never met: nothing to mark
    await users.ensure(3)
    assert await users.set_active(3, False) is True
    blocked = await users.get(3)
    assert blocked is not None and blocked.active is False
    # writing to the bot again means they unblocked it
    back = await users.ensure(3)
    assert back.active is True


async def test_forget_removes_the_user_and_all_their_cases_only(
    users: UserStore, cases: CaseStore, new_case: Any
) -> None:
    mine = [await new_case(owner_id=1) for _ in range(3)]
    await cases.set_status(mine[0].id, 1, CaseStatus.CLOSED)
    theirs = await new_case(owner_id=2)
    await users.set_lang(1, "en")

    assert await users.forget(1) is True

    assert await users.get(1) is None
    assert await cases.export_for_owner(1) == []
    assert await cases.count_for_owner(1, list(CaseStatus)) == 0
    assert await cases.get(theirs.id, 2) == theirs
    assert await users.get(2) is not None
    assert await users.forget(1) is False


async def test_counts(users: UserStore, clock: Any) -> None:
    start = clock.now()
    for user_id in (1, 2, 3):
        await users.ensure(user_id)
    clock.advance(timedelta(days=10))
    await users.ensure(2)
    await users.ensure(3)
    await users.set_active(3, False)  # blocked the bot: not an active user

    assert await users.count_users() == 3
    assert await users.count_active_since(start) == 2
    assert await users.count_active_since(start + timedelta(days=1)) == 1
    # the same moment in another zone counts the same
    east = (start + timedelta(days=1)).astimezone(timezone(timedelta(hours=8)))
    assert await users.count_active_since(east) == 1


async def test_naive_datetimes_are_refused(users: UserStore) -> None:
    with pytest.raises(ValueError, match="naive"):
        await users.count_active_since(datetime(2025, 1, 1))


async def test_export_of_settings_is_json_ready(users: UserStore) -> None:
    settings = await users.set_quiet_hours(1, time(22), time(7))
    exported = settings.to_dict()
    assert exported["quiet_start"] == "22:00:00"
    assert exported["created_at"] == settings.created_at.isoformat()


# --- `seen`: the per-update record, written only when it changes something (#21) --------

FRESH = timedelta(minutes=5)


class Committed:
    """Whether another connection committed anything to the file since `with` began
    (SQLite's `PRAGMA data_version`, read from a connection of our own)."""

    def __init__(self, path: Path) -> None:
        self._other = sqlite3.connect(path)
        self._before = self._version()

    def _version(self) -> int:
        return int(self._other.execute("PRAGMA data_version").fetchone()[0])

    def since(self) -> bool:
        return self._version() != self._before

    def __enter__(self) -> Committed:
        return self

    def __exit__(self, *exc: object) -> None:
        self._other.close()


async def test_seen_writes_a_new_user_then_not_again_while_fresh(
    users: UserStore, clock: Any, db_path: Path
) -> None:
    first = await users.seen(7, FRESH)
    assert first == await users.get(7)
    assert first.created_at == first.last_seen_at == clock.now() and first.active
    clock.advance(FRESH - timedelta(seconds=1))
    with Committed(db_path) as committed:
        again = await users.seen(7, FRESH)
        assert not committed.since()  # not a byte written
    assert again == first


async def test_seen_writes_once_the_record_is_stale(
    users: UserStore, clock: Any, db_path: Path
) -> None:
    await users.seen(7, FRESH)
    clock.advance(FRESH)
    with Committed(db_path) as committed:
        again = await users.seen(7, FRESH)
        assert committed.since()
    assert again.last_seen_at == clock.now()
    assert await users.get(7) == again


async def test_seen_writes_a_clock_set_back(users: UserStore, clock: Any) -> None:
    await users.seen(7, FRESH)
    clock.advance(-timedelta(hours=1))
    assert (await users.seen(7, FRESH)).last_seen_at == clock.now()


async def test_seen_unblocks_at_once(users: UserStore, clock: Any) -> None:
    await users.seen(7, FRESH)
    await users.set_active(7, False)
    clock.advance(timedelta(seconds=1))
    back = await users.seen(7, FRESH)
    assert back.active and back.last_seen_at == clock.now()
    assert (await users.get(7)) == back


async def test_seen_reads_what_another_connection_changed(
    users: UserStore, clock: Any, db_path: Path
) -> None:
    """Another process (the operator's CLI) forgets a user or changes their settings: the
    next update sees it, and a forgotten user comes back as a new one."""
    first = await users.seen(7, FRESH)
    await users.set_lang(7, "en")
    other = await Database.open(db_path)
    try:
        await UserStore(other, clock).set_lang(7, "zh-Hant")
        clock.advance(timedelta(seconds=10))
        assert (await users.seen(7, FRESH)).lang == "zh-Hant"
        assert await UserStore(other, clock).forget(7)
    finally:
        await other.close()
    clock.advance(timedelta(seconds=10))
    new = await users.seen(7, FRESH)
    assert new.created_at == clock.now() > first.created_at
    assert new.lang is None and new.active
