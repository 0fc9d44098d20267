"""Reminders end to end: the real job against the fake Bot API and a real database file.

Time is the injected clock; the scheduler is paused and each "tick" runs the job by hand,
exactly as APScheduler would run it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cases.callbacks import CaseAction
from bot.cases.reminders import CHAT_GAP, LEASE, SOON_JOB_NAME
from bot.core.callbacks import encode
from bot.core.clock import ManualClock
from bot.core.services import services_of
from bot.infra.metrics import metrics_of
from knowledge.followup import max_rounds, playbook
from storage.cases import Case, CaseStatus
from tests.bot.casekit import buttons_of, case_of, register, start_bot, tick
from tests.bot.conftest import START
from tests.bot.fakeapi import Failure
from tests.bot.harness import EN_USER, ZH_USER, Harness, TgUser

DAY = timedelta(days=1)


@pytest.fixture
async def bot(db_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    harness = await start_bot(db_path, clock)
    try:
        yield harness
    finally:
        await harness.stop()
    harness.assert_clean()


def steps(bot: Harness, round_: int, lang: str = "zh", role: str = "seller") -> list[str]:
    advice = playbook(services_of(bot.app).catalog, "amazon", role, round_)
    assert advice is not None
    return [s.text.zh if lang == "zh" else s.text.en for s in advice.steps]


async def test_a_seller_case_opened_three_days_ago_is_reminded_at_the_next_tick(
    bot: Harness,
) -> None:
    case = await register(bot, "123456789", opened="3d", note="账号审核 <b>紧急</b>")
    assert (await case_of(bot, case)).remind_at == START - 2 * DAY  # overdue already
    sent = await tick(bot)
    assert [c.params["chat_id"] for c in sent] == [ZH_USER.id]
    reminder = bot.screen()
    text = reminder.plain
    assert text.startswith("⏰ 还没回复：亚马逊 · 卖家")
    assert "工单号：123456789" in text
    assert "已经等了 3 天（2026-11-20 10:00 提交）" in text
    assert "回复时限：24 小时" in text and "来源：" in text
    assert "备注：账号审核 <b>紧急</b>" in text  # escaped, shown as typed
    assert "现在可以这样做（第 1/4 次提醒）" in text
    for step in steps(bot, 1):
        assert step in text
    # the Black Friday week: the knowledge's holiday delay
    assert "⚠️ 黑色星期五" in text
    assert "2026-11-24 10:00 再提醒你" in text
    assert buttons_of(reminder) == ["✅ 已经回复了", "⏰ 稍后提醒", "✏️ 修改", "✖️ 关闭工单",
                                    "📋 我的工单"]
    stored = await case_of(bot, case)
    assert stored.reminders_sent == 1
    assert stored.last_reminded_at == START
    assert stored.remind_at == START + DAY
    assert await tick(bot) == []  # once


async def test_a_case_not_yet_due_is_not_reminded(bot: Harness, clock: ManualClock) -> None:
    await register(bot, "123", opened="now")
    assert await tick(bot) == []
    clock.advance(timedelta(hours=23, minutes=59))
    assert await tick(bot) == []
    clock.advance(timedelta(minutes=1))
    assert len(await tick(bot)) == 1


async def test_rounds_escalate_and_stop_after_the_last(
    bot: Harness, clock: ManualClock
) -> None:
    case = await register(bot, "123456789", opened="1d", user=EN_USER)
    rounds = max_rounds(services_of(bot.app).catalog, "amazon", "seller")
    assert rounds == 4
    previous: list[str] = []
    for round_ in range(1, rounds + 1):
        assert len(await tick(bot)) == 1, round_
        text = bot.screen(EN_USER).plain
        assert f"What to do now (reminder {round_} of {rounds})" in text
        current = steps(bot, round_, "en")
        assert all(step in text for step in current)
        assert not any(step in text for step in previous)  # escalates, never repeats
        previous = current
        assert await tick(bot) == []
        clock.advance(DAY)
    assert "This is the last reminder" in bot.screen(EN_USER).plain
    stored = await case_of(bot, case)
    assert stored.reminders_sent == rounds and stored.remind_at is None
    assert stored.status is CaseStatus.OPEN
    clock.advance(30 * DAY)
    assert await tick(bot) == []
    await bot.send("/cases", user=EN_USER)
    await bot.tap("1. 123456789", user=EN_USER)
    assert "No more reminders (4 sent)." in bot.screen(EN_USER).plain


async def test_buyer_and_tmall_cases_get_their_own_playbook(bot: Harness) -> None:
    await register(bot, "112-5550000-1234567", role="buyer", channel="buyer_email",
                   opened="7d")
    await register(bot, "20261120123456789", platform="tmall", channel="intervene",
                   opened="7d", window=24, user=EN_USER)
    sent = await tick(bot)
    assert sorted(c.params["chat_id"] for c in sent) == [ZH_USER.id, EN_USER.id]
    assert steps(bot, 1, "zh", role="buyer")[0] in bot.screen(ZH_USER).plain
    catalog = services_of(bot.app).catalog
    tmall = playbook(catalog, "tmall", "buyer", 1)
    assert tmall is not None
    tmall_text = bot.screen(EN_USER).plain
    assert tmall.steps[0].text.en in tmall_text
    assert "Black Friday" not in tmall_text  # Tmall's knowledge names no such holiday


async def test_no_holiday_line_away_from_the_holidays(db_path: Path) -> None:
    clock = ManualClock(datetime(2026, 6, 10, 2, 0, tzinfo=UTC))
    bot = await start_bot(db_path, clock)
    try:
        await register(bot, "123456789", opened="3d")
        await tick(bot)
        assert "⚠️" not in bot.screen().plain
    finally:
        await bot.stop()


# --- restarts and crashes --------------------------------------------------------------


async def test_a_restart_keeps_and_sends_pending_reminders_exactly_once(
    db_path: Path, clock: ManualClock
) -> None:
    first = await start_bot(db_path, clock)
    try:
        case = await register(first, "123456789", opened="3d")
        await register(first, "555", opened="now")  # due in a day
    finally:
        await first.stop()  # before any tick: the reminder is only in the database
    second = await start_bot(db_path, clock)
    try:
        sent = await tick(second)
        assert len(sent) == 1 and "123456789" in sent[0].params["text"]
        assert await tick(second) == []
    finally:
        await second.stop()
    third = await start_bot(db_path, clock)
    try:
        assert await tick(third) == []  # not again after another restart
        clock.advance(DAY)
        sent = await tick(third)
        # round 2 of the first case, round 1 of the second (one chat: one per tick)
        assert len(sent) == 1
        clock.advance(CHAT_GAP)
        sent += await tick(third)
        assert sorted("第 2/4 次" in c.params["text"] for c in sent) == [False, True]
        stored = await case_of(third, case)
        assert stored.reminders_sent == 2
    finally:
        await third.stop()


async def test_a_claim_left_by_a_crash_is_sent_after_the_lease_once(
    bot: Harness, clock: ManualClock
) -> None:
    case = await register(bot, "123456789", opened="3d")
    # another process claimed the case and died before sending (kill -9)
    claimed = await services_of(bot.app).cases.claim_due(clock.now(), 10, LEASE)
    assert [c.id for c in claimed] == [case.id]
    assert await tick(bot) == []  # the claim holds
    clock.advance(LEASE - timedelta(seconds=1))
    assert await tick(bot) == []
    clock.advance(timedelta(seconds=1))
    assert len(await tick(bot)) == 1
    assert await tick(bot) == []
    assert (await case_of(bot, case)).reminders_sent == 1


# --- the user's time -------------------------------------------------------------------


async def test_quiet_hours_defer_a_reminder_to_their_end(db_path: Path) -> None:
    # 23:30 in Shanghai
    clock = ManualClock(datetime(2026, 11, 23, 15, 30, tzinfo=UTC))
    bot = await start_bot(db_path, clock)
    try:
        await bot.send("/quiet 22:00-08:00")
        case = await register(bot, "123456789", opened="3d")
        assert await tick(bot) == []
        stored = await case_of(bot, case)
        morning = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
        assert stored.remind_at == morning
        assert stored.reminders_sent == 0  # deferred, not counted as a round
        clock.set(morning - timedelta(minutes=1))
        assert await tick(bot) == []
        clock.set(morning)
        sent = await tick(bot)
        assert len(sent) == 1 and "第 1/4 次" in sent[0].params["text"]
    finally:
        await bot.stop()


async def test_quiet_hours_follow_the_users_zone(db_path: Path) -> None:
    # 23:30 in Shanghai is 10:30 in New York: not quiet there
    clock = ManualClock(datetime(2026, 11, 23, 15, 30, tzinfo=UTC))
    bot = await start_bot(db_path, clock)
    try:
        await bot.send("/tz America/New_York")
        await bot.send("/quiet 22:00-08:00")
        await register(bot, "123456789", opened="3d")
        assert len(await tick(bot)) == 1
    finally:
        await bot.stop()


async def test_remind_me_later_on_a_reminder(bot: Harness, clock: ManualClock) -> None:
    case = await register(bot, "123456789", opened="3d")
    await tick(bot)
    reminder = bot.screen()
    await bot.tap("稍后提醒")
    await bot.tap("1 小时后")
    assert bot.screen().message_id == reminder.message_id  # the reminder, edited in place
    assert "好的，2026-11-23 11:00 再提醒你" in bot.screen().plain
    clock.advance(timedelta(minutes=59))
    assert await tick(bot) == []
    clock.advance(timedelta(minutes=1))
    sent = await tick(bot)
    assert len(sent) == 1 and "第 2/4 次" in sent[0].params["text"]
    stored = await case_of(bot, case)
    assert stored.reminders_sent == 2 and stored.remind_at == clock.now() + DAY


async def test_got_a_reply_on_a_reminder_stops_the_reminders(
    bot: Harness, clock: ManualClock
) -> None:
    case = await register(bot, "123456789", opened="3d")
    await tick(bot)
    await bot.tap("已经回复了")
    assert (await case_of(bot, case)).status is CaseStatus.ANSWERED
    clock.advance(10 * DAY)
    assert await tick(bot) == []


async def test_buttons_on_a_reminder_check_the_presser(bot: Harness) -> None:
    case = await register(bot, "123456789", opened="3d")
    await tick(bot)
    before = await case_of(bot, case)
    intruder = TgUser(1003, "Mallory", "en")
    await bot.send("/start", user=intruder)
    for action in (CaseAction("reply", case.id), CaseAction("close", case.id),
                   CaseAction("snooze", case.id, "3d")):
        calls = await bot.press(encode(action), user=intruder)
        assert calls[0].params.get("text") == "Case not found"
    assert await case_of(bot, case) == before


# --- Telegram failures -----------------------------------------------------------------


async def test_a_user_who_blocked_the_bot_is_marked_inactive_and_not_reminded(
    bot: Harness, clock: ManualClock
) -> None:
    case = await register(bot, "123456789", opened="3d")
    bot.api.fail("sendMessage", Failure.blocked())
    await tick(bot)
    users = services_of(bot.app).users
    stored = await users.get(ZH_USER.id)
    assert stored is not None and stored.active is False
    assert (await case_of(bot, case)).reminders_sent == 0
    clock.advance(DAY)
    before = len(bot.api.calls_of("sendMessage"))
    assert await tick(bot) == []
    assert len(bot.api.calls_of("sendMessage")) == before  # not even tried
    # they come back: the reminder they missed is sent, once
    await bot.send("/start")
    sent = await tick(bot)
    assert len(sent) == 1 and "第 1/4 次" in sent[0].params["text"]
    assert await tick(bot) == []


# PTB warns about its own float retry_after attribute; the fake sends a realistic body
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_a_flood_wait_that_outlasts_the_rate_limiter_is_retried_later(
    bot: Harness, clock: ManualClock
) -> None:
    case = await register(bot, "123456789", opened="3d")
    messages = len(bot.api.messages)
    bot.api.fail("sendMessage", Failure.flood(retry_after=0.01), times=4)
    attempts = await tick(bot)
    assert len(attempts) == 4  # AIORateLimiter waited and retried three times
    assert len(bot.api.messages) == messages  # nothing was delivered
    stored = await case_of(bot, case)
    assert stored.reminders_sent == 0 and stored.remind_at is not None
    assert stored.remind_at > clock.now()
    assert await tick(bot) == []
    clock.set(stored.remind_at)
    sent = await tick(bot)
    assert len(sent) == 1 and len(bot.api.messages) == messages + 1
    assert (await case_of(bot, case)).reminders_sent == 1


async def test_network_errors_back_off_and_are_not_lost(
    bot: Harness, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    case = await register(bot, "123456789", opened="3d", note="secret-note-text")
    bot.api.fail("sendMessage", Failure.network_error(), times=2)
    bot.api.fail("sendMessage", Failure.server_error(502), times=1)
    with caplog.at_level(logging.INFO, logger="bot.cases.reminders"):
        await tick(bot)
        first_retry = (await case_of(bot, case)).remind_at
        assert first_retry == clock.now() + timedelta(minutes=1)
        clock.set(first_retry)
        await tick(bot)
        second_retry = (await case_of(bot, case)).remind_at
        assert second_retry == clock.now() + timedelta(minutes=2)  # backs off
        clock.set(second_retry)
        await tick(bot)
        third_retry = (await case_of(bot, case)).remind_at
        assert third_retry == clock.now() + timedelta(minutes=4)
        clock.set(third_retry)
        assert len(await tick(bot)) == 1
    stored = await case_of(bot, case)
    assert stored.reminders_sent == 1
    outcomes = [(r.__dict__.get("case_id"), r.__dict__.get("outcome"))
                for r in caplog.records if r.getMessage() == "reminder"]
    assert outcomes == [(case.id, "retry")] * 3 + [(case.id, "sent")]
    metrics = metrics_of(bot.app)  # what /stats and /metrics report
    assert (metrics.reminders_sent, metrics.reminders_failed) == (1, 3)
    assert "secret-note-text" not in caplog.text and "123456789" not in caplog.text


async def test_one_chat_gets_one_reminder_at_a_time_and_an_early_wake_is_scheduled(
    bot: Harness, clock: ManualClock
) -> None:
    await register(bot, "111", opened="3d")
    await register(bot, "222", opened="3d")
    await register(bot, "333", opened="3d", user=EN_USER)
    sent = await tick(bot)
    assert sorted(c.params["chat_id"] for c in sent) == [ZH_USER.id, EN_USER.id]
    job_queue = bot.app.job_queue
    assert job_queue is not None
    assert job_queue.get_jobs_by_name(SOON_JOB_NAME)  # the next one is due within seconds
    clock.advance(CHAT_GAP)
    sent = await tick(bot)
    assert [c.params["chat_id"] for c in sent] == [ZH_USER.id]
    assert await tick(bot) == []


async def test_more_due_cases_than_one_batch_are_all_sent(bot: Harness) -> None:
    cases = services_of(bot.app).cases
    created: list[Case] = []
    for n in range(55):  # more than one claim batch (50)
        created.append(await cases.add(
            5000 + n, "amazon", "seller", "seller_case", None, f"{n:09d}", None,
            START - 3 * DAY, START - 2 * DAY,
        ))
    sent = await tick(bot)
    assert sorted(c.params["chat_id"] for c in sent) == [5000 + n for n in range(55)]
    assert await tick(bot) == []
    assert [(await case_of(bot, c)).reminders_sent for c in created] == [1] * 55
