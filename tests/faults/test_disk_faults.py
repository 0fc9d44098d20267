"""The disk under the database fails while the bot runs: it turns read-only, fills up, or
the file is deleted or replaced. Writes raise one typed error that handlers can tell
users about, /metrics counts them, /healthz says 503 with the reason, and reminders due
meanwhile go out once the disk is back."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

import storage.db
from bot.core.clock import ManualClock
from bot.core.services import Services, services_of
from bot.core.texts import MESSAGES
from bot.infra.http import Lifecycle, ServerState, health_report, metrics_exposition
from bot.infra.metrics import metrics_of
from storage.db import Database, write_failure_reason
from storage.errors import WriteFailed
from storage.users import UserStore
from tests.bot.casekit import press_step, register, start_bot, tick
from tests.bot.conftest import START
from tests.bot.exposition import kind, sample
from tests.bot.harness import EN_USER, ZH_USER, Harness
from tests.faults.conftest import LogRecorder


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await start_bot(tmp_path / "kefu.sqlite3", ManualClock(START))
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


def services(bot: Harness) -> Services:
    return services_of(bot.app)


async def read_only(db: Database, on: bool = True) -> None:
    """The database refuses writes as a read-only file or mount would (SQLITE_READONLY)."""
    await db.execute(f"PRAGMA query_only = {'ON' if on else 'OFF'}")


async def health(bot: Harness) -> tuple[bool, dict[str, object]]:
    return await health_report(ServerState(bot.app, "webhook", Lifecycle.READY))


# --- 3. a write that fails is one typed error, counted --------------------------------


async def test_a_read_only_database_raises_write_failed_and_still_reads(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "kefu.sqlite3")
    try:
        users = UserStore(db)
        await users.ensure(1)
        await read_only(db)
        with pytest.raises(WriteFailed) as raised:
            await users.ensure(2)  # INSERT … RETURNING through fetchone
        assert raised.value.reason == "read-only"
        assert isinstance(raised.value.__cause__, sqlite3.OperationalError)
        with pytest.raises(WriteFailed):
            await users.forget(1)  # a transaction
        with pytest.raises(WriteFailed):
            await users.set_active(1, False)  # execute
        assert (await users.get(1)) is not None  # reading still works
        assert db.write_failures == {"read-only": 3}
        await read_only(db, False)
        await users.ensure(2)
        assert await users.count_users() == 2
    finally:
        await db.close()


async def test_a_full_disk_raises_write_failed(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "kefu.sqlite3")
    try:
        users = UserStore(db)
        pages = await db.fetchone("PRAGMA page_count")
        assert pages is not None
        # the file may not grow: SQLite answers SQLITE_FULL, as on a full disk
        await db.execute(f"PRAGMA max_page_count = {int(pages[0])}")
        with pytest.raises(WriteFailed) as raised:
            for user_id in range(1, 10_000):
                await users.ensure(user_id)
        assert raised.value.reason == "disk full"
        assert db.write_failures["disk full"] == 1
    finally:
        await db.close()


def test_which_sqlite_errors_are_write_failures() -> None:
    def error(code: int) -> sqlite3.OperationalError:
        exc = sqlite3.OperationalError("boom")
        exc.sqlite_errorcode = code
        return exc

    io_write = sqlite3.SQLITE_IOERR | (3 << 8)  # SQLITE_IOERR_WRITE
    assert write_failure_reason(error(sqlite3.SQLITE_READONLY), "SELECT 1", False) == "read-only"
    assert write_failure_reason(error(sqlite3.SQLITE_FULL), "INSERT", False) == "disk full"
    assert write_failure_reason(error(io_write), "UPDATE users SET x = 1", False) == "I/O error"
    assert write_failure_reason(error(io_write), "SELECT 1", True) == "I/O error"
    assert write_failure_reason(error(io_write), "SELECT 1", False) is None  # a failed read
    assert write_failure_reason(error(sqlite3.SQLITE_BUSY), "INSERT", False) is None
    assert write_failure_reason(sqlite3.OperationalError("no code"), "INSERT", False) is None


async def test_healthz_probes_writes_and_metrics_count_failures(bot: Harness) -> None:
    healthy, body = await health(bot)
    assert healthy and body["database"] == "ok"
    db = services(bot).db
    await read_only(db)
    healthy, body = await health(bot)
    assert not healthy
    assert str(body["database"]).startswith("not writable: read-only")
    await bot.send("/start", user=EN_USER)  # records the user: the write fails
    body, _ = await metrics_exposition(ServerState(bot.app, "webhook", Lifecycle.READY))
    text = body.decode()
    assert sample(text, "kefu_db_write_failures_total", reason="read-only") == 1
    assert kind(text, "kefu_db_write_failures") == "counter"
    await read_only(db, False)
    healthy, body = await health(bot)
    assert healthy and body["database"] == "ok"


async def test_after_a_failed_write_health_stays_red_until_a_write_succeeds(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = services(bot).db
    await read_only(db)
    with pytest.raises(WriteFailed):
        await services(bot).users.ensure(77)
    await read_only(db, False)
    # the probe's own write (committed while writes are failing) is the proof of recovery
    healthy, body = await health(bot)
    assert healthy, body
    # a disk with no room left is reported before any write fails
    monkeypatch.setattr(storage.db, "free_bytes", lambda directory: 4096)
    healthy, body = await health(bot)
    assert not healthy and str(body["database"]).startswith("not writable: disk full")


async def test_reminders_due_while_read_only_go_out_once_after(bot: Harness) -> None:
    case = await register(bot, "123456789", opened="3d")
    db = services(bot).db
    await read_only(db)
    assert await tick(bot) == []  # cannot claim: nothing sent, nothing lost
    await read_only(db, False)
    sent = await tick(bot)
    assert [c.params["chat_id"] for c in sent] == [ZH_USER.id]
    assert await tick(bot) == []
    assert (await services(bot).cases.get(case.id, ZH_USER.id)) is not None


# --- 4. the database file deleted or replaced under the running bot --------------------


@pytest.mark.parametrize("how", ["deleted", "replaced"])
async def test_a_database_file_deleted_or_replaced_is_critical_once(
    bot: Harness, logs: LogRecorder, how: str
) -> None:
    db = services(bot).db
    await bot.send("/start", user=EN_USER)
    if how == "deleted":
        db.path.unlink()
    else:
        other = db.path.with_name("other.sqlite3")
        other.write_bytes(db.path.read_bytes())
        os.replace(other, db.path)
    for _ in range(3):
        healthy, body = await health(bot)
        assert not healthy
        assert str(body["database"]).startswith(f"{how}:"), body
    critical = logs.at_least(logging.CRITICAL)
    assert len(critical) == 1, [r.getMessage() for r in critical]
    assert how in critical[0].getMessage() or how in str(vars(critical[0]))


# --- 3, the handlers' part: a refused write is told to the user as such ----------------

NOT_SAVED = {lang: MESSAGES.get("error.not_saved", lang) for lang in ("zh", "en")}
SORRY = {lang: MESSAGES.get("error", lang) for lang in ("zh", "en")}


def refused_write_logged(logs: LogRecorder) -> None:
    """The error handler's line: a WARNING with the reason, no traceback, nothing at ERROR."""
    lines = [r for r in logs.records if r.name == "bot.infra.errors"]
    assert [r.levelno for r in lines] == [logging.WARNING], [r.getMessage() for r in lines]
    assert getattr(lines[0], "reason", None) == "read-only"
    assert getattr(lines[0], "error", None) == "WriteFailed"
    assert lines[0].exc_info is None
    assert logs.at_least(logging.ERROR) == []


async def test_quiet_hours_on_a_read_only_disk_say_they_were_not_saved(
    bot: Harness, logs: LogRecorder
) -> None:
    await bot.send("/start")
    await read_only(services(bot).db)
    logs.clear()
    await bot.send("/quiet 22:00-08:00")
    said = bot.screen().plain
    assert said == NOT_SAVED["zh"]
    assert MESSAGES.get("quiet.title", "zh") not in said  # no screen claiming it was set
    refused_write_logged(logs)
    # counted as an error of the update, and by reason as a failed write
    assert metrics_of(bot.app).errors["WriteFailed"] == 1
    assert services(bot).db.write_failures["read-only"] >= 1
    await read_only(services(bot).db, False)
    stored = await services(bot).users.get(ZH_USER.id)
    assert stored is not None and stored.quiet_start is None  # indeed not saved
    await bot.send("/quiet 22:00-08:00")  # once the disk is back, it works
    assert bot.screen().plain != NOT_SAVED["zh"]
    stored = await services(bot).users.get(ZH_USER.id)
    assert stored is not None and stored.quiet_start is not None


async def test_a_case_confirmed_on_a_read_only_disk_is_not_saved_and_the_user_knows(
    bot: Harness, logs: LogRecorder
) -> None:
    await bot.send("/start", user=EN_USER)
    await bot.send("/track", user=EN_USER)
    await press_step(bot, "platform", "amazon", EN_USER)
    if any(":r:seller" in data for _, data in bot.screen(EN_USER).buttons()):
        await press_step(bot, "role", "seller", EN_USER)
    await press_step(bot, "channel", "seller_case", EN_USER)
    if any(data.endswith(":g") for _, data in bot.screen(EN_USER).buttons()):
        await press_step(bot, "any_site", user=EN_USER)
    await press_step(bot, "opened", "3d", EN_USER)
    await bot.send("123456789", user=EN_USER)
    await press_step(bot, "skip_note", user=EN_USER)
    await read_only(services(bot).db)
    logs.clear()
    await press_step(bot, "confirm", user=EN_USER)
    assert bot.screen(EN_USER).plain == NOT_SAVED["en"]
    assert all(
        MESSAGES.get("case.track.saved_overdue", "en") not in c.params.get("text", "")
        for c in bot.api.calls
    )
    refused_write_logged(logs)
    await read_only(services(bot).db, False)
    assert await services(bot).cases.count_open() == 0


async def test_with_a_read_only_disk_questions_are_answered_and_cases_listed(
    bot: Harness,
) -> None:
    await register(bot, "123456789", opened="3d")
    await read_only(services(bot).db)
    await bot.send("卖家账号被封怎么办")
    assert bot.screen().plain not in (SORRY["zh"], NOT_SAVED["zh"])
    assert "封号" in bot.screen().plain
    await bot.send("/cases")
    assert "123456789" in bot.screen().plain
