"""Inline mode end to end: results for any words, in the asker's language, valid to send."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.groups.inline import CACHE_PERSONAL, CACHE_SHARED
from tests.bot.fakeapi import BOT_USERNAME
from tests.bot.groupchat import inline_query, methods, start_payload
from tests.bot.harness import EN_USER, ZH_USER, Harness, TgUser
from tests.bot.telegram_rules import check_text, parse_html

NEW_USER = TgUser(5005, "Ana", "pt-br")


def results(call: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = call.params["results"]
    return found


def check_result(result: dict[str, Any]) -> str:
    """A result as Telegram would send it; its message as plain text."""
    content = result["input_message_content"]
    assert check_text(content["message_text"], content.get("parse_mode")) == []
    assert len(result["id"].encode()) <= 64
    (button,) = [b for row in result["reply_markup"]["inline_keyboard"] for b in row]
    payload = start_payload(button["url"])
    if result["id"] != "notfound":
        # a card, or the fact asked about it (`<card>:<aspect>`): the link opens the card
        card = result["id"].split(":", 1)[0]
        assert payload == "c-" + card.replace(".", "-")
    return parse_html(content["message_text"])[0]


async def test_an_empty_query_lists_the_most_asked_cards(bot: Harness) -> None:
    call = await inline_query(bot, "")
    found = results(call)
    ids = [r["id"] for r in found]
    assert ids[:3] == ["amazon.buyer.general", "amazon.seller.general", "tmall.buyer.general"]
    assert "amazon.seller.suspension" in ids
    for result in found:
        text = check_result(result)
        assert text.startswith(result["title"])
        assert result["description"]
    # language from the Telegram app: personal
    assert call.params["is_personal"] is True
    assert call.params["cache_time"] == CACHE_PERSONAL
    assert call.params["button"]["start_parameter"] == "menu"


async def test_a_chinese_query_lists_matching_cards_shared_by_everyone(bot: Harness) -> None:
    call = await inline_query(bot, "亚马逊 美国 电话", NEW_USER)
    found = results(call)
    assert found and len(found) <= 50
    # the fact asked first: the US phone number, then the cards
    assert found[0]["id"] == "amazon.buyer.general.us:phone"
    assert "+1-888-280-4331" in check_result(found[0])
    assert found[1]["id"].startswith("amazon.") and found[1]["id"].endswith(".us")
    assert found[0]["title"].startswith("亚马逊 · ")
    for result in found:
        check_result(result)
    # the words alone decided the language, and the user has no settings: not personal
    assert call.params.get("is_personal") in (None, False)
    assert call.params["cache_time"] == CACHE_SHARED


async def test_a_shared_answer_says_a_note_every_line_shares_once(bot: Harness) -> None:
    call = await inline_query(bot, "亚马逊客服电话", NEW_USER)
    first = results(call)[0]
    assert first["id"] == "amazon.buyer.general:phone"
    text = check_result(first)
    assert text.count("以上信息来自第三方指南，未在亚马逊官网核实。") == 1
    assert "（第三方指南" not in text and "400-810-5666" in first["description"]


async def test_an_english_query_is_answered_in_english(bot: Harness) -> None:
    call = await inline_query(bot, "amazon seller support hours", ZH_USER)
    first = results(call)[0]
    assert first["id"].startswith("amazon.seller.")
    assert check_result(first).startswith("Amazon · Seller — Hours")


async def test_a_chosen_language_makes_results_personal(bot: Harness) -> None:
    await bot.send("/lang", EN_USER)
    await bot.tap("English", EN_USER)
    call = await inline_query(bot, "卖家账号被封怎么办", EN_USER)
    assert results(call)[0]["title"].startswith("Amazon · Seller · ")
    assert call.params["is_personal"] is True


async def test_no_match_offers_the_private_menu(bot: Harness) -> None:
    call = await inline_query(bot, "xyzzy qwerty", EN_USER)
    found = results(call)
    assert found[0]["id"] == "notfound"
    assert "No matching" in found[0]["title"]
    assert len(found) <= 4  # "not found" and a few near misses, not the whole catalog
    text = check_result(found[0])
    assert "private chat" in text


@pytest.mark.parametrize(
    "query",
    [
        "<b>卖家</b> & <script>alert(1)</script> &amp; <a href='x'>",
        "😀" * 100,
        "封" * 256,
        "\u202e\u200b\x00卖家\ufeff账号",
        "   ",
    ],
    ids=["html", "emoji", "long", "control", "blank"],
)
async def test_hostile_queries_get_valid_results(bot: Harness, query: str) -> None:
    call = await inline_query(bot, query)
    found = results(call)
    assert 1 <= len(found) <= 50
    for result in found:
        check_result(result)


async def test_a_shared_result_needs_no_callback_buttons(bot: Harness) -> None:
    # an inline message has no chat for a menu only the asker may use: links only
    call = await inline_query(bot, "天猫 退款")
    for result in results(call):
        rows = result["reply_markup"]["inline_keyboard"]
        assert all("url" in b and "callback_data" not in b for row in rows for b in row)
        assert f"t.me/{BOT_USERNAME}" in rows[0][0]["url"]


async def test_chosen_inline_result_is_logged_without_the_query(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    chosen = {
        "result_id": "amazon.seller.suspension.us",
        "from": ZH_USER.json(),
        "query": "我的店铺 XYZ 被封了",
    }
    with caplog.at_level(logging.INFO, logger="bot.groups.inline"):
        calls = await bot.process({"chosen_inline_result": chosen})
        await bot.process({"chosen_inline_result": {**chosen, "result_id": "<forged>"}})
    assert methods(calls) == []
    records = [r for r in caplog.records if r.getMessage() == "inline result chosen"]
    assert [getattr(r, "result", None) for r in records] == ["amazon.seller.suspension.us", "?"]
    # what the record carries beyond logging's own bookkeeping (a thread id may hold
    # the digits of a user id by chance)
    bookkeeping = set(vars(logging.makeLogRecord({}))) - {"msg", "args"}
    for record in records:
        logged = str({k: v for k, v in vars(record).items() if k not in bookkeeping})
        assert "XYZ" not in logged and "<forged>" not in logged
        assert str(ZH_USER.id) not in logged


async def test_a_number_or_an_uncovered_platform_is_one_result_to_share(bot: Harness) -> None:
    call = await inline_query(bot, "400-810-5666 亚马逊", NEW_USER)
    (result,) = results(call)
    assert result["id"] == "check"
    text = parse_html(result["input_message_content"]["message_text"])[0]
    # a number only a third-party guide lists is never called official
    assert "☑️ 400-810-5666" in text and "第三方指南" in text
    call = await inline_query(bot, "京东客服电话", NEW_USER)
    (result,) = results(call)
    assert parse_html(result["input_message_content"]["message_text"])[0].startswith(
        "京东：暂未收录")
