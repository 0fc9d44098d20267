"""Follow-ups: a message that names only part of a question inherits the rest from the
conversation (knowledge.conversation, Responder.converse), visibly, and never carries one
platform's facts into another's answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from knowledge.answer import DirectAnswer
from knowledge.catalog import Catalog, platform_facts
from knowledge.conversation import TTL, Conversation
from knowledge.reply import NotSure, Responder, Turn
from knowledge.schema import Aspect
from knowledge.textnorm import has_han

NOW = datetime(2026, 3, 4, 4, 0, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Shanghai")


def talk(responder: Responder, *messages: str, gap: timedelta = timedelta(minutes=1)) -> Turn:
    """The last turn of a conversation, each message `gap` after the one before."""
    state: Conversation | None = None
    turn: Turn | None = None
    for i, message in enumerate(messages):
        lang = "zh" if has_han(message) else "en"
        turn = responder.converse(message, state, lang=lang, user_zone=ZONE, now=NOW + gap * i)
        state = turn.state
    assert turn is not None
    return turn


def answer(turn: Turn) -> DirectAnswer:
    assert isinstance(turn.reply, DirectAnswer), turn.reply
    assert turn.reply.ref is not None
    return turn.reply


def test_a_place_alone_asks_the_same_fact_for_that_site(responder: Responder) -> None:
    reply = answer(talk(responder, "日本亚马逊电话多少", "那德国呢"))
    assert reply.plain_text().startswith("亚马逊 · 买家 · 德国站 — 客服电话\n")
    assert "0800 290 6666" in reply.plain_text()
    assert "050-3184-6300" not in reply.plain_text()


@pytest.mark.parametrize("messages", [
    ("bought on tiktok shop in america, the kettle came broken, how many days do i have?",
     "and in vietnam?"),
    ("美国tiktok买的东西坏了，退款保障的期限是几天", "越南的呢"),
])
def test_a_place_alone_never_gets_another_sites_channel(
    responder: Responder, messages: tuple[str, str]
) -> None:
    # the US money-back guarantee is a US channel: its description opens "US:", so
    # none of its facts answer for Vietnam
    text = answer(talk(responder, *messages)).plain_text()
    assert "money-back" not in text.lower() and "Money-back" not in text, text
    assert "Delivered" in text, text  # Vietnam's own window, counted from Delivered


def test_the_platform_named_again_on_the_same_card_is_still_a_follow_up(
        responder: Responder) -> None:
    # after the shop's way in, "and Tmall's own?" asks the same (where to start) of
    # the platform's own service, not for the card's summary
    reply = answer(talk(responder, "tmall: where do i chat with the store i ordered from?",
                        "and tmall's own support?"))
    assert reply.aspect is Aspect.entry
    assert "Help Center" in reply.plain_text().splitlines()[1]


@pytest.mark.parametrize(("first", "then"), [
    ("亚马逊卖家邮件一般多久回", "沃尔玛那边也这样吗"),
    ("temu退货要运费吗", "那etsy也这样吗"),
])
def test_a_platform_and_a_word_pointing_back_asks_the_same(responder: Responder, first: str,
                                                          then: str) -> None:
    # "也这样", "也有这种": the last question, of that platform ("这样" and "也有" had read
    # as words of a question of its own: the platform's summary)
    asked = answer(talk(responder, first)).aspect
    assert asked is not None
    assert answer(talk(responder, first, then)).aspect is asked


def test_the_platform_and_a_new_topic_is_a_new_question(responder: Responder) -> None:
    # "亚马逊退款" after a phone number asks about refunds, not for the number again
    text = answer(talk(responder, "日本亚马逊电话多少", "亚马逊退款")).plain_text()
    assert "050-3184-6300" not in text
    assert "退款" in text.splitlines()[1]


def test_after_a_scam_story_a_channel_question_is_about_trust(responder: Responder) -> None:
    # whether to ring the number a caller left is whom to trust: the warning first
    reply = answer(talk(responder, "got a call from a guy saying they're etsy support",
                        "should i phone back the number he left me?"))
    assert reply.aspect is Aspect.safety


def test_a_place_alone_asks_what_the_last_answer_was_about(responder: Responder) -> None:
    # the deadline answered, not what "how many days" would read as on its own
    first = answer(talk(responder, "shopee refund singapore how many days"))
    reply = answer(talk(responder, "shopee refund singapore how many days", "malaysia?"))
    assert first.aspect is reply.aspect is Aspect.deadline
    assert reply.ref is not None and reply.ref.site == "my"


def test_a_channel_the_last_aspect_says_nothing_of_is_asked_for_itself(
        responder: Responder) -> None:
    # Temu's files give no phone line at all, so "can I ring them?" after a refund's
    # time asks for a phone (the answer: none, and beware of numbers online), not for
    # the phone's reply time, which would be "the guides don't say"
    reply = answer(talk(responder, "temu refund how long does it take", "can i ring them?"))
    assert reply.aspect is Aspect.phone
    assert "no customer-service phone number" in reply.plain_text()


def test_how_long_after_a_deadline_is_the_deadline_where_no_reply_time_is_stated(
        responder: Responder) -> None:
    # Temu states no reply times, but a deadline to post a return: "how long until I
    # have to post it" after its return window is that deadline, not "nothing on this"
    reply = answer(talk(responder, "whats temu's return window",
                        "and once i submit the return how long until i have to post it"))
    assert reply.aspect is Aspect.deadline
    assert "14 days" in reply.plain_text()


def test_a_third_message_follows_the_second(responder: Responder) -> None:
    turn = talk(responder, "日本亚马逊电话多少", "那德国呢", "周末开吗")
    reply = answer(turn)
    assert reply.aspect is Aspect.hours
    assert reply.ref is not None and (reply.ref.platform, reply.ref.site) == ("amazon", "de")


@pytest.mark.parametrize(("messages", "days"), [
    (("amazon us seller phone hours", "open on sundays?"),
     "US Eastern time, every day of the year"),
    (("亚马逊卖家美国站电话几点", "礼拜天也有人吗"), "美国东部时间，全年无休"),
])
def test_days_asked_after_the_hours_get_the_schedules_own_word_on_days(
    responder: Responder, messages: tuple[str, str], days: str
) -> None:
    # the hours line says today's times only; which days the line runs is the
    # schedule's own note, shown when the days are what is asked
    reply = answer(talk(responder, *messages))
    assert reply.aspect is Aspect.hours
    assert days in reply.plain_text()[:300], reply.plain_text()


@pytest.mark.parametrize("messages", [
    ("amazon uk customer service number",
     "and japan? my friend lives there and has the same issue"),
    ("英亚客服电话多少", "那日本呢 我朋友在日亚买东西也是一样的问题"),
])
def test_the_same_matter_said_again_asks_the_last_question_of_the_place_named(
        responder: Responder, messages: tuple[str, str]) -> None:
    # "has the same issue": the story around the place is the last question's own
    reply = answer(talk(responder, *messages))
    assert reply.ref is not None and reply.ref.site == "jp", reply.ref
    assert reply.aspect is Aspect.phone and "050-3184-6300" in reply.plain_text()


def test_a_pointer_in_the_last_question_does_not_hold_a_bare_place_to_the_last_site(
        responder: Responder) -> None:
    # "is that normal" carried into "and germany?" points at nothing the last answer
    # showed (its "normal account status" is a coincidence): Germany is asked
    reply = answer(talk(responder, "amazon japan seller case taking forever, is that normal",
                        "and germany?"))
    assert reply.ref is not None and reply.ref.site == "de", reply.ref


def test_a_role_alone_switches_the_role_and_keeps_the_rest(responder: Responder) -> None:
    reply = answer(talk(responder, "美亚客服电话", "and for sellers?"))
    assert reply.ref is not None
    assert (reply.ref.platform, reply.ref.role, reply.ref.site) == ("amazon", "seller", "us")
    assert reply.aspect is Aspect.phone


def test_a_platform_alone_asks_the_same_of_that_platform(responder: Responder) -> None:
    reply = answer(talk(responder, "天猫怎么退货", "tiktok呢"))
    assert reply.ref is not None and reply.ref.platform == "tiktok"
    assert "退货" in reply.plain_text().splitlines()[0]


def test_a_follow_up_never_answers_with_another_platforms_facts(
    responder: Responder, catalog: Catalog
) -> None:
    reply = answer(talk(responder, "how do I contact walmart seller support", "what about e-mail?"))
    assert reply.ref is not None and reply.ref.platform == "walmart"
    cited = {s.id for s in reply.sources}
    walmart = catalog.platform("walmart")
    assert walmart is not None
    own = {s for fact in platform_facts(walmart) for s in fact.sources}
    assert cited and cited <= own, cited - own


def test_a_complete_new_question_replaces_the_conversation(responder: Responder) -> None:
    reply = answer(talk(responder, "日本亚马逊电话多少", "shopee 退货要几天内申请"))
    assert reply.ref is not None
    assert reply.ref.platform == "shopee" and reply.ref.site is None


def test_a_follow_up_after_half_an_hour_starts_afresh(responder: Responder) -> None:
    late = talk(responder, "日本亚马逊电话多少", "那德国呢", gap=TTL + timedelta(minutes=1))
    assert not (isinstance(late.reply, DirectAnswer) and late.reply.ref is not None
                and late.reply.ref.site == "de" and late.reply.aspect is Aspect.phone)


def test_small_talk_and_not_sure_keep_the_conversation(responder: Responder) -> None:
    turn = talk(responder, "日本亚马逊电话多少", "谢谢", "那德国呢")
    assert "0800 290 6666" in answer(turn).plain_text()
    unsure = talk(responder, "日本亚马逊电话多少", "嗯嗯嗯")
    assert isinstance(unsure.reply, NotSure) or unsure.state is not None
    assert unsure.state is not None and unsure.state.ref.site == "jp"


def test_without_a_conversation_a_follow_up_is_not_guessed(responder: Responder) -> None:
    turn = talk(responder, "那德国呢")
    assert not (isinstance(turn.reply, DirectAnswer) and turn.reply.aspect is Aspect.phone)


def test_a_follow_up_on_the_same_card_gets_the_fact_not_the_summary_again(
    responder: Responder,
) -> None:
    """The summary of the returns card was the last answer; "退款不到账呢" stays on that
    card and asks for what its words match."""
    first = answer(talk(responder, "亚马逊怎么退货"))
    assert first.aspect is None  # the card's summary
    reply = answer(talk(responder, "亚马逊怎么退货", "退款不到账呢"))
    assert reply.ref is not None and reply.ref.issue == first.ref.issue
    assert "交易信息" in reply.plain_text().splitlines()[1]


def test_a_role_word_in_a_story_is_the_other_party(responder: Responder) -> None:
    """"卖家呢" asks for sellers; "卖家一直不同意退货" is a buyer talking about the seller."""
    assert answer(talk(responder, "德亚买家客服电话", "卖家呢")).ref.role == "seller"
    story = answer(talk(responder, "亚马逊怎么退货", "卖家一直不同意退货怎么办"))
    assert story.ref is not None and story.ref.role == "buyer"


def test_a_name_alone_asks_the_last_questions_words_of_it(responder: Responder) -> None:
    # the Tmall answer carried no aspect; what it asked (a password) goes on to Etsy
    turn = talk(responder, "天猫客服会问我要支付密码吗", "那etsy呢")
    reply = answer(turn)
    assert reply.ref is not None and (reply.ref.platform, reply.ref.issue) == (
        "etsy", "account_safety")
    assert turn.state is not None and turn.state.words == "会问我要支付密码吗"
    third = answer(talk(responder, "天猫客服会问我要支付密码吗", "那etsy呢", "shopee呢"))
    assert third.ref is not None and (third.ref.platform, third.ref.issue) == (
        "shopee", "account_safety")


def test_a_channel_alone_asks_the_same_of_that_channel(responder: Responder) -> None:
    # "电话呢" after the e-mail reply time: the phone's reply time, not its numbers
    reply = answer(talk(responder, "亚马逊卖家邮件多久回复", "电话呢"))
    assert reply.aspects[:2] == (Aspect.response_time, Aspect.phone)
    assert "5–10 分钟" in reply.plain_text().splitlines()[1]


@pytest.mark.parametrize(("first", "then", "way_in"), [
    ("does temu have a hotline", "ok so how can i contact them", "Your orders"),
    ("沃尔玛卖家客服电话", "那要怎么联系他们", "Seller Center"),
])
def test_how_to_reach_them_after_no_number_asks_for_the_way_in(
        responder: Responder, first: str, then: str, way_in: str) -> None:
    # "then how do i reach them" after "no phone number" is not the phone asked again
    reply = answer(talk(responder, first, then))
    assert reply.aspect is not Aspect.phone
    assert way_in in reply.plain_text()[:300]


def test_how_to_reach_a_place_named_is_the_last_question_of_it(responder: Responder) -> None:
    reply = answer(talk(responder, "虾皮新加坡客服电话", "那马来西亚怎么联系"))
    assert reply.ref is not None and reply.ref.site == "my"
    assert reply.aspect is Aspect.phone


def test_a_role_with_a_filler_word_still_switches_the_role(responder: Responder) -> None:
    reply = answer(talk(responder, "etsy开case要多久有结果", "卖家那边呢"))
    assert reply.ref is not None and reply.ref.role == "seller"


@pytest.mark.parametrize(("first", "then", "channel_fact"), [
    ("亚马逊买家电话", "几点能打", "电话服务多有工作时段限制"),
    ("amazon seller chat", "how fast do they answer", "5–15 minutes"),
])
def test_what_is_asked_next_of_a_channel_is_asked_of_that_channel(
        responder: Responder, first: str, then: str, channel_fact: str) -> None:
    # "几点能打" after the phone numbers: the phone's hours, not the website's
    assert channel_fact in answer(talk(responder, first, then)).plain_text().splitlines()[1]


def test_a_channel_asked_after_where_to_go_is_a_new_question(responder: Responder) -> None:
    # after "天猫官方客服" (where to go), "电话多少" asks for the phone, not its entry
    reply = answer(talk(responder, "天猫官方客服", "电话多少"))
    assert reply.aspect is Aspect.phone


def test_how_do_i_apply_after_a_topic_gives_the_steps(responder: Responder) -> None:
    reply = answer(talk(responder, "shopee return singapore", "ok how do i apply"))
    assert reply.aspect is Aspect.entry
    assert "Return/Refund" in reply.plain_text().splitlines()[1]


def test_a_follow_up_points_back_at_what_was_just_said(responder: Responder) -> None:
    # "they" are the chat agents the last answer named, whose line says they open tickets;
    # not the appeal ticket elsewhere in the seller's files
    turn = talk(responder, "tiktok shop seller chat support", "what is it for",
                "can they open tickets")
    first = answer(turn).plain_text().splitlines()[1]
    assert "Seller Chat Support" in first and "dedicated support tickets" in first
    state = turn.state
    assert state is not None and state.facts  # what the next follow-up may point back to


def test_whom_to_reach_after_the_deadline_said_before(responder: Responder) -> None:
    # "那个期限" is the deadline just answered; who to turn to after it is the question
    reply = answer(talk(responder, "越南tiktok退货能退多久", "过了那个期限还能联系谁"))
    assert reply.aspect is not Aspect.deadline
    assert "超过期限后，可以直接联系卖家" in reply.plain_text().splitlines()[1]


@pytest.mark.parametrize("messages", [("虾皮买的杯子碎了要退货", "卖家硬是不同意怎么办"),
                                      ("tiktok上买的灯坏了想退", "卖家死活不退咋整")])
def test_the_other_side_refusing_asks_for_the_platform_to_step_in(
    responder: Responder, messages: tuple[str, str]
) -> None:
    reply = answer(talk(responder, *messages))
    assert reply.aspect is Aspect.intervene
    assert reply.ref is not None and reply.ref.role == "buyer"  # 卖家 is the other party


def test_a_follow_up_keeps_the_issue_the_answer_was_drawn_from(responder: Responder) -> None:
    # the first answer's fact came from the listing card (its case category), though the
    # question found the general one: "what should i attach" asks what that card says
    turn = talk(responder, "amazon pulled my listing, which category should i pick when opening "
                           "a case?", "what should i attach")
    reply = answer(turn)
    assert reply.aspect is Aspect.prepare
    assert reply.plain_text().splitlines()[1].startswith("• The listing link")


def test_a_follow_up_whose_words_find_only_the_general_card_stays_on_the_topic(
    responder: Responder,
) -> None:
    # "case" finds the sellers' general card; what to attach is the FBA card's list
    turn = talk(responder, "our FBA shipment went out with the wrong ship-to address on its "
                           "labels, can amazon stop it?", "what should I attach to the case?")
    reply = answer(turn)
    assert reply.ref is not None and reply.ref.issue == "fba_shipping"
    assert reply.plain_text().splitlines()[1].startswith("• Tracking number")


def test_a_follow_up_that_points_at_what_was_said_is_about_it(responder: Responder) -> None:
    # "这种取消" points at the cancellations the last answer named (those Walmart makes when a
    # seller misses the 48 hours): whether they can be disputed, not the appeal card that
    # 申诉 finds on its own
    for first, then in (("沃尔玛顾客消息超过48小时不回会有什么后果", "这种取消也能申诉吗"),
                        ("沃尔玛48小时没回顾客消息会怎么样", "这些取消可以申诉吗"),
                        ("沃爾瑪顧客消息超過48小時不回會有什麼後果", "這種取消也能申訴嗎")):
        turn = talk(responder, first, then)
        assert "由此产生的取消和退款不能争议" in answer(turn).plain_text().splitlines()[1]


@pytest.mark.parametrize("switch", ["换成{}呢", "{}也一样吗", "改问{}", "switch to {}",
                                    "{} instead?", "what about the {} site"])
def test_a_place_with_a_word_of_switching_asks_the_same_of_that_place(
    responder: Responder, catalog: Catalog, switch: str,
) -> None:
    # "换成德国呢", "Germany instead?": the words that turn to another place say nothing of
    # what is asked, so the last question is asked again of the place, on every platform
    # with sites and whatever was asked
    for platform in catalog.platforms.values():
        if len(platform.sites) < 2:
            continue
        first, then = platform.sites[0], platform.sites[1]
        english = not has_han(switch)
        name = platform.name.en if english else platform.name.zh.split("（")[0]
        place = then.name.en if english else then.name.zh.removesuffix("站")
        for asked in (("{} {} customer service phone number", "{}{}客服电话多少"),
                      ("does {} {} have chinese speaking support", "{}{}有中文客服吗")):
            question = asked[0 if english else 1].format(
                name, first.name.en if english else first.name.zh.removesuffix("站"))
            before = answer(talk(responder, question))
            after = answer(talk(responder, question, switch.format(place)))
            assert after.ref is not None and after.aspect is before.aspect, (question, switch)
            assert (after.ref.platform, then.id) in ((platform.id, after.ref.site),
                                                     (platform.id, after.uncovered_site))


@pytest.mark.parametrize("switch", ["作为卖家呢", "换成卖家呢", "我是卖家呢", "what about sellers",
                                    "seller side?", "i'm a seller though"])
def test_a_role_with_words_of_switching_asks_the_same_of_that_role(
    responder: Responder, catalog: Catalog, switch: str,
) -> None:
    # "what about sellers" names the role asked of, not a seller addressed ("what about the
    # seller?", "complain about the seller" are); "作为", "换成", "side" say nothing more
    for platform in catalog.platforms.values():
        if {r.id for r in platform.roles} != {"buyer", "seller"}:
            continue
        english = not has_han(switch)
        name = platform.name.en if english else platform.name.zh.split("（")[0]
        for asked in (("{} customer service phone number", "{}客服电话多少"),
                      ("{} customer service hours", "{}客服几点上班")):
            question = asked[0 if english else 1].format(name)
            before = answer(talk(responder, question))
            assert before.ref is not None and before.ref.role == "buyer", question
            after = answer(talk(responder, question, switch))
            assert after.ref is not None, (question, switch)
            assert (after.ref.platform, after.ref.role, after.aspect) == (
                platform.id, "seller", before.aspect), (question, switch)


def test_the_role_the_asker_says_is_theirs_is_answered_even_with_nothing_for_it(
    responder: Responder,
) -> None:
    # TikTok Shop's files give no hours for sellers: "我是卖家呢" and "几点上班" after the
    # sellers' chat are told so, not given the shoppers' hours as if they were theirs
    for messages in (("TikTok Shop客服几点上班", "我是卖家呢"),
                     ("TikTok Shop卖家有在线客服吗", "几点上班")):
        reply = answer(talk(responder, *messages))
        assert reply.ref is not None and reply.ref.role == "seller", messages
        assert reply.aspect is Aspect.hours and not reply.facts, messages


@pytest.mark.parametrize(("first", "then"), [
    ("亚马逊客服几点上班", "号码呢"), ("Shopee customer service hours", "the number?")])
def test_the_number_after_the_hours_asks_the_number(
    responder: Responder, first: str, then: str,
) -> None:
    # "电话呢" after the hours asks the phone line's hours; "号码呢" names the number itself
    reply = answer(talk(responder, first, then))
    assert reply.aspect is Aspect.phone
    hours = answer(talk(responder, first, "电话呢" if has_han(first) else "phone?"))
    assert hours.aspect is Aspect.hours


def test_how_to_get_there_after_the_hours_asks_the_way_in(responder: Responder) -> None:
    # "there" is no aside ("hi there" is), and "how do i get there" asks how to navigate
    reply = answer(talk(responder, "Amazon customer service hours", "how do i get there"))
    assert reply.aspect is Aspect.entry


@pytest.mark.parametrize("messages", [
    ("天猫订单一直不发货找谁", "鞋子买大了不想要了，能退吗"),
    ("天猫店铺客服一直不回", "东西不喜欢了还没拆封，可以退吗"),
])
def test_a_follow_up_about_another_matter_of_the_platform_is_asked_afresh(
    responder: Responder, messages: tuple[str, str]
) -> None:
    # search places no card for the second message, but its words tell the no-reason
    # return far better than anything of the shipping or no-reply card: the return, not
    # what to prepare for a late parcel or what to do when nobody answers
    reply = answer(talk(responder, *messages))
    assert reply.ref is not None and reply.ref.platform == "tmall"
    assert "七天无理由" in reply.plain_text()[:120], reply.plain_text()


@pytest.mark.parametrize("messages", [
    ("沃尔玛卖家账号被暂停了怎么申诉", "美国的顾客发消息来，我能用中文回吗"),
    ("walmart seller account suspended, how do i appeal", "can i answer US customers in chinese?"),
    ("沃尔玛的主要业务联系人在哪里改", "能填中国的手机号吗"),
])
def test_a_place_in_passing_after_a_one_market_platform_keeps_the_platform(
    responder: Responder, messages: tuple[str, str]
) -> None:
    # Walmart's files have no sites: "US customers", "a Chinese phone number" are words of
    # the question, not Amazon's US or China site
    reply = answer(talk(responder, *messages))
    assert reply.ref is not None and reply.ref.platform == "walmart", reply.plain_text()


@pytest.mark.parametrize("then", ["那德国呢", "德国站客服电话多少"])
def test_a_place_asked_about_after_a_one_market_platform_is_another_platform(
    responder: Responder, then: str
) -> None:
    # a place alone, or written as a site, asks about that marketplace: Tmall has none
    reply = answer(talk(responder, "天猫客服电话多少", then))
    assert reply.ref is not None and (reply.ref.platform, reply.ref.site) == ("amazon", "de")


def test_the_last_answers_facts_do_not_outweigh_one_sharing_more_of_the_follow_up(
    responder: Responder,
) -> None:
    # the credit rule was shown; "填错了邮编" is the case without one, which the follow-up's
    # own words (晚到, 邮编, 补偿) match more of: that leads, not the rule shown again
    reply = answer(talk(responder, "temu退货要在几天内寄出",
                        "快递晚到是因为我填错了邮编，还能拿补偿吗"))
    assert reply.plain_text().splitlines()[1].startswith("• 不给延迟补偿的情况包括")


@pytest.mark.parametrize(("first", "then", "start"), [
    ("沃尔玛退货争议最晚几天内要提", "客服怎么联系",
     "沃尔玛 Marketplace · 卖家 · 怎么联系沃尔玛 Seller Support"),
    ("etsy order never arrived, what now", "ok and how do i contact etsy support?",
     "Etsy · Buyer · Reaching Etsy support"),
])
def test_how_to_reach_support_after_a_topic_is_the_platforms_support(
    responder: Responder, first: str, then: str, start: str
) -> None:
    # how to reach customer service at all, mid-conversation: the platform's support for
    # the role, not the last topic's tool again
    assert answer(talk(responder, first, then)).plain_text().startswith(start)


@pytest.mark.parametrize(("first", "more"), [
    ("亚马逊卖家账号被封了要准备什么", "还有呢"),
    ("what do i need for an amazon seller suspension appeal", "anything else?"),
])
def test_asking_for_more_leads_with_what_the_last_answer_did_not_show(
        responder: Responder, first: str, more: str) -> None:
    before = answer(talk(responder, first))
    after = answer(talk(responder, first, more))
    # the same thing asked, of the same card; nothing shown before is shown again
    assert after.ref == before.ref and after.aspect is before.aspect
    assert after.facts and not set(after.facts) & set(before.facts)


def test_another_number_asked_is_no_request_for_more_of_the_same(responder: Responder) -> None:
    # 还有别的号码吗 asks for another number: the numbers again, not the notes left over
    after = answer(talk(responder, "亚马逊中国大陆的客服热线是几号", "打不通 还有别的号码吗"))
    assert after.aspect is Aspect.phone and "400-820-8686" in after.plain_text()[:300]


@pytest.mark.parametrize(("messages", "platform"), [
    (("etsy 怎么联系卖家", "卖家不回呢"), "etsy"),
    (("how do I message an etsy seller", "they're not answering"), "etsy"),
])
def test_no_reply_on_the_general_card_gets_the_platforms_playbook_first(
    responder: Responder, catalog: Catalog, messages: tuple[str, ...], platform: str,
) -> None:
    # a channel's note tagged follow-up ("Etsy emails you when the refund is confirmed")
    # led; what to do when the other side is silent is the platform's playbook
    said = answer(talk(responder, *messages))
    assert said.aspect is Aspect.followup and said.facts
    facts = {f.path: f for f in platform_facts(catalog.platform(platform))}
    first = facts[said.facts[0]]
    assert first.channel is None, said.facts


def test_a_function_word_pair_says_nothing_of_which_fact(responder: Responder) -> None:
    # "不太敢打" shared 不太 with the e-mail channel's "不太紧急的事务": asked whether a
    # number found online can be trusted, the answer was about e-mail
    said = answer(talk(responder, "中国亚马逊的客服热线", "这号码靠谱吗，网上搜的不太敢打"))
    assert said.aspect is Aspect.safety, said.headline


def test_a_tip_said_after_a_channels_figure_is_no_matter_of_the_conversation(
    responder: Responder,
) -> None:
    # the e-mail's reply time led, the ads card's tip "广告设置这类普通咨询通常走邮件" came
    # second: the follow-up was taken to the ads card, and its playbook counted from the
    # ads support's window
    said = answer(talk(responder, "亚马逊卖家邮件支持多久回", "超过72小时还没回怎么办"))
    assert said.ref is not None and said.ref.issue != "ads"
    assert "广告支持" not in said.plain_text(), said.plain_text()


@pytest.mark.parametrize("messages", [
    ("沃尔玛 收到退货后多久之内要处理", "过了48小时呢"),
    ("沃爾瑪 收到退貨後多久之內要處理", "過了48小時呢"),  # traditional characters
    ("亚马逊卖家收到绩效通知 多久内要申诉", "过了72小时呢"),
    ("how long do I have to dispute a walmart customer care refund", "and after 48 hours?"),
])
def test_a_time_alone_after_a_limit_asks_what_the_limit_says_once_passed(
    responder: Responder, messages: tuple[str, str],
) -> None:
    # read as a reply waited for 48 hours: the follow-up playbook ("已等约 48 小时")
    said = answer(talk(responder, *messages))
    assert said.aspect is Aspect.deadline, said.headline


@pytest.mark.parametrize(("messages", "channel"), [
    (("tmall app, how do i message the seller about my order", "and on the desktop site?"),
     "merchant"),
    (("how do i message an etsy seller in the app", "and on the website?"), None),
])
def test_the_other_medium_asked_keeps_the_channel_whose_steps_were_shown(
    responder: Responder, catalog: Catalog, messages: tuple[str, str], channel: str | None,
) -> None:
    # "and on the desktop site?" after the shop's app steps got Tmall's own service's web
    # steps: the channel shown is what is asked about, on the other medium
    first = answer(talk(responder, messages[0]))
    said = answer(talk(responder, *messages))
    platform = catalog.platform(said.ref.platform if said.ref else "")
    assert platform is not None
    facts = {f.path: f for f in platform_facts(platform)}
    shown = next(facts[p].channel for p in first.facts if facts[p].channel is not None)
    assert channel is None or shown == channel
    lead = facts[said.facts[0]]
    assert lead.channel == shown and lead.path.split(".")[2] == "steps_web", said.facts


def test_a_follow_up_naming_no_side_stays_on_the_conversations_side(
    responder: Responder,
) -> None:
    # the buyers' order-problem card matched "miss the 48 hours" best: a seller's
    # conversation was answered with the shoppers' phone facts
    said = answer(talk(responder, "etsy, where do help requests show up for sellers",
                       "and if i miss the 48 hours?"))
    assert said.ref is not None and said.ref.role == "seller", said.headline


@pytest.mark.parametrize(("messages", "said"), [
    # a limit missed, after the limit was answered: what follows it, not the limit again
    (("walmart seller: a return just got back to my warehouse, how long to look at it",
      "and if I miss the deadline?"), "refunds the customer automatically"),
    (("walmart seller: how do I dispute a Customer Care refund",
      "what if I'm two days late"), "denied"),
    (("etsy seller, a buyer opened a help request, how long have i got", "what if i miss it"),
     "or the buyer can open a case"),
    # said at once, with the window past
    (("越南tiktok 退货期过了 还能找谁",), "超过期限后，可以直接联系卖家"),
    (("马来西亚虾皮的 guarantee 过期了会怎样",), "货款自动放给卖家"),
    # a time said: the limit passed, not a step done wrong (a second dispute of one item)
    (("沃尔玛的退货在仓库放了三天我都没处理 会怎样",), "沃尔玛会自动给顾客退款"),
])
def test_what_follows_a_missed_limit_leads(
        responder: Responder, messages: tuple[str, ...], said: str) -> None:
    reply = answer(talk(responder, *messages))
    assert said in reply.plain_text().split("\n• ")[1]


def test_what_happens_in_a_process_is_no_missed_limit(responder: Responder) -> None:
    # "what happens to the refund once I dispute": the refund on hold, not the rule
    # that a late dispute is denied
    reply = answer(talk(responder, "沃尔玛提交退货争议以后 顾客的退款会怎样"))
    assert "72 小时" in reply.plain_text()[:300]
    assert "会被拒绝" not in reply.plain_text()[:300]


def test_how_soon_after_a_fact_with_a_time_limit_asks_that_limit(
        responder: Responder) -> None:
    # Temu states no reply time for shoppers; the credit just shown says "within 48 hours"
    reply = answer(talk(responder, "temu: what counts as a late delivery for the credit",
                        "how soon does it come"))
    assert reply.aspect is Aspect.deadline
    assert "within 48 hours" in reply.plain_text()[:300]


def test_how_soon_they_answer_is_never_read_as_a_deadline(responder: Responder) -> None:
    # no reply time in the files, and no limit asked about: the guides don't say, rather
    # than Temu's return window
    reply = answer(talk(responder, "how soon will temu answer me"))
    assert reply.aspect is Aspect.response_time and not reply.facts


@pytest.mark.parametrize(("messages", "platform"), [
    (("有人冒充temu发短信 让我点链接验证账户 不然冻结", "我想举报 怎么弄"), "temu"),
    (("someone texted me saying they're from walmart and want my password", "where do i report it"),
     "walmart"),
])
def test_after_a_scam_alert_the_conversation_is_about_that_platforms_scams(
        responder: Responder, messages: tuple[str, str], platform: str) -> None:
    """The alert names the platform concerned; "where do i report it" is about it, not a
    platform guessed anew (Tmall, when none is named)."""
    reply = answer(talk(responder, *messages))
    assert reply.ref is not None and reply.ref.platform == platform, reply.plain_text()


@pytest.mark.parametrize(("messages", "aspect"), [
    # Etsy states no hours: still the hours asked, not the seller's "48 hours" to respond
    (("amazon customer service hours", "same for etsy"), Aspect.hours),
    # Tmall lists no e-mail: said plainly, not a tip that mentions leaving an e-mail
    (("TikTok Shop客服邮箱是什么", "天猫呢"), Aspect.email),
])
def test_what_the_new_platform_states_nothing_of_is_still_what_is_asked(
        responder: Responder, messages: tuple[str, str], aspect: Aspect) -> None:
    assert answer(talk(responder, *messages)).aspect is aspect


@pytest.mark.parametrize("messages", [
    ("my tiktok shop order arrived broken and the seller won't help", "how do i do that"),
    ("tiktok买的充电宝坏了 卖家不管", "具体点哪里"),
])
def test_where_to_click_after_an_answer_is_for_the_channel_it_pointed_to(
        responder: Responder, messages: tuple[str, str]) -> None:
    """The answer said "open a case with TikTok Customer Service" (a note of the seller's
    chat): its way in, not the way to message the seller."""
    reply = answer(talk(responder, *messages))
    assert reply.aspect is Aspect.entry
    assert "Get Help" in reply.plain_text().split("\n", 2)[1], reply.plain_text()
    assert "Message" not in reply.plain_text().split("\n", 2)[1], reply.plain_text()


@pytest.mark.parametrize(("messages", "said"), [
    (("天猫客服几点上班", "机器人呢"), "智能机器人客服 · 🟢 全天开放"),
    (("tmall customer service hours", "and the bot?"), "Service robot · 🟢 Open 24 hours"),
    (("天猫智能客服几点有", "人工呢"), "一般全天在线"),
])
def test_a_way_named_alone_after_hours_asks_its_hours(
    responder: Responder, messages: tuple[str, str], said: str
) -> None:
    # naming a way of reaching them after their hours asks the hours of that way, not
    # the way in to it
    reply = answer(talk(responder, *messages))
    assert reply.aspect is Aspect.hours, reply.plain_text()
    assert said in reply.plain_text()[:300], reply.plain_text()


@pytest.mark.parametrize(("messages", "step"), [
    (("how do i dispute a walmart customer return", "what do i do next"),
     "Select Dispute this return"),
    (("how do i dispute a walmart customer return", "what do i do next", "then what"),
     "Follow the prompts and submit the evidence"),
    (("temu怎么申请退货退款", "接下来呢"), "确认已收到包裹，选择要退的商品和原因"),
])
def test_what_next_after_where_to_click_is_the_step_after(
    responder: Responder, messages: tuple[str, ...], step: str
) -> None:
    # the step after the one the last answer began with leads; the ones before it are
    # not repeated
    reply = answer(talk(responder, *messages))
    text = reply.plain_text()
    assert step in text[:200], text
    assert "Open the Returns dashboard" not in text and "登录账户" not in text, text


def test_doing_it_again_after_a_wait_is_what_the_files_call_a_duplicate(
    responder: Responder,
) -> None:
    # Walmart: a second dispute of the same item is reviewed as an appeal of the first;
    # "file it again" matched a step's "file name" instead
    text = answer(talk(responder, "my walmart return dispute has had no answer for four days",
                       "can I just file it again?")).plain_text()
    assert "treated as an appeal" in text[:300], text


@pytest.mark.parametrize(("messages", "aspect"), [
    # "nothing" heard once the time said has passed is a reply waited for, not the same
    # reply time again
    (("how fast does amazon answer emails", "what if nothing comes by then?"), Aspect.followup),
    (("walmart seller support, how long for a reply", "and if I've had nothing yet?"),
     Aspect.followup),
    # "人工呢" after the hours is that way's hours; asked how, it is how to get a person
    (("天猫机器人客服晚上在吗", "怎么转人工"), Aspect.human),
    (("is amazon's chat open on sundays", "how do I get a real person on it"), Aspect.human),
])
def test_a_follow_up_that_asks_something_new_is_not_the_last_aspect_again(
    responder: Responder, messages: tuple[str, str], aspect: Aspect
) -> None:
    said = answer(talk(responder, *messages))
    assert said.aspect is aspect, (said.aspect, said.plain_text())


@pytest.mark.parametrize("messages", [
    ("bought on tiktok shop, the seller never replies to me", "how exactly?"),
    ("tiktok shop买的东西 卖家一直不回", "具体怎么做"),
])
def test_how_exactly_asks_the_way_in_of_the_channel_the_last_answer_pointed_to(
        responder: Responder, messages: tuple[str, str]) -> None:
    # the last answer said "open a case with TikTok Customer Service: Help → …", calling
    # the channel by its name without the brackets: its steps, not the seller chat's
    reply = answer(talk(responder, *messages))
    assert reply.aspect is Aspect.entry, reply.aspect
    first = reply.plain_text().split("•")[1]
    assert "Help" in first and ("far right" in first or "最右边" in first), reply.plain_text()


@pytest.mark.parametrize(("messages", "step"), [
    (("天猫客服一直没回我", "还是没人理呢"), "主动联系客服询问处理进度"),
    # after round 2 (48 h waited), round 3: check the mailbox first
    (("amazon seller support no reply for 2 days on my case", "tried that, still nothing"),
     "No reply after 72 hours: first check your mailbox"),
])
def test_still_nothing_after_what_to_do_asks_the_next_rounds_steps(
        responder: Responder, messages: tuple[str, str], step: str) -> None:
    # the steps just given did not help: the round after them, not the same lines again
    first = answer(talk(responder, *messages)).plain_text().split("•")[1]
    assert step in first, first


def test_an_aspect_with_nothing_here_lets_its_own_words_find_the_fact(
        responder: Responder) -> None:
    # "still wait" reads as a reply awaited, of which the files say nothing for TikTok
    # sellers; the words that read it tell the Help Center's "no wait for an agent"
    text = answer(talk(responder, "tiktok shop seller help center",
                       "do i still wait for an agent there?")).plain_text()
    first = text.split("•")[1]
    assert "no wait for an agent" in first, text
    assert "don't say" not in text, text


def test_a_time_said_after_an_answer_that_stated_that_limit_asks_past_the_limit(
        responder: Responder) -> None:
    # the answer's first line gave the 48-hour limits; "more than two days?" is past one
    # of them, not a reply awaited for two days
    reply = answer(talk(responder, "沃尔玛客服给顾客的退款 在哪个页面提争议", "超过两天了呢"))
    assert reply.aspect is Aspect.deadline, reply.plain_text()
    assert "已等约" not in reply.plain_text()


@pytest.mark.parametrize(("messages", "said"), [
    (("亚马逊卖家工单一直没人回", "都三天了还是没动静"), "已等约 3天"),
    (("amazon seller case, nobody answers", "it's been 4 days and still nothing"),
     "Waited about 4 days"),
])
def test_still_nothing_with_a_time_said_is_the_round_of_that_time(
        responder: Responder, messages: tuple[str, str], said: str) -> None:
    # the time says which round it is, rather than the round after the last one shown
    first = answer(talk(responder, *messages)).plain_text().split("•")[1]
    assert said in first, first


def test_a_wait_answered_keeps_the_conversation_on_its_card(responder: Responder) -> None:
    # the first answer's escalation line came from the suspension card; the wait was
    # about a case, so the next wait is measured against the case's window, not an
    # appeal's
    first = answer(talk(responder, "amazon seller case 48 hours no reply, should i ask for a"
                                   " supervisor?", "4 days now, still nothing")
                   ).plain_text().split("•")[1]
    assert "Seller Central Contact Us" in first and "Performance Notification" not in first, first


def test_a_word_in_passing_does_not_turn_a_time_taken_into_the_time_limit(
        responder: Responder) -> None:
    # "seller" is said by the returns window's fact ("for Mall sellers") and not by the
    # dispute's time; one common word is no reason to answer the deadline again
    reply = answer(talk(responder, "shopee philippines return window?",
                        "ok and when the seller disputes it, how long does that take"))
    assert "7-9 working days" in reply.plain_text().splitlines()[1], reply.plain_text()


@pytest.mark.parametrize("messages", [
    ("walmart charged my referral fee in the wrong category, how do i dispute that",
     "and how long do they usually need?"),
    ("referral fee dispute on walmart - where do i file it?", "how long till they get back?"),
])
def test_a_time_asked_on_is_the_time_of_the_way_the_last_answer_was_about(
        responder: Responder, messages: tuple[str, str]) -> None:
    # the card's first way is the customer-return dispute (a 72-hour refund hold); the
    # answer before was the referral-fee dispute's, which is resolved in 24-48 hours
    text = answer(talk(responder, *messages)).plain_text()
    assert "24-48" in "\n".join(text.splitlines()[:2]), text


def test_what_if_after_a_way_shown_asks_on_about_that_way(responder: Responder) -> None:
    # the answer before led with marking a message as spam; "what if it's a fake" asks
    # how to do that, not the card's other scam warnings
    text = answer(talk(responder, "etsy seller here, someone messaged me saying they're "
                       "etsy support, how do i know it's legit", "ok what if it's a fake")
                  ).plain_text()
    assert "Mark as Spam" in "\n".join(text.splitlines()[:2]), text


@pytest.mark.parametrize("messages", [
    ("how do I get tmall to step in on a return dispute with a shop",
     "what evidence should i bring"),
    ("how do I get tmall to step in on a return dispute with a shop",
     "which documents should I bring along"),
])
def test_one_word_in_passing_does_not_overrule_the_aspect_asked(
        responder: Responder, messages: tuple[str, str]) -> None:
    # "bring" is a rare word in the files, and the line on complaining to Tmall says it
    # ("bring solid evidence"): one shared word had made the answer about stepping in
    # again, where what to have ready is asked
    reply = answer(talk(responder, *messages))
    assert reply.aspect is Aspect.prepare, reply.plain_text()


def test_a_shoppers_question_search_is_unsure_of_stays_a_shoppers(responder: Responder) -> None:
    # search's cards were all the shoppers' but one, at half their score; a sellers' line
    # sharing "payment" and "phone" had made it a seller's question, and the next message
    # got "no dial-in number for sellers" for Germany
    asked = "Amazon payment issue, weird charge on my card — chat or phone?"
    first = answer(talk(responder, asked))
    assert first.ref is not None and first.ref.role == "buyer", first.ref
    reply = answer(talk(responder, asked, "what's the number in Germany? I'm living in Berlin"))
    assert "0800 290 6666" in reply.plain_text(), reply.plain_text()


@pytest.mark.parametrize("messages", [
    ("天猫有在线客服吗", "节假日呢"),
    ("天猫有在线客服吗", "春节期间呢"),
    ("does Etsy have live chat", "what about holidays?"),
])
def test_a_season_asked_on_is_the_question_even_where_the_files_have_none(
        responder: Responder, messages: tuple[str, ...]) -> None:
    # the holidays are what is asked: that the files give none for this platform is the
    # answer (a season in a first question of something else is only when it happens)
    assert answer(talk(responder, *messages)).aspect is Aspect.holiday


@pytest.mark.parametrize("messages", [
    ("how many days do i get to return a temu order", "and after i submit it?"),
    ("how many days do i get to return a temu order", "ok, once submitted?"),
])
def test_a_step_taken_asks_what_comes_after_it_not_how_to_take_it(
        responder: Responder, messages: tuple[str, ...]) -> None:
    # "submit" is a word of the way in, but after "once" or "after" it is a step the asker
    # has taken (as 提交以后呢): the limit that runs from it, not where to submit
    reply = answer(talk(responder, *messages))
    assert reply.aspect is Aspect.deadline, reply.plain_text()
    assert "14" in reply.lines[0].text, reply.plain_text()


@pytest.mark.parametrize("messages", [
    ("沃尔玛退货争议有电话吗", "要准备什么证据"),
    ("walmart customer return dispute phone number?", "what do i need to have ready"),
])
def test_what_to_prepare_after_no_phone_is_the_matters_list(
        responder: Responder, messages: tuple[str, ...]) -> None:
    # Walmart gives sellers no phone at all, so "what to prepare" after the phone is not
    # asked of a phone: the return dispute's own list leads, not a line of another way's
    # case form (the referral-fee dispute's "put the PO number in your case")
    reply = answer(talk(responder, *messages))
    assert reply.aspect is Aspect.prepare, reply.plain_text()
    assert "RMA" in reply.lines[0].text, reply.plain_text()


@pytest.mark.parametrize(("first", "bare"), [
    ("etsy seller never answered my help request", "and how"),
    ("shopee seller ignoring my return request", "how?"),
    ("tiktok shop buyer, the seller won't refund me", "ok but how?"),
])
def test_a_bare_how_asks_how_to_do_what_was_just_said(
        responder: Responder, first: str, bare: str) -> None:
    # "how?" alone is "how do i do that" (the steps), not the last aspect again; inside a
    # sentence "how" stays unread ("how does etsy decide a case")
    reply = answer(talk(responder, first, bare))
    assert reply.aspect is Aspect.entry, reply.plain_text()
    said = answer(talk(responder, first, "how do i do that"))
    assert reply.plain_text() == said.plain_text()


def test_more_after_a_sites_number_says_no_false_nothing_for_that_site(
        responder: Responder) -> None:
    # Singapore's number was shown; what is left of the phone is about other sites. "还有呢"
    # had said "the guides have nothing on this for Singapore" (they do: it was just shown)
    reply = answer(talk(responder, "虾皮新加坡 验证码给了骗子 打哪个电话举报", "还有呢"))
    text = reply.plain_text()
    assert "指南没有给出" not in text, text
    assert "997" not in text and "马来西亚反诈热线" not in text, text


def test_more_to_do_after_a_scam_number_is_the_matters_own_advice(
        responder: Responder) -> None:
    # the scam card's own advice (change the password and PIN now) comes before a note of
    # one of its ways (what to say when reporting)
    reply = answer(talk(responder, "shopee sg: phone number to report phishing",
                        "what else can i do"))
    assert "password and ShopeePay PIN" in reply.lines[0].text, reply.plain_text()


@pytest.mark.parametrize("messages", [
    ("天猫怎么联系卖家", "卖家一直不回我"),
    ("天猫买的鞋子开胶了", "店家不回消息"),
    ("how do i message the shop on tmall", "the seller never replies"),
])
def test_a_shop_that_gives_no_reply_is_got_past_by_the_platform(
        responder: Responder, messages: tuple[str, ...]) -> None:
    # the shop, not Tmall's own service, is who does not answer: waiting on the
    # platform's chat (turn on notifications, don't ask twice) is no way on; asking
    # Tmall to step in is
    reply = answer(talk(responder, *messages))
    assert reply.aspect is Aspect.intervene, reply.plain_text()


@pytest.mark.parametrize("messages", [
    ("walmart where do i dispute a return", "i don't see a dispute button"),
    ("walmart where do i dispute a return", "the dispute button isn't showing"),
])
def test_a_button_not_seen_is_why_it_is_not_there(
        responder: Responder, messages: tuple[str, ...]) -> None:
    # "see" and "show" go with what the files say of a button that is not there ("If
    # there's no Dispute button, the refund hasn't been issued…"), not the Help button
    reply = answer(talk(responder, *messages))
    assert "no Dispute button" in reply.lines[0].text, reply.plain_text()


@pytest.mark.parametrize("messages", [
    ("etsy上怎么联系卖家", "那etsy官方呢"),
    ("tiktok shop怎么找卖家", "那tiktok官方呢"),
])
def test_the_same_platform_named_again_keeps_the_askers_side(
        responder: Responder, messages: tuple[str, ...]) -> None:
    # naming the platform again, with no role and nothing else asked, asks on: a shopper
    # who asked how to reach the seller asks how to reach the platform, not a seller's
    # question about Etsy stepping in
    reply = answer(talk(responder, *messages))
    assert reply.ref is not None and reply.ref.role == "buyer", reply.plain_text()
    assert reply.aspect is Aspect.entry, reply.plain_text()
