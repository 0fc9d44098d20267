"""The check of a message end to end (issue 17): through the real Application and the fake
Bot API, in the private chat, a group, inline mode and `python -m bot ask`."""

from __future__ import annotations

import io
from typing import Any

from bot.core.input import MAX_QUESTION
from tests.bot.groupchat import GroupChat, inline_query
from tests.bot.harness import EN_USER, ZH_USER, Harness
from tests.bot.telegram_rules import check_text, parse_html

PHISHING = "https://evil.com\\@amazon.com/refund 这是亚马逊的退款链接吗"
SCAM_SMS = ("【亚马逊】您的账户已冻结，请致电 400-810-5666 转 2 并登录 "
            "https://amazon-cn.help 解冻")
SPOOFED = "Amazon called me from +1-888-280-4331 and asked for my OTP, legit?"


def shared_text(call: Any) -> list[str]:
    """Each inline result's message as the phone shows it (valid for Telegram)."""
    texts = []
    for result in call.params["results"]:
        content = result["input_message_content"]
        assert check_text(content["message_text"], content.get("parse_mode")) == []
        texts.append(parse_html(content["message_text"])[0])
    return texts


async def test_a_phishing_link_in_the_private_chat_names_the_host_a_browser_opens(
    bot: Harness,
) -> None:
    await bot.send(PHISHING)
    text = bot.screen().plain
    assert "✅" not in text and "☑️" not in text  # never official, nor listed
    assert "⛔ 这个链接看起来是 amazon.com，浏览器实际打开的却是 evil.com" in text
    assert "安全的做法：自己从亚马逊的官方入口进去" in text
    # full-width backslash, no scheme with "@": the same verdict
    await bot.send("evil.com＼@amazon.com/refund 能点吗")
    assert "实际打开的却是 evil.com" in bot.screen().plain
    await bot.send("amazon.com@evil.com 是官网吗")
    assert "实际打开的却是 evil.com" in bot.screen().plain


async def test_a_phishing_link_in_inline_mode_is_one_result_that_warns(bot: Harness) -> None:
    call = await inline_query(bot, "https://evil.com\\@amazon.com/refund", EN_USER)
    (result,) = call.params["results"]
    assert result["id"] == "check"
    (text,) = shared_text(call)
    assert "✅" not in text and "☑️" not in text  # never official, nor listed
    assert "looks like amazon.com, but a browser opens evil.com" in text


async def test_a_scam_sms_gets_the_warning_and_the_safe_way_first(bot: Harness) -> None:
    await bot.send(SCAM_SMS)
    lines = [line for line in bot.screen().plain.splitlines() if line]
    body = lines[lines.index("⛔ 小心，这像是诈骗"):]
    assert body[2].startswith("说账户被冻结、封号或被盗、要你拨打它给的号码——这是诈骗的典型做法")
    fake = next(i for i, line in enumerate(body) if "⛔ amazon-cn.help" in line)
    official = next(i for i, line in enumerate(body) if line.startswith("☑️ 400-810-5666"))
    safe = next(i for i, line in enumerate(body) if line.startswith("安全的做法"))
    assert fake < safe < official  # the fake address leads the alert


async def test_a_spoofed_caller_id_is_a_scam_even_from_an_official_number(bot: Harness) -> None:
    await bot.send(SPOOFED, user=EN_USER)
    text = bot.screen(EN_USER).plain
    assert "⛔ Careful: this looks like a scam" in text
    assert "Asking for a verification code — that is what scams do" in text
    assert "can be faked" in text
    assert text.index("The safe way") < text.index("☑️ +1-888-280-4331")
    call = await inline_query(bot, SPOOFED, EN_USER)
    (shared,) = shared_text(call)
    assert shared.startswith("⛔ Careful") and "can be faked" in shared


async def test_a_question_with_a_link_is_answered_in_a_group_and_checked_after(
    bot: Harness,
) -> None:
    group = GroupChat(bot)
    await group.say("/faq amazon.co.jp customer service number?", EN_USER)
    text = group.last().plain
    assert text.index("050-3184-6300") < text.index("☑️ amazon.co.jp")


async def test_greeting_a_platform_gets_the_bots_identity(bot: Harness) -> None:
    await bot.send("亚马逊客服你好")
    text = bot.screen().plain
    assert "不是亚马逊、天猫或任何平台的客服" in text and "亚马逊的官方入口" in text
    await bot.send("am i talking to amazon", user=EN_USER)
    assert "\nNo. " in bot.screen(EN_USER).plain


def test_the_terminal_answers_the_question_and_then_checks(tmp_path: Any) -> None:
    from bot.infra.cli import run_ask

    out = io.StringIO()
    assert run_ask("亚马逊 400-810-5666 几点上班", None, "Asia/Shanghai", out) == 0
    text = out.getvalue()
    assert "服务时间" in text.splitlines()[0]
    assert "☑️ 400-810-5666" in text


async def test_a_question_with_a_link_in_inline_mode_answers_then_checks(bot: Harness) -> None:
    call = await inline_query(bot, "amazon.co.jp customer service number?", EN_USER)
    first = call.params["results"][0]
    assert first["id"].endswith(":phone")
    text = shared_text(call)[0]
    assert text.index("050-3184-6300") < text.index("☑️ amazon.co.jp")


async def test_a_link_hidden_behind_official_looking_words_is_checked(bot: Harness) -> None:
    text = "亚马逊退款请点 amazon.com 登录"
    start = text.index("amazon.com")
    await bot.process({"message": bot.message(ZH_USER, text=text, entities=[
        {"type": "text_link", "offset": start, "length": len("amazon.com"),
         "url": "https://amazon-refund.help/login"}])})
    shown = bot.screen().plain
    assert "⛔ amazon-refund.help" in shown
    assert shown.index("⛔ amazon-refund.help") < shown.index("☑️ amazon.com")


async def test_a_long_paste_is_checked_whole(bot: Harness) -> None:
    paste = "【亚马逊】尊敬的用户，" + "您的订单已发货。" * 60 + "退款请登录 amaz0n-refund.top 办理"
    assert len(paste) > MAX_QUESTION
    await bot.send(paste)
    shown = bot.screen().plain
    assert "⛔ amaz0n-refund.top" in shown


async def test_a_scam_sms_asked_about_in_a_group_gets_the_warning_first(bot: Harness) -> None:
    group = GroupChat(bot)
    await group.say(f"/faq {SCAM_SMS}")
    text = group.last().plain
    assert text.startswith("⛔ 小心，这像是诈骗")
    assert text.index("⛔ amazon-cn.help") < text.index("☑️ 400-810-5666")
