"""What users report, end to end: 👍/👎 under answers, reply times of replied cases (by
consent), the users' median under reply-time answers, /feedback, /metrics, the sweep."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.ask.callbacks import Vote
from bot.cases.callbacks import CaseAction
from bot.core.callbacks import encode
from bot.core.clock import ManualClock
from bot.core.feedback import SWEEP_JOB_NAME
from bot.core.services import services_of
from bot.infra.metrics import metrics_of
from knowledge.catalog import CardRef
from knowledge.schema import Aspect
from storage.feedback import VoteKind
from tests.bot.casekit import register, start_bot, tick
from tests.bot.exposition import sample
from tests.bot.groupchat import GroupChat
from tests.bot.harness import EN_USER, ZH_USER, Harness

PHONE_JP = "日本亚马逊电话"


@pytest.fixture
async def cases_bot(db_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    harness = await start_bot(db_path, clock, admins=frozenset({ZH_USER.id}))
    try:
        yield harness
    finally:
        await harness.stop()
    harness.assert_clean()


def vote_data(bot: Harness) -> list[str]:
    return [data for _, data in bot.screen().buttons() if data.startswith("1:v:")]


async def stored_votes(bot: Harness) -> dict[tuple[str, str, VoteKind], int]:
    votes = await services_of(bot.app).feedback.votes()
    return {((v.answer.platform if v.answer else ""), (v.answer.aspect if v.answer else ""),
             v.vote): v.count for v in votes}


# --- votes --------------------------------------------------------------------------------


async def test_votes_are_a_small_last_row_and_a_thumbs_up_only_edits_the_keyboard(
    bot: Harness,
) -> None:
    await bot.send(PHONE_JP)
    answer = bot.screen()
    rows = answer.markup["inline_keyboard"] if answer.markup else []
    assert [b["text"] for b in rows[-1]] == ["👍", "👎"]
    assert "📖" in rows[0][0]["text"]  # the answer's own buttons stay first
    text_before = answer.html
    calls = await bot.tap("👍")
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageReplyMarkup"]
    assert calls[0].params["text"] == "谢谢反馈！"
    after = bot.screen()
    assert after.message_id == answer.message_id and after.html == text_before
    assert vote_data(bot) == []
    assert [r for r in (after.markup or {})["inline_keyboard"]] == rows[:-1]
    assert await stored_votes(bot) == {("amazon", "phone", VoteKind.UP): 1}
    # no user, chat or question in the table
    db = services_of(bot.app).db
    row = await db.fetchone("SELECT * FROM feedback_votes")
    assert row is not None
    assert str(ZH_USER.id) not in repr(tuple(row)) and PHONE_JP not in repr(tuple(row))


async def test_thumbs_down_asks_why_and_a_hundred_taps_count_once(bot: Harness) -> None:
    await bot.send(PHONE_JP)
    answer = bot.screen()
    down = answer.button("👎")
    calls = await bot.tap("👎")
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageReplyMarkup"]
    assert calls[0].params["text"] == "哪里不对？点一个原因"
    labels = [label for label, data in bot.screen().buttons() if data.startswith("1:v:")]
    assert labels == ["错误或过时", "不是我问的", "号码或链接不能用", "其他"]
    assert await stored_votes(bot) == {("amazon", "phone", VoteKind.DOWN): 1}
    calls = await bot.tap("号码或链接不能用")
    assert calls[0].params["text"] == "谢谢反馈！"
    assert vote_data(bot) == []
    assert "📖" in bot.screen().buttons()[0][0]
    assert await stored_votes(bot) == {("amazon", "phone", VoteKind.BROKEN): 1}
    # a stale keyboard (another device) tapped again and again: it changes, never adds
    for _ in range(100):
        await bot.press(down, message=bot.screen())
    assert await stored_votes(bot) == {("amazon", "phone", VoteKind.DOWN): 1}
    metrics = metrics_of(bot.app).exposition()[0].decode()
    assert sample(metrics, "kefu_feedback_votes_total",
                  platform="amazon", aspect="phone", vote="down") == 2
    assert sample(metrics, "kefu_feedback_votes_total",
                  platform="amazon", aspect="phone", vote="broken") == 1
    # a new answer is a new message: its vote counts on its own
    await bot.send(PHONE_JP)
    await bot.tap("👍")
    assert await stored_votes(bot) == {("amazon", "phone", VoteKind.DOWN): 1,
                                       ("amazon", "phone", VoteKind.UP): 1}


async def test_a_card_given_as_the_answer_has_votes_too(bot: Harness) -> None:
    await bot.send("亚马逊卖家账号被封")
    assert vote_data(bot)[0] == "1:v:u:amazon.seller.suspension:-"
    await bot.tap("👎")
    await bot.tap("不是我问的")
    assert await stored_votes(bot) == {("amazon", "", VoteKind.OFF_TOPIC): 1}


async def test_forged_stale_and_other_peoples_votes_are_refused(
    bot: Harness, clock: ManualClock
) -> None:
    await bot.send(PHONE_JP)
    answer = bot.screen()
    for forged in ("1:v:u:nowhere.buyer.general:phone", "1:v:x:amazon.buyer.general:phone",
                   "1:v:u:amazon.buyer.general:phonebook", "1:v:u:amazon.buyer.general"):
        calls = await bot.press(forged, message=answer)
        assert calls[0].params["text"] == "菜单已过期"
        answer = bot.api.messages[(answer.chat_id, answer.message_id)]
    # the home menu replaced the message, as for any expired button; a vote from a fresh
    # answer pressed by someone else (a forged query: it can't happen in a private chat)
    await bot.send(PHONE_JP)
    answer = bot.screen()
    calls = await bot.press(answer.button("👍"), user=EN_USER, message=answer)
    assert calls[0].params["text"] == "This menu has expired"
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    # an answer older than two days
    clock.advance(timedelta(hours=49))
    calls = await bot.press(answer.button("👍"), message=answer)
    assert calls[0].params["text"] == "菜单已过期"
    assert [c.method for c in calls] == ["answerCallbackQuery"]  # the old answer stays
    assert await stored_votes(bot) == {}


async def test_groups_get_no_votes_and_a_vote_there_is_refused(bot: Harness) -> None:
    group = GroupChat(bot)
    await group.say("/faq 日本亚马逊电话")
    answer = group.last()
    assert not [d for _, d in answer.buttons() if d.startswith("1:v:")]
    forged = encode(Vote(VoteKind.UP, CardRef("amazon", "buyer", "general", "jp"), Aspect.phone))
    calls = await group.press(forged, ZH_USER, answer)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert group.last().html == answer.html
    assert await stored_votes(bot) == {}


async def test_votes_fit_every_card_and_aspect() -> None:
    from knowledge.catalog import load_catalog

    catalog = load_catalog()
    for ref in catalog.card_refs():
        platform = catalog.platform(ref.platform)
        assert platform is not None
        for site in (None, *(s.id for s in platform.sites)):
            for aspect in (None, *Aspect):
                for vote in VoteKind:
                    action = Vote(vote, CardRef(ref.platform, ref.role, ref.issue, site), aspect)
                    data = encode(action)
                    assert len(data.encode()) <= 64
                    assert Vote.from_argument(data.split(":", 2)[2]) == action


# --- reply times ----------------------------------------------------------------------------


async def test_the_first_reply_asks_once_and_sharing_records_whole_hours_only(
    cases_bot: Harness, clock: ManualClock
) -> None:
    bot = cases_bot
    feedback = services_of(bot.app).feedback
    first = await register(bot, "111", opened="3d")
    clock.advance(timedelta(minutes=50))
    await bot.press(encode(CaseAction("reply", first.id)))
    assert "要匿名分享这个工单等了多久吗" in bot.screen().plain
    assert "已标记为已回复" in bot.screen().plain
    yes = bot.screen().button("匿名分享")
    await bot.tap("匿名分享")
    assert "以后标记已回复的工单会匿名计入" in bot.screen().plain
    stat = await feedback.reply_time("amazon", "seller", "seller_case", None)
    assert stat is not None and (stat.median_hours, stat.count) == (72, 1)
    # the question's button again (a stale copy): the case is not counted twice
    await bot.press(yes)
    stat = await feedback.reply_time("amazon", "seller", "seller_case", None)
    assert stat is not None and stat.count == 1
    # the next case is not asked about: it counts
    second = await register(bot, "222", opened="1d")
    await bot.press(encode(CaseAction("reply", second.id)))
    assert "要匿名分享" not in bot.screen().plain
    stat = await feedback.reply_time("amazon", "seller", "seller_case", None)
    assert stat is not None and stat.count == 2
    rows = await services_of(bot.app).db.fetchall("SELECT * FROM reply_times")
    assert all(str(ZH_USER.id) not in repr(tuple(r)) and "111" not in repr(tuple(r))
               for r in rows)
    # /share changes it; then a replied case adds nothing
    await bot.send("/share")
    assert "现在：匿名分享" in bot.screen().plain
    await bot.tap("不分享")
    assert "现在：不分享" in bot.screen().plain
    third = await register(bot, "333", opened="1d")
    await bot.press(encode(CaseAction("reply", third.id)))
    stat = await feedback.reply_time("amazon", "seller", "seller_case", None)
    assert stat is not None and stat.count == 2


async def test_the_reminders_got_a_reply_button_asks_too(
    cases_bot: Harness, clock: ManualClock
) -> None:
    bot = cases_bot
    await register(bot, "111", opened="3d")
    clock.advance(timedelta(hours=1))
    [reminder] = await tick(bot)
    assert reminder.params["chat_id"] == ZH_USER.id
    await bot.tap("已经回复了")
    await bot.tap("匿名分享")
    stat = await services_of(bot.app).feedback.reply_time("amazon", "seller", "seller_case",
                                                          None)
    assert stat is not None and (stat.median_hours, stat.count) == (73, 1)


async def test_saying_no_records_nothing_and_mydata_and_forget_follow_the_choice(
    cases_bot: Harness,
) -> None:
    bot = cases_bot
    feedback = services_of(bot.app).feedback
    case = await register(bot, "111")
    await bot.press(encode(CaseAction("reply", case.id)))
    await bot.tap("不分享")
    assert await feedback.reply_time("amazon", "seller", "seller_case", None) is None
    assert await feedback.sharing(ZH_USER.id) is False
    await bot.send(PHONE_JP)
    await bot.tap("👍")
    await bot.send("/forget")
    await bot.tap("确定，全部删除")
    assert await feedback.sharing(ZH_USER.id) is None
    rows = await services_of(bot.app).db.fetchall("SELECT message_key FROM feedback_votes")
    assert [r["message_key"] for r in rows] == [None]  # the vote stays, naming no one


async def test_the_users_median_shows_under_a_reply_time_answer_from_five_reports(
    bot: Harness,
) -> None:
    feedback = services_of(bot.app).feedback
    for hours in (12, 31, 40, 90):
        await feedback.record_reply_time("amazon", "seller", "seller_case", "us", hours)
    await bot.send("卖家工单多久回复")
    assert "用户反馈" not in bot.screen().plain
    await feedback.record_reply_time("amazon", "seller", "seller_case", "jp", 20)
    await bot.send("卖家工单多久回复")
    lines = bot.screen().plain.splitlines()
    [at] = [i for i, line in enumerate(lines) if "用户反馈" in line]
    assert lines[at].strip() == "– 用户反馈：中位约 31 小时（5 次，近 90 天）"
    # under the guide's figure for that channel: its block, before the next channel's
    head = max(i for i in range(at) if lines[i].startswith("• "))
    assert "Seller Central" in lines[head] and "回复时间" in lines[head]
    assert at + 1 == len(lines) or not lines[at + 1].startswith("   – ")
    await bot.send("Amazon seller case reply time", user=EN_USER)
    assert "Users report: median about 31 h (5 cases, last 90 days)" in bot.screen(EN_USER).plain
    # another channel's answer shows nothing
    await bot.send(PHONE_JP)
    assert "用户反馈" not in bot.screen().plain


async def test_a_users_median_among_the_lines_keeps_each_strength_note_on_its_line(
    bot: Harness,
) -> None:
    """The guide's reply times are said to be unconfirmed once, below them; with users'
    median put among them, "all of the above is from guides" would not be true."""
    await bot.send("卖家工单多久回复")
    plain = bot.screen().plain
    assert plain.count("以上信息来自第三方指南，未在亚马逊官网核实。") == 1
    assert "（第三方指南" not in plain
    feedback = services_of(bot.app).feedback
    for hours in (12, 20, 31, 40, 90):
        await feedback.record_reply_time("amazon", "seller", "seller_case", "us", hours)
    await bot.send("卖家工单多久回复")
    lines = bot.screen().plain.splitlines()
    assert not any("以上信息" in line for line in lines)
    [at] = [i for i, line in enumerate(lines) if "用户反馈" in line]
    head = max(i for i in range(at) if lines[i].startswith("• "))
    assert lines[head].endswith("（第三方指南，未在亚马逊官网核实）")
    assert sum("（第三方指南，未在亚马逊官网核实）" in line for line in lines) >= 2


# --- operators ----------------------------------------------------------------------------


async def test_feedback_lists_the_worst_answers_rates_and_reply_times_and_the_sweep_names_facts(
    cases_bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    bot = cases_bot
    services = services_of(bot.app)
    for _ in range(3):
        await bot.send(PHONE_JP)
        await bot.tap("👎")
        await bot.tap("号码或链接不能用")
    await bot.send(PHONE_JP)
    await bot.tap("👍")
    for hours in (10, 20, 30):
        await services.feedback.record_reply_time("amazon", "seller", "seller_case", None, hours)
    calls = await bot.send("/feedback")
    text = calls[-1].params["text"]
    assert "3 👍" not in text and "1 👍，3 👎" in text
    assert "3 👎 · 亚马逊 · 买家" in text and "号码或链接不能用 3" in text
    assert "事实：channels." in text and "来源：" in text
    assert "amazon · 客服电话：25%（1/4）" in text
    assert "amazon · seller · seller_case：中位 20 小时（3 次）" in text
    # anyone else: as if there were no such command
    calls = await bot.send("/feedback", user=EN_USER)
    assert "User feedback" not in calls[-1].params["text"]
    job_queue = bot.app.job_queue
    assert job_queue is not None
    [job] = job_queue.get_jobs_by_name(SWEEP_JOB_NAME)
    with caplog.at_level(logging.INFO, logger="bot.core.feedback"):
        await job.run(bot.app)
    [record] = [r for r in caplog.records if r.getMessage() == "feedback swept"]
    recheck = record.__dict__["recheck"]
    assert "amazon:channels." in recheck and "(3)" in recheck


def test_a_long_feedback_report_fits_one_message_and_points_to_the_terminal() -> None:
    from collections import Counter

    from bot.admin.handlers import feedback_text
    from bot.core.feedback import AnswerVotes, FeedbackReport, Rate
    from knowledge.catalog import load_catalog
    from storage.feedback import AnswerKey, ReplyTimeStat

    catalog = load_catalog()
    refs = list(catalog.card_refs())[:40]
    answers = [AnswerVotes(AnswerKey(r.platform, r.role, r.issue, "", "phone"), 1,
                           Counter({VoteKind.BROKEN: 50 - i, VoteKind.WRONG: 3}),
                           tuple(f"channels.{n}.phones.{n}" for n in range(12)), ())
               for i, r in enumerate(refs)]
    rates = [Rate(r.platform, a.value, 1, 3) for r in refs[:5] for a in Aspect]
    times = [ReplyTimeStat("amazon", "seller", f"c{i}", "us", i, 5) for i in range(30)]
    report = FeedbackReport(90, answers, rates, times)
    for lang in ("zh", "en"):
        text = feedback_text(report, catalog, lang)
        assert len(text) <= 4096
        assert "python -m bot feedback" in text
        assert text.count("channels.") >= 4
