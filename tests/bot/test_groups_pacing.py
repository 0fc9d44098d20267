"""No silent drops in groups, end to end: a question within a member's cool-down is answered
when it ends (the latest one only), too many questions get one note, spam stays limited.

The scheduler is paused: the clock moves by hand and `run_due` runs the waiting-answer jobs
that are due on it, as APScheduler would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core.clock import ManualClock
from bot.core.flood import MEMBER_PAUSE, USER_COOLDOWN
from bot.groups.pacing import JOB_PREFIX, WaitingAnswer, WaitingTurn
from tests.bot.casekit import start_bot
from tests.bot.fakeapi import ApiCall
from tests.bot.groupchat import BASIC_GROUP, GroupChat, methods, reply_target, sent, url_buttons
from tests.bot.harness import EN_USER, ZH_USER, Harness, TgUser, clock_paced_limiter

SUSPENSION = "/faq 卖家账号被封怎么办"
PHONE = "/faq 美国站客服电话多少"
TMALL = "/faq 天猫客服电话"
MEMBERS = [TgUser(3000 + i, f"成员{i}", "zh-hans") for i in range(25)]
GROUP_NOTE = "这个群里一下子问题太多了，我先暂停一下，约 1 分钟后按顺序接着回答。急的话可以私聊我。"


@pytest.fixture
async def bot(db_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    harness = await start_bot(db_path, clock, rate_limiter=clock_paced_limiter())
    try:
        yield harness
    finally:
        await harness.stop()
    harness.assert_clean()


def waiting_jobs(bot: Harness) -> list[WaitingAnswer]:
    job_queue = bot.app.job_queue
    assert job_queue is not None
    found = []
    for job in job_queue.jobs():
        if job.name and job.name.startswith(JOB_PREFIX) and not job.removed:
            assert isinstance(job.data, WaitingAnswer)
            found.append(job.data)
    return found


async def run_due(bot: Harness) -> list[ApiCall]:
    """Run every waiting-answer and group-queue job due on the bot's clock, once; the
    calls they made."""
    job_queue = bot.app.job_queue
    assert job_queue is not None
    before = len(bot.api.calls)
    for job in job_queue.jobs():
        data = job.data
        if (isinstance(data, WaitingAnswer | WaitingTurn) and data.due <= bot.clock.now()
                and not job.removed):
            job.schedule_removal()  # a run_once job leaves the scheduler when it runs
            await job.run(bot.app)
    bot.assert_clean()
    return bot.api.calls[before:]


def card_of(call: ApiCall, bot: Harness) -> str:
    """The deep link of the answer `call` sent: which card it is."""
    message = bot.api.chat_messages(int(call.params["chat_id"]))[-1]
    [(_, url)] = url_buttons(message)
    return url


async def test_a_second_question_within_seconds_is_answered_when_the_window_ends(
    bot: Harness, clock: ManualClock
) -> None:
    group = GroupChat(bot)
    assert methods(await group.say(PHONE)) == ["sendMessage"]
    clock.advance(timedelta(seconds=3))
    second = group.message(ZH_USER, SUSPENSION)
    assert await group.send(second) == []  # not yet, and not a word in between
    [waiting] = waiting_jobs(bot)
    assert waiting.due == clock.now() + USER_COOLDOWN - timedelta(seconds=3)
    clock.advance(timedelta(seconds=6))
    assert await run_due(bot) == []  # still within the window
    clock.advance(timedelta(seconds=1))
    calls = await run_due(bot)
    assert methods(calls) == ["sendMessage"]  # one message: the answer
    assert reply_target(calls[0]) == second["message_id"]
    answer = group.last()
    assert answer.plain.startswith("亚马逊 · 卖家 · ")
    assert "c-amazon-seller-suspension" in card_of(calls[0], bot)
    assert await run_due(bot) == [] and waiting_jobs(bot) == []
    # answering it started a new window: a question right after waits again
    assert await group.say(TMALL) == []
    assert len(waiting_jobs(bot)) == 1


async def test_a_third_question_replaces_the_second(bot: Harness, clock: ManualClock) -> None:
    group = GroupChat(bot)
    await group.say(SUSPENSION)
    clock.advance(timedelta(seconds=2))
    second = group.message(ZH_USER, PHONE)
    assert await group.send(second) == []
    clock.advance(timedelta(seconds=2))
    # the third as a mention: any way of asking counts
    assert await group.mention("", " 天猫客服电话") == []
    assert len(waiting_jobs(bot)) == 1  # one answer scheduled, not one per question
    clock.advance(USER_COOLDOWN)
    calls = await run_due(bot)
    assert methods(calls) == ["sendMessage"]
    assert reply_target(calls[0]) != second["message_id"]
    assert group.last().plain.startswith("天猫 ")
    assert await run_due(bot) == []
    # another member's question is theirs: it neither waits for nor replaces this one
    assert methods(await group.say(PHONE, EN_USER)) == ["sendMessage"]


async def test_a_member_asking_again_and_again_gets_one_note(
    bot: Harness, clock: ManualClock
) -> None:
    group = GroupChat(bot)
    questions = [SUSPENSION, PHONE, TMALL, SUSPENSION, PHONE, TMALL, SUSPENSION]
    replies: list[list[str]] = []
    for text in questions:
        replies.append(methods(await group.say(text)))
        clock.advance(timedelta(seconds=1))
    # the first answered; the next four wait (the latest of them); the sixth gets a note;
    # the seventh nothing more
    assert replies == [["sendMessage"], [], [], [], [], ["sendMessage"], []]
    note = group.last()
    assert note.plain == "你一下子问了太多问题，我先暂停回答你，约 5 分钟后再回答。"
    assert note.buttons() == []
    clock.advance(USER_COOLDOWN)
    assert await run_due(bot) == []  # what waited is dropped with the pause, not sent
    assert await group.say(PHONE) == []
    # others are answered meanwhile
    assert methods(await group.say(PHONE, EN_USER)) == ["sendMessage"]
    clock.advance(MEMBER_PAUSE)
    assert methods(await group.say(TMALL)) == ["sendMessage"]  # the pause is over
    assert group.last().plain.startswith("天猫 ")


async def test_spam_from_one_member_stays_limited(bot: Harness, clock: ManualClock) -> None:
    group = GroupChat(bot)
    for n in range(60):  # two messages a second for half a minute
        await group.say(SUSPENSION if n % 2 else PHONE)
        clock.advance(timedelta(milliseconds=500))
        await run_due(bot)
    for _ in range(10):
        clock.advance(timedelta(minutes=1))
        await run_due(bot)
    # the first answer and the one note: what waited went with the pause
    first, note = group.messages()
    assert first.plain.startswith("亚马逊 · ") and "太多问题" in note.plain


async def test_past_the_group_cap_the_group_is_told_once(
    bot: Harness, clock: ManualClock
) -> None:
    group = GroupChat(bot)
    for member in MEMBERS[:19]:
        calls = await group.say(SUSPENSION, member)
        assert methods(calls) == ["sendMessage"]  # one answer, then pointers to it
    asked = group.message(MEMBERS[19], PHONE)
    calls = await group.send(asked)
    assert methods(calls) == ["sendMessage"]
    assert reply_target(calls[0]) == asked["message_id"]
    note = group.last()
    assert note.plain == GROUP_NOTE
    for member in MEMBERS[20:23]:
        assert await group.say(PHONE, member) == []  # one note, not a note per message
    assert len(group.messages()) == 20  # Telegram's 20 a minute, the note included
    # other groups are not held back
    other = GroupChat(bot, BASIC_GROUP)
    assert methods(await other.say(PHONE, MEMBERS[24])) == ["sendMessage"]
    # a minute on, answers resume: first the four that waited, oldest first
    clock.advance(timedelta(minutes=1))
    calls = await run_due(bot)
    assert [reply_target(c) for c in calls][:1] == [asked["message_id"]]
    assert len(sent(calls)) == 4
    # the cap reached again soon after: no second note
    for member in MEMBERS[:19]:
        await group.say(TMALL, member)
    assert await group.say(PHONE, MEMBERS[20]) == []
    assert len(group.messages()) == 39


async def test_a_waiting_answer_respects_the_cap_too(bot: Harness, clock: ManualClock) -> None:
    group = GroupChat(bot)
    await group.say(PHONE, MEMBERS[0])
    clock.advance(timedelta(seconds=1))
    assert await group.say(TMALL, MEMBERS[0]) == []  # waits for the window's end
    for member in MEMBERS[1:19]:
        await group.say(SUSPENSION, member)
    assert len(group.messages()) == 19  # the answers' share of the cap is used up
    clock.advance(USER_COOLDOWN)
    calls = await run_due(bot)
    # not sent past the cap; the group is told instead, under the waiting question
    assert [c.params["text"] for c in sent(calls)] == [GROUP_NOTE]
    assert len(group.messages()) == 20


async def test_removed_from_the_group_nothing_waits(bot: Harness, clock: ManualClock) -> None:
    group = GroupChat(bot)
    await group.say(PHONE)
    assert await group.say(TMALL) == []
    await group.bot_status("member", "left")
    clock.advance(USER_COOLDOWN)
    assert await run_due(bot) == []


async def test_the_note_speaks_english_to_an_english_member(
    bot: Harness, clock: ManualClock
) -> None:
    group = GroupChat(bot)
    for n in range(6):
        await group.say("/faq amazon seller support hours" if n % 2 else PHONE, EN_USER)
        clock.advance(timedelta(seconds=1))
    assert group.last().plain == (
        "That's a lot of questions in a row — I'll answer you again in about 5 min."
    )
