"""What goes wrong: stale and forged buttons, odd updates, blocked users, API failures."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.core.clock import ManualClock
from bot.core.services import services_of
from tests.bot.fakeapi import Failure, FakeBotApi
from tests.bot.harness import EN_USER, ZH_USER, Harness

ADMIN_ID = 4242


async def is_active(bot: Harness, user_id: int) -> bool | None:
    stored = await services_of(bot.app).users.get(user_id)
    return None if stored is None else stored.active


# --- buttons that cannot be acted on ---------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        "1:m:ebay",  # a platform the catalog no longer has
        "1:m:amazon.wholesaler",  # a role it never had
        "1:c:amazon.seller.no_such_issue",
        "1:c:amazon.seller.suspension.mars",  # a site it does not have
        "1:t:tmall.buyer.gone",
        "1:x:amazon.seller.suspension:@no_such_channel",
        "1:c:../../etc/passwd",  # forged
        "1:z:99",
        "1:l:fr",
        "0:h",  # an older version of the codec
        "9:m:amazon",  # a newer one
        "not a button",
        "1:m:" + "amazon." * 20,  # longer than Telegram allows
        "💥",
    ],
)
async def test_stale_forged_or_foreign_buttons_expire_into_a_fresh_menu(
    bot: Harness, data: str
) -> None:
    await bot.send("/start")
    await bot.tap("亚马逊")
    calls = await bot.press(data)
    assert calls[0].params.get("text") == "菜单已过期"
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    screen = bot.screen()
    assert "这个菜单已过期" in screen.plain
    assert "亚马逊" in [label for label, _ in screen.buttons()]


async def test_a_button_on_a_message_that_can_no_longer_be_edited_sends_a_new_one(
    bot: Harness,
) -> None:
    await bot.send("/start")
    old = bot.screen()
    data = old.button("亚马逊")
    bot.api.fail("editMessageText", Failure.bad_request("message can't be edited"))
    calls = await bot.press(data, message=old)
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText", "sendMessage"]
    assert bot.screen().message_id != old.message_id
    assert bot.screen().plain.startswith("亚马逊")


async def test_a_button_without_data_is_answered(bot: Harness) -> None:
    await bot.send("/start")
    message = bot.screen()
    query_id = "game-1"
    bot.api.pending_queries.add(query_id)
    await bot.process({"callback_query": {
        "id": query_id, "from": ZH_USER.json(), "chat_instance": "ci",
        "game_short_name": "nope", "message": bot.api.message_json(message),
    }})
    assert bot.api.pending_queries == set()


# --- updates that are not questions ----------------------------------------------------


async def test_edited_messages_get_a_short_answer_and_are_not_searched_again(
    bot: Harness,
) -> None:
    calls = await bot.edit("卖家账号被封怎么办")
    assert [c.method for c in calls] == ["sendMessage"]
    assert "修改" in bot.screen().plain
    calls = await bot.edit("/start")
    assert "修改" in bot.screen().plain  # an edited command does not run again


@pytest.mark.parametrize(
    "content",
    [
        {"sticker": {"file_id": "CAACAgIAAxkBAAI", "file_unique_id": "AgADsw", "type": "regular",
                     "width": 512, "height": 512, "is_animated": False, "is_video": False,
                     "emoji": "😀"}},
        {"photo": [{"file_id": "AgACAgIAAxkBAAI", "file_unique_id": "AQADx", "width": 90,
                    "height": 90, "file_size": 1200}], "caption": "卖家账号被封怎么办"},
        {"voice": {"file_id": "AwACAgIAAxkBAAI", "file_unique_id": "AgADvw", "duration": 3,
                   "mime_type": "audio/ogg", "file_size": 5000}},
        {"contact": {"phone_number": "+8613800000000", "first_name": "小李"}},
        {"location": {"latitude": 31.2304, "longitude": 121.4737}},
        {"document": {"file_id": "BQACAgIAAxkBAAI", "file_unique_id": "AgADdw",
                      "file_name": "poa.pdf", "mime_type": "application/pdf"}},
    ],
    ids=["sticker", "photo", "voice", "contact", "location", "document"],
)
async def test_non_text_messages_get_a_friendly_answer(
    bot: Harness, content: dict[str, object]
) -> None:
    calls = await bot.send_content(EN_USER, **content)
    assert [c.method for c in calls] == ["sendMessage"]
    assert "I can only read text" in bot.screen(EN_USER).plain


async def test_unknown_commands_point_to_help(bot: Harness) -> None:
    await bot.send("/frobnicate")
    assert "/help" in bot.screen().plain


async def test_help_and_about(bot: Harness) -> None:
    await bot.send("/help", user=EN_USER)
    assert "/lang" in bot.screen(EN_USER).plain
    await bot.send("/about", user=EN_USER)
    about = bot.screen(EN_USER).plain
    catalog = services_of(bot.app).catalog
    for source in catalog.sources.values():
        assert source.title.get("en") in about
        assert f"last checked {source.checked.isoformat()}" in about


# --- users who block the bot -----------------------------------------------------------


async def test_forbidden_on_send_marks_the_user_inactive(bot: Harness) -> None:
    await bot.send("/start")
    assert await is_active(bot, ZH_USER.id) is True
    bot.api.fail("sendMessage", Failure.blocked())
    calls = await bot.send("卖家账号被封怎么办")
    # no apology is attempted to someone who blocked us
    assert [c.method for c in calls] == ["sendMessage"]
    assert await is_active(bot, ZH_USER.id) is False
    await bot.send("/start")  # writing to us again means they unblocked
    assert await is_active(bot, ZH_USER.id) is True


async def test_blocking_and_unblocking_the_bot(bot: Harness) -> None:
    await bot.send("/start")
    assert await bot.member_update(ZH_USER, "kicked") == []
    assert await is_active(bot, ZH_USER.id) is False
    await bot.member_update(ZH_USER, "member")
    assert await is_active(bot, ZH_USER.id) is True


async def test_a_user_we_never_met_who_blocks_is_recorded_inactive(bot: Harness) -> None:
    await bot.member_update(EN_USER, "kicked")
    assert await is_active(bot, EN_USER.id) is False


# --- the Bot API failing ---------------------------------------------------------------


async def test_flood_wait_is_retried_not_dropped(bot: Harness) -> None:
    bot.api.fail("sendMessage", Failure.flood(retry_after=0.01))
    calls = await bot.send("/start")
    assert [c.method for c in calls] == ["sendMessage", "sendMessage"]
    assert "客服直达" in bot.screen().plain


@pytest.mark.parametrize(
    "failure",
    [Failure.server_error(500), Failure.server_error(502), Failure.network_error()],
    ids=["500", "502", "network"],
)
async def test_api_failure_is_logged_with_context_and_the_user_told(
    bot: Harness, failure: Failure, caplog: pytest.LogCaptureFixture
) -> None:
    bot.api.fail("sendMessage", failure)
    with caplog.at_level(logging.ERROR, logger="bot.infra.errors"):
        await bot.send("/start", user=EN_USER)
    record = next(r for r in caplog.records if r.name == "bot.infra.errors")
    assert record.__dict__["user_id"] == EN_USER.id
    assert record.__dict__["handler"] == "start"
    assert isinstance(record.__dict__["update_id"], int)
    text = bot.screen(EN_USER).plain
    assert text.startswith("Sorry, something went wrong")
    assert "Traceback" not in text and "Error" not in text


async def test_our_own_failure_tells_the_user_and_the_admins(
    db_path: Path, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await Harness.start(db_path, clock, admins=frozenset({ADMIN_ID}))
    try:
        await bot.send("/start")
        await services_of(bot.app).db.close()  # the database goes away under the bot
        # a question is answered from the knowledge files all the same
        await bot.send("卖家账号被封怎么办")
        assert bot.screen().plain.startswith("亚马逊 · 卖家 · 账户停用")
        with caplog.at_level(logging.ERROR, logger="bot.infra.errors"):
            await bot.send("/quiet 22:00-07:45")
        assert bot.screen().plain.startswith("抱歉，出了点问题")
        admin_note = bot.api.last_message(ADMIN_ID).plain
        assert "quiet_command" in admin_note
        assert "07:45" not in admin_note  # never the user's text
        record = next(r for r in caplog.records if r.name == "bot.infra.errors")
        assert record.exc_info is not None
        assert "07:45" not in caplog.text
    finally:
        await bot.stop()
    bot.assert_clean()


async def test_rejected_set_my_commands_is_logged_and_the_bot_runs_on(
    db_path: Path, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    api = FakeBotApi(clock)
    api.fail("setMyCommands", Failure.bad_request("BOT_COMMAND_INVALID"), times=3)
    with caplog.at_level(logging.WARNING, logger="bot.app"):
        bot = await Harness.start(db_path, clock, api=api)
    try:
        assert "setMyCommands rejected" in caplog.text
        await bot.send("/start")
        assert "客服直达" in bot.screen().plain
    finally:
        await bot.stop()
    bot.assert_clean()


async def test_commands_are_set_in_chinese_and_english(bot: Harness) -> None:
    assert set(bot.api.commands) == {"", "zh", "en"}
    zh = {c["command"]: c["description"] for c in bot.api.commands["zh"]}
    en = {c["command"]: c["description"] for c in bot.api.commands["en"]}
    assert zh.keys() == en.keys() >= {"start", "menu", "help", "lang", "tz", "about"}
    assert zh["lang"] != en["lang"]
