"""Cases remember their site: a site's own response window (Amazon Seller Central cases in
Japan: 72 h) is shown with its source on the form, the case, /cases and the reminders —
and cases stored before sites existed carry on as they were."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core.callbacks import encode
from bot.core.clock import ManualClock
from bot.core.nav import OpenCard
from bot.core.services import services_of
from knowledge.catalog import CardRef, Catalog
from knowledge.followup import ResponseWindow, response_window
from storage.migrations import MIGRATIONS, split_statements
from storage.timestamps import to_db
from tests.bot.casekit import (
    buttons_of,
    case_of,
    only_case,
    press_step,
    register,
    start_bot,
    tick,
)
from tests.bot.conftest import START
from tests.bot.harness import EN_USER, ZH_USER, Harness

DAY = timedelta(days=1)


@pytest.fixture
async def bot(db_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    harness = await start_bot(db_path, clock)
    try:
        yield harness
    finally:
        await harness.stop()
    harness.assert_clean()


def _window(bot: Harness, site: str | None) -> tuple[Catalog, ResponseWindow]:
    catalog = services_of(bot.app).catalog
    window = response_window(catalog, "amazon", "seller_case", site)
    assert window is not None
    return catalog, window


def _assert_window(text: str, catalog: Catalog, window: ResponseWindow) -> None:
    """The window's figure and wording, and every one of its sources, are on the screen."""
    assert f"回复时限：{window.hours} 小时 — {window.text.zh}" in text
    for source in window.sources:
        assert catalog.sources[source].title.zh in text
    assert "来源：" in text


async def test_a_japan_case_keeps_its_72_hour_window_and_source_everywhere(
    bot: Harness, clock: ManualClock
) -> None:
    catalog, japan = _window(bot, "jp")
    _, general = _window(bot, None)
    assert (japan.hours, general.hours) == (72, 24)
    await bot.send("/track")
    await bot.tap("亚马逊")
    await bot.tap("卖家")
    await bot.tap("Seller Central")
    await bot.tap("日本站")
    assert "站点：日本站" in bot.screen().plain
    await bot.tap("2 天前")
    await bot.send("8812345678")
    await bot.tap("跳过")
    confirm = bot.screen().plain
    _assert_window(confirm, catalog, japan)
    assert general.text.zh not in confirm
    assert "到期：2026-11-24 10:00（还有 1 天）" in confirm
    assert "✅ 72 小时后提醒" in buttons_of(bot.screen())
    await bot.tap("开始跟踪")
    case = await only_case(bot, ZH_USER, "8812345678")
    assert (case.channel, case.site) == ("seller_case", "jp")
    assert case.due_at == case.opened_at + timedelta(hours=72) == START + DAY
    saved = bot.screen().plain
    assert saved.startswith("亚马逊 · 卖家 · 日本站")
    _assert_window(saved, catalog, japan)

    # /cases names the site; the case opened from it shows the window and its source
    await bot.send("/cases")
    assert "1. 亚马逊 · 卖家 · 日本站 — Seller Central" in bot.screen().plain
    await bot.tap("1. 8812345678")
    _assert_window(bot.screen().plain, catalog, japan)
    await bot.tap("修改")
    await bot.tap("回复时限")
    window_screen = bot.screen()
    _assert_window(window_screen.plain, catalog, japan)
    assert "✅ 72 小时后提醒" in buttons_of(window_screen)

    # the reminder, when the 72 hours are up
    assert await tick(bot) == []
    clock.advance(DAY)
    assert len(await tick(bot)) == 1
    reminder = bot.screen().plain
    assert reminder.startswith("⏰ 还没回复：亚马逊 · 卖家 · 日本站")
    _assert_window(reminder, catalog, japan)
    # the next round follows the case's own window, not the general 24 h
    assert (await case_of(bot, case)).remind_at == START + DAY + timedelta(hours=72)


async def test_europe_has_the_general_hours_but_its_own_source(bot: Harness) -> None:
    catalog, europe = _window(bot, "eu")
    _, general = _window(bot, None)
    # the same figure from different sources: only the site tells which one the case has
    assert europe.hours == general.hours and europe.sources != general.sources
    eu_case = await register(bot, "111", site="eu", opened="now")
    assert eu_case.site == "eu"
    shown = bot.screen().plain
    _assert_window(shown, catalog, europe)
    assert general.text.zh not in shown
    other = await register(bot, "222", opened="now")  # "another one / not sure"
    assert other.site is None
    shown = bot.screen().plain
    _assert_window(shown, catalog, general)
    assert europe.text.zh not in shown and "站" not in shown.splitlines()[0]


async def test_a_card_for_one_site_gives_the_form_its_site(bot: Harness) -> None:
    catalog, japan = _window(bot, "jp")
    await bot.send("/start")
    await bot.press(encode(OpenCard(CardRef("amazon", "seller", "listing_removed", "jp"))))
    await bot.tap("跟踪")
    form = bot.screen().plain
    assert "站点：日本站" in form
    assert "什么时候提交的" in form  # the card said which site: not asked again
    await bot.tap("2 天前")
    await bot.send("7712345678")
    await bot.tap("跳过")
    _assert_window(bot.screen().plain, catalog, japan)
    await bot.tap("开始跟踪")
    case = await only_case(bot, ZH_USER, "7712345678")
    assert (case.issue, case.channel, case.site) == ("listing_removed", "seller_case", "jp")
    assert case.due_at == case.opened_at + timedelta(hours=72)

    # a site without a window of its own is kept too, with the channel's general figure
    _, general = _window(bot, None)
    await bot.send("/start", user=EN_USER)
    await bot.press(encode(OpenCard(CardRef("amazon", "seller", "listing_removed", "us"))),
                    user=EN_USER)
    await bot.tap("Track", user=EN_USER)
    assert "Marketplace: United States" in bot.screen(EN_USER).plain
    await press_step(bot, "opened", "now", EN_USER)
    await bot.send("US-1", user=EN_USER)
    await press_step(bot, "skip_note", user=EN_USER)
    confirm = bot.screen(EN_USER).plain
    assert f"Response window: 24 h — {general.text.en}" in confirm
    await press_step(bot, "confirm", user=EN_USER)
    us_case = await only_case(bot, EN_USER, "US-1")
    assert us_case.site == "us"
    assert bot.screen(EN_USER).plain.startswith("Amazon · Seller · United States")


async def test_the_site_is_asked_only_where_it_changes_the_window(bot: Harness) -> None:
    # seller email has one window everywhere: straight on to when it was opened
    await bot.send("/track")
    await press_step(bot, "platform", "amazon")
    await press_step(bot, "role", "seller")
    await press_step(bot, "channel", "seller_email")
    assert "什么时候提交的" in bot.screen().plain
    # Tmall has no sites at all
    await bot.send("/track")
    await bot.tap("天猫")
    await press_step(bot, "channel", "intervene")
    assert "什么时候提交的" in bot.screen().plain
    # a site the step never offered (no window of its own), then a button of a done step
    await bot.send("/track")
    for step, value in (("platform", "amazon"), ("role", "seller"), ("channel", "seller_case")):
        await press_step(bot, step, value)  # type: ignore[arg-type]
    calls = await press_step(bot, "site", "us")
    assert calls[0].params.get("text") == "表单已过期"
    assert "工单是哪个站点的" in bot.screen().plain  # the form waits at the same step
    japan = bot.screen().button("日本站")
    await bot.press(japan)
    calls = await bot.press(japan)
    assert calls[0].params.get("text") == "这一步已经填过了，这是当前这一步"
    assert "什么时候提交的" in bot.screen().plain


def _schema_version_1(db_path: Path, opened_days_ago: int) -> None:
    """The database as the bot left it before cases had a site: one open Seller Central case."""
    opened = START - opened_days_ago * DAY
    old = sqlite3.connect(db_path, isolation_level=None)
    try:
        for statement in split_statements(MIGRATIONS[0]):
            old.execute(statement)
        old.execute("PRAGMA user_version = 1")
        now = to_db(START - 5 * DAY)
        old.execute(
            "INSERT INTO users (user_id, lang, created_at, updated_at) VALUES (?, 'zh', ?, ?)",
            (ZH_USER.id, now, now),
        )
        old.execute(
            """
            INSERT INTO cases (owner_id, platform, role, channel, external_id, opened_at,
                               due_at, remind_at, created_at, updated_at)
            VALUES (?, 'amazon', 'seller', 'seller_case', '5550001', ?, ?, ?, ?, ?)
            """,
            (ZH_USER.id, to_db(opened), to_db(opened + DAY), to_db(opened + DAY), now, now),
        )
    finally:
        old.close()


async def test_cases_from_before_sites_carry_on_after_the_upgrade(
    db_path: Path, clock: ManualClock
) -> None:
    _schema_version_1(db_path, opened_days_ago=3)
    bot = await start_bot(db_path, clock)
    try:
        catalog, general = _window(bot, None)
        await bot.send("/cases")
        listed = bot.screen().plain
        assert "1. 亚马逊 · 卖家 — Seller Central" in listed
        assert "站" not in listed.split("1. ", 1)[1].split("—")[0]  # no site was ever given
        await bot.tap("1. 5550001")
        _assert_window(bot.screen().plain, catalog, general)
        assert len(await tick(bot)) == 1
        reminder = bot.screen().plain
        assert reminder.startswith("⏰ 还没回复：亚马逊 · 卖家\n")
        _assert_window(reminder, catalog, general)
        # and a new case next to it carries its site
        case = await register(bot, "5550002", site="jp", opened="now")
        assert case.site == "jp"
    finally:
        await bot.stop()
    bot.assert_clean()
