"""/lang and /tz: stored in the database, so they survive a restart."""

from __future__ import annotations

from pathlib import Path

from bot.core.callbacks import encode
from bot.core.clock import ManualClock
from bot.core.nav import OpenGuide
from bot.core.services import services_of
from knowledge.catalog import CardRef
from tests.bot.harness import EN_USER, ZH_USER, Harness


async def test_language_defaults_to_the_telegram_app_language(bot: Harness) -> None:
    await bot.send("/start", user=EN_USER)
    assert "Customer service, fast" in bot.screen(EN_USER).plain
    await bot.send("/start", user=ZH_USER)
    assert "客服直达" in bot.screen(ZH_USER).plain


async def test_lang_and_tz_persist_across_a_restart(db_path: Path, clock: ManualClock) -> None:
    first = await Harness.start(db_path, clock)
    try:
        await first.send("/lang")
        calls = await first.tap("English")
        assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
        assert "answer in English" in first.screen().plain
        await first.send("/tz Europe/Paris")
        assert "Europe/Paris" in first.screen().plain
    finally:
        await first.stop()
    first.assert_clean()

    second = await Harness.start(db_path, clock)  # a new Application on the same file
    try:
        await second.send("/start")
        assert "Customer service, fast" in second.screen().plain
        await second.send("/tz")
        screen = second.screen()
        # 02:00 UTC is 03:00 in Paris in November
        assert "Your time zone: Europe/Paris (now 03:00)" in screen.plain
        stored = await services_of(second.app).users.get(ZH_USER.id)
        assert stored is not None
        assert (stored.lang, stored.timezone) == ("en", "Europe/Paris")
    finally:
        await second.stop()
    second.assert_clean()


async def test_zone_buttons_set_the_zone_and_hours_follow_it(bot: Harness) -> None:
    await bot.send("/tz")
    screen = bot.screen()
    assert "Asia/Shanghai（现在 10:00）" in screen.plain  # BOT_TIMEZONE for a new user
    assert any(label.startswith("✅") and "上海" in label for label, _ in screen.buttons())
    await bot.tap("纽约")
    screen = bot.screen()
    assert "时区已设为 America/New_York" in screen.plain
    assert "America/New_York（现在 21:00）" in screen.plain
    await bot.press(encode(OpenGuide(CardRef("amazon", "seller", "suspension", "us"))))
    # US phone hours (kept in New York time) shown in the user's new zone, in the full guide
    assert "今天（America/New_York）" in bot.screen().plain


async def test_typed_zone_names_are_forgiving_about_case(bot: Harness) -> None:
    await bot.send("/tz asia/ho chi minh")
    assert "Asia/Ho_Chi_Minh" in bot.screen().plain


async def test_invalid_zone_is_answered_clearly_and_changes_nothing(bot: Harness) -> None:
    for typed in ("Mars/Olympus", "../../etc/passwd", "<b>UTC+8</b>", "x" * 500):
        await bot.send(f"/tz {typed}")
        screen = bot.screen()
        assert "不是有效的时区名" in screen.plain
        assert typed[:64] in screen.plain  # echoed back, escaped (the fake API checks)
    stored = await services_of(bot.app).users.get(ZH_USER.id)
    assert stored is not None and stored.timezone is None


async def test_settings_buttons_on_the_home_screen(bot: Harness) -> None:
    await bot.send("/start")
    await bot.tap("语言")
    assert "当前语言：中文" in bot.screen().plain
    await bot.tap("主页")
    await bot.tap("时区")
    assert "你的时区" in bot.screen().plain
