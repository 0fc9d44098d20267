"""What users miss, on the bot's side: recorded best effort, /misses for admins, /metrics,
the daily retention sweep (a real job on the injected clock), and /mydata saying so."""

from __future__ import annotations

import itertools
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.admin.handlers import MISSES_SHOWN
from bot.core.clock import ManualClock
from bot.core.misses import SWEEP_INTERVAL, SWEEP_JOB_NAME, record_miss
from bot.core.services import Services, services_of
from bot.core.texts import MESSAGES
from bot.infra.http import Lifecycle, ServerState, metrics_exposition
from storage.misses import MissKind
from tests.bot.casekit import start_bot
from tests.bot.exposition import families, kind, sample
from tests.bot.groupchat import GroupChat
from tests.bot.harness import EN_USER, ZH_USER, Harness, TgUser

ADMIN = TgUser(4242, "Ops", "en")
ADMIN_ZH = TgUser(4243, "运维", "zh-hans")


@pytest.fixture
async def bot(db_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    # the scheduler paused: the sweep runs when a test runs it
    harness = await start_bot(db_path, clock, admins=frozenset({ADMIN.id, ADMIN_ZH.id}))
    try:
        yield harness
    finally:
        await harness.stop()
    harness.assert_clean()


def services(bot: Harness) -> Services:
    return services_of(bot.app)


async def sweep(bot: Harness) -> None:
    """Run the retention job once, as the scheduler would."""
    job_queue = bot.app.job_queue
    assert job_queue is not None
    [job] = job_queue.get_jobs_by_name(SWEEP_JOB_NAME)
    await job.run(bot.app)


async def test_admins_see_the_top_misses_and_the_totals(bot: Harness) -> None:
    s = services(bot)
    for sender, number in enumerate(("400-810-5666", "一三八一二三四五六七八", "1️⃣3️⃣8️⃣")):
        await record_miss(s, MissKind.UNCOVERED, f"京东客服电话 {number} <b>", platform="jd",
                          sender=sender)
    await record_miss(s, "uncovered", "ebay customer service", platform="ebay", sender=1)
    await record_miss(s, MissKind.NOT_SURE, "怎么投诉 me@example.com", sender=1)
    calls = await bot.send("/misses", user=ADMIN)
    assert [c.method for c in calls] == ["sendMessage"]
    lines = bot.screen(ADMIN).plain.splitlines()
    assert lines[0] == "🔎 Questions I could not answer (last 30 days): 5"
    assert lines[1] == "Not sure: 1, uncovered platforms: 4"
    assert lines[2] == "Uncovered platforms: JD.com 3, eBay 1"
    # asked by one person each: counted, their text not shown
    assert lines[3] == MESSAGES.get("admin.misses.hidden", "en", hidden=2, senders=3)
    # three people asked this one: shown, as stored (only known words, one placeholder)
    assert lines[5] == "3 × 京东客服电话 ‹…› (JD.com)"
    assert len(lines) == 6
    plain = bot.screen(ADMIN).plain
    assert "400" not in plain and "example" not in plain and "投诉" not in plain
    # in the admin's language
    await bot.send("/misses", user=ADMIN_ZH)
    text = bot.screen(ADMIN_ZH).plain
    assert text.startswith("🔎 没能回答的问题（近 30 天）：共 5 次")
    assert "3 × 京东客服电话 ‹…›（京东）" in text


async def test_one_person_asking_again_and_again_counts_once(bot: Harness) -> None:
    for _ in range(10):
        await bot.send("京东客服电话多少")
    summary = await services(bot).misses.summary()
    assert (summary.total, summary.hidden) == (1, 1)
    for user in (EN_USER, ADMIN):
        await bot.send("京东客服电话多少", user=user)
    [top] = await services(bot).misses.top()
    assert (top.text, top.count, top.platform) == ("京东客服电话多少", 3, "jd")


async def test_the_list_is_capped_and_says_where_the_rest_is(bot: Harness) -> None:
    s = services(bot)
    words = ["退款", "退货", "物流", "包裹", "订单", "账号", "密码", "客服"]
    for first, second in list(itertools.product(words, words))[: MISSES_SHOWN + 5]:
        # long questions: the reply stays within one message all the same
        for sender in range(3):
            await record_miss(s, MissKind.NOT_SURE, f"{first}{second}问题{'怎么办' * 60}",
                              sender=sender)
    await bot.send("/misses", user=ADMIN)
    text = bot.screen(ADMIN).plain
    assert len(text) <= 4096
    listed = [line for line in text.splitlines() if line.startswith("3 × ")]
    assert 0 < len(listed) <= MISSES_SHOWN
    assert text.splitlines()[-1] == MESSAGES.get("admin.misses.more", "en", shown=len(listed))


async def test_nothing_recorded_yet(bot: Harness) -> None:
    await bot.send("/misses", user=ADMIN)
    lines = bot.screen(ADMIN).plain.splitlines()
    assert lines[-1] == "Nothing recorded yet."
    assert lines[0].endswith(": 0")


async def test_anyone_else_gets_the_unknown_command_answer(bot: Harness) -> None:
    await record_miss(services(bot), MissKind.NOT_SURE, "怎么投诉")
    for user in (ZH_USER, EN_USER):
        calls = await bot.send("/misses", user=user)
        assert [c.method for c in calls] == ["sendMessage"]
        lang = "zh" if user is ZH_USER else "en"
        assert bot.screen(user).plain == MESSAGES.get("unknown_command", lang)
    # an admin in a group: nothing shown there
    assert await GroupChat(bot).say("/misses", ADMIN) == []


async def test_the_daily_sweep_deletes_misses_older_than_30_days(
    bot: Harness, clock: ManualClock
) -> None:
    job_queue = bot.app.job_queue
    assert job_queue is not None
    [job] = job_queue.get_jobs_by_name(SWEEP_JOB_NAME)
    assert job.trigger.interval == SWEEP_INTERVAL == timedelta(days=1)
    s = services(bot)
    await record_miss(s, MissKind.UNCOVERED, "京东客服", platform="jd")
    clock.advance(timedelta(days=20))
    await record_miss(s, MissKind.NOT_SURE, "怎么投诉")
    clock.advance(timedelta(days=9))  # the first is 29 days old: kept
    await sweep(bot)
    assert (await s.misses.summary()).total == 2
    clock.advance(timedelta(days=1))  # 30 days: past the window
    await sweep(bot)
    summary = await s.misses.summary()
    assert summary.total == 1 and summary.by_kind == {MissKind.NOT_SURE: 1}
    [row] = await s.db.fetchall("SELECT text FROM misses")
    assert row["text"] == "怎么投诉"  # gone from the file, not only from the view
    clock.advance(timedelta(days=30))
    await sweep(bot)
    assert await s.db.fetchall("SELECT text FROM misses") == []


async def test_a_failing_database_never_reaches_the_asker(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    s = services(bot)
    await s.db.execute("PRAGMA query_only = ON")  # writes refused, as on a read-only disk
    with caplog.at_level(logging.WARNING, logger="bot.core.misses"):
        await record_miss(s, MissKind.UNCOVERED, "京东客服电话 400-810-5666", platform="jd")
        await record_miss(s, "no-such-kind", "怎么投诉")
    await s.db.execute("PRAGMA query_only = OFF")
    assert "miss not recorded" in caplog.text
    assert "miss of an unknown kind" in caplog.text
    assert "400" not in caplog.text and "京东客服" not in caplog.text
    assert (await s.misses.summary()).total == 0
    assert s.miss_counts.by_kind["uncovered"] == 1  # /metrics still counts it


async def test_metrics_count_misses_by_kind_and_uncovered_platform(bot: Harness) -> None:
    state = ServerState(bot.app, "webhook", Lifecycle.READY)
    text = (await metrics_exposition(state))[0].decode()
    assert sample(text, "kefu_misses_total", kind="not_sure") == 0
    assert sample(text, "kefu_misses_total", kind="uncovered") == 0
    s = services(bot)
    for platform in ("jd", "jd", "ebay"):
        await record_miss(s, MissKind.UNCOVERED, "客服电话", platform=platform)
    await record_miss(s, MissKind.NOT_SURE, "怎么投诉")
    text = (await metrics_exposition(state))[0].decode()
    assert kind(text, "kefu_misses") == "counter" and "kefu_misses_uncovered" in families(text)
    assert sample(text, "kefu_misses_total", kind="not_sure") == 1
    assert sample(text, "kefu_misses_total", kind="uncovered") == 3
    assert sample(text, "kefu_misses_uncovered_total", platform="jd") == 2
    assert sample(text, "kefu_misses_uncovered_total", platform="ebay") == 1
    assert "怎么投诉" not in text and "客服电话" not in text


async def test_metrics_labels_stay_bounded(bot: Harness) -> None:
    s = services(bot)
    for n in range(150):
        s.miss_counts.count(MissKind.UNCOVERED, f"p{n}")
    assert len(s.miss_counts.by_platform) == 101  # 100 platforms and "other"
    assert s.miss_counts.by_platform["other"] == 50


async def test_questions_the_bot_could_not_place_are_counted_where_they_are_asked(
    bot: Harness,
) -> None:
    """The answering path records them: an uncovered platform (private chat and group) and
    a question it could not place; an answered question and a greeting are no miss."""
    await bot.send("京东客服电话多少，我的邮箱 me@example.com")
    assert "京东" in bot.screen().plain and "暂未收录" in bot.screen().plain
    await bot.send("我的东西怎么样了")
    await bot.send("日本亚马逊电话多少")
    await bot.send("你好")
    await GroupChat(bot).say("/faq ebay customer service number", EN_USER)
    rows = await services(bot).db.fetchall("SELECT kind, platform, text FROM misses")
    stored = {(r["kind"], r["platform"] or None): r["text"] for r in rows}
    assert set(stored) == {("uncovered", "jd"), ("uncovered", "ebay"), ("not_sure", None)}
    assert "example" not in stored[("uncovered", "jd")]  # redacted before storage
