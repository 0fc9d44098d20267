"""/cases and the buttons on a case, /quiet, /mydata and /forget — and that nobody can act
on a case that is not theirs."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram.request import RequestData

from bot.cases.callbacks import CaseAction, ForgetData, ListCases
from bot.core.callbacks import encode
from bot.core.clock import ManualClock
from bot.core.services import services_of
from storage.cases import CaseStatus
from tests.bot.casekit import buttons_of, case_of, register, start_bot
from tests.bot.conftest import START
from tests.bot.fakeapi import FakeBotApi
from tests.bot.harness import EN_USER, ZH_USER, Harness, TgUser

OTHER = TgUser(1003, "Mallory", "en")


class RecordingApi(FakeBotApi):
    """The fake Bot API, also keeping the bytes of uploaded files."""

    def __init__(self, clock: ManualClock) -> None:
        super().__init__(clock)
        self.uploads: list[bytes] = []

    async def do_request(self, url: str, method: str,
                         request_data: RequestData | None = None, *args: Any,
                         **kwargs: Any) -> tuple[int, bytes]:
        if request_data is not None and request_data.contains_files:
            for _name, (_filename, content, _mime) in (request_data.multipart_data or {}).items():
                self.uploads.append(content if isinstance(content, bytes) else content.read())
        return await super().do_request(url, method, request_data, *args, **kwargs)


@pytest.fixture
async def bot(db_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    harness = await start_bot(db_path, clock, api=RecordingApi(clock))
    try:
        yield harness
    finally:
        await harness.stop()
    harness.assert_clean()


async def test_cases_lists_open_cases_with_age_and_due_time_in_the_users_zone(
    bot: Harness,
) -> None:
    await bot.send("/tz America/New_York", user=EN_USER)
    await register(bot, "111", user=EN_USER, opened="3d")  # 24 h window: overdue
    await register(bot, "222", user=EN_USER, channel="seller_email", opened="now")
    await bot.send("/cases", user=EN_USER)
    shown = bot.screen(EN_USER).plain
    assert "Times in America/New_York; most urgent first." in shown
    # opened 3 days before Sunday 21:00 in New York, due 24 h later
    first, second = shown.index("111"), shown.index("222")
    assert first < second  # most urgent first
    assert "Opened 2026-11-19 21:00 (3 d ago)" in shown
    assert "Due: 2026-11-20 21:00 (overdue by 2 d)" in shown
    assert "Due: 2026-11-25 21:00 (in 3 d)" in shown
    assert buttons_of(bot.screen(EN_USER))[:2] == ["1. 111", "2. 222"]
    await bot.tap("1. 111", user=EN_USER)
    case_screen = bot.screen(EN_USER).plain
    assert "Status: waiting for a reply" in case_screen
    assert "Response window: 24 h" in case_screen


async def test_got_a_reply_and_close_and_the_list_of_finished_cases(bot: Harness) -> None:
    answered = await register(bot, "111")
    closed = await register(bot, "222")
    await bot.send("/cases")
    await bot.tap("1. 111")
    await bot.tap("已经回复了")
    assert "已标记为已回复" in bot.screen().plain
    assert (await case_of(bot, answered)).status is CaseStatus.ANSWERED
    assert not any("稍后提醒" in b for b in buttons_of(bot.screen()))
    await bot.press(encode(CaseAction("open", closed.id)))
    await bot.tap("关闭工单")
    assert (await case_of(bot, closed)).status is CaseStatus.CLOSED
    await bot.send("/cases")
    assert "你还没有等待回复的工单" in bot.screen().plain
    await bot.tap("已回复/已关闭")
    done = bot.screen().plain
    assert "111" in done and "状态：已回复" in done
    assert "222" in done and "状态：已关闭" in done
    # a stale "got a reply" on the closed case changes nothing
    calls = await bot.press(encode(CaseAction("reply", closed.id)))
    assert calls[0].params.get("text") == "这个工单已经不在等待回复了"
    assert (await case_of(bot, closed)).status is CaseStatus.CLOSED


async def test_remind_me_later(bot: Harness) -> None:
    await bot.send("/tz America/New_York", user=EN_USER)
    case = await register(bot, "5550001", user=EN_USER)
    for label, expected, shown in (
        ("In 1 hour", START + timedelta(hours=1), "2026-11-22 22:00"),
        # tomorrow 09:00 in New York (the user's zone), where it is Sunday 21:00 now
        ("Tomorrow 09:00", datetime(2026, 11, 23, 14, 0, tzinfo=UTC), "2026-11-23 09:00"),
        ("In 24 hours", START + timedelta(hours=24), "2026-11-23 21:00"),
        ("In 3 days", START + timedelta(days=3), "2026-11-25 21:00"),
    ):
        await bot.tap("Remind me later", user=EN_USER)
        assert "When should I remind you again?" in bot.screen(EN_USER).plain
        await bot.tap(label, user=EN_USER)
        assert f"OK — I'll remind you at {shown}." in bot.screen(EN_USER).plain
        assert f"Next reminder: {shown}" in bot.screen(EN_USER).plain
        stored = await case_of(bot, case)
        assert stored.remind_at == stored.snoozed_until == expected


async def test_edit_note_case_id_and_window(bot: Harness) -> None:
    case = await register(bot, "123456789", note="旧备注")
    await register(bot, "999")
    await bot.press(encode(CaseAction("open", case.id)))
    await bot.tap("修改")
    await bot.tap("📝 备注")
    assert "请发送新的备注" in bot.screen().plain
    await bot.send("新备注 <i>要紧</i> 🙏")
    assert "备注已更新" in bot.screen().plain
    assert (await case_of(bot, case)).note == "新备注 <i>要紧</i> 🙏"
    await bot.tap("修改")
    await bot.tap("工单号")
    await bot.send("999")  # the other case's id
    assert "已经在跟踪另一个同样工单号" in bot.screen().plain
    await bot.send("x" * 65)
    assert "65 个字符" in bot.screen().plain
    await bot.send("123-456")
    assert "工单号已更新" in bot.screen().plain
    assert (await case_of(bot, case)).external_id == "123-456"
    await bot.tap("修改")
    await bot.tap("回复时限")
    assert "✅ 24 小时后提醒" in buttons_of(bot.screen())
    await bot.tap("72 小时后提醒")
    stored = await case_of(bot, case)
    assert stored.due_at == stored.opened_at + timedelta(hours=72)
    assert stored.remind_at == stored.due_at
    assert "回复时限改为 72 小时" in bot.screen().plain
    await bot.tap("修改")
    await bot.tap("清除备注")
    assert (await case_of(bot, case)).note is None
    # a forged window that was never offered changes nothing
    await bot.press(encode(CaseAction("window", case.id, "5")))
    assert (await case_of(bot, case)).due_at == stored.due_at


async def test_typed_text_after_an_edit_was_left_is_a_question_again(bot: Harness) -> None:
    case = await register(bot, "123456789")
    for leave in ("返回", "我的工单"):
        await bot.press(encode(CaseAction("open", case.id)))
        await bot.tap("修改")
        await bot.tap("📝 备注")
        if leave == "我的工单":
            await bot.tap("返回")
        await bot.tap(leave)  # no edit pending any more
        await bot.send("卖家账号被封怎么办")
        assert "账户停用 / 封号" in bot.screen().plain
        assert (await case_of(bot, case)).note is None


async def test_an_edit_takes_over_from_a_half_filled_form(bot: Harness) -> None:
    case = await register(bot, "123456789")
    await bot.send("/track")
    await bot.tap("亚马逊")
    await bot.tap("卖家")
    await bot.tap("Seller Central")
    await bot.tap("其他站点")
    await bot.tap("刚刚")  # the form waits for a case id…
    await bot.press(encode(CaseAction("edit", case.id, "note")))
    await bot.send("这是备注")  # …but this is the note asked for last
    assert (await case_of(bot, case)).note == "这是备注"
    assert await services_of(bot.app).cases.count_for_owner(ZH_USER.id) == 1


FORGED = [
    ("open", None), ("reply", None), ("close", None), ("snooze", None), ("snooze", "3d"),
    ("edit", None), ("edit", "note"), ("edit", "id"), ("edit", "clear"), ("edit", "win"),
    ("window", "72"),
]


async def test_someone_elses_case_id_changes_nothing_and_says_so(bot: Harness) -> None:
    victim = await register(bot, "123456789", note="private note")
    before = await case_of(bot, victim)
    await bot.send("/cases", user=OTHER)
    for op, arg in FORGED:
        forged = encode(CaseAction(op, victim.id, arg))  # type: ignore[arg-type]
        calls = await bot.press(forged, user=OTHER)
        assert calls[0].params.get("text") == "Case not found", (op, arg)
        shown = bot.screen(OTHER).plain
        assert "isn't in your list" in shown
        assert "123456789" not in shown and "private note" not in shown
        # and their typed text afterwards is not taken as an edit of it
        await bot.send("hacked", user=OTHER)
        assert await case_of(bot, victim) == before, (op, arg)


async def test_ids_that_name_nothing_are_answered(bot: Harness) -> None:
    await bot.send("/cases")
    calls = await bot.press(encode(CaseAction("reply", 987654321)))
    assert calls[0].params.get("text") == "找不到这个工单"
    for data in ("1:a:r:abc", "1:a:r:-5", "1:a:q:5", "1:a:s:5:forever", "1:d:maybe", "1:k:zz"):
        calls = await bot.press(data)
        assert calls[0].method == "answerCallbackQuery"


async def test_the_list_pages(bot: Harness) -> None:
    service = services_of(bot.app).cases
    for n in range(10):
        await service.add(ZH_USER.id, "amazon", "seller", "seller_case", None, f"C{n:03d}",
                          None, START - timedelta(hours=n), START + timedelta(hours=n))
    await bot.send("/cases")
    page = bot.screen()
    assert "共 10 个，这里是第 1–8 个" in page.plain
    await bot.tap("下一页")
    assert "第 9–10 个" in bot.screen().plain
    assert buttons_of(bot.screen())[:2] == ["9. C008", "10. C009"]
    await bot.press(encode(ListCases(page=50)))  # past the end: the last page
    assert "第 9–10 个" in bot.screen().plain


# --- /quiet ----------------------------------------------------------------------------


async def test_quiet_hours_set_show_and_off(bot: Harness) -> None:
    users = services_of(bot.app).users
    await bot.send("/quiet", user=EN_USER)
    assert "Not set" in bot.screen(EN_USER).plain
    await bot.send("/quiet 22:00-08:00", user=EN_USER)
    assert "no reminders between 22:00 and 08:00 (Asia/Shanghai)" in bot.screen(EN_USER).plain
    stored = await users.get(EN_USER.id)
    assert stored is not None and (stored.quiet_start, stored.quiet_end) == (time(22), time(8))
    await bot.send("/quiet", user=EN_USER)
    assert "22:00–08:00 (Asia/Shanghai)" in bot.screen(EN_USER).plain
    await bot.send("/quiet 23-7", user=EN_USER)
    stored = await users.get(EN_USER.id)
    assert stored is not None and (stored.quiet_start, stored.quiet_end) == (time(23), time(7))
    await bot.send("/quiet later please", user=EN_USER)
    assert "I can't read “later please”" in bot.screen(EN_USER).plain
    await bot.send("/quiet 25:00-08:00", user=EN_USER)
    assert "I can't read" in bot.screen(EN_USER).plain
    await bot.send("/quiet 08:00-08:00", user=EN_USER)
    assert "can't start and end at the same time" in bot.screen(EN_USER).plain
    await bot.send("/quiet off", user=EN_USER)
    stored = await users.get(EN_USER.id)
    assert stored is not None and stored.quiet_start is None


# --- /mydata and /forget ---------------------------------------------------------------


async def test_mydata_sends_every_case_and_the_settings_as_json(bot: Harness) -> None:
    first = await register(bot, "<b>123</b>", note="备注 🙂 <i>x</i>", site="jp")
    await register(bot, "456")
    await bot.send("/cases")
    await bot.tap(". 456")  # listed first: the Japan case is due later
    await bot.tap("关闭工单")
    await bot.send("/quiet 22:00-07:30")
    calls = await bot.send("/mydata")
    assert [c.method for c in calls] == ["sendDocument"]
    assert "2 个工单" in calls[0].params["caption"]
    # and what is kept that is not theirs: unanswered questions, anonymous, 30 days
    assert "会保存 30 天" in calls[0].params["caption"] and "‹…›" in calls[0].params["caption"]
    api = bot.api
    assert isinstance(api, RecordingApi)
    export = json.loads(api.uploads[-1].decode("utf-8"))
    assert export["format"] == 2
    assert export["share_reply_times"] is None  # not asked yet
    assert export["user"]["user_id"] == ZH_USER.id
    assert (export["user"]["quiet_start"], export["user"]["quiet_end"]) == ("22:00:00", "07:30:00")
    assert [c["external_id"] for c in export["cases"]] == ["<b>123</b>", "456"]
    assert [c["status"] for c in export["cases"]] == ["open", "closed"]
    assert export["cases"][0]["note"] == "备注 🙂 <i>x</i>"
    assert export["cases"][0]["opened_at"] == first.opened_at.isoformat()
    assert [c["site"] for c in export["cases"]] == ["jp", None]
    # someone else's export has none of it
    calls = await bot.send("/mydata", user=OTHER)
    assert "kept for 30 days" in calls[0].params["caption"]  # as the misses store keeps them
    other = json.loads(api.uploads[-1].decode("utf-8"))
    assert other["cases"] == []


async def test_forget_asks_first_then_deletes_everything(bot: Harness) -> None:
    await register(bot, "123")
    other_case = await register(bot, "123", user=EN_USER)
    await bot.send("/forget")
    assert "全部 1 个工单" in bot.screen().plain
    await bot.tap("取消")
    assert "什么都没删" in bot.screen().plain
    assert await services_of(bot.app).cases.count_for_owner(ZH_USER.id) == 1
    await bot.send("/forget")
    await bot.tap("确定，全部删除")
    assert "已删除你的全部数据" in bot.screen().plain
    services = services_of(bot.app)
    assert await services.users.get(ZH_USER.id) is None
    assert await services.cases.export_for_owner(ZH_USER.id) == []
    assert await case_of(bot, other_case)  # nobody else's
    # the same confirmation pressed again deletes only the presser's data: nothing left
    calls = await bot.press(encode(ForgetData(True)))
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert await services.users.get(ZH_USER.id) is None
    assert await case_of(bot, other_case)
