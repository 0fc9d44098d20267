"""Operator commands: /stats and /reload for BOT_ADMINS, an unknown command for anyone else."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core.clock import ManualClock
from bot.core.services import services_of
from bot.core.texts import MESSAGES
from bot.infra.metrics import metrics_of
from knowledge.catalog import DATA_DIR
from tests.bot.fakeapi import Failure
from tests.bot.harness import EN_USER, ZH_USER, Harness, TgUser

ADMIN = TgUser(4242, "Ops", "en")


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    """A copy of the knowledge files the test may break (knowledge/data stays untouched)."""
    copy = tmp_path / "knowledge"
    shutil.copytree(DATA_DIR, copy)
    return copy


@pytest.fixture
async def ops_bot(db_path: Path, clock: ManualClock, knowledge: Path) -> AsyncIterator[Harness]:
    harness = await Harness.start(
        db_path, clock, admins=frozenset({ADMIN.id}), knowledge_dir=knowledge
    )
    try:
        yield harness
    finally:
        await harness.stop()
    harness.assert_clean()


@pytest.mark.parametrize("command", ["/stats", "/reload"])
async def test_anyone_else_gets_the_unknown_command_answer(
    ops_bot: Harness, command: str
) -> None:
    for user in (ZH_USER, EN_USER):
        calls = await ops_bot.send(command, user=user)
        assert [c.method for c in calls] == ["sendMessage"]
        lang = "zh" if user is ZH_USER else "en"
        assert ops_bot.screen(user).plain == MESSAGES.get("unknown_command", lang)


async def test_stats_counts_users_cases_reminders_and_the_last_error(
    ops_bot: Harness, clock: ManualClock
) -> None:
    bot = ops_bot
    await bot.send("/start", user=ZH_USER)
    await bot.send("/start", user=EN_USER)
    services = services_of(bot.app)
    now = clock.now()
    for n, due in enumerate((now - timedelta(hours=1), now + timedelta(days=2))):
        await services.cases.add(
            ZH_USER.id, "amazon", "seller", "seller_case", "suspension", f"CASE-{n}", None,
            now - timedelta(days=3), due,
        )
    metrics = metrics_of(bot.app)
    metrics.reminder_sent()
    metrics.reminder_sent()
    metrics.reminder_failed()
    # a failure of ours: the user is told, and it becomes the last error
    bot.api.fail("sendMessage", Failure.bad_request("chat not found"))
    await bot.send("/help", user=EN_USER)
    clock.advance(timedelta(hours=2))

    await bot.send("/stats", user=ADMIN)
    text = bot.screen(ADMIN).plain
    lines = text.splitlines()
    assert lines[0] == "📊 Status"
    # the admin is a user too
    assert "Users: 3 (active in 7 days: 3)" in lines
    assert "Open cases: 2 (overdue: 1)" in lines
    assert "Reminders (since start): 2 sent, 1 failed" in lines
    # the /stats being handled is not counted yet
    assert "Updates handled: 3, errors: 1 (up 0 d 2 h 0 min)" in lines
    assert "Knowledge: 7 platforms, 47 cards" in lines[5]
    assert lines[6].startswith("Last error: 2026-11-23 10:00 CST · update message · BadRequest:")
    assert "Chat not found" in lines[6]

    # a day later the reminders have left the 24-hour window
    clock.advance(timedelta(hours=23))
    await bot.send("/stats", user=ADMIN)
    assert "Reminders (last 24 h): 0 sent, 0 failed" in bot.screen(ADMIN).plain


async def test_stats_with_nothing_to_report(ops_bot: Harness) -> None:
    await ops_bot.send("/stats", user=ADMIN)
    text = ops_bot.screen(ADMIN).plain
    assert "Open cases: 0 (overdue: 0)" in text
    assert text.endswith("Last error: none")


async def test_stats_in_the_admins_language(ops_bot: Harness) -> None:
    admin_zh = TgUser(ADMIN.id, "运维", "zh-hans")
    await ops_bot.send("/stats", user=admin_zh)
    text = ops_bot.screen(admin_zh).plain
    assert text.startswith("📊 运行状态\n用户：")
    assert "最近错误：无" in text


async def test_reload_picks_up_edited_knowledge(ops_bot: Harness, knowledge: Path) -> None:
    bot = ops_bot
    before = services_of(bot.app).catalog
    amazon = knowledge / "amazon.yaml"
    text = amazon.read_text(encoding="utf-8")
    amazon.write_text(
        text.replace("name:\n  zh: 亚马逊\n", "name:\n  zh: 亚马逊中国\n", 1), encoding="utf-8"
    )
    await bot.send("/reload", user=ADMIN)
    reply = bot.screen(ADMIN).plain
    assert reply.startswith("✅ Knowledge reloaded: 7 platforms, 47 cards")
    assert "amazon.yaml" in reply
    after = services_of(bot.app).catalog
    assert after is not before
    assert after.platforms["amazon"].name.zh == "亚马逊中国"
    await bot.send("/start")
    assert "亚马逊中国" in str(bot.screen().buttons())


async def test_a_broken_file_keeps_the_old_catalog_and_names_the_problem(
    ops_bot: Harness, knowledge: Path
) -> None:
    bot = ops_bot
    services = services_of(bot.app)
    catalog, search = services.catalog, services.search
    amazon = knowledge / "amazon.yaml"
    amazon.write_text(
        amazon.read_text(encoding="utf-8").replace(
            "- channel: seller_case", "- channel: seller_caze", 1
        ),
        encoding="utf-8",
    )
    await bot.send("/reload", user=ADMIN)
    reply = bot.screen(ADMIN).plain
    assert reply.startswith("❌ Reload failed; the knowledge in use is kept.")
    assert "File: amazon.yaml" in reply
    assert "At: roles.1.issues.0.recommended." in reply
    assert "seller_caze" in reply
    assert services.catalog is catalog and services.search is search
    # the bot still answers from the old catalog
    await bot.send("卖家账号被封怎么办")
    assert "封号" in bot.screen().plain

    # amazon.yaml mended, tmall.yaml not YAML at all
    shutil.copy(DATA_DIR / "amazon.yaml", amazon)
    (knowledge / "tmall.yaml").write_text("id: [tmall\n", encoding="utf-8")
    await bot.send("/reload", user=ADMIN)
    assert "File: tmall.yaml" in bot.screen(ADMIN).plain
    assert services.catalog is catalog
