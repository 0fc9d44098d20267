"""Group chats end to end: /faq, mentions, replies, the asker's menu, flood control, cases."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.core.callbacks import parse_callback
from bot.core.services import services_of
from bot.groups.callbacks import GroupNarrow, GroupNav
from knowledge.catalog import CardRef
from tests.bot.fakeapi import BOT_USERNAME, Failure
from tests.bot.groupchat import (
    BASIC_GROUP,
    SUPERGROUP,
    GroupChat,
    bot_user_json,
    methods,
    reply_target,
    start_payload,
    url_buttons,
)
from tests.bot.harness import EN_USER, ZH_USER, Harness, TgUser

SUSPENSION = "卖家账号被封怎么办"
MEMBERS = [TgUser(3000 + i, f"成员{i}", "zh-hans") for i in range(25)]


def asker_of(data: str) -> int | None:
    action = parse_callback(data)
    return action.asker if isinstance(action, GroupNav) else None


def details_payload(group: GroupChat) -> str | None:
    links = url_buttons(group.last())
    assert len(links) == 1, links
    return start_payload(links[0][1])


@pytest.mark.parametrize("chat", [SUPERGROUP, BASIC_GROUP], ids=["supergroup", "group"])
async def test_faq_gets_the_short_card_as_a_reply(bot: Harness, chat: dict[str, object]) -> None:
    group = GroupChat(bot, chat)
    question = group.message(ZH_USER, f"/faq {SUSPENSION}")
    calls = await group.send(question)
    assert methods(calls) == ["sendMessage"]
    assert reply_target(calls[0]) == question["message_id"]
    answer = group.last()
    assert answer.plain.startswith("亚马逊 · 卖家 · ")
    assert "⚠️" in answer.plain and "来源" in answer.plain
    assert len(answer.plain) < 1000  # the short form, not the whole card
    assert details_payload(group) == "c-amazon-seller-suspension"
    (label, data), = answer.buttons()
    assert "细化" in label
    suspension = CardRef("amazon", "seller", "suspension")
    assert parse_callback(data) == GroupNav(ZH_USER.id, GroupNarrow(suspension))
    assert ZH_USER.first_name not in answer.plain


async def test_a_note_every_line_shares_reads_once_in_the_group(bot: Harness) -> None:
    group = GroupChat(bot)
    await group.say("/faq 亚马逊客服电话")
    lines = group.last().plain.splitlines()
    assert sum("以上信息来自第三方指南，未在亚马逊官网核实。" in line for line in lines) == 1
    assert not any("（第三方指南" in line for line in lines)
    at = next(i for i, line in enumerate(lines) if line.startswith("以上信息"))
    number = next(i for i, line in enumerate(lines) if "400-810-5666" in line)
    assert number < at and lines[at + 1].startswith("来源")  # after the lines, before sources
    await group.say("/faq amazon customer service phone number", EN_USER)
    plain = group.last().plain
    assert plain.count("All of the above is from third-party guides, unconfirmed by Amazon.") == 1
    assert "(third-party guide" not in plain


@pytest.mark.parametrize(("question", "said"), [
    # the asker's side the platform's files do not cover, on the short card
    ("/faq 我是卖家 shopee客服怎么联系", "Shopee（虾皮）的资料只覆盖买家，没有给卖家的信息"),
    # a platform guessed, with no promise of buttons the group reply lacks
    ("/faq 客服电话多少", "没说是哪个平台，以上按亚马逊回答；问别的平台，带上平台名再问。"),
])
async def test_what_the_files_do_not_cover_is_said_in_the_group_too(
    bot: Harness, question: str, said: str
) -> None:
    group = GroupChat(bot)
    await group.say(question)
    assert said in group.last().plain


async def test_faq_addressed_to_the_bot_by_name_and_not_to_another_bot(bot: Harness) -> None:
    group = GroupChat(bot)
    calls = await group.say(f"/faq@{BOT_USERNAME} 美国站客服电话多少")
    assert methods(calls) == ["sendMessage"]
    assert details_payload(group) is not None
    assert await group.say("/faq@OtherHelperBot 美国站客服电话多少", EN_USER) == []


async def test_faq_alone_shows_the_platforms_for_the_asker(bot: Harness) -> None:
    group = GroupChat(bot)
    calls = await group.say("/faq")
    assert methods(calls) == ["sendMessage"]
    menu = group.last()
    assert "/faq" in menu.plain
    labels = [label for label, _ in menu.buttons()]
    assert labels == ["亚马逊", "天猫", "🌐 更多平台"]
    for _, data in menu.buttons():
        action = parse_callback(data)
        assert isinstance(action, GroupNav) and action.asker == ZH_USER.id


async def test_faq_under_someone_elses_question_answers_that_question(bot: Harness) -> None:
    group = GroupChat(bot)
    asked = group.message(EN_USER, "美国站客服电话多少")
    assert await group.send(asked) == []  # privacy mode: Telegram would not even send this
    calls = await group.reply(asked, "/faq", ZH_USER)
    assert methods(calls) == ["sendMessage"]
    assert reply_target(calls[0]) == asked["message_id"]
    assert (details_payload(group) or "").endswith("-us")


async def test_a_mention_is_a_question(bot: Harness) -> None:
    group = GroupChat(bot)
    # emoji before the mention: Telegram counts offsets in UTF-16 units
    calls = await group.mention("🙏🇺🇸 ", " 美国站客服电话多少")
    assert methods(calls) == ["sendMessage"]
    assert (details_payload(group) or "").startswith("c-amazon-")
    assert BOT_USERNAME not in group.last().plain


async def test_a_text_mention_of_the_bot_counts_too(bot: Harness) -> None:
    group = GroupChat(bot)
    entity = {"type": "text_mention", "offset": 0, "length": 4, "user": bot_user_json()}
    calls = await group.say("客服直达 amazon seller support hours", entities=[entity])
    assert methods(calls) == ["sendMessage"]
    assert group.last().plain.startswith("Amazon · Seller — Hours")


async def test_mentioning_only_the_bot_shows_the_platforms(bot: Harness) -> None:
    group = GroupChat(bot)
    await group.mention("", "")
    assert [label for label, _ in group.last().buttons()] == ["亚马逊", "天猫", "🌐 更多平台"]


async def test_mentions_of_others_and_plain_chatter_are_left_alone(bot: Harness) -> None:
    group = GroupChat(bot)
    other = {"type": "mention", "offset": 0, "length": 6}
    assert await group.say("@alice 美国站客服电话多少", entities=[other]) == []
    assert await group.say("今天出单了吗") == []
    assert await group.say("卖家账号被封怎么办") == []
    assert await group.say("/unknowncommand") == []
    assert await group.bot.process({"edited_message": group.message(ZH_USER, "/faq 封号")}) == []


async def test_a_reply_to_the_bot_is_a_question_but_thanks_is_not(bot: Harness) -> None:
    group = GroupChat(bot)
    await group.say("/faq")
    menu = group.last()
    calls = await group.reply(menu, "谢谢！", EN_USER)
    assert calls == []  # nothing clear to answer: no "not sure" noise under every thanks
    calls = await group.reply(menu, "amazon seller support hours", TgUser(4242, "Kim", "en"))
    assert methods(calls) == ["sendMessage"]
    assert group.last().plain.startswith("Amazon · Seller — Hours")


async def test_an_unclear_question_to_the_bot_gets_suggestions_for_the_asker(bot: Harness) -> None:
    group = GroupChat(bot)
    await group.say("/faq 我的东西怎么样了")
    answer = group.last()
    assert "没太明白" in answer.plain
    assert all(asker_of(d) == ZH_USER.id for _, d in answer.buttons())
    await group.say("/faq 🙂🙂", EN_USER)
    assert "/faq" in group.last().plain


async def test_html_in_a_group_question_is_never_markup(bot: Harness) -> None:
    group = GroupChat(bot)
    await group.say("/faq <b>卖家</b> 账号被封 & <script>alert(1)</script> &amp; <a href='x'>")
    # the fake API validated the HTML; the answer is the card
    assert details_payload(group) == "c-amazon-seller-suspension"


# --- anti-flood ------------------------------------------------------------------------


async def test_a_repeat_question_points_to_the_earlier_answer(bot: Harness) -> None:
    group = GroupChat(bot)
    await group.say(f"/faq {SUSPENSION}", ZH_USER)
    first = group.last()
    bot.clock.advance(timedelta(minutes=4))
    # other words, same card, another member: a pointer, as a reply to the first answer
    calls = await group.say("/faq 亚马逊封号了找谁", MEMBERS[0])
    assert methods(calls) == ["sendMessage"]
    assert reply_target(calls[0]) == first.message_id
    pointer = group.last()
    assert "刚回答过" in pointer.plain
    assert "⚠️" not in pointer.plain  # not the card again
    assert details_payload(group) == "c-amazon-seller-suspension"
    # outside the window, a full answer again
    bot.clock.advance(timedelta(minutes=2))
    calls = await group.say(f"/faq {SUSPENSION}", MEMBERS[1])
    assert reply_target(calls[0]) != first.message_id
    assert "⚠️" in group.last().plain


async def test_the_same_question_in_another_group_or_language_is_answered(bot: Harness) -> None:
    one, other = GroupChat(bot), GroupChat(bot, BASIC_GROUP)
    await one.say(f"/faq {SUSPENSION}")
    await other.say(f"/faq {SUSPENSION}", MEMBERS[0])
    assert "⚠️" in other.last().plain
    await one.say("/faq amazon account suspended", EN_USER)
    assert one.last().plain.startswith("Amazon · Seller · ")


async def test_a_deleted_earlier_answer_gets_a_full_answer(bot: Harness) -> None:
    group = GroupChat(bot)
    await group.say(f"/faq {SUSPENSION}")
    bot.api.fail("sendMessage", Failure.bad_request("message to be replied not found"))
    calls = await group.say(f"/faq {SUSPENSION}", MEMBERS[0])
    assert methods(calls) == ["sendMessage", "sendMessage"]
    assert "⚠️" in group.last().plain


async def test_a_member_asking_again_within_seconds_is_answered_later(bot: Harness) -> None:
    group = GroupChat(bot)
    await group.say("/faq 美国站客服电话")
    # nothing at once: the latest waits for the cool-down's end (tests/bot/test_groups_pacing.py)
    assert await group.say("/faq 卖家账号被封") == []
    assert await group.mention("", " 卖家账号被封") == []
    # a menu within the cool-down is a repeat, and is not sent
    assert await group.say("/faq") == []
    bot.clock.advance(timedelta(seconds=11))
    # another member is not held back
    assert methods(await group.say("/faq 卖家账号被封", EN_USER)) == ["sendMessage"]


async def test_at_most_twenty_messages_a_minute_in_a_group(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    group = GroupChat(bot)
    with caplog.at_level(logging.WARNING, logger="bot.core.flood"):
        for member in MEMBERS[:20]:
            await group.say(f"/faq {SUSPENSION}", member)
        # one answer, then pointers to it, then the note that the bot pauses
        assert len(group.messages()) == 20
        assert "问题太多" in group.last().plain
        for member in MEMBERS[20:23]:
            assert await group.say("/faq 美国站客服电话", member) == []
    assert caplog.text.count("group message cap reached") == 1
    # other groups are not held back
    other = GroupChat(bot, BASIC_GROUP)
    assert methods(await other.say("/faq 美国站客服电话", MEMBERS[24])) == ["sendMessage"]


# --- the asker's menu ------------------------------------------------------------------


async def test_only_the_asker_can_narrow_the_answer(bot: Harness) -> None:
    group = GroupChat(bot)
    await group.say(f"/faq {SUSPENSION}")
    answer = group.last()
    narrow = answer.button("细化")
    before = answer.html
    calls = await group.press(narrow, EN_USER)
    assert methods(calls) == ["answerCallbackQuery"]
    toast = calls[0].params
    assert "/faq" in toast["text"] and not toast.get("show_alert")
    assert group.last().html == before
    calls = await group.press(narrow, ZH_USER)
    assert methods(calls) == ["answerCallbackQuery", "editMessageText"]
    await group.press(group.last().button("美国站"), ZH_USER)
    assert group.last().plain.startswith("亚马逊 · 卖家 · ")
    assert "美国站" in group.last().plain.splitlines()[0]
    assert details_payload(group) == "c-amazon-seller-suspension-us"
    assert len(group.messages()) == 1  # every step edited the one answer


async def test_the_asker_walks_the_group_menu_to_a_card(bot: Harness) -> None:
    group = GroupChat(bot)
    await group.say("/faq")
    await group.press(group.last().button("天猫"), ZH_USER)
    issues = group.last().buttons()
    assert all(asker_of(d) == ZH_USER.id for _, d in issues)
    await group.press(issues[0][1], ZH_USER)
    assert group.last().plain.startswith("天猫 · ")
    assert (details_payload(group) or "").startswith("c-tmall-buyer-")
    # back to the platforms from the narrow screen
    await group.press(group.last().button("细化"), ZH_USER)
    await group.press(group.last().button("换平台"), ZH_USER)
    assert [label for label, _ in group.last().buttons()] == ["亚马逊", "天猫", "🌐 更多平台"]


async def test_a_narrowed_answer_is_the_one_repeats_point_to(bot: Harness) -> None:
    group = GroupChat(bot)
    await group.say(f"/faq {SUSPENSION}")
    answer = group.last()
    await group.press(answer.button("细化"), ZH_USER)
    await group.press(group.last().button("美国站"), ZH_USER)
    # the old card is no longer shown there: a full answer
    await group.say(f"/faq {SUSPENSION}", MEMBERS[0])
    assert "⚠️" in group.last().plain
    # the narrowed one is: a pointer to it
    calls = await group.say("/faq 美国站卖家账号被封怎么办", MEMBERS[1])
    assert reply_target(calls[0]) == answer.message_id


async def test_forged_and_stale_group_buttons_are_answered_kindly(bot: Harness) -> None:
    group = GroupChat(bot)
    await group.say("/faq")
    menu = group.last()
    for data in (f"1:g:{ZH_USER.id}:c:amazon.seller.nope", f"1:g:{ZH_USER.id}:m:ebay",
                 "1:g:abc:h", "1:g:set:lang:fr", f"1:g:{ZH_USER.id}:x"):
        calls = await group.press(data, ZH_USER, menu)
        assert methods(calls) == ["answerCallbackQuery"], data
    assert group.last().html == menu.html


# --- case commands ---------------------------------------------------------------------


async def test_case_commands_in_a_group_only_link_to_the_private_chat(bot: Harness) -> None:
    group = GroupChat(bot)
    for member, command in zip(MEMBERS, ["track", "cases", "mydata", "forget", "quiet"],
                               strict=False):
        await services_of(bot.app).cases.add(
            member.id, "amazon", "seller", "seller_case", "suspension", "CASE-8812345",
            "我的店铺 XYZ", bot.clock.now(), None,
        )
        calls = await group.say(f"/{command}@{BOT_USERNAME} CASE-8812345", member)
        assert methods(calls) == ["sendMessage"]
        text = group.last().plain
        assert "CASE-8812345" not in text and "XYZ" not in text and member.first_name not in text
        assert "私聊" in text
        assert details_payload(group) == command


async def test_a_case_command_link_runs_the_command_in_the_private_chat(bot: Harness) -> None:
    """The link a case command gets in a group does that command, without another step."""
    group = GroupChat(bot)
    member = MEMBERS[0]
    await services_of(bot.app).cases.add(
        member.id, "amazon", "seller", "seller_case", "suspension", "CASE-8812345", None,
        bot.clock.now() - timedelta(days=3), bot.clock.now() - timedelta(days=2),
    )
    screens = {
        "track": "这个工单是在哪个平台提交的",
        "cases": "📋 我的工单",
        "forget": "全部 1 个工单",
        "quiet": "🌙 免打扰时段",
    }
    for command in ("track", "cases", "mydata", "forget", "quiet"):
        bot.clock.advance(timedelta(seconds=11))  # past the member's cool-down
        await group.say(f"/{command}", member)
        payload = details_payload(group)
        assert payload == command
        calls = await bot.send(f"/start {payload}", member)
        if command == "mydata":
            assert methods(calls) == ["sendDocument"]
            assert "全部 1 个工单" in calls[0].params["caption"]
            continue
        assert methods(calls) == ["sendMessage"], command
        shown = bot.screen(member).plain
        assert screens[command] in shown, command
        assert "发送 /" not in shown  # not a hint to type the command again
        if command == "cases":
            assert "CASE-8812345" in shown
    # the screens are the commands' own: their buttons work
    await bot.send("/start track", member)
    await bot.tap("亚马逊", member)
    assert "你的身份是" in bot.screen(member).plain
    await bot.send("/start forget", member)
    await bot.tap("取消", member)
    assert await services_of(bot.app).cases.count_for_owner(member.id) == 1


async def test_a_quiet_link_in_the_middle_of_a_form_keeps_the_form(bot: Harness) -> None:
    """Like /quiet itself: setting quiet hours is something one does halfway through."""
    await bot.send("/track")
    await bot.tap("亚马逊")
    await bot.tap("卖家")
    await bot.tap("Seller Central")
    await bot.tap("其他站点")
    await bot.send("/start quiet")
    assert "免打扰时段" in bot.screen().plain
    await bot.send("昨天下午3点")  # still the form's answer, not a question
    assert "提交于 2026-11-22 15:00" in bot.screen().plain
    await bot.send("/start cases")  # any other link leaves the form, like its command
    await bot.send("123456789")
    assert "请发送工单号" not in bot.screen().plain


# --- deep links ------------------------------------------------------------------------


async def test_the_details_link_opens_the_full_card_in_the_private_chat(bot: Harness) -> None:
    group = GroupChat(bot)
    await group.say("/faq 美国站卖家账号被封怎么办")
    payload = details_payload(group)
    assert payload == "c-amazon-seller-suspension-us"
    calls = await bot.send(f"/start {payload}")
    assert methods(calls) == ["sendMessage"]
    card = bot.screen()
    assert card.plain.startswith("亚马逊 · 卖家 · ")
    # the whole card (the group's short form also said the platform was a guess)
    short = [line for line in group.last().plain.splitlines() if "没说是哪个平台" not in line]
    assert len(card.plain) > len("\n".join(short))
    assert any(label.startswith("✅") for label, _ in card.buttons())  # the site is chosen


async def test_a_forged_or_unknown_payload_opens_the_home_menu(bot: Harness) -> None:
    for payload in ("c-amazon-seller-nope", "c-amazon", "c-Amazon-seller-general", "cases-x",
                    "x" * 64, "c-amazon-seller-general-us-extra", "--", "menu", "c-a-b-c-d"):
        calls = await bot.send(f"/start {payload}")
        assert methods(calls) == ["sendMessage"], payload
        assert bot.screen().plain.startswith("客服直达"), payload


# --- settings --------------------------------------------------------------------------


async def test_a_member_may_not_change_the_group_settings(bot: Harness) -> None:
    group = GroupChat(bot)
    calls = await group.say("/settings")
    assert methods(calls) == ["getChatMember", "sendMessage"]
    assert "管理员" in group.last().plain
    assert group.last().buttons() == []
    assert await services_of(bot.app).groups.get(group.id) is None


async def test_an_admin_sets_the_language_and_turns_mentions_off(bot: Harness) -> None:
    group = GroupChat(bot)
    bot.api.member_status[(group.id, ZH_USER.id)] = "administrator"
    await group.say("/settings")
    screen = group.last()
    assert "本群设置" in screen.plain
    # a member pressing the admins' buttons changes nothing
    calls = await group.press(screen.button("English"), EN_USER)
    assert methods(calls) == ["getChatMember", "answerCallbackQuery"]
    assert "admins" in calls[1].params["text"]
    assert await services_of(bot.app).groups.get(group.id) is None
    await group.press(screen.button("English"), ZH_USER)
    assert "Saved" in group.last().plain
    await group.press(group.last().button("Off"), ZH_USER)
    stored = await services_of(bot.app).groups.get(group.id)
    assert stored is not None and stored.lang == "en" and not stored.reply_to_mentions
    # answers are now English, even to a Chinese question from a Chinese app
    await group.say(f"/faq {SUSPENSION}", MEMBERS[0])
    assert group.last().plain.startswith("Amazon · Seller · ")
    # mentions and replies are ignored; /faq still works
    assert await group.mention("", " 美国站客服电话", MEMBERS[1]) == []
    assert await group.reply(group.last(), "美国站客服电话", MEMBERS[2]) == []


async def test_the_owner_and_an_anonymous_admin_may_open_settings(bot: Harness) -> None:
    group = GroupChat(bot)
    bot.api.member_status[(group.id, EN_USER.id)] = "creator"
    await group.say("/settings", EN_USER)
    assert "Group settings" in group.last().plain
    anonymous = TgUser(1087968824, "Group", None)  # Telegram's GroupAnonymousBot
    calls = await group.say("/settings", anonymous, sender_chat=SUPERGROUP)
    assert methods(calls) == ["sendMessage"]  # no need to ask Telegram
    assert group.last().buttons()


async def test_auto_language_follows_each_asker(bot: Harness) -> None:
    group = GroupChat(bot)
    bot.api.member_status[(group.id, ZH_USER.id)] = "administrator"
    await services_of(bot.app).groups.set_lang(group.id, "en")
    await group.say("/settings")
    await group.press(group.last().button("Each asker"), ZH_USER)
    stored = await services_of(bot.app).groups.get(group.id)
    assert stored is not None and stored.lang is None
    await group.say(f"/faq {SUSPENSION}", MEMBERS[0])
    assert group.last().plain.startswith("亚马逊")


async def test_migration_to_a_supergroup_keeps_the_settings(bot: Harness) -> None:
    old = GroupChat(bot, BASIC_GROUP)
    bot.api.member_status[(old.id, ZH_USER.id)] = "administrator"
    await old.say("/settings")
    await old.press(old.last().button("English"), ZH_USER)
    new_chat = {"id": -1009876543210, "type": "supergroup", "title": BASIC_GROUP["title"]}
    new = GroupChat(bot, new_chat)
    # Telegram sends both: one in the old group, one in the new supergroup
    assert await old.send(bot.message(ZH_USER, chat=BASIC_GROUP,
                                      migrate_to_chat_id=new.id)) == []
    assert await new.send(bot.message(ZH_USER, chat=new_chat,
                                      migrate_from_chat_id=old.id)) == []
    groups = services_of(bot.app).groups
    assert await groups.get(old.id) is None
    moved = await groups.get(new.id)
    assert moved is not None and moved.lang == "en"
    await new.say(f"/faq {SUSPENSION}", MEMBERS[0])
    assert new.last().plain.startswith("Amazon · Seller · ")


@pytest.mark.parametrize(("chat", "removal"), [(SUPERGROUP, "kicked"), (BASIC_GROUP, "left")],
                         ids=["supergroup-kicked", "group-left"])
async def test_a_group_that_removes_the_bot_is_forgotten(
    bot: Harness, chat: dict[str, object], removal: str, caplog: pytest.LogCaptureFixture
) -> None:
    group = GroupChat(bot, chat)
    other = GroupChat(bot, {"id": -100555, "type": "supergroup", "title": "另一个群"})
    groups = services_of(bot.app).groups
    for each, option in ((group, "🔕"), (other, "English")):
        bot.api.member_status[(each.id, ZH_USER.id)] = "administrator"
        await each.say("/settings")
        await each.press(each.last().button(option), ZH_USER)
        bot.clock.advance(timedelta(seconds=11))
    assert await group.mention("", " 美国站客服电话", MEMBERS[0]) == []  # mentions are off
    await group.say(f"/faq {SUSPENSION}", MEMBERS[0])
    first_answer = group.last()
    # promoted, demoted, re-added: still a member, nothing forgotten
    assert await group.bot_status("member", "member") == []
    assert await groups.get(group.id) is not None
    caplog.set_level(logging.INFO, logger="bot.groups.membership")
    assert await group.bot_status("member", removal, ZH_USER) == []  # nothing sent
    assert await groups.get(group.id) is None
    kept = await groups.get(other.id)
    assert kept is not None and kept.lang == "en"  # only that group
    [record] = [r for r in caplog.records if r.name == "bot.groups.membership"]
    logged = str(vars(record))
    assert str(group.id) in logged and removal in logged
    for name in (str(chat["title"]), ZH_USER.first_name, MEMBERS[0].first_name):
        assert name not in logged
    # added again within the repeat window: a group the bot never met — the same question
    # gets the whole card, not a pointer to the answer of before, and mentions are on again
    await group.bot_status(removal, "member")
    calls = await group.say(f"/faq {SUSPENSION}", MEMBERS[1])
    assert methods(calls) == ["sendMessage"]
    assert reply_target(calls[0]) != first_answer.message_id
    assert group.last().plain == first_answer.plain
    assert methods(await group.mention("", " 美国站客服电话", MEMBERS[2])) == ["sendMessage"]
    # a removal from a group it had no settings for is fine too
    unknown = GroupChat(bot, {"id": -100777, "type": "supergroup", "title": "x"})
    assert await unknown.bot_status("member", removal) == []


async def test_group_commands_are_set_per_scope(bot: Harness) -> None:
    scoped = bot.api.scoped_commands
    for language in ("", "zh", "en"):
        members = [c["command"] for c in scoped[("all_group_chats", language)]]
        admins = [c["command"] for c in scoped[("all_chat_administrators", language)]]
        assert members == ["faq"]
        assert admins == ["faq", "settings"]
    assert "faq" not in [c["command"] for c in bot.api.commands["zh"]]
    zh = scoped[("all_group_chats", "zh")][0]["description"]
    en = scoped[("all_group_chats", "en")][0]["description"]
    assert zh != en


async def test_start_and_help_in_a_group_stay_in_group_form(bot: Harness) -> None:
    group = GroupChat(bot)
    await group.say(f"/start@{BOT_USERNAME}")
    assert [label for label, _ in group.last().buttons()] == ["亚马逊", "天猫", "🌐 更多平台"]
    await group.say("/help", EN_USER)
    help_text = group.last().plain
    assert "/faq" in help_text and f"@{BOT_USERNAME}" in help_text
    assert start_payload(url_buttons(group.last())[0][1]) == "menu"


async def test_group_answers_do_not_reveal_a_members_time_zone(bot: Harness) -> None:
    users = services_of(bot.app).users
    await users.ensure(EN_USER.id)
    await users.set_timezone(EN_USER.id, "America/Los_Angeles")
    one, other = GroupChat(bot), GroupChat(bot, BASIC_GROUP)
    question = "/faq amazon seller two-step verification login problem"
    await one.say(question, EN_USER)
    await other.say(question, TgUser(4343, "Lee", "en"))
    assert one.last().html == other.last().html
    # the same card in the private chat is in the member's own zone
    await bot.send(f"/start {details_payload(one)}", EN_USER)
    await bot.tap("Full guide", EN_USER)
    assert "America/Los_Angeles" in bot.screen(EN_USER).plain


async def test_a_number_asked_about_in_a_group_is_checked(bot: Harness) -> None:
    group = GroupChat(bot)
    await group.say("/faq 400-810-5667 是亚马逊客服吗")
    text = group.last().plain
    assert "不是我知道的任何官方客服号码" in text and "只差一位" in text
    assert all(asker_of(d) == ZH_USER.id for _, d in group.last().buttons())


async def test_a_reply_to_an_answer_follows_it_up(bot: Harness) -> None:
    """"那德国呢" under the answer about Amazon Japan's hotline asks for Germany's; said
    on its own (no answer replied to) it is not guessed."""
    group = GroupChat(bot)
    await group.say("/faq 日本亚马逊电话多少")
    japan = group.last()
    assert "050-3184-6300" in japan.plain
    calls = await group.reply(japan, "那德国呢", EN_USER)
    assert methods(calls) == ["sendMessage"] and reply_target(calls[0]) is not None
    germany = group.last()
    assert "德国站" in germany.plain.splitlines()[0] and "0800 290 6666" in germany.plain
    # the follow-up's own answer can be followed up in turn
    await group.reply(germany, "那英国呢", TgUser(4242, "Kim", "zh"))
    assert "0800 085 2080" in group.last().plain
    # a question to the bot that replies to nothing has no conversation to follow
    bot.clock.advance(timedelta(minutes=1))
    await group.say("/faq 那德国呢", TgUser(4343, "Lee", "zh"))
    assert "0800 290 6666" not in group.last().plain
