"""/track end to end: the form by buttons and by typing, pre-filled forms, duplicates,
stale and forged buttons, and what users type (HTML, emoji, far too long)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cases.callbacks import TrackStep
from bot.cases.tracking import append_advice
from bot.core.callbacks import encode
from bot.core.clock import ManualClock
from bot.core.nav import OpenCard, TrackCase
from bot.core.services import services_of
from knowledge.catalog import CardRef
from knowledge.followup import response_window
from storage.cases import CaseStatus
from tests.bot.casekit import (
    buttons_of,
    case_of,
    only_case,
    press_step,
    register,
    start_bot,
)
from tests.bot.conftest import START
from tests.bot.harness import EN_USER, ZH_USER, Harness

SHANGHAI = "Asia/Shanghai"


@pytest.fixture
async def bot(db_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    harness = await start_bot(db_path, clock)
    try:
        yield harness
    finally:
        await harness.stop()
    harness.assert_clean()


async def test_track_by_buttons_in_chinese(bot: Harness) -> None:
    await bot.send("/track")
    form = bot.screen()
    assert form.plain.startswith("📌 跟踪工单")
    assert "哪个平台" in form.plain
    await bot.tap("亚马逊")
    await bot.tap("卖家")
    assert "哪个渠道" in bot.screen().plain
    await bot.tap("Seller Central")
    # Seller Central cases answer on their own time in Europe and Japan: which site?
    assert "工单是哪个站点的" in bot.screen().plain
    assert buttons_of(bot.screen()) == ["欧洲站", "日本站", "其他站点 / 不确定", "✖️ 取消"]
    await bot.tap("其他站点")
    assert "什么时候提交的" in bot.screen().plain
    assert set(buttons_of(bot.screen())) >= {"刚刚", "今天早些时候", "昨天", "2 天前", "3 天前",
                                              "7 天前"}
    await bot.tap("3 天前")
    assert "提交于 2026-11-20 10:00（3 天前）" in bot.screen().plain
    calls = await bot.send("123456789")
    assert [c.method for c in calls] == ["sendMessage"]  # the form, not a search answer
    assert "备注" in bot.screen().plain
    await bot.tap("跳过")
    confirm = bot.screen()
    # the window and its source come from the knowledge, in the user's zone
    catalog = services_of(bot.app).catalog
    window = response_window(catalog, "amazon", "seller_case")
    assert window is not None and window.hours == 24
    assert f"回复时限：24 小时 — {window.text.zh}" in confirm.plain
    source = catalog.sources[window.sources[0]]
    assert f"来源：{source.title.zh}" in confirm.plain
    assert "到期：2026-11-21 10:00（已超时 2 天）" in confirm.plain
    assert "一分钟内" in confirm.plain
    await bot.tap("开始跟踪")
    case = await only_case(bot, ZH_USER, "123456789")
    assert (case.platform, case.role, case.channel, case.issue, case.site) == (
        "amazon", "seller", "seller_case", None, None)
    assert case.opened_at == START - timedelta(days=3)
    assert case.due_at == case.remind_at == START - timedelta(days=2)
    assert case.note is None and case.status is CaseStatus.OPEN
    shown = bot.screen().plain
    assert shown.startswith("亚马逊 · 卖家")
    assert "已开始跟踪" in shown and "123456789" in shown
    assert "✅ 已经回复了" in buttons_of(bot.screen())


TYPED_TIMES = [
    ("2026-11-18 14:00", datetime(2026, 11, 18, 6, 0, tzinfo=UTC)),
    ("昨天下午3点", datetime(2026, 11, 22, 7, 0, tzinfo=UTC)),
    ("3天前", START - timedelta(days=3)),
    ("3 days ago", START - timedelta(days=3)),
    ("yesterday 15:00", datetime(2026, 11, 22, 7, 0, tzinfo=UTC)),
    ("11月20日 上午9点半", datetime(2026, 11, 20, 1, 30, tzinfo=UTC)),
]


async def test_track_with_a_typed_opening_time(bot: Harness) -> None:
    # one bot for every case: each application start reloads the whole catalog
    for number, (typed, opened) in enumerate(TYPED_TIMES):
        user = EN_USER if typed.isascii() else ZH_USER
        await bot.send("/track", user=user)
        await press_step(bot, "platform", "amazon", user)
        await press_step(bot, "role", "seller", user)
        await press_step(bot, "channel", "seller_email", user)
        prompt = bot.screen(user).plain
        assert ("Asia/Shanghai" in prompt) and ("3 days ago" in prompt or "3天前" in prompt)
        await bot.send(typed, user=user)
        external_id = f"98765432{number}"
        await bot.send(external_id, user=user)
        await bot.send("Refund for order 112-555 <urgent> 🙏", user=user)
        await press_step(bot, "confirm", user=user)
        case = await only_case(bot, user, external_id)
        assert case.opened_at == opened, typed
        assert case.due_at == opened + timedelta(hours=72)  # the knowledge's email window
        assert case.note == "Refund for order 112-555 <urgent> 🙏"


async def test_the_zone_is_the_users_own(bot: Harness) -> None:
    await bot.send("/tz America/New_York", user=EN_USER)
    await bot.send("/track", user=EN_USER)
    await press_step(bot, "platform", "amazon", EN_USER)
    await press_step(bot, "role", "seller", EN_USER)
    await press_step(bot, "channel", "seller_case", EN_USER)
    await press_step(bot, "any_site", user=EN_USER)
    assert "America/New_York" in bot.screen(EN_USER).plain
    await bot.send("yesterday 15:00", user=EN_USER)  # 21:00 Sunday in New York now
    assert "Opened 2026-11-21 15:00" in bot.screen(EN_USER).plain
    await bot.send("55555", user=EN_USER)
    await press_step(bot, "skip_note", user=EN_USER)
    await press_step(bot, "confirm", user=EN_USER)
    case = await only_case(bot, EN_USER, "55555")
    assert case.opened_at == datetime(2026, 11, 21, 20, 0, tzinfo=UTC)


async def test_unusable_times_are_refused_and_the_form_waits(bot: Harness) -> None:
    await bot.send("/track", user=EN_USER)
    await press_step(bot, "platform", "amazon", EN_USER)
    await press_step(bot, "role", "buyer", EN_USER)
    await press_step(bot, "channel", "buyer_email", EN_USER)
    for typed, answer in (
        ("2027-01-01 10:00", "“2027-01-01 10:00” is in the future"),
        ("tomorrow", "I can't read “tomorrow” as a time"),
        ("下午3点", "is in the future"),  # today 15:00 Shanghai is still to come
        ("2024-01-01", "is over a year ago"),
        ("🙂", "I can't read “🙂”"),
    ):
        await bot.send(typed, user=EN_USER)
        shown = bot.screen(EN_USER).plain
        assert answer in shown, typed
        assert "When did you open it?" in shown  # still the same step
    await bot.send("2 hours ago", user=EN_USER)
    assert "Send the case ID" in bot.screen(EN_USER).plain


async def test_track_with_a_case_id_fills_it_in(bot: Harness) -> None:
    await bot.send("/track 123456789")
    assert "工单号：123456789" in bot.screen().plain
    await bot.tap("亚马逊")
    await bot.tap("卖家")
    await bot.tap("Seller Central")
    await bot.tap("其他站点")
    await bot.tap("昨天")
    assert "备注" in bot.screen().plain  # no question about the case id
    await bot.send("卖家账号审核")
    await press_step(bot, "confirm")
    case = await only_case(bot, ZH_USER, "123456789")
    assert case.note == "卖家账号审核"
    assert case.opened_at == START - timedelta(days=1)


async def test_track_with_a_bad_case_id_says_why_and_asks_again(bot: Harness) -> None:
    await bot.send("/track " + "9" * 70)
    assert "70 个字符，最多 64 个" in bot.screen().plain
    assert "工单号：" not in bot.screen().plain


async def test_card_button_fills_in_platform_role_and_channel(bot: Harness) -> None:
    ref = CardRef("amazon", "seller", "suspension", "us")
    await bot.send("/start")
    await bot.press(encode(OpenCard(ref)))
    await bot.tap("跟踪")
    form = bot.screen().plain
    assert "平台：亚马逊 · 卖家" in form
    assert "渠道：" in form and "申诉" in form  # suspension recommends the appeal (POA)
    assert "什么时候提交的" in form
    await bot.tap("2 天前")
    await bot.send("A1B2C3")
    await bot.tap("跳过")
    await press_step(bot, "confirm")
    case = await only_case(bot, ZH_USER, "A1B2C3")
    assert (case.platform, case.role, case.channel, case.issue) == (
        "amazon", "seller", "seller_appeal", "suspension")


async def test_a_stale_card_button_expires(bot: Harness) -> None:
    await bot.send("/start")
    calls = await bot.press(encode(TrackCase(CardRef("amazon", "seller", "no_such_issue"))))
    assert calls[0].params.get("text") == "菜单已过期"


async def test_without_a_window_in_the_knowledge_the_user_picks_one(bot: Harness) -> None:
    catalog = services_of(bot.app).catalog
    assert response_window(catalog, "tmall", "intervene") is None
    await bot.send("/track")
    await bot.tap("天猫")  # one role: straight to the channels
    await press_step(bot, "channel", "intervene")
    await bot.tap("今天早些时候")
    await bot.send("2345678901234567890")
    await bot.tap("跳过")
    confirm = bot.screen()
    assert "指南没有给出这个渠道的回复时限" in confirm.plain
    assert not any("开始跟踪" in label for label in buttons_of(confirm))  # no invented figure
    assert {"24 小时后提醒", "48 小时后提醒", "72 小时后提醒"} <= set(buttons_of(confirm))
    await bot.tap("48 小时后提醒")
    assert "你选择 48 小时后提醒" in bot.screen().plain
    await bot.tap("开始跟踪")
    case = await only_case(bot, ZH_USER, "2345678901234567890")
    assert case.due_at is not None
    assert case.due_at - case.opened_at == timedelta(hours=48)
    # earlier today = halfway between local midnight and 10:00
    assert case.opened_at == datetime(2026, 11, 22, 21, 0, tzinfo=UTC)


async def test_the_knowledge_window_can_be_overridden(bot: Harness) -> None:
    case = await register(bot, "777", opened="now", window=72)
    assert case.due_at == START + timedelta(hours=72)
    shown = bot.screen().plain
    assert "回复时限：72 小时\n" in shown  # not credited to any source
    assert "来源" not in shown


async def test_a_case_id_already_tracked_is_refused_with_a_pointer(bot: Harness) -> None:
    first = await register(bot, "123456789")
    await bot.send("/track 123456789")
    await press_step(bot, "platform", "amazon")
    await press_step(bot, "role", "seller")
    await press_step(bot, "channel", "seller_email")
    await press_step(bot, "opened", "now")
    await press_step(bot, "skip_note")
    await press_step(bot, "confirm")
    shown = bot.screen()
    assert "你已经在跟踪这个工单号了" in shown.plain
    assert "提交于 2026-11-20 10:00" in shown.plain  # the existing one
    await bot.tap("换个工单号")
    await bot.send("223456789")
    await press_step(bot, "skip_note")
    await press_step(bot, "confirm")
    second = await only_case(bot, ZH_USER, "223456789")
    assert second.id != first.id
    # the pointer opens the existing case
    await bot.send("/track 123456789")
    for step, value in (("platform", "amazon"), ("role", "seller"), ("channel", "seller_case"),
                        ("any_site", None), ("opened", "now")):
        await press_step(bot, step, value)  # type: ignore[arg-type]
    await press_step(bot, "skip_note")
    await press_step(bot, "confirm")
    await bot.tap("查看已有的工单")
    assert "123456789" in bot.screen().plain and "等待回复" in bot.screen().plain


async def test_a_second_case_on_the_same_issue_gets_the_guides_advice(bot: Harness) -> None:
    ref = CardRef("amazon", "seller", "listing_removed")
    for external_id in ("111111", "222222"):
        await bot.send("/start")
        await bot.press(encode(OpenCard(ref)))
        await bot.tap("跟踪")
        await bot.tap("其他站点")  # a card for every site: the form asks
        await bot.tap("刚刚")
        await bot.send(external_id)
        await bot.tap("跳过")
        await bot.tap("开始跟踪")
    advice_screen = bot.screen().plain
    assert "关于同一个问题，你已经有一个等待回复的工单" in advice_screen
    assert "111111" in advice_screen
    catalog = services_of(bot.app).catalog
    [(fact, sources)] = append_advice(catalog, "amazon", "seller")
    assert "duplicates" in fact.text.en  # the knowledge's own words…
    assert fact.text.zh in advice_screen  # …shown, with their source
    assert catalog.sources[sources[0]].title.zh in advice_screen
    cases = services_of(bot.app).cases
    assert len(await cases.find_open(ZH_USER.id, "amazon", "listing_removed")) == 1
    await bot.tap("仍然登记新工单")
    assert len(await cases.find_open(ZH_USER.id, "amazon", "listing_removed")) == 2


async def test_cancel_and_stale_form_buttons(bot: Harness) -> None:
    await bot.send("/track")
    old_platform = bot.screen().button("亚马逊")
    await bot.tap("亚马逊")
    # a button of a step already done: said so, and the current step shown again
    calls = await bot.press(old_platform)
    assert calls[0].params.get("text") == "这一步已经填过了，这是当前这一步"
    assert "你的身份是" in bot.screen().plain
    await bot.tap("取消")
    assert "已取消" in bot.screen().plain
    calls = await bot.press(old_platform)
    assert calls[0].params.get("text") == "表单已过期"
    assert "过期" in bot.screen().plain
    # a value the form never offered
    await bot.send("/track")
    calls = await press_step(bot, "platform", "ebay")
    assert calls[0].params.get("text") == "表单已过期"
    assert "哪个平台" in bot.screen().plain  # the form is still there
    # an old /track's buttons after a new /track
    old = bot.screen().button("亚马逊")
    await bot.send("/track")
    calls = await bot.press(old)
    assert calls[0].params.get("text") == "表单已过期"


async def test_a_form_is_forgotten_after_an_hour_and_at_a_restart(
    db_path: Path, clock: ManualClock
) -> None:
    bot = await start_bot(db_path, clock)
    try:
        await bot.send("/track")
        button = bot.screen().button("亚马逊")
        clock.advance(timedelta(hours=2))
        calls = await bot.press(button)
        assert calls[0].params.get("text") == "表单已过期"
        await bot.send("/track")
        button = bot.screen().button("亚马逊")
    finally:
        await bot.stop()
    again = await start_bot(db_path, clock)
    try:
        calls = await again.press(button, message=bot.screen())
        assert calls[0].params.get("text") == "表单已过期"
        # typed text with no form waiting is a question again
        await again.send("卖家账号被封怎么办")
        assert "账户停用 / 封号" in again.screen().plain
    finally:
        await again.stop()


async def test_another_command_abandons_the_form(bot: Harness) -> None:
    await bot.send("/track")
    await bot.tap("亚马逊")
    await bot.tap("卖家")
    await bot.tap("Seller Central")
    await bot.tap("其他站点")
    await bot.tap("刚刚")
    assert "请发送工单号" in bot.screen().plain
    await bot.send("/start")
    await bot.send("卖家账号被封怎么办")  # a question, not a case id
    assert "账户停用 / 封号" in bot.screen().plain
    assert await services_of(bot.app).cases.count_for_owner(ZH_USER.id) == 0


async def test_settings_commands_keep_the_form(bot: Harness) -> None:
    await bot.send("/track", user=EN_USER)
    await press_step(bot, "platform", "amazon", EN_USER)
    await press_step(bot, "role", "seller", EN_USER)
    await press_step(bot, "channel", "seller_case", EN_USER)
    await press_step(bot, "any_site", user=EN_USER)
    await bot.send("/tz Europe/London", user=EN_USER)
    await bot.send("yesterday 09:00", user=EN_USER)
    assert "Opened 2026-11-22 09:00" in bot.screen(EN_USER).plain


# --- what users type -------------------------------------------------------------------


async def test_case_id_and_note_with_html_and_emoji_are_kept_and_escaped(
    bot: Harness,
) -> None:
    external_id = "<b>12&34</b> 🧾"
    note = ("<script>alert('x')</script> & <a href=x>link</a> 😀" * 9)[:500]
    case = await register(bot, external_id, note=note, opened="1d")
    assert case.external_id == external_id
    assert case.note == note  # nothing lost, nothing escaped in the database
    shown = bot.screen()
    assert external_id in shown.plain and note in shown.plain
    assert "&lt;b&gt;12&amp;34&lt;/b&gt;" in shown.html  # the fake API parsed it: valid HTML
    await bot.send("/cases")
    assert external_id in bot.screen().plain


async def test_unusable_case_ids_are_refused_with_the_reason(bot: Harness) -> None:
    await bot.send("/track")
    for step, value in (("platform", "amazon"), ("role", "seller"), ("channel", "seller_case"),
                        ("any_site", None), ("opened", "now")):
        await press_step(bot, step, value)  # type: ignore[arg-type]
    for typed, answer in (
        ("9" * 5000, "5000 个字符，最多 64 个"),
        ("123\n456", "只能有一行"),
        ("🙂🙂", "没有数字或字母"),
        ("   ", "工单号是空的"),  # Telegram would not even send it
    ):
        await bot.send(typed)
        shown = bot.screen().plain
        assert answer in shown, typed
        assert "请发送工单号" in shown
    await bot.send("1234567")
    assert "工单号：1234567" in bot.screen().plain


async def test_a_5000_character_note_is_refused_and_the_form_keeps_everything(
    bot: Harness,
) -> None:
    await bot.send("/track 42424242", user=EN_USER)
    for step, value in (("platform", "amazon"), ("role", "seller"), ("channel", "seller_case"),
                        ("any_site", None), ("opened", "2d")):
        await press_step(bot, step, value, EN_USER)  # type: ignore[arg-type]
    await bot.send("📦<b>" * 1250, user=EN_USER)  # 5,000 characters
    shown = bot.screen(EN_USER).plain
    assert "The note is 5000 characters long; the limit is 500" in shown
    assert "Case ID: 42424242" in shown  # what was filled in is still there
    await bot.send("short <b>note</b>", user=EN_USER)
    await press_step(bot, "confirm", user=EN_USER)
    case = await only_case(bot, EN_USER, "42424242")
    assert case.note == "short <b>note</b>"
    assert (await case_of(bot, case)).opened_at == START - timedelta(days=2)


async def test_form_buttons_in_a_group_are_refused(bot: Harness) -> None:
    await bot.send("/track")
    data = bot.screen().button("亚马逊")
    group_message = bot.api._store(-100123, "x", None)
    calls = await bot.press(data, message=group_message)
    assert calls[0].params.get("show_alert") is True
    assert "私聊" in calls[0].params["text"]
    assert len(calls) == 1


def test_step_buttons_carry_the_form_token() -> None:
    data = encode(TrackStep("abc123", "platform", "amazon"))
    assert data == "1:k:abc123:p:amazon"
