"""The check of a whole message (issue 17): scam words first, every number and link
checked with the worst verdict first, nothing unchecked called safe, and a real question
around a number or link answered with the check after it (issue 18, item 3)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge.answer import DirectAnswer
from knowledge.catalog import DATA_DIR, load_catalog
from knowledge.checks import MessageCheck
from knowledge.links import MAX_LINKS, LinkKind
from knowledge.reply import CheckedAnswer, Reply, Responder
from knowledge.schema import Aspect, Lang, ScamSign
from knowledge.wording import word_reply

NOW = datetime(2026, 3, 4, 4, 0, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Shanghai")
SCAM_SMS = ("【亚马逊】您的账户已冻结，请致电 400-810-5666 转 2 并登录 "
            "https://amazon-cn.help 解冻")


def ask(responder: Responder, text: str, lang: Lang = "zh") -> tuple[Reply, str]:
    reply = responder.respond(text, lang=lang, user_zone=ZONE, now=NOW)
    words = word_reply(reply, responder.catalog, lang=lang, user_zone=ZONE, now=NOW)
    return reply, words.plain_text()


def test_a_scam_sms_gets_the_warning_and_the_safe_way_before_any_verdict(
    responder: Responder,
) -> None:
    reply, text = ask(responder, SCAM_SMS)
    assert isinstance(reply, MessageCheck) and reply.scam is not None
    assert reply.scam.signs == (ScamSign.frozen, ScamSign.callback, ScamSign.fake_site)
    assert [v.kind for v in reply.links] == [LinkKind.look_alike]
    assert [n.is_official for n in reply.numbers] == [True]
    lines = text.splitlines()
    assert lines[0].startswith("⛔")
    assert lines[1].startswith("⛔ amazon-cn.help")
    assert lines[2].startswith("说账户被冻结、封号或被盗、要你拨打它给的号码——")
    safe = next(i for i, line in enumerate(lines) if line.startswith("安全的做法：自己从亚马逊"))
    fake = next(i for i, line in enumerate(lines) if "amazon-cn.help" in line)
    # Amazon's number is listed by a guide only (☑️, issue #19), still below the fake
    listed = next(i for i, line in enumerate(lines) if line.startswith("☑️"))
    # the fake address first (what the alert is about), then the safe way, then the rest
    assert fake < safe < listed
    assert "可以伪造" in text  # an official number on a text can be faked


@pytest.mark.parametrize(
    ("message", "sign"),
    [
        ("Amazon called me from +1-888-280-4331 and asked for my OTP, legit?", ScamSign.code),
        ("有人打電話給我說是亞馬遜客服，要我的驗證碼", ScamSign.code),  # traditional, no number
        ("walmart texted me: your account is suspended, reply with your password",
         ScamSign.frozen),
        ("天猫客服来电说要交保证金才能退款，电话 0571-88157858", ScamSign.pay),
        # the claims the platforms name besides: a prize won, details to "verify"
        ("虾皮给我发消息说我抽中了大奖 点链接领取", ScamSign.prize),
        ("someone called saying I won an amazon gift card draw", ScamSign.prize),
        ("有人打来说是temu的 要我核实一下个人信息", ScamSign.personal),
        ("a call from 'walmart' asking me to confirm my card info", ScamSign.password),
        ("a man on the phone says he's from amazon and my account was hacked", ScamSign.frozen),
        ("有人打电话说我的天猫账号被盗了", ScamSign.frozen),
        # a fee for a gift or for customs (Temu names both), told by e-mail or text
        ("an email says I have to pay customs before my temu gift ships", ScamSign.pay),
        ("短信说要交清关费才能收到temu的礼物", ScamSign.pay),
        # "verify your account or it is suspended", in Chinese as in English
        ("收到亚马逊的邮件说 48小时内不验证账号就暂停 让我点链接", ScamSign.personal),
        ("沃尔玛发来短信 说我的账户已暂停 回复卡号恢复", ScamSign.frozen),
        # a link to click, details to update, postage or duties to make up, a code to scan
        ("email from amazon: your account has been locked, click here to restore access",
         ScamSign.frozen),
        ("text says my shopee parcel is held, pay a small redelivery fee at this link",
         ScamSign.pay),
        ("someone on whatsapp says they're etsy support and need my login to fix a payment",
         ScamSign.password),
        ("有个自称天猫客服的加我微信 说退款要先扫码", ScamSign.pay),
        ("邮件说我的shopee账户将被停用 请在24小时内更新资料", ScamSign.personal),
        ("有人冒充亚马逊 说我的包裹清关需要补缴关税", ScamSign.pay),
        ("the caller said he's from temu, asked me to read out the code they sent", ScamSign.code),
        # taken to another app, a number to call back, a membership "to cancel"
        ("短信说你的拼单退款失败 请加客服QQ 88776655 办理", ScamSign.elsewhere),
        ("walmart seller support texted me to install an app so they can fix my listing",
         ScamSign.elsewhere),
        ("【亚马逊】您的包裹派送异常，请尽快致电 021-5555-0100", ScamSign.callback),
        ("got a text: your temu order is on hold, call us at 1-877-555-0199", ScamSign.callback),
        ("来电说我误开通了天猫的百万保障 不关闭每月扣钱", ScamSign.charge),
        # a text pasted as received speaks to its reader; English beside Chinese is a word
        ("【Walmart】Dear customer, your parcel could not be delivered, reply with your card "
         "number to reschedule", ScamSign.password),
        ("有个人在Telegram上找我 说是亚马逊招聘 做任务日赚500", ScamSign.job),
        ("有人发消息说是shopee客服 让我加他的line", ScamSign.elsewhere),
        # the police or customs "investigating", a payment "overpaid" to send back
        ("有个自称海关的人打电话说我的包裹里有违禁品 要我配合调查", ScamSign.police),
        ("a buyer sent me a payment email saying she overpaid and I should refund the "
         "difference by zelle", ScamSign.pay),
        # a text pasted whole: it asks nothing and says nothing of the one who pastes it
        ("Walmart Rewards: cashback converted to bitcoin, pay a network fee to withdraw it",
         ScamSign.pay),
        # the greeting is part of what a scam says ("hello dear" is no aside of a question)
        ("Hello dear, I'm with walmart hiring team, daily income 200 usdt for simple tasks",
         ScamSign.job),
        ("接到一个电话说我在天猫开通了会员 每月自动扣费", ScamSign.charge),
        ("Etsy notice: if you did not authorize this order, reply to cancel it", ScamSign.charge),
        ("someone posing as tiktok shop support wants me to top up a deposit in usdt",
         ScamSign.pay),
        ("an email says there was an unauthorized charge on my etsy account, reply to dispute",
         ScamSign.charge),
    ],
)
def test_a_call_or_text_that_asks_for_a_code_pay_or_password_is_a_scam(
    responder: Responder, message: str, sign: ScamSign
) -> None:
    lang: Lang = "en" if message.isascii() else "zh"
    reply, text = ask(responder, message, lang)
    assert isinstance(reply, MessageCheck) and reply.scam is not None, message
    assert sign in reply.scam.signs
    assert text.splitlines()[0].startswith("⛔")
    assert reply.scam.spoofing is not None  # a call or text: caller ID can be faked
    assert reply.scam.never_asks.sources and reply.scam.spoofing.sources


def test_caller_id_of_an_official_number_is_said_to_be_fakeable(responder: Responder) -> None:
    reply, text = ask(responder, "Amazon called me from +1-888-280-4331, is it them?", "en")
    assert isinstance(reply, MessageCheck) and reply.scam is None
    assert reply.numbers[0].is_official and reply.spoofing is not None
    assert "can be faked" in text and "☑️" in text  # a guide's number: listed, not ✅


@pytest.mark.parametrize("question", ["亚马逊卖家账户被冻结了怎么办",
                                      "收到沃尔玛邮件说账户被暂停了 怎么申诉",
                                      "天猫退款要扫码吗", "temu关税怎么算",
                                      "email from walmart seller support, how long till a reply",
                                      "how do I update my account information on amazon"])
def test_a_question_about_a_frozen_account_is_a_question_not_a_scam(
    responder: Responder, question: str,
) -> None:
    # (platforms do notify a suspension by e-mail: said with no ask, it is a question)
    reply, _ = ask(responder, question)
    assert not isinstance(reply, MessageCheck)


def test_the_phishing_link_among_official_ones_leads(responder: Responder) -> None:
    reply, text = ask(responder, "amazon.com amazon.co.uk amazon.de amazon-refund.help 哪个是真的",
                      "zh")
    assert isinstance(reply, MessageCheck) and not reply.all_official
    lines = text.splitlines()
    assert lines[1].startswith("⛔ amazon-refund.help"), lines
    assert sum(line.startswith(("✅", "☑️")) for line in lines) == 3  # Amazon's: ☑️ (guides)
    assert any(line.startswith("安全的做法") for line in lines)


def test_links_over_the_cap_are_called_unchecked_and_unsafe(responder: Responder) -> None:
    official = ["amazon.com", "amazon.co.uk", "amazon.de", "amazon.co.jp", "amazon.cn"]
    message = " ".join([*official[:MAX_LINKS], "amazon-refund.help"]) + " are these real?"
    reply, text = ask(responder, message, "en")
    assert isinstance(reply, MessageCheck)
    assert reply.unchecked_links == 1 and not reply.all_official
    assert "1 more links were not checked" in text and "unsafe" in text
    assert "The safe way" in text


@pytest.mark.parametrize(
    "message", ["工单 400-810-5667 是亚马逊客服吗", "case 400-810-5667 是亚马逊客服吗"]
)
def test_a_number_next_to_a_case_word_is_checked(responder: Responder, message: str) -> None:
    reply, text = ask(responder, message)
    assert isinstance(reply, MessageCheck), reply
    assert [n.text for n in reply.numbers] == ["400-810-5667"]
    assert "不是我知道的任何官方客服号码" in text and "400-810-5666" in text


@pytest.mark.parametrize("written", ["+44 400 810 5666", "400-810-56666", "0086 400 810 56666"])
def test_a_rejected_number_is_not_official_and_gets_the_official_entry(
    responder: Responder, written: str
) -> None:
    reply, text = ask(responder, f"{written} 是亚马逊客服吗")
    assert isinstance(reply, MessageCheck)
    assert "不是有效的电话号码" in text and "亚马逊的官方号码在这里找" in text
    assert "没太明白" not in text


@pytest.mark.parametrize(
    ("message", "lang", "aspect", "fact", "check"),
    [
        ("amazon.co.jp customer service number?", "en", Aspect.phone, "050-3184-6300",
         "☑️ amazon.co.jp"),  # Amazon's domains and numbers come from guides: listed
        ("亚马逊 400-810-5666 几点上班", "zh", Aspect.hours, "", "☑️ 400-810-5666"),
        ("亚马逊 400-810-5667 几点上班", "zh", Aspect.hours, "", "⚠️ 400-810-5667"),
    ],
)
def test_a_real_question_around_a_number_or_link_is_answered_then_checked(
    responder: Responder, message: str, lang: Lang, aspect: Aspect, fact: str, check: str
) -> None:
    reply, text = ask(responder, message, lang)
    assert isinstance(reply, CheckedAnswer), reply
    assert isinstance(reply.answer, DirectAnswer) and reply.answer.aspect is aspect
    assert fact in text
    assert text.index(check) > len(text) // 2  # the check after the answer
    assert len(text) <= 1000


@pytest.mark.parametrize("message", [
    "my listing on amazon.de was removed last night, can i call seller support right now?",
    "call amazon.co.uk right away or wait?"])
def test_right_now_is_no_question_of_whether_a_link_is_real(responder: Responder,
                                                            message: str) -> None:
    # "right?" asks whether something is so; "right now", "right away" ask nothing of
    # the address: the question is answered, and the check follows
    reply, _ = ask(responder, message, "en")
    assert isinstance(reply, CheckedAnswer), reply


@pytest.mark.parametrize(("message", "site"), [
    ("amazon.com customer service phone number?", "us"),  # named by the site's keywords
    ("amazon.co.uk customer service phone number?", "uk"),
    ("amazon.co.jp customer service phone number?", "jp"),  # by its country-code domain
])
def test_an_official_address_in_a_question_names_its_site(responder: Responder, message: str,
                                                          site: str) -> None:
    reply, _ = ask(responder, message, "en")
    assert isinstance(reply, CheckedAnswer), reply
    assert isinstance(reply.answer, DirectAnswer) and reply.answer.ref is not None
    assert reply.answer.ref.site == site


def test_a_real_address_in_a_question_of_trust_comes_after_the_advice(
    responder: Responder,
) -> None:
    # a sender's address can be forged: whether walmart.com is Walmart's is not what is
    # asked, whether to open the attachment is (Walmart's phishing page answers it)
    reply, text = ask(responder, "an email from walmart.com came with an attachment, "
                                 "is it ok to open?", "en")
    assert isinstance(reply, CheckedAnswer), reply
    assert isinstance(reply.answer, DirectAnswer) and reply.answer.aspect is Aspect.safety
    assert "never sends unsolicited e-mails with attachments" in " ".join(text.splitlines()[:4])
    assert text.index("walmart.com is an official") > text.index("with attachments")


@pytest.mark.parametrize(("message", "lang"), [
    ("短信里的链接显示是 amazon.cn 可以点吗", "zh"),
    ("temu发来的链接看着是 temu.com，能点开吗", "zh"),
    ("the link in the text says walmart.com, safe to click?", "en"),
    ("etsy emailed me a link, it shows etsy.com — is it fine", "en"),
])
def test_an_official_address_read_off_a_message_is_not_vouched_for(
    responder: Responder, message: str, lang: Lang,
) -> None:
    # the address typed is what the asker saw of the link, not where it opens: it got the
    # card's way in and "✅ walmart.com is official" as the last word
    reply, text = ask(responder, message, lang)
    assert isinstance(reply, MessageCheck) and reply.relayed is not None, reply
    assert not reply.all_official
    lines = text.splitlines()
    caveat = "⚠️ 这只是你看到的网址" if lang == "zh" else "⚠️ That is only the address as you saw"
    assert lines[1].startswith(caveat), text
    assert "type the address yourself" in text or "手动输入网址" in text


@pytest.mark.parametrize(("message", "lang"), [
    ("amazon.co.jp customer service number?", "en"),
    ("is amazon.com amazon's real site", "en"),
    ("temu.com 是temu官网吗", "zh"),
])
def test_an_address_typed_by_the_asker_gets_no_caveat(responder: Responder, message: str,
                                                      lang: Lang) -> None:
    reply, _ = ask(responder, message, lang)
    check = reply.check if isinstance(reply, CheckedAnswer) else reply
    assert isinstance(check, MessageCheck) and check.relayed is None


@pytest.mark.parametrize(
    "message", ["is this amazon? 400-810-5666", "400-810-5666 是亚马逊的吗", "amazon.co.jp legit?",
                "amazon-refund-help.net scam?"]
)
def test_a_pasted_number_or_link_alone_stays_a_check(responder: Responder, message: str) -> None:
    reply, _ = ask(responder, message)
    assert isinstance(reply, MessageCheck)


@pytest.mark.parametrize(("message", "lang"), [
    ("is amazon-support-help.com amazon's support site?", "en"),
    ("amazon-support-help.com is amazon's support site, right?", "en"),  # a tag question
    ("amazon-support-help.com是亚马逊的官网吧", "zh"),
    ("1-888-280-4331 is amazon's number, right?", "en"),
])
def test_asked_what_a_number_or_link_is_the_check_is_the_answer(
    responder: Responder, message: str, lang: Lang,
) -> None:
    # the look-alike's verdict waited below Amazon's scam card, past what a phone shows
    reply, text = ask(responder, message, lang)
    assert isinstance(reply, MessageCheck), reply
    assert text.splitlines()[1].startswith(("⛔", "☑️")), text


@pytest.mark.parametrize("message", [
    "my order from amazon.com is late, what do i do",
    "temu.com 退货",
])
def test_a_question_of_no_fact_around_a_link_gets_the_card_then_the_check(
    responder: Responder, message: str,
) -> None:
    # it got the link's check alone, as if the address had been pasted with nothing
    reply, _ = ask(responder, message)
    assert isinstance(reply, CheckedAnswer), reply
    assert reply.answer.ref is not None


@pytest.mark.parametrize(("message", "lang"), [
    ("有人打电话问我要天猫账号的密码 说是帮我处理售后", "zh"),
    ("有人问我要天猫账号的密码 说是帮我处理售后", "zh"),
    ("someone asked me for my shopee OTP to fix my refund", "en"),
])
def test_someone_asking_for_a_password_or_code_gets_the_warning_first(
    responder: Responder, message: str, lang: Lang,
) -> None:
    # "有人打电话问我要…密码" named no call the scam words knew ("打电话说" only): the
    # answer was how to ask Tmall to step in, and no warning
    reply, text = ask(responder, message, lang)
    assert isinstance(reply, MessageCheck) and reply.scam is not None, reply
    assert text.startswith("⛔"), text


def test_an_uncovered_platforms_question_with_a_number_stays_a_check(
    responder: Responder,
) -> None:
    reply, text = ask(responder, "京东 400-606-5500 几点上班")
    assert isinstance(reply, MessageCheck) and reply.advice == ()
    body = text.split("来源")[0]  # (the sources of the general advice name the guides)
    assert "亚马逊" not in body and "天猫" not in body  # no other platform's answer


def test_the_scam_words_come_from_the_data_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    safety = yaml.safe_load((data / "safety.yaml").read_text(encoding="utf-8"))
    safety["scam"]["signs"]["code"] = {"zh": ["暗号"], "en": ["xyzzy"]}
    (data / "safety.yaml").write_text(yaml.safe_dump(safety, allow_unicode=True),
                                      encoding="utf-8")
    responder = Responder(load_catalog(data))
    reply, _ = ask(responder, "亚马逊客服来电要我的暗号")
    assert isinstance(reply, MessageCheck) and reply.scam is not None
    assert reply.scam.signs == (ScamSign.code,)
    reply, _ = ask(responder, "亚马逊客服来电要我的验证码")
    assert not isinstance(reply, MessageCheck)


@pytest.mark.parametrize(
    "message",
    ["为什么亚马逊登录要我输入验证码", "amazon asks for a verification code when I log in",
     "亚马逊账户被冻结了 客服电话多少", "how do I change my amazon password"],
)
def test_a_question_about_codes_or_a_frozen_account_is_not_called_a_scam(
    responder: Responder, message: str
) -> None:
    reply, _ = ask(responder, message, "en" if message.isascii() else "zh")
    assert not (isinstance(reply, MessageCheck) and reply.scam is not None), message


@pytest.mark.parametrize(("message", "scam"), [
    # a platform's own e-mail of a suspension, asked about: a seller's question
    ("我在亚马逊卖货 账号被停用了 邮件说让我提交申诉 要准备什么", False),
    ("walmart emailed me that my seller account is suspended, what goes in the appeal", False),
    ("amazon email says my account is deactivated, how to appeal", False),
    # the same claim by phone or text, or an e-mail with a link to act on: a scam
    ("有人打电话说我亚马逊账号被冻结了", True),
    ("邮件说我的亚马逊账户被冻结 点链接验证 http://amaz0n-verify.com", True),
    # SMS as the way a code may come (2FA settings) is no text received
    ("etsy 的验证码能用短信收吗 我不想装app", False),
    ("can i get my etsy verification code by sms instead of an app", False),
    ("收到短信说亚马逊账户异常 要我回复验证码", True),
    ("sms from amazon asking for my otp, real?", True),
    # where to enter a code the platform sent is signing in; read back to someone, a scam
    ("天猫发来一个验证码 要填在哪", False),
    # someone telling their own case asks nothing either, and is no pasted text
    ("I need to pay customs fees for my temu order before it ships to Canada", False),
    # the asker's own wish to add a shop's chat, a platform's own check, an official address
    ("我想加店家微信问问尺码 可以吗", False),
    ("亚马逊让我验证身份 要准备什么", False),
    ("walmart.com gift card balance 怎么查", False),
    ("etsy texted me a code, where should i enter it?", False),
    ("有人打电话说是天猫的 让我把发来的验证码报给他", True),
])
def test_a_suspension_or_code_told_by_the_platform_is_a_question_a_call_text_or_link_a_scam(
    responder: Responder, message: str, scam: bool
) -> None:
    reply, _ = ask(responder, message, "en" if message.isascii() else "zh")
    assert (isinstance(reply, MessageCheck) and reply.scam is not None) is scam, message


def test_a_number_no_platform_claims_asks_which_platform_in_a_short_reply(
    responder: Responder,
) -> None:
    reply, text = ask(responder, "+44 400 810 5666", "en")
    assert isinstance(reply, MessageCheck) and len(reply.advice) > 2
    assert "Which platform is it?" in text and "The safe way" in text
    assert len(text) < 1000


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([
    *"amzon.c/\\@:%5C-+0123456789 ", "＼", "／", "＠", "．", "。", "օ", "а", "验证码", "冻结",
    "https://", "400-810-", "【亚马逊】", "来电", "\u200b",
]), max_size=60).map("".join))
def test_any_mix_of_links_numbers_and_scam_words_gets_a_reply(
    responder: Responder, text: str
) -> None:
    reply, worded = ask(responder, text)
    assert worded is not None
    if isinstance(reply, MessageCheck) and not reply.all_official:
        assert "✅" not in worded.splitlines()[1]  # the worst leads, never a ✅


@pytest.mark.parametrize(("text", "lang", "warning"), [
    # an e-mail from a look-alike: Shopee's own word on the addresses it writes from
    ("got an email from shopee-support-center.net saying my account is locked, is it real",
     "en", "@shopee.com.my"),
    # a caller asking for a card number: Tmall's own word that its service never asks
    ("有人打电话说是天猫客服，要我报银行卡号", "zh", "不会主动索要身份证号、银行卡号、支付密码"),
    # warnings of a platform's scam issue, not only of the platform: Shopee on prizes,
    # Etsy on calls
    ("虾皮发短信说我中奖了 要我点链接领", "zh", "声称你中奖"),
    ("someone called me saying they are etsy support and want my card details", "en",
     "won't make unrequested phone calls"),
    # a shopper's story (no side named) gets a shopper's warning, never a seller's note
    # that happens to share "call" and "number"
    ("my grandpa got a call, someone claiming to be amazon said his account was compromised "
     "and he had to read back a code they texted him. what's the rule?", "en",
     "Never share your account details, password or verification codes"),
])
def test_a_scam_alert_adds_the_platforms_own_warning_about_what_the_message_is(
    responder: Responder, text: str, lang: Lang, warning: str
) -> None:
    reply, shown = ask(responder, text, lang)
    assert isinstance(reply, MessageCheck) and reply.scam is not None
    assert warning in shown
    # right after the alert, before what every platform's guide says, and not instead
    # of the safe way
    assert shown.index("⛔") < shown.index(warning)
    generic = "各平台的指南都提醒" if lang == "zh" else "The platforms' guides warn"
    assert shown.index(warning) < shown.index(generic)
    assert ("安全的做法" if lang == "zh" else "The safe way") in shown


@pytest.mark.parametrize("message", [
    "amazon support said you won't get a refund for this, what now",  # "won't": no prize
    "收到亚马逊的消息说退款已经处理了 多久到账",  # a message, and nothing a scam asks
    # a notice of a real suspension, asked about: no scam (Amazon notifies in Seller Central)
    "got a message from amazon that my seller account is deactivated, how to appeal",
    "收到亚马逊后台消息 账户被停用了 怎么申诉",
])
def test_a_message_received_that_asks_nothing_of_a_scam_is_answered(
        responder: Responder, message: str) -> None:
    reply, _ = ask(responder, message, "en" if message.isascii() else "zh")
    assert isinstance(reply, DirectAnswer)


def test_a_code_the_scammer_got_already_gets_the_remedy_first(responder: Responder) -> None:
    reply, text = ask(responder, "a guy claiming to be shopee support got my otp from me, what now",
                      "en")
    assert isinstance(reply, CheckedAnswer) and reply.answer.aspect is Aspect.safety
    assert "Change your account password and ShopeePay PIN" in text.split("\n• ")[1]


def test_a_scam_alert_adds_no_warning_its_words_do_not_match(responder: Responder) -> None:
    reply, shown = ask(responder, "亚马逊说我账户冻结了 点这个链接解冻 http://amaz0n-help.xyz")
    assert isinstance(reply, MessageCheck) and reply.scam is not None
    assert [(a.platform, a.pertinent) for a in reply.advice] == [("amazon", False)]
    assert "多为诈骗" not in shown  # Amazon's first warning, not about this message


@pytest.mark.parametrize(("message", "checked"), [
    ("我把验证码给了一个自称虾皮客服的人 现在怎么办", True),
    ("有人自称虾皮客服 让我把验证码报给他", False),  # asked for, not given: the warning
])
def test_told_after_the_fact_the_remedy_comes_before_the_warning(
        responder: Responder, message: str, checked: bool) -> None:
    # the code is given already: "don't give anything" comes too late; what to do now
    # (report it to Shopee) leads, the caller-ID warning follows
    reply, text = ask(responder, message)
    assert isinstance(reply, CheckedAnswer) is checked
    if checked:
        assert isinstance(reply, CheckedAnswer) and reply.answer.aspect is Aspect.safety
        assert text.splitlines()[0] == "Shopee（虾皮） — 防骗与隐私" and "+65 6206 6610" in text
    else:
        assert isinstance(reply, MessageCheck) and text.startswith("⛔")


def test_a_scam_naming_no_platform_gets_the_platform_its_words_tell(responder: Responder) -> None:
    # Etsy warns sellers of "buyers" whose payment failed and who send a QR code to scan:
    # the message names no platform, but Etsy's own warning is the one it matches
    message = ("a buyer messaged me that her payment didn't go through and I have to scan a qr "
               "code so she can complete the purchase, legit?")
    reply, text = ask(responder, message, "en")
    assert isinstance(reply, MessageCheck) and reply.scam is not None
    assert [a.platform for a in reply.advice] == ["etsy"]
    assert "Your e-mail is never required for a buyer to complete a purchase" in text


def test_a_warning_that_lists_cases_shows_the_case_the_message_is(responder: Responder) -> None:
    """Temu's list of scams to report has the part-time job fourth: the alert keeps the
    list's head and that case, the others marked "…", where a phone shows it."""
    reply, text = ask(responder, "a stranger texted me a part time job offer, says he's temu",
                      "en")
    assert isinstance(reply, MessageCheck) and reply.scam is not None
    assert ScamSign.job in reply.scam.signs
    warning = next(line for line in text.splitlines() if line.startswith("⚠️ Report it to Temu"))
    assert "part-time job" in warning and "…" in warning
    assert text.index("part-time job") < 300


def test_a_warning_naming_the_very_case_goes_before_a_general_one(responder: Responder) -> None:
    """A courier's text asking for postage is a case Temu's list names; its word on
    e-mails matches nearly as well and says it only in general."""
    reply, text = ask(responder, "temu的快递员发短信 叫我补一笔shipping fee", "zh")
    assert isinstance(reply, MessageCheck) and reply.scam is not None
    warning = next(line for line in text.splitlines() if line.startswith("⚠️"))
    assert warning.startswith("⚠️ 请向 Temu 报告：自称快递要额外运费")


def test_a_step_of_a_way_is_no_warning_to_quote_in_an_alert(responder: Responder) -> None:
    """Etsy's security settings let codes come by voice call; a caller saying he is Etsy
    gets Etsy's word on calls, not that step."""
    reply, text = ask(responder, "有个电话自称etsy客服 叫我验证一下账户", "zh")
    assert isinstance(reply, MessageCheck) and reply.scam is not None
    warning = next(line for line in text.splitlines() if line.startswith("⚠️"))
    assert "打电话" in warning and "验证码的方式" not in warning, warning


@pytest.mark.parametrize("message", [
    "Temu: a reward is waiting for you, see temu-rewards-center.shop",
    "my etsy payout notice links to etsy-payout-verify.net, what now",
    "虾皮通知我去 shopee-refund-service.cn 办理",
])
def test_an_address_made_to_look_like_a_platforms_is_a_scam_by_itself(
        responder: Responder, message: str) -> None:
    """No real message of a platform carries a look-alike of its address: the alert,
    and its first line after the title says whose site it imitates."""
    reply, text = ask(responder, message, "en" if message.isascii() else "zh")
    assert isinstance(reply, MessageCheck) and reply.scam is not None, text
    assert ScamSign.fake_site in reply.scam.signs
    assert text.splitlines()[1].startswith("⛔"), text


@pytest.mark.parametrize("message", [
    "天猫卖家让我私下交易 能便宜200 靠谱吗",
    "etsy buyer wants to pay outside etsy for a bigger order, fine?",
    "a tiktok shop seller offered a discount if I pay by friends and family instead",
])
def test_paying_outside_the_platform_is_a_scam_sign_with_no_message_told(
    responder: Responder, message: str
) -> None:
    # no call, text or message received is told: the offer to pay outside the platform is
    # the scam's move by itself, whoever makes it
    lang: Lang = "en" if message.isascii() else "zh"
    reply, text = ask(responder, message, lang)
    assert isinstance(reply, MessageCheck) and reply.scam is not None, text
    assert ScamSign.outside in reply.scam.signs
    assert text.splitlines()[0].startswith("⛔")


@pytest.mark.parametrize("message", [
    "can the refund go to my personal bank account",
    "退款能退到我的个人银行账户吗",
    "can I pay with venmo on amazon?",
    "蝦皮買家一直要我私下交易，我要怎麼檢舉他？",
])
def test_a_question_about_paying_is_no_scam_alert(responder: Responder, message: str) -> None:
    # a person's own account or a way to pay is no sign alone; someone who asks how to
    # report an offer to trade privately has seen it for what it is
    lang: Lang = "en" if message.isascii() else "zh"
    reply, text = ask(responder, message, lang)
    assert not (isinstance(reply, MessageCheck) and reply.scam is not None), text


@pytest.mark.parametrize("message", [
    "Hi, I'm new to all of this, acct frozen, urgent — should I request a phone callback on amazon",
    "hello, i'm a seller on walmart and my account got suspended, how do i appeal",
])
def test_the_askers_own_hello_is_no_message_received(responder: Responder, message: str) -> None:
    # "Hi, I'm …" opens the asker's own question here: it speaks to no reader, so an
    # account frozen is their question, not a scam's claim
    reply, text = ask(responder, message, "en")
    assert not (isinstance(reply, MessageCheck) and reply.scam is not None), text


@pytest.mark.parametrize("message", [
    "Hi, I'm Jessica from Amazon, your account is frozen",
    "Hello, I'm with walmart support, you need to confirm your password today",
])
def test_a_hello_that_speaks_to_its_reader_is_a_message_received(
        responder: Responder, message: str) -> None:
    # the same greeting in a message pasted whole speaks to its reader: still the alert
    reply, text = ask(responder, message, "en")
    assert isinstance(reply, MessageCheck) and reply.scam is not None, text
    assert text.splitlines()[0].startswith("⛔"), text


@pytest.mark.parametrize(("message", "lang", "real"), [
    ("got an email saying walmart needs me to verify my business information or my seller "
     "account will be suspended, click here https://walmart-seller-verify.com", "en",
     "A request like this can also be real: Under the INFORM Consumers Act"),
    ("沃尔玛邮件说要核验商业信息，不然暂停账户，点这个链接 http://walmart-verify.net", "zh",
     "这类要求也可能是真的：依照 INFORM 法案"),
])
def test_a_request_the_platform_itself_makes_is_said_to_be_possibly_real(
        responder: Responder, message: str, lang: Lang, real: str) -> None:
    # Walmart does ask sellers to verify their business information by e-mail (INFORM
    # Act): its word on that had led the alert bare, under "this looks like a scam", as if
    # a reason to do what the message says. Now it follows the signs, says the request may
    # be real, and how to answer it safely: not by the message's link
    reply, text = ask(responder, message, lang)
    assert isinstance(reply, MessageCheck) and reply.scam is not None, text
    assert any(a.real_request for a in reply.advice)
    lines = text.splitlines()
    real_at = next(i for i, line in enumerate(lines) if real in line)
    signs = "that is what scams do" if lang == "en" else "这是诈骗的典型做法"
    assert next(i for i, line in enumerate(lines) if signs in line) < real_at
    assert not any("INFORM" in line for line in lines[:real_at]), text
    safely = "don't use the message's link" if lang == "en" else "不要用消息里的链接"
    assert safely in lines[real_at]


def test_a_warning_of_what_the_platform_never_does_still_leads(responder: Responder) -> None:
    # Walmart's "never asks you to e-mail passwords" is no request it makes: as before, the
    # platform's own word first, bare
    reply, text = ask(responder, "email from walmart: your account is suspended, reply with "
                                 "your password to restore it", "en")
    assert isinstance(reply, MessageCheck) and reply.scam is not None, text
    assert not any(a.real_request for a in reply.advice)
    assert "can also be real" not in text
