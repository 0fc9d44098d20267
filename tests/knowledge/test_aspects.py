"""Reading what a question asks: aspects from words, ranked, and the time already waited.

These run on the real words file (knowledge/data/aspects.yaml) through the real search
index, which owns the detector: the words are language, not platform data, and what
users type is what these tests are about.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from knowledge.aspects import AspectDetector, parse_elapsed
from knowledge.catalog import DATA_DIR, Catalog, CatalogError, load_catalog
from knowledge.schema import Aspect
from knowledge.search import SearchIndex
from knowledge.textnorm import analyze
from tests.knowledge.conftest import write_catalog


@pytest.fixture(scope="module")
def detector() -> AspectDetector:
    return SearchIndex(load_catalog()).aspects


@pytest.mark.parametrize(
    ("question", "aspect"),
    [
        # the brief's own examples
        ("电话多少", Aspect.phone),
        ("幾點開門", Aspect.hours),  # traditional
        ("how long till they reply", Aspect.response_time),
        ("wat time open", Aspect.hours),  # misspelt, short words
        ("转人工", Aspect.human),
        ("怎么找真人", Aspect.human),
        ("客服介入", Aspect.intervene),
        ("plan of action deadline", Aspect.deadline),
        ("聊天记录保存多久", Aspect.retention),
        ("黑五回复慢吗", Aspect.holiday),
        ("supervisor", Aspect.escalation),
        ("没人回复怎么办 48小时", Aspect.followup),
        # more colloquial, traditional and English forms
        ("電話號碼是多少", Aspect.phone),
        ("客服幾點下班", Aspect.hours),
        ("多久回覆", Aspect.response_time),
        ("轉人工客服", Aspect.human),
        ("聊天記錄保存多久", Aspect.retention),
        ("申請客服介入", Aspect.intervene),
        ("is seller support open now", Aspect.hours),
        ("how fast do they answer", Aspect.response_time),
        ("what do i need to prepare", Aspect.prepare),
        ("which languages do they speak", Aspect.languages),
        ("individual plan seller can I phone amazon", Aspect.eligibility),
        ("is this number a scam", Aspect.safety),
        ("talk to a real person", Aspect.human),
        ("ask the platform to step in", Aspect.intervene),
        ("christmas delays", Aspect.holiday),
        ("email address", Aspect.email),
        ("live chat", Aspect.chat),
        ("call me back", Aspect.callback),
        ("where do i open a case", Aspect.entry),
        ("联系亚马逊客服要准备什么", Aspect.prepare),
        ("欧洲站卖家多久回复", Aspect.response_time),
        ("日本站客服处理得快吗", Aspect.response_time),  # how fast a matter is handled
        # where, with the medium or a verb between
        ("虾皮退款在app哪里申请", Aspect.entry),
        ("天猫的客服藏在哪", Aspect.entry),
        ("etsy哪儿", Aspect.entry),
        # what to tell them is what to have ready
        ("what should i say when walmart calls back", Aspect.prepare),
        ("打过去该说什么", Aspect.prepare),
        # which kinds qualify
        ("what issues will the tiktok shop guarantee refund", Aspect.eligibility),
        ("which kinds of problems does the dispute center take", Aspect.eligibility),
        # typos
        ("respnse time", Aspect.response_time),
        ("supervisr", Aspect.escalation),
        ("phnoe numbr", Aspect.phone),
        ("客服电化多少", Aspect.phone),  # one wrong character in a four-character word
        # the clock they keep is when they work
        ("what time zone is seller support on", Aspect.hours),
        ("欧洲站客服按哪个时区", Aspect.hours),
    ],
)
def test_the_asked_aspect_comes_first(detector: AspectDetector, question: str,
                                      aspect: Aspect) -> None:
    assert detector.detect(question).first == aspect


@pytest.mark.parametrize(
    ("question", "ranked"),
    [
        # the situation before the general fact: a holiday, not reply times in general
        ("黑五回复慢吗", [Aspect.holiday, Aspect.response_time]),
        # the reply time of one channel: the channel is kept as a second aspect
        ("how fast does amazon answer a buyer email", [Aspect.response_time, Aspect.email]),
        ("电话几点开", [Aspect.hours, Aspect.phone]),
        ("个人卖家能打电话吗", [Aspect.eligibility, Aspect.phone]),
        # a bare "quick" says how soon the number is wanted; "how quick" asks the time
        ("need the walmart seller phone number quick", [Aspect.phone, Aspect.response_time]),
        ("quick one: tmall hotline hours?", [Aspect.hours, Aspect.phone, Aspect.response_time]),
        ("how quick is the amazon hotline", [Aspect.response_time, Aspect.phone]),
    ],
)
def test_several_aspects_are_ranked(detector: AspectDetector, question: str,
                                    ranked: list[Aspect]) -> None:
    assert list(detector.detect(question).aspects) == ranked


def test_a_word_inside_a_longer_word_does_not_count(detector: AspectDetector) -> None:
    # "回复" (a reply) inside "没人回复" (nobody replied) is not a reply-time question,
    # and "open" inside "open a case" is not about opening hours
    assert detector.detect("没人回复").aspects == (Aspect.followup,)
    assert Aspect.hours not in detector.detect("how do i open a case").aspects


@pytest.mark.parametrize("question", ["called walmart support twice and nothing. next step?",
                                      "wrote to the seller three times but nothing"])
def test_nothing_after_what_was_done_is_a_reply_waited_for(
        detector: AspectDetector, question: str) -> None:
    # (and "next step" asks what comes next, not for the steps of a thing)
    assert detector.detect(question).aspects == (Aspect.followup,)


@pytest.mark.parametrize(("question", "aspects"), [
    ("before I email etsy, what should I have ready", (Aspect.prepare,)),
    ("打电话之前要先做什么", ()),
    ("walmart phone number before 9am?", (Aspect.hours, Aspect.phone)),  # no clause: asked
])
def test_a_way_said_as_what_comes_after_is_not_asked(
        detector: AspectDetector, question: str, aspects: tuple[Aspect, ...]) -> None:
    # "before I email", 打电话之前: the way is what the asker will do next; what to do
    # before it is the question
    assert detector.detect(question).aspects == aspects


def test_weak_words_count_only_alone(detector: AspectDetector) -> None:
    assert detector.detect("客服时间").first == Aspect.hours
    assert detector.detect("时间").first == Aspect.hours  # weak, but nothing else asked
    # "within" alone is a deadline; beside a reply word it is the reply time
    assert detector.detect("POA within").first == Aspect.deadline
    assert detector.detect("do they reply within a day").first == Aspect.response_time


@pytest.mark.parametrize(("question", "hours"), [
    ("when does etsy support open", True),
    ("when can i phone them", True),
    ("open when?", True),
    ("亞馬遜客服什麼時候上班", True),
    ("天猫电话啥时候能打通", True),
    ("周末什么时候有人", True),
    ("什么时候", True),
    # "when" before a clause is "at the time that"; 什么时候 before anything but a way of
    # reaching someone asks when it happens: no opening hours asked
    ("what do i send when my walmart account gets suspended", False),
    ("who do i talk to when tiktok holds my payout", False),
    ("取消的订单钱什么时候退回来", False),
    ("temu包裹啥时候到", False),
])
def test_when_asks_the_hours_only_of_someone_there(detector: AspectDetector, question: str,
                                                   hours: bool) -> None:
    assert (Aspect.hours in detector.detect(question).aspects) is hours


def test_a_contraction_reads_as_the_words_it_stands_for(detector: AspectDetector) -> None:
    # the safety list says "saying they are"; people type "saying they're"
    assert detector.detect("a guy rang me saying they're from shopee").first == Aspect.safety


@pytest.mark.parametrize(("question", "first"), [
    ("the shop on tmall still hasn't answered me", Aspect.followup),
    ("walmart support never even responded", Aspect.followup),
    ("temu didnt reply to my email for days", Aspect.followup),
    ("don't reply to that email", None),  # a warning, not a wait
    # in the present and the future
    ("and what if they don't answer at all", Aspect.followup),
    ("the seller is not responding", Aspect.followup),
    ("still nothing from etsy?", Aspect.followup),
    ("how fast does etsy reply", Aspect.response_time),
])
def test_a_reply_not_given_is_a_wait_however_it_is_put(
    detector: AspectDetector, question: str, first: Aspect | None
) -> None:
    found = detector.detect(question).aspects
    if first is None:
        assert Aspect.followup not in found
    else:
        assert found[0] is first


@pytest.mark.parametrize(("question", "waiting"), [
    ("虾皮卖家到现在也没有任何回应", True),
    ("天貓商家三天都沒理我", True),
    ("etsy 卖家一直不搭理", True),
    ("亚马逊一直没给我回", True),
    ("这个不用寄回吧", False),  # 回 is "back" here
    ("商家就是不处理我的售后", False),  # 处理 is handling, a refusal
])
def test_a_reply_not_given_in_chinese_is_a_wait(
    detector: AspectDetector, question: str, waiting: bool
) -> None:
    assert (Aspect.followup in detector.detect(question).aspects) is waiting


@pytest.mark.parametrize(("question", "aspect"), [
    # ways of asking that the word lists had missed (found probing phrasings of my own)
    ("现在还有人吗", Aspect.hours),
    ("一般几天回", Aspect.response_time),
    ("要等几天啊", Aspect.response_time),
    ("how many business days", Aspect.response_time),
    ("最迟什么时候要交", Aspect.deadline),
    ("这种情况平台能管吗", Aspect.intervene),
    ("can they ring me instead", Aspect.callback),
    ("can i mail it back myself", None),  # to mail is to post; e-mail is "email"
    ("is temu support there 24 hours", Aspect.hours),  # round the clock
])
def test_common_ways_of_asking(detector: AspectDetector, question: str,
                               aspect: Aspect | None) -> None:
    assert detector.detect(question).first is aspect


def test_known_words_are_not_bent_into_aspects(detector: AspectDetector) -> None:
    # "does" is one edit from "due", "seller" and "case" are words search knows
    assert detector.detect("does amazon seller case").aspects == ()
    assert detector.detect("亚马逊卖家封号").aspects == ()


def test_nothing_asked_is_empty(detector: AspectDetector) -> None:
    for question in ("", "   ", "亚马逊", "😀😀", "<b></b>", "x" * 10_000):
        assert detector.detect(question).aspects == ()


def test_hostile_input_is_cheap_and_safe(detector: AspectDetector) -> None:
    asked = detector.detect("电话" * 5000 + "\u202e\x00")
    assert asked.first == Aspect.phone


@pytest.mark.parametrize(
    ("question", "hours"),
    [
        ("48小时没回", 48),
        ("已经三天了还没回", 72),
        ("after 3 days no reply", 72),
        ("no reply for two days", 48),
        ("等了一个星期没人回", 168),
        ("一个半小时没人接", 1.5),
        ("it's been 36 hrs", 36),
        ("已經兩天沒回覆", 48),  # traditional
    ],
)
def test_time_already_waited_is_read(detector: AspectDetector, question: str,
                                     hours: float) -> None:
    asked = detector.detect(question)
    assert asked.elapsed == timedelta(hours=hours)
    assert asked.first == Aspect.followup


@pytest.mark.parametrize(("question", "aspect"), [
    ("退货到了都三天了 还可以争议吗", Aspect.deadline),  # still possible after a time
    ("what if i'm two days late with the dispute", Aspect.deadline),
    ("等了三天了还能找谁", Aspect.followup),  # whom to reach: no limit asked
])
def test_still_possible_in_other_words_asks_the_limit(detector: AspectDetector, question: str,
                                                     aspect: Aspect) -> None:
    assert detector.detect(question).first is aspect


@pytest.mark.parametrize(("question", "aspect"), [
    ("一直打不通 有没有其他电话", Aspect.phone),
    ("their chat never answers, is there another email", Aspect.email),
])
def test_another_way_asked_for_leads(detector: AspectDetector, question: str,
                                     aspect: Aspect) -> None:
    assert detector.detect(question).first is aspect


def test_a_length_of_time_is_no_opening_hours(detector: AspectDetector) -> None:
    asked = detector.detect("tracking stuck, i dont want to sit on hold for an hour, "
                            "can they ring me")
    assert asked.aspects == (Aspect.callback,)


def test_waiting_for_goods_is_no_reply_waited(detector: AspectDetector) -> None:
    # the tracking not moving for six days is the parcel's wait, not a reply's
    for question in ("tracking still hasnt updated after 6 days, can they call me instead",
                     "物流已经5天没更新了 能让客服打给我吗",
                     "the order has said awaiting shipment for 9 days, can they call me"):
        assert detector.detect(question).aspects == (Aspect.callback,), question


@pytest.mark.parametrize(
    "question",
    ["72小时内提交POA", "submit within 3 days", "24小时客服吗", "amazon 24 hours support"],
)
def test_a_deadline_or_opening_hours_is_not_time_waited(detector: AspectDetector,
                                                         question: str) -> None:
    asked = detector.detect(question)
    assert asked.elapsed is None
    assert Aspect.followup not in asked.aspects


def test_parse_elapsed_units() -> None:
    assert parse_elapsed("30分钟") == timedelta(minutes=30)
    assert parse_elapsed("2 weeks") == timedelta(days=14)
    assert parse_elapsed("十二小时") == timedelta(hours=12)
    assert parse_elapsed("二十四小时") == timedelta(hours=24)
    assert parse_elapsed("72小时内") is None
    assert parse_elapsed("within 3 days") is None
    assert parse_elapsed("no number here") is None


def test_every_aspect_has_words() -> None:
    words = load_catalog().aspect_words
    assert words is not None
    for aspect in Aspect:
        group = words.aspects.get(aspect)
        assert group is not None and group.zh and group.en, aspect


def test_a_catalog_without_its_own_words_file_uses_the_packaged_one(
    mini_catalog: Catalog,
) -> None:
    assert mini_catalog.aspect_words == load_catalog().aspect_words


def test_an_unknown_aspect_in_the_words_file_is_a_clear_error(tmp_path: Path) -> None:
    data = write_catalog(tmp_path)
    text = (DATA_DIR / "aspects.yaml").read_text(encoding="utf-8")
    (data / "aspects.yaml").write_text(text.replace("  phone:\n", "  phonee:\n", 1),
                                       encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(data)
    assert caught.value.file == "aspects.yaml"
    assert caught.value.path.startswith("aspects.phonee")


def test_the_words_file_must_rank_every_aspect(tmp_path: Path) -> None:
    data = write_catalog(tmp_path)
    text = (DATA_DIR / "aspects.yaml").read_text(encoding="utf-8")
    kept = [line for line in text.splitlines() if not line.startswith("  - retention")]
    (data / "aspects.yaml").write_text("\n".join(kept) + "\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="retention"):
        load_catalog(data)


def test_a_platform_name_is_never_half_of_a_misspelt_aspect_word(
    detector: AspectDetector,
) -> None:
    # "直接给亚马逊" is one character away from the phone word "打给亚马逊"; the four
    # characters they share are the platform's name, not a word typed wrong
    asked = detector.detect("直接给亚马逊写邮件有人看吗")
    assert Aspect.phone not in asked.aspects
    assert Aspect.email in asked.aspects
    assert Aspect.phone in detector.detect("能不能打给亚马逊").aspects  # typed exactly


@pytest.mark.parametrize(
    ("question", "elapsed"),
    [("天猫24小时都有人工吗", None),  # "all day": the hours, not a wait
     ("都两天了还是没人理", timedelta(days=2)),
     ("邮件都48小时了", timedelta(hours=48))],
)
def test_dou_is_time_waited_only_before_a_number(
    detector: AspectDetector, question: str, elapsed: timedelta | None
) -> None:
    asked = detector.detect(question)
    assert asked.elapsed == elapsed
    assert (Aspect.followup in asked.aspects) is (elapsed is not None)


@pytest.mark.parametrize(
    ("question", "elapsed"),
    [("开了case三天了一点回音都没有", timedelta(days=3)),  # 了 after a duration: time passed
     ("email两天了", timedelta(days=2)),
     ("退货期限是7天了吗", None)],  # asks what the limit is
)
def test_a_duration_followed_by_le_is_time_waited(
    detector: AspectDetector, question: str, elapsed: timedelta | None
) -> None:
    assert detector.detect(question).elapsed == elapsed


@pytest.mark.parametrize("question", ["the agent didn't fix my problem",
                                      "still not fixed after two chats"])
def test_not_fixed_is_a_question_of_escalating(detector: AspectDetector, question: str) -> None:
    assert detector.detect(question).first is Aspect.escalation


@pytest.mark.parametrize("question", ["淘宝天猫账号被盗第一时间该干嘛",
                                      "first time selling on etsy how do i reach support"])
def test_an_idiom_holding_a_time_word_asks_for_no_hours(detector: AspectDetector,
                                                        question: str) -> None:
    assert Aspect.hours not in detector.detect(question).aspects


@pytest.mark.parametrize(("question", "aspect"), [
    ("shopee退货要不要拍照", Aspect.prepare),  # evidence to show
    ("do i need to attach photos for an etsy case", Aspect.prepare),
    ("天猫退款的操作步骤", Aspect.entry),  # how-to steps
    ("what are the steps to return on temu", Aspect.entry),
    ("tiktok money-back guarantee covers what", Aspect.eligibility),
    ("有人要我的亚马逊账号信息", Aspect.safety),
    ("shopee退款保障包括哪几种情况", Aspect.eligibility),  # which kinds qualify
    ("etsy的case分哪几类", Aspect.eligibility),
    ("亚马逊电话回拨是所有国家都能用吗", Aspect.eligibility),  # where it is offered
    ("can sellers in every country use amazon seller chat", Aspect.eligibility),
    ("和天猫客服聊完了 想留个证据", Aspect.retention),  # keeping proof of what was said
    ("how do i keep proof of what shopee support told me", Aspect.retention),
    ("someone asked for my shopee account details", Aspect.safety),
])
def test_a_kind_of_thing_asked_names_its_aspect(detector: AspectDetector, question: str,
                                               aspect: Aspect) -> None:
    assert aspect in detector.detect(question).aspects


@pytest.mark.parametrize(("question", "aspect"), [
    ("what exactly goes in an etsy case", Aspect.prepare),
    ("what do i actually need to prepare for a shopee return", Aspect.prepare),
    ("how do i even reach a human at temu", Aspect.human),
])
def test_an_adverb_inside_a_phrase_does_not_hide_it(detector: AspectDetector, question: str,
                                                    aspect: Aspect) -> None:
    assert detector.detect(question).first is aspect


@pytest.mark.parametrize(("question", "hours"), [
    ("which category do i open the case under on amazon", False),
    ("how do i close my etsy account", False),
    ("an email came with an attachment, is it ok to open?", False),
    ("is amazon seller support open now", True),
    ("when does tmall customer service close", True),
    ("are they open on weekends", True),
])
def test_opening_a_thing_is_no_question_of_opening_hours(detector: AspectDetector,
                                                         question: str, hours: bool) -> None:
    assert (Aspect.hours in detector.detect(question).aspects) is hours


@pytest.mark.parametrize(("question", "hours"), [
    ("天猫客服三点还有人回吗", True),
    ("does the tmall chatbot answer at 3am", True),
    ("亚马逊卖家电话10点半能打吗", True),
    ("第三点是什么意思", False),  # "the third point"
    ("凌晨一点天猫还有人工吗", True),
    ("亚马逊卖家电话一点半能打吗", True),
    ("自己写申诉信通过率会不会高一点", False),  # "a bit higher"
    ("虾皮客服能不能快一点回", False),
])
def test_a_clock_time_asks_for_the_hours(detector: AspectDetector, question: str,
                                         hours: bool) -> None:
    assert (Aspect.hours in detector.detect(question).aspects) is hours


@pytest.mark.parametrize(("question", "aspect", "not_aspect"), [
    ("amazon support keeps brushing me off", Aspect.escalation, Aspect.retention),
    ("亚马逊客服一直推脱怎么办", Aspect.escalation, None),
    ("my store got a warning from walmart", None, Aspect.retention),  # a shop, not storage
])
def test_keep_and_store_are_not_always_about_records(detector: AspectDetector, question: str,
                                                     aspect: Aspect | None,
                                                     not_aspect: Aspect | None) -> None:
    found = detector.detect(question).aspects
    assert aspect is None or aspect in found
    assert not_aspect is None or not_aspect not in found


@pytest.mark.parametrize("question", ["亚马逊申诉信都要写些什么",
                                      "what should i write in a walmart appeal"])
def test_what_a_letter_must_hold_is_what_to_prepare(detector: AspectDetector,
                                                   question: str) -> None:
    assert Aspect.prepare in detector.detect(question).aspects


@pytest.mark.parametrize("question", ["temu退货包裹去哪里寄", "shopee退货寄到哪"])
def test_where_to_send_it_asks_where_to_go(detector: AspectDetector, question: str) -> None:
    assert Aspect.entry in detector.detect(question).aspects


@pytest.mark.parametrize("question", ["过了这个期限还能找谁", "那个期限过了联系谁",
                                      "after that deadline, who can I contact"])
def test_a_thing_pointed_back_at_is_no_question_when_whom_to_reach_is(
    detector: AspectDetector, question: str
) -> None:
    asked = detector.detect(question)
    assert asked.reach and asked.aspects == ()


@pytest.mark.parametrize(("question", "aspect"), [("这个期限是多久", Aspect.deadline),
                                                  ("how long is that deadline", Aspect.deadline)])
def test_a_thing_pointed_at_is_still_asked_when_nothing_else_is(
    detector: AspectDetector, question: str, aspect: Aspect
) -> None:
    assert detector.detect(question).first is aspect


def test_an_aspect_word_inside_the_words_of_reaching_is_theirs(
    detector: AspectDetector
) -> None:
    # "who can" asks who may use something, but not in "who can I contact"
    assert Aspect.eligibility not in detector.detect("who can I contact about a refund").aspects


@pytest.mark.parametrize("question", ["天猫客服向我要身份证照片，给吗",
                                      "客服问我要银行卡密码正常吗",
                                      "the shopee agent asked me for my PIN"])
def test_someone_wanting_something_of_the_asker_is_a_safety_question(
    detector: AspectDetector, question: str
) -> None:
    assert detector.detect(question).first is Aspect.safety


@pytest.mark.parametrize("question", ["都过了5天了还能申请退款吗",
                                      "it's been 3 days, can i still dispute it"])
def test_still_possible_after_a_time_asks_the_limit(detector: AspectDetector,
                                                    question: str) -> None:
    asked = detector.detect(question)
    assert asked.first is Aspect.deadline and Aspect.followup not in asked.aspects


def test_time_gone_by_alone_is_still_a_follow_up(detector: AspectDetector) -> None:
    assert detector.detect("邮件发了3天了还没回").first is Aspect.followup


@pytest.mark.parametrize("question", ["客服说这个他们处理不了", "找了两次客服都搞不定"])
def test_an_agent_who_cannot_handle_it_is_a_question_of_escalating(
    detector: AspectDetector, question: str
) -> None:
    assert detector.detect(question).first is Aspect.escalation


def test_what_missing_a_time_means_asks_the_limit(detector: AspectDetector) -> None:
    # the rule of the 48 hours, not what to do while waiting for a reply
    asked = detector.detect("顾客的消息超过两天没回复会有什么后果")
    assert asked.first is Aspect.deadline and Aspect.followup not in asked.aspects


@pytest.mark.parametrize("question", ["how much time do I get to open an etsy case",
                                      "how many days do i have to send a temu return back"])
def test_how_much_time_one_gets_is_a_deadline(detector: AspectDetector, question: str) -> None:
    assert detector.detect(question).first is Aspect.deadline


def test_a_time_and_what_happens_asks_the_limit_in_english_too(
    detector: AspectDetector
) -> None:
    assert detector.detect("didn't answer a buyer in 48h, what happens").first is Aspect.deadline


@pytest.mark.parametrize("question", ["temu订单一周了还没发货",
                                      "it has been 5 days and my refund still hasnt arrived",
                                      # a parcel late is no reply waited for
                                      "package two weeks late, can i ask for compensation",
                                      "包裹延误一周了 能要补偿吗"])
def test_waiting_for_goods_or_money_is_no_reply_to_chase(detector: AspectDetector,
                                                         question: str) -> None:
    assert Aspect.followup not in detector.detect(question).aspects


def test_waiting_for_a_reply_about_a_refund_still_is(detector: AspectDetector) -> None:
    assert detector.detect("申请退款3天了还没回复").first is Aspect.followup


@pytest.mark.parametrize(("question", "aspect"), [("那邮件怎么联系", Aspect.email),
                                                  ("我该打电话联系他们吗", Aspect.phone)])
def test_then_or_should_points_at_nothing(detector: AspectDetector, question: str,
                                          aspect: Aspect) -> None:
    # 那 alone is "then", 该 "should": the channel after them is still asked
    assert detector.detect(question).first is aspect


@pytest.mark.parametrize("question", ["the ticket I opened last week about a fee, who decides it",
                                      "a dispute got opened against my store, what now"])
def test_a_past_form_tells_what_happened_not_what_is_asked(detector: AspectDetector,
                                                            question: str) -> None:
    # "open" asks about opening hours; "opened" says a case was opened
    assert Aspect.hours not in detector.detect(question).aspects


def test_a_word_listed_in_its_past_form_still_counts(detector: AspectDetector) -> None:
    assert detector.detect("is walmart seller support closed on sundays").first is Aspect.hours


def test_an_aspect_from_a_weak_word_alone_is_marked_a_guess(detector: AspectDetector) -> None:
    assert detector.detect("any spare time for me").weak
    assert not detector.detect("what time do they open").weak


def test_a_message_is_cut_into_clauses_at_punctuation_and_spaces_between_chinese() -> None:
    analyzed = analyze("我是个人卖家 只能发邮件 一般多久会回")
    assert analyzed.breaks == (6, 11)
    mixed = analyze("opened a case 3 days ago. is a new one a good idea?")
    assert len(mixed.breaks) == 1 and mixed.asked_at == (len(mixed.compact),)


@pytest.mark.parametrize(("question", "aspect"), [
    # the story in one clause, the question in another: what the question clause asks
    ("我是个人卖家 只能发邮件 一般多久会回", Aspect.response_time),
    ("越南站卖家一直不理我，tiktok会出面吗", Aspect.intervene),
    ("shopee seller ignored me for a week. will shopee step in?", Aspect.intervene),
    # "can I" asks who may, whoever the story says the asker is
    ("我是个人卖家，能申请电话回电吗", Aspect.eligibility),
    ("I'm an individual seller. can I get a phone call from support?", Aspect.eligibility),
    # one clause: the file's order, as before
    ("48小时没回怎么办", Aspect.followup),
])
def test_the_clause_that_asks_says_what_is_asked(detector: AspectDetector, question: str,
                                                 aspect: Aspect) -> None:
    assert detector.detect(question).first is aspect


@pytest.mark.parametrize("question", [
    # anyone saying who they are
    "a man phoned my dad saying he was from amazon and wanted the code they texted",
    "got a message from a woman who said she is etsy support",
    # card or personal info asked for ("reply with my … card info" read as reply times)
    "etsy message asking me to reply with my address and card info",
    "someone wants my personal info to release my refund",
    # which of two is real (read as the e-mail channel: "emails" was the only aspect word)
    "PH shopee emails, which domain is the real one",
    "two amazon sites, which one is real?",
])
def test_whom_or_what_to_trust_is_a_question_of_trust(detector: AspectDetector,
                                                      question: str) -> None:
    assert detector.detect(question).first is Aspect.safety


@pytest.mark.parametrize("question", [
    "有个人加我微信说是天猫客服，要给我办理退款",  # 说是 … 客服
    "打电话的人说他是亚马逊的工作人员，让我转账",
    "收到短信说我的亚马逊账户被锁了，点链接解锁",  # a link to click
    "etsy buyer wants to pay me outside etsy via zelle, ok?",  # paying off the platform
])
def test_what_scammers_say_and_ask_for_is_a_question_of_trust(detector: AspectDetector,
                                                               question: str) -> None:
    assert detector.detect(question).first is Aspect.safety


def test_saying_what_someone_said_is_no_claim_to_be_the_service(
    detector: AspectDetector,
) -> None:
    # 说是 without the service after it: what was said, not who says they are
    assert Aspect.safety not in detector.detect("客服说是要等三天才有结果").aspects


def test_a_word_the_files_use_is_no_typo_of_an_aspect_word(detector: AspectDetector) -> None:
    # 恢 sounds like 回, but 恢复 is a word: "how long until it is restored", not "回"
    read = dict(detector.detect("沃尔玛卖家 账户被暂停了 多久能恢复").read_as)
    assert "多久能回" not in read
    # a real typo still reads: 会 for 回 at the end, with no word made of it
    assert "多久能回" in dict(detector.detect("客服多久能会").read_as)


def test_how_long_money_or_goods_take_is_no_reply_time(detector: AspectDetector) -> None:
    assert Aspect.response_time not in detector.detect("亚马逊退款多久到账").aspects
    # a reply word still asks the reply time
    assert detector.detect("亚马逊邮件多久回复").first is Aspect.response_time


def test_a_word_awaited_is_listed_as_done_not_as_the_noun(detector: AspectDetector) -> None:
    # "refunded" is money awaited; "my refund" is what the dispute is about
    asked = detector.detect("the seller raised a dispute on my refund. how long before "
                            "shopee decides?")
    assert asked.first is Aspect.response_time


def test_an_everyday_word_is_no_misspelt_aspect_word(detector: AspectDetector) -> None:
    # "deal" is one letter from "dial"
    assert Aspect.phone not in detector.detect("anything to include so they deal with it "
                                               "faster").aspects


@pytest.mark.parametrize("question", [
    "how can i tell if a text really came from temu",
    "is this email actually from walmart or not",
    "怎么分辨这条短信是不是虾皮发的",
    "收到天猫的短信 真的假的",
])
def test_telling_a_real_message_from_a_fake_is_a_question_of_trust(detector: AspectDetector,
                                                                   question: str) -> None:
    assert detector.detect(question).first is Aspect.safety


@pytest.mark.parametrize(("question", "first"), [
    ("what if amazon seller support keeps refusing", Aspect.escalation),
    ("客服一直说不行怎么办", Aspect.escalation),
    ("the tmall agent just said no", Aspect.escalation),
    ("the etsy seller said no to my refund", Aspect.intervene),  # the other side refusing
    ("虾皮卖家一直不同意怎么办", Aspect.intervene),
    ("客服让我找卖家，卖家不同意", Aspect.intervene),  # the seller refuses, not the service
])
def test_who_refuses_says_whether_to_escalate_or_ask_the_platform(detector: AspectDetector,
                                                                  question: str,
                                                                  first: Aspect) -> None:
    assert detector.detect(question).first is first


@pytest.mark.parametrize(("question", "waiting"), [
    ("天猫app点了联系客服没反应", False),  # the button does nothing
    ("亚马逊在线聊天按了半天没动静", False),
    ("发了消息三天没反应", True),  # no reply yet
    ("点了申请介入，平台一直没反应", True),  # a new clause: the platform has not answered
])
def test_a_button_that_does_nothing_is_no_reply_awaited(detector: AspectDetector,
                                                        question: str, waiting: bool) -> None:
    assert (Aspect.followup in detector.detect(question).aspects) is waiting


@pytest.mark.parametrize(("question", "aspect"), [
    # the English of words the Chinese lists have: 最晚 / 最迟, 材料 / 资料
    ("whats the latest i can dispute a return on walmart", Aspect.deadline),
    ("walmart: a return must be disputed no later than when?", Aspect.deadline),
    ("what docs do i need for a walmart suspension appeal", Aspect.prepare),
    # 是真的吗, 能信吗; "theyre" is "they're" typed without the apostrophe
    ("got a call from someone saying theyre etsy support, is it real", Aspect.safety),
    ("a guy on the phone says hes from temu, can i trust him", Aspect.safety),
    # 不回, however the negation is written: "isn't replying", "is not", "aren't"
    ("tmall support isnt replying, should i keep sending the same question", Aspect.followup),
    ("the etsy shop is not responding to me", Aspect.followup),
    ("amazon support aren't answering my emails", Aspect.followup),
])
def test_english_asks_what_the_same_chinese_asks(detector: AspectDetector, question: str,
                                                 aspect: Aspect) -> None:
    assert detector.detect(question).first is aspect


@pytest.mark.parametrize(("question", "first"), [
    ("someone pretending to be shopee got my otp from me, what now", Aspect.safety),
    ("被冒充虾皮客服的人骗走了验证码 下一步怎么办", Aspect.safety),
    ("amazon hasnt replied to my email, what now", Aspect.followup),
    ("what now", Aspect.followup),
])
def test_what_now_is_a_follow_up_only_where_nothing_else_is_asked(
        detector: AspectDetector, question: str, first: Aspect) -> None:
    # "what now" and 下一步怎么办 ask what to do next; after a scam told, that is about
    # the scam, and only a reply waited for makes it the no-reply playbook
    assert detector.detect(question).first is first


@pytest.mark.parametrize("question", ["天猫退款多久", "虾皮退款要多久"])
def test_how_long_a_refund_takes_is_no_reply_time(detector: AspectDetector,
                                                  question: str) -> None:
    # 退款 waited for, like 到账: what answers it the facts' words say, not an agent's queue
    assert Aspect.response_time not in detector.detect(question).aspects


@pytest.mark.parametrize("question", [
    "打电话还是发邮件好", "亞馬遜帳號被盜 用什麼方式聯繫最快", "email or call, which one?",
    "fastest way to get hold of them", "在线聊天还是电话", "改地址找店家还是找平台",
    "the shop or tmall?"])
def test_which_way_is_best_names_the_channels_as_choices(detector: AspectDetector,
                                                         question: str) -> None:
    # the channels said are what to choose between, not the thing asked of one of them
    asked = detector.detect(question)
    assert asked.choosing and asked.first is None


def test_a_channel_asked_of_is_no_choice(detector: AspectDetector) -> None:
    asked = detector.detect("打电话要准备什么")
    assert not asked.choosing and asked.first is Aspect.prepare


@pytest.mark.parametrize(("question", "starts"), [
    ("台灯到货摔坏了，我第一步要做什么", True), ("what should i do first", True),
    ("首先该找谁", True), ("amazon first reply time for email", False),
    ("this is the first time i contact them", False)])
def test_what_to_do_first_is_read_but_not_inside_other_words(
        detector: AspectDetector, question: str, starts: bool) -> None:
    # "first" inside an aspect word ("first reply") or an idiom ("first time") is theirs
    assert detector.detect(question).starts is starts


@pytest.mark.parametrize(("question", "hours"), [
    ("should I open another case?", False), ("can i open a dispute on walmart", False),
    ("etsy, close my shop", False), ("is amazon open now", True), ("when do they open", True),
    ("what time does tmall close", True)])
def test_opening_something_is_no_opening_hours(detector: AspectDetector, question: str,
                                               hours: bool) -> None:
    # "open" before an object is the verb: a case, a dispute, an account opened
    assert (Aspect.hours in detector.detect(question).aspects) is hours


@pytest.mark.parametrize(("question", "reply_time"), [
    ("那我直接回复它说不是我 可以吗", False),
    ("can we just respond to the customer and refund", False),
    ("我该回应这个买家吗", False), ("should I reply to that message", False),
    ("他们一般多久回复", True), ("will they reply to me soon", True), ("卖家回复慢怎么办", True)])
def test_the_asker_replying_is_no_question_of_reply_time(
        detector: AspectDetector, question: str, reply_time: bool) -> None:
    # a reply word right after 我 / "I" (a modal between) is what the asker may do
    assert (Aspect.response_time in detector.detect(question).aspects) is reply_time


@pytest.mark.parametrize("question", ["how fast do I need to reply to customer messages",
                                      "how soon should we respond to a buyer"])
def test_how_soon_the_asker_must_reply_is_a_deadline(detector: AspectDetector,
                                                     question: str) -> None:
    # as 要多久内回复 is: the asker's limit, not the platform's reply time
    assert detector.detect(question).aspects == (Aspect.deadline,)


def test_a_five_character_word_with_a_character_that_sounds_unlike_is_no_typo(
        detector: AspectDetector) -> None:
    # 要不要再开 is not 要不要打开 mistyped (再 and 打 sound nothing alike): no scam link asked
    assert Aspect.safety not in detector.detect("case没人理 要不要再开一个").aspects


@pytest.mark.parametrize("question", ["what do they need from me?", "what will they ask for",
                                      "他们会要我提供什么"])
def test_what_the_other_side_will_want_is_what_to_prepare(detector: AspectDetector,
                                                          question: str) -> None:
    assert detector.detect(question).first is Aspect.prepare


@pytest.mark.parametrize("question", ["the agent couldn't solve it",
                                      "support can't resolve my issue", "客服解决不了"])
def test_an_agent_who_cannot_sort_it_out_asks_to_escalate(detector: AspectDetector,
                                                          question: str) -> None:
    # the English of 解决不了, as "didn't fix" is
    assert detector.detect(question).first is Aspect.escalation


@pytest.mark.parametrize("question", [
    "where do I find my case number on amazon seller central",
    "does walmart support need the purchase order number",
    "亚马逊订单号码在哪看",
    "etsy tracking number not updating",
])
def test_an_orders_or_a_cases_number_is_no_phone_number(detector: AspectDetector,
                                                         question: str) -> None:
    # "case number" read as the phone aspect: the answer listed the hotlines
    assert Aspect.phone not in detector.detect(question).aspects


@pytest.mark.parametrize("question", ["amazon phone number", "亚马逊客服号码", "what's the number"])
def test_a_number_alone_is_still_the_phone(detector: AspectDetector, question: str) -> None:
    assert detector.detect(question).first is Aspect.phone


@pytest.mark.parametrize("question", ["is that available everywhere?",
                                      "does the call-back work on every site?"])
def test_where_a_channel_is_offered_is_who_may_use_it(detector: AspectDetector,
                                                      question: str) -> None:
    # "available everywhere?" after the call-back asks where it is offered ("only in some
    # regions"); it was read as nothing and then as the hours
    assert detector.detect(question).first is Aspect.eligibility


@pytest.mark.parametrize(("question", "hours"), [
    ("tiktok shop return window already closed but the item broke", False),
    ("my case was closed without a fix", False),
    ("should i close the case and open a new one", False),  # "close" matched no stem
    ("what time does amazon chat close", True),
    ("is amazon seller support closed on sunday", True),
])
def test_a_window_or_case_that_closes_is_no_question_of_hours(
    detector: AspectDetector, question: str, hours: bool,
) -> None:
    assert (Aspect.hours in detector.detect(question).aspects) is hours


@pytest.mark.parametrize(("question", "aspect", "read"), [
    # scam words and "deleted" are listed in the form they mean: "googled" is a number
    # found by searching, "google translate" asks nothing of trust; records "deleted" ask
    # how long they are kept, "delete my account" does not
    ("i googled amazon's number and called it", Aspect.safety, True),
    ("can i write my amazon appeal with google translate", Aspect.safety, False),
    ("does temu take google pay", Aspect.safety, False),
    ("are my tmall chats deleted after a while", Aspect.retention, True),
    ("how do i delete my amazon account", Aspect.retention, False),
    # a message received is how news came, not the chat asked about; to message someone
    # is to chat with them
    ("got a message from amazon that my seller account is deactivated, how do i appeal",
     Aspect.chat, False),
    ("is this shopee message a scam", Aspect.chat, False),
    ("where do my customers message me on tiktok shop", Aspect.chat, True),
    ("can i message them instead of calling", Aspect.chat, True),
])
def test_a_word_that_shares_its_stem_with_another_is_read_as_written(
        detector: AspectDetector, question: str, aspect: Aspect, read: bool) -> None:
    assert (aspect in detector.detect(question).aspects) is read


@pytest.mark.parametrize(("question", "first"), [
    ("how do i return something on temu", Aspect.entry),  # how to do it: its steps
    ("temu退款怎么弄", Aspect.entry),
    # a weak word: anything else asked decides
    ("how do i find out how long they take to reply", Aspect.response_time),
    ("how can i reach a human", Aspect.human),
    # how to reach them is the way in, not steps ("how do i" is the reaching's)
    ("how do i get in touch with etsy support", None),
])
def test_how_to_do_a_thing_asks_its_steps_when_nothing_else_is_asked(
        detector: AspectDetector, question: str, first: Aspect | None) -> None:
    assert detector.detect(question).first is first


@pytest.mark.parametrize(("question", "aspect"), [
    ("退货要带啥", Aspect.prepare),  # 啥 for 什么
    ("申诉信里写点啥好", Aspect.prepare),  # 点 between the verb and "what"
    ("联系客服之前得准备点啥", Aspect.prepare),
    ("开case要附什么", Aspect.prepare),  # attach, as "attach" reads in English
    ("which papers should i get ready", Aspect.prepare),  # as "have ready"
    ("what do i gather before writing to them", Aspect.prepare),
    ("what should i have in front of me when i ring them", Aspect.prepare),
    ("用啥方式联系最快", None),  # (a choice: read apart, no aspect of its own)
])
def test_colloquial_what_reads_as_the_word_it_stands_for(
    detector: AspectDetector, question: str, aspect: Aspect | None
) -> None:
    assert detector.detect(question).first is aspect


@pytest.mark.parametrize("question", ["who do I report it to", "向谁举报", "跟谁说比较好",
                                      "who should i tell about this"])
def test_whom_to_tell_asks_how_to_reach_them(detector: AspectDetector, question: str) -> None:
    assert detector.detect(question).reach


@pytest.mark.parametrize(("question", "aspect", "read"), [
    # whose it is, or "the", between a phrase's words: "keep chats" is listed
    ("does shopee keep your chats?", Aspect.retention, True),
    ("will tmall keep our chats", Aspect.retention, True),
    # "a" is not skipped: "is it a real person" asks for a human, not whether it is real
    ("is it a real person on the phone", Aspect.safety, False),
])
def test_whose_it_is_inside_a_phrase_is_skipped(
        detector: AspectDetector, question: str, aspect: Aspect, read: bool) -> None:
    assert (aspect in detector.detect(question).aspects) is read


@pytest.mark.parametrize(("question", "aspect"), [
    ("被骗了报警打哪个", Aspect.phone),  # which one to dial
    ("找人工拨哪个", Aspect.phone),
    ("有人假装是天猫客服加我微信", Aspect.safety),  # pretending to be the platform
    ("对方装成虾皮的工作人员", Aspect.safety),
])
def test_which_to_dial_and_who_pretends_are_read(
        detector: AspectDetector, question: str, aspect: Aspect) -> None:
    assert aspect in detector.detect(question).aspects


@pytest.mark.parametrize("question", ["客服说会处理 然后就没下文了", "说好给我回电话 结果不了了之"])
def test_nothing_more_heard_of_a_promise_is_a_reply_awaited(
        detector: AspectDetector, question: str) -> None:
    assert detector.detect(question).first is Aspect.followup


@pytest.mark.parametrize("question", [
    "德国站开case有什么讲究", "any tips for writing to etsy support?", "找天猫客服有啥技巧"])
def test_what_to_mind_is_a_guess_at_what_to_have_ready(
        detector: AspectDetector, question: str) -> None:
    asked = detector.detect(question)
    assert asked.first is Aspect.prepare and asked.weak, asked


@pytest.mark.parametrize("question", ["转人工之前要准备什么", "申请平台介入前得备好哪些东西",
                                      "before i escalate what should i have ready"])
def test_asking_for_a_person_or_for_help_said_as_what_comes_after_is_not_asked(
        detector: AspectDetector, question: str) -> None:
    # what to have ready before doing it, not how to do it
    assert detector.detect(question).aspects == (Aspect.prepare,)


@pytest.mark.parametrize("question", ["do i need anything ready before calling amazon?",
                                      "tmall dispute - should i have anything ready?"])
def test_anything_ready_asks_what_to_have_ready(detector: AspectDetector, question: str) -> None:
    assert detector.detect(question).first is Aspect.prepare


@pytest.mark.parametrize(("question", "still", "template"), [
    ("还是不管呢", True, False),
    ("tried that twice already, still stuck", True, False),
    ("they still haven't answered", True, False),
    ("still waiting for a reply", False, False),  # a reply awaited, no steps that failed
    ("有没有申诉模板", False, True),
    ("any wording I can copy for the appeal?", False, True),
    ("how do I copy my order number", False, False),
])
def test_the_cue_words_of_steps_that_did_not_help_and_of_a_letter_to_copy(
        detector: AspectDetector, question: str, still: bool, template: bool) -> None:
    asked = detector.detect(question)
    assert (asked.still, asked.template) == (still, template), asked
    # (cues, not words of the question: the facts' words still decide what matches)
    assert not {"还是不", "tried that", "模板", "wording i can copy"} & set(asked.words)


@pytest.mark.parametrize(("question", "duration"), [
    ("shopeepay pin 要多久换一次", False),  # how often: no time waited or limit
    ("密码多长时间改一次比较好", False),
    ("欧洲站的case平均多久有第一次回复", True),  # 第一次: the first reply's time
    ("邮件一般多久能回", True),
])
def test_how_often_is_no_duration(detector: AspectDetector, question: str,
                                  duration: bool) -> None:
    asked = detector.detect(question)
    assert bool(set(asked.aspects) & {Aspect.response_time, Aspect.deadline}) is duration, asked


@pytest.mark.parametrize(("question", "aspect"), [
    ("沃尔玛卖家没按时回复顾客会怎么样", Aspect.deadline),  # a reply owed to the customers
    ("48小时没回买家消息 会怎么样", Aspect.deadline),
    ("顾客一直不回复我", Aspect.followup),  # a reply the asker waits for
    ("客服一直没回复", Aspect.followup),
])
def test_a_reply_not_given_to_the_customers_is_the_askers_limit(
        detector: AspectDetector, question: str, aspect: Aspect) -> None:
    assert detector.detect(question).first is aspect


@pytest.mark.parametrize("question", [
    "amazon chat keeps misunderstanding me, how do i explain my problem better",
    "天猫客服老是理解错 我该怎么描述问题",
    "问店家问题怎么问比较快",
])
def test_how_to_put_it_asks_what_to_say(detector: AspectDetector, question: str) -> None:
    # how to describe or word the problem: what to have ready and say, not the way in
    assert detector.detect(question).first is Aspect.prepare
