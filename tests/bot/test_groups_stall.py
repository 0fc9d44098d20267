"""No member can stall a group, and nothing asked there is lost (issue 17, items 7 and 8).

Each attack as a hostile member would run it, end to end against the fake Bot API. Delays
are counted in API calls that Telegram holds to a group's 20 messages a minute (what
AIORateLimiter makes wait), not in seconds; time is the manual clock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from telegram import Update

from bot.core.clock import ManualClock
from bot.core.flood import QUEUE_SIZE, QUEUE_WAIT, GroupFlood
from bot.core.presses import ADMIN_TTL, PRESSES
from bot.core.services import services_of
from bot.infra.ratelimit import GroupAwareRateLimiter, counts_in_group
from tests.bot.casekit import start_bot
from tests.bot.fakeapi import ApiCall
from tests.bot.groupchat import BASIC_GROUP, SUPERGROUP, GroupChat, methods, reply_target, sent
from tests.bot.harness import EN_USER, ZH_USER, Harness, TgUser, clock_paced_limiter
from tests.bot.test_groups_pacing import run_due, waiting_jobs

SUSPENSION = "/faq 卖家账号被封怎么办"
MEMBERS = [TgUser(3000 + i, f"成员{i}", "zh-hans") for i in range(40)]
# questions on several cards: some answers are repeats (a pointer to the earlier answer)
QUESTIONS = ["/faq 美国站客服电话多少", "/faq 天猫客服电话", "/faq 卖家账号被封怎么办",
             "/faq 京东客服电话", "/faq 拼多多怎么找人工客服", "/faq 淘宝退款找谁"]
ONLY_ONCE = "/faq Etsy 卖家怎么联系客服"
NEW_SUPERGROUP = {"id": -1009876543210, "type": "supergroup", "title": BASIC_GROUP["title"]}


@pytest.fixture
async def paused(db_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    """The bot with its JobQueue paused: waiting answers go out when `run_due` says."""
    harness = await start_bot(db_path, clock, rate_limiter=clock_paced_limiter())
    try:
        yield harness
    finally:
        await harness.stop()
    harness.assert_clean()


def group_bucket(calls: list[ApiCall], chat_id: int) -> list[ApiCall]:
    """The calls AIORateLimiter counts against the group (and so may make others wait)."""
    return [c for c in calls
            if counts_in_group(c.method) and int(c.params.get("chat_id", 0)) == chat_id]


# --- item 7: presses ---------------------------------------------------------------------


async def test_a_member_pressing_a_settings_button_60_times_costs_the_group_nothing(
    bot: Harness, clock: ManualClock
) -> None:
    group = GroupChat(bot)
    bot.api.member_status[(group.id, ZH_USER.id)] = "administrator"
    await group.say("/settings")
    settings = group.last()
    before = len(bot.api.calls)
    toasts = []
    for _ in range(60):
        calls = await group.press(settings.button("English"), EN_USER, settings)
        toasts.append(calls[-1].params)
        clock.advance(timedelta(milliseconds=500))
    during = bot.api.calls[before:]
    # before: 60 getChatMember in the group's bucket, the next answer 127 s late
    assert group_bucket(during, group.id) == []
    assert methods(during).count("getChatMember") == 1  # asked once, then remembered
    assert methods(during).count("answerCallbackQuery") == 60
    assert all("admins" in t["text"] for t in toasts[:PRESSES])
    # then a toast saying to wait: an alert the first time, never a message in the group
    assert toasts[PRESSES]["show_alert"] is True and "s" in toasts[PRESSES]["text"]
    assert all(not t.get("show_alert") and t["text"] for t in toasts[PRESSES + 1:])
    assert await services_of(bot.app).groups.get(group.id) is None
    assert len(group.messages()) == 1
    # the next member's question: the first thing the group's bucket has to send
    assert methods(await group.say(SUSPENSION, ZH_USER)) == ["sendMessage"]


async def test_an_admin_check_is_remembered_for_a_few_minutes(
    bot: Harness, clock: ManualClock
) -> None:
    group = GroupChat(bot)
    bot.api.member_status[(group.id, ZH_USER.id)] = "administrator"
    assert methods(await group.say("/settings")) == ["getChatMember", "sendMessage"]
    calls = await group.press(group.last().button("English"), ZH_USER)
    assert methods(calls) == ["answerCallbackQuery", "editMessageText"]
    calls = await group.press(group.last().button("Off"), ZH_USER)
    assert methods(calls) == ["answerCallbackQuery", "editMessageText"]
    # demoted: the buttons obey them until the check is asked again
    bot.api.member_status[(group.id, ZH_USER.id)] = "member"
    clock.advance(ADMIN_TTL)
    calls = await group.press(group.last().button("On"), ZH_USER)
    assert methods(calls) == ["getChatMember", "answerCallbackQuery"]
    assert "管理员" in calls[-1].params["text"]


async def test_menu_buttons_of_others_need_no_admin_check(bot: Harness) -> None:
    group = GroupChat(bot)
    await group.say(SUSPENSION)
    answer = group.last()
    for _ in range(20):
        calls = await group.press(answer.button("细化"), EN_USER, answer)
        assert methods(calls) == ["answerCallbackQuery"]


async def test_an_asker_pressing_their_answers_buttons_40_times_cannot_stall_the_group(
    bot: Harness, clock: ManualClock
) -> None:
    group = GroupChat(bot)
    await group.say(SUSPENSION)
    before = len(bot.api.calls)
    toasts = []
    for _ in range(40):
        answer = group.last()
        # "narrow" and "back to the answer" in turn: each press would redraw the message
        data = answer.buttons()[0][1]
        calls = await group.press(data, ZH_USER, answer)
        toasts.append(calls[0].params)
        clock.advance(timedelta(milliseconds=500))
    during = bot.api.calls[before:]
    # before: 40 edits in the group's bucket, the next answer 65 s late
    assert len(group_bucket(during, group.id)) == PRESSES
    refused = toasts[PRESSES:]
    assert refused[0]["show_alert"] is True and "秒" in refused[0]["text"]
    assert all("秒" in t["text"] and not t.get("show_alert") for t in refused[1:])
    assert methods(await group.say("/faq 天猫客服电话", EN_USER)) == ["sendMessage"]
    # a minute on, the asker's presses count again
    clock.advance(timedelta(minutes=1))
    answer = group.messages()[0]
    calls = await group.press(answer.buttons()[0][1], ZH_USER, answer)
    assert methods(calls) == ["answerCallbackQuery", "editMessageText"]


async def test_edits_count_in_the_groups_cap(bot: Harness) -> None:
    """A press when the group's minute is used up is told to wait: no edit held back in
    the rate limiter in front of the group's answers."""
    group = GroupChat(bot)
    await group.say(SUSPENSION)
    answer = group.last()
    flood = services_of(bot.app).flood
    while flood.may_send(group.id):
        pass
    calls = await group.press(answer.button("细化"), ZH_USER, answer)
    assert methods(calls) == ["answerCallbackQuery"]
    assert calls[0].params["text"]


async def test_the_rate_limiter_holds_only_messages_to_a_group() -> None:
    """getChatMember and answerCallbackQuery pass a group's full bucket; a message waits."""
    limiter = GroupAwareRateLimiter(overall_max_rate=0, group_max_rate=1, group_time_period=60)
    done: list[str] = []

    async def call(endpoint: str, data: dict[str, object]) -> bool:
        async def request(*_: object) -> bool:
            done.append(endpoint)
            return True

        result = await limiter.process_request(request, (), {}, endpoint, data, None)
        return bool(result)

    group = {"chat_id": SUPERGROUP["id"]}
    await call("sendMessage", group)  # the bucket is full now
    waiting = asyncio.create_task(call("editMessageText", group))
    await call("getChatMember", {**group, "user_id": 1})
    await call("answerCallbackQuery", {"callback_query_id": "1"})
    await call("sendMessage", {"chat_id": BASIC_GROUP["id"]})  # another group's bucket
    for _ in range(10):
        await asyncio.sleep(0)
    assert done == ["sendMessage", "getChatMember", "answerCallbackQuery", "sendMessage"]
    assert not waiting.done()
    waiting.cancel()


async def test_a_slow_chat_does_not_hold_up_another(bot: Harness) -> None:
    """Updates through the Application's own queue and update processor."""
    slow, other = GroupChat(bot, SUPERGROUP), GroupChat(bot, BASIC_GROUP)
    gate = bot.api.slow(slow.id)
    for group in (slow, other):
        message = group.message(ZH_USER, SUSPENSION)
        data = {"update_id": len(bot.api.calls) + group.id % 1000, "message": message}
        await bot.app.update_queue.put(Update.de_json(data, bot.app.bot))
    await bot.api.wait_until(lambda: other.messages() != [])
    assert slow.messages() == []  # still waiting on Telegram
    gate.set()
    await bot.api.wait_until(lambda: slow.messages() != [])


# --- item 8: over the cap, nothing lost -----------------------------------------------------


async def test_40_members_asking_twice_each_none_lost(
    paused: Harness, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    bot = paused
    group = GroupChat(bot)
    caplog.set_level(logging.WARNING, logger="bot.core.flood")
    asked: dict[int, tuple[int, datetime]] = {}  # question's message id → (member, when)
    replies: list[tuple[ApiCall, datetime]] = []

    def replied(calls: list[ApiCall]) -> None:
        replies.extend((c, clock.now()) for c in sent(calls))

    for round_ in range(2):
        for n, member in enumerate(MEMBERS):
            text = QUESTIONS[(n + round_) % len(QUESTIONS)]
            if round_ and n == 0:
                text = ONLY_ONCE  # an answer of its own: not a pointer to an earlier one
            message = group.message(member, text)
            asked[message["message_id"]] = (member.id, clock.now())
            replied(await group.send(message))
        clock.advance(timedelta(seconds=2))
    for _ in range(15 * 6):  # 15 minutes, in steps of 10 s
        clock.advance(timedelta(seconds=10))
        replied(await run_due(bot))
    assert waiting_jobs(bot) == []
    notes = [c for c, _ in replies if "回答不了" in c.params["text"]]
    paused_note = [c for c, _ in replies if "按顺序" in c.params["text"]]
    pointers = [c for c, _ in replies if "刚回答过" in c.params["text"]]
    answers = [(c, at) for c, at in replies if c not in notes + paused_note + pointers]
    answered = {reply_target(c): at for c, at in answers}
    assert set(answered) <= set(asked) and len(answered) == len(answers)
    unanswered = sum("won't be answered" in r.getMessage() or "waited too long" in
                     r.getMessage() for r in caplog.records)
    # before: 19 answers, one note promising more, 61 questions never answered
    # now every question gets an answer under it, a pointer to an earlier answer, or is
    # covered by the one note (the queue was full)
    assert len(answered) + len(pointers) + unanswered == len(asked) == 80
    assert len(notes) == 1 and len(paused_note) == 1 and 0 < unanswered <= 80 - QUEUE_SIZE
    # a member's second question, waiting behind their first, is answered too
    second = [mid for mid, (member, _) in asked.items() if member == MEMBERS[0].id][1]
    assert second in answered
    # each within 10 minutes of being asked
    assert all(at - asked[target][1] <= QUEUE_WAIT for target, at in answered.items())


async def test_queued_questions_are_answered_oldest_first(
    paused: Harness, clock: ManualClock
) -> None:
    bot = paused
    group = GroupChat(bot)
    flood = services_of(bot.app).flood
    while flood.may_send(group.id):
        pass  # this minute's answers are used up
    first = group.message(MEMBERS[0], QUESTIONS[0])
    second = group.message(MEMBERS[1], QUESTIONS[1])
    calls = await group.send(first)
    assert "按顺序" in calls[0].params["text"]  # the group is told once
    assert await group.send(second) == []
    clock.advance(timedelta(minutes=1))
    calls = await run_due(bot)
    assert [reply_target(c) for c in sent(calls)] == [first["message_id"], second["message_id"]]
    assert waiting_jobs(bot) == []


async def test_a_question_that_waited_10_minutes_gets_the_note(
    paused: Harness, clock: ManualClock
) -> None:
    """The queue's job runs late (the group stayed full): the question is covered by the
    note instead of an answer half an hour late."""
    bot = paused
    group = GroupChat(bot)
    flood = services_of(bot.app).flood
    while flood.may_send(group.id):
        pass
    question = group.message(MEMBERS[0], QUESTIONS[0])
    await group.send(question)
    clock.advance(QUEUE_WAIT)
    calls = await run_due(bot)
    [note] = sent(calls)
    assert "回答不了" in note.params["text"] and reply_target(note) == question["message_id"]
    clock.advance(timedelta(minutes=1))
    assert await run_due(bot) == []


# --- item 8: a group that becomes a supergroup ----------------------------------------------


async def test_waiting_answers_follow_a_group_that_migrates(
    paused: Harness, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    bot = paused
    old = GroupChat(bot, BASIC_GROUP)
    new = GroupChat(bot, NEW_SUPERGROUP)
    flood = services_of(bot.app).flood
    while flood.may_send(old.id):
        pass
    waiting = [old.message(member, QUESTIONS[n]) for n, member in enumerate(MEMBERS[:3])]
    for message in waiting:
        await old.send(message)
    # a member's second question, waiting for their cool-down (their first waits in the
    # queue with the others)
    assert await old.say(QUESTIONS[4], MEMBERS[5]) == []
    later = old.message(MEMBERS[5], QUESTIONS[5])
    assert await old.send(later) == []
    assert len(waiting_jobs(bot)) == 1
    # the group becomes a supergroup; Telegram refuses anything sent to the old id
    bot.api.migrated[old.id] = new.id
    clock.advance(timedelta(minutes=1))
    with caplog.at_level(logging.INFO):
        calls = await run_due(bot)
    answers = [c for c in sent(calls) if int(c.params["chat_id"]) == new.id]
    assert len(answers) == 5  # four from the queue, the member's second question
    assert sum(int(c.params["chat_id"]) == old.id for c in sent(calls)) == 1  # found out
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert "group migrated" in caplog.text
    assert len(new.messages()) == 5
    assert ["按顺序" in m.plain for m in old.messages()] == [True]  # before it moved


async def test_the_migration_message_moves_the_queue_before_anything_is_sent(
    paused: Harness, clock: ManualClock
) -> None:
    bot = paused
    old = GroupChat(bot, BASIC_GROUP)
    new = GroupChat(bot, NEW_SUPERGROUP)
    flood = services_of(bot.app).flood
    while flood.may_send(old.id):
        pass
    await old.send(old.message(MEMBERS[0], QUESTIONS[0]))
    await old.send(bot.message(ZH_USER, chat=BASIC_GROUP, migrate_to_chat_id=new.id))
    bot.api.migrated[old.id] = new.id
    clock.advance(timedelta(minutes=1))
    calls = await run_due(bot)
    assert [int(c.params["chat_id"]) for c in sent(calls)] == [new.id]
    assert new.last().plain.startswith("亚马逊")


# --- the parts ---------------------------------------------------------------------------


def test_the_queue_is_bounded_and_leaves_nothing_behind(clock: ManualClock) -> None:
    flood = GroupFlood(clock)
    chat = -100
    assert all(flood.hold(chat, n) for n in range(QUEUE_SIZE))
    assert not flood.hold(chat, "one too many")
    assert flood.waiting_count(chat) == QUEUE_SIZE and flood.pending(chat)
    assert flood.unanswered_note(chat) == "one too many"
    assert not flood.hold(chat, "and another")
    assert flood.unanswered_note(chat) is None  # the note just sent covers it
    assert [flood.next_waiting(chat) for _ in range(3)] == [0, 1, 2]
    flood.hold(chat, "back first", front=True)
    assert flood.next_waiting(chat) == "back first"
    clock.advance(QUEUE_WAIT)
    assert flood.next_waiting(chat) is None  # the rest waited too long
    assert flood.unanswered_note(chat) == 3  # a new note, under the first of them
    assert not flood.pending(chat)
    assert flood._backlogs == {}  # nothing kept for a group with nothing waiting


def test_a_migration_moves_the_queue_the_waiting_and_the_count(clock: ManualClock) -> None:
    flood = GroupFlood(clock)
    old, new = -4012345678, -1009876543210
    for _ in range(5):
        assert flood.may_send(old)
    flood.hold(old, "queued")
    assert flood.admit(old, 1, "first").verdict == "now"
    assert flood.admit(old, 1, "second").verdict == "later"
    flood.migrate(old, new)
    flood.migrate(old, new)  # both service messages: the second changes nothing
    assert flood.moved_to(old) == new and flood.moved_to(new) == new
    assert flood.next_waiting(new) == "queued"
    assert flood.take_waiting(old, 1) == "second"  # a job still naming the old id
    assert flood.room_at(new) == clock.now()
    assert sum(flood.may_send(new) for _ in range(30)) == 19 - 5  # the minute's count moved
