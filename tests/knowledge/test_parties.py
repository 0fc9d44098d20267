"""A role word that names the other party of the order, not the asker (issue #18):
"卖家一直不回我" is a shopper's question, "a buyer emailed me" a seller's. Read from the
words around the role word (knowledge/parties.py), through the real search and answer."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from knowledge.answer import DirectAnswer
from knowledge.catalog import load_catalog
from knowledge.reply import Responder
from knowledge.schema import Aspect
from knowledge.search import SearchIndex
from knowledge.textnorm import has_han

NOW = datetime(2026, 3, 4, 4, 0, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(load_catalog())


@pytest.mark.parametrize(("question", "asker"), [
    # the other party acts on the asker
    ("the etsy seller still hasn't replied to my message", "buyer"),
    ("tiktok上卖家不肯退款怎么办", "buyer"),
    ("在etsy买的杯子，店主三天都没理我", "buyer"),
    # a span of time between them and what they did
    ("etsy的卖家两天没回复我", "buyer"),
    ("tiktok卖家3个小时了还不回", "buyer"),
    ("a buyer on etsy emailed me about a refund", "seller"),
    ("亚马逊上有个买家一直骗我说没收到货", "seller"),
    # the asker addresses the other party
    ("amazon seller how to reply to a buyer", "seller"),
    ("tiktok shop 怎么联络卖家", "buyer"),
    # moved by the asker (把…): the role word is whom the asker moves, not who asks
    ("tiktok泰国站卖家 能不能把买家拉到line上聊", "seller"),
    ("在etsy上能不能把卖家举报了", "buyer"),
    ("etsy parcel came damaged, what should i send the shop", "buyer"),
    ("do etsy orders mostly get sorted out with the seller?", "buyer"),  # a small word cue
    ("i had a fight with a buyer on etsy, what now", "seller"),
    ("买家一般是怎么找到我的，etsy上", "seller"),  # 我的 closing the sentence, not owning
    ("卖家在tiktok上一直不理我", "buyer"),  # where they are, between them and what they do
    ("顾客在亚马逊上对我给了差评", "seller"),
    ("亚马逊卖家能不能让顾客加我微信", "seller"),  # the customer adds the asker
    ("我在temu开店三个月了，客服怎么联系", None),  # Temu has shoppers only: just a word
    ("在etsy开店的，不是来买东西的，客服在哪", "seller"),  # opening a shop is selling
    # the role word names the asker
    ("my etsy seller account got suspended", "seller"),
    ("亚马逊卖家账号被封了我该怎么办", "seller"),
    ("我是亚马逊卖家，买家一直不回消息", "seller"),
    ("etsy seller here, can i call support", "seller"),
    # a role word marked as the asker's outweighs the other party named
    ("as a seller, how does etsy settle a buyer's case", "seller"),
    ("我是一个亚马逊卖家，有个买家一直催我", "seller"),
    # no role word of the asker's, but their side said
    ("a customer opened a case against my etsy store, will it hurt me", "seller"),
    ("买家投诉了，会影响我tiktok店铺吗", "seller"),
    ("where do i read an etsy shop's policies before buying", "buyer"),
    ("my tiktok shop order came broken, who do i talk to", "buyer"),  # "my order"
    ("我的包裹在etsy上显示送达了但没收到", "buyer"),
    ("tiktok上卖家发错货了", "buyer"),  # the seller sent the wrong thing
    ("etsy卖家寄错颜色了", "buyer"),
    ("亚马逊卖家提交了case多久有回复", "seller"),  # a seller who files is the asker
    ("etsy有个买家开了case", "seller"),  # a buyer who files is the other party
    ("a buyer filed a dispute on etsy, what do i do", "seller"),  # in English too
    ("on etsy the seller opened a case with support, how long", "seller"),  # files: asker
    ("i run a small etsy store, where do customers reach me", "seller"),  # the asker's side
    ("i purchased a lamp on temu and it broke", "buyer"),
    # an English role word among Chinese
    ("etsy的seller一直不回我 怎么办", "buyer"),
    ("tiktok上怎么联系seller", "buyer"),
    ("etsy有个buyer开了case", "seller"),
    # "purchase" the noun is no side: the buyer's purchase, told by the seller
    ("an etsy customer says she can't complete the purchase, wants my email", "seller"),
    ("how do i ask an etsy seller for a refund", "buyer"),  # the platform's name between
    ("message the tiktok shop seller about my order", "buyer"),
    # "this"/"some" + role word: someone else
    ("this seller on tiktok shop keeps ignoring me", "buyer"),
    # an English word glued on reads on: the buyer opened a case against the asker
    ("易集 买家开case了 我要多久内回复", "seller"),
    # ... but a buyer's right asked in general is a buyer's question
    ("Etsy 買家開case有期限嗎", "buyer"),
    # the asker's trade: 卖 + what + 的, at the start or after 我(们)是
    ("卖汽配的在亚马逊有专门的客服通道吗", "seller"),
    ("这个卖家卖的是假货", "buyer"),  # the seller's wares, not the asker's trade
    # a role word says more than the way sellers name a site (美国站, 日本站)
    ("亚马逊日本站买家客服有中文吗", "buyer"),
    ("美国站 客服", "seller"),
    # the asker's goods or shop with what describes them, as 我的商品 and 我的店
    ("etsy上我们家手工店铺被人恶意投诉了怎么办", "seller"),
    ("有人一直问我的高价商品要站外付款 是骗子吗 etsy", "seller"),
    ("我的订单商品坏了 亚马逊怎么退", None),  # goods ordered: not the asker's wares
    # platform names and what kind between 我是 and the role word; the role's service
    # (卖家支持) is no seller addressed
    ("我是亚马逊个人卖家 能打电话找卖家支持吗", "seller"),
    ("我是新手卖家 亚马逊怎么联系客服", "seller"),
    # 下单 split around 了/的 is still the asker's order
    ("在etsy上下了单 怎么发起求助", "buyer"),
    ("etsy下的单还没到 去哪发求助", "buyer"),
    # saying one sells there, as "buying" says one buys
    ("first time selling on amazon, where do i get help", "seller"),
    ("we just started selling on walmart, is there a support email", "seller"),
    ("someone selling on tiktok shop scammed me", None),  # another who sells: not the asker
    # a role word that opens the message as a label: who asks, whoever else is named
    ("etsy seller: a buyer's case looks valid to me, do i refund?", "seller"),
    ("shopee buyer - the seller disputed my refund", "buyer"),
    ("etsy seller ignoring my help request for days", "buyer"),  # no label: the other party
    # "us" is the asker's side where it goes on about what was done to them; elsewhere
    # it is the United States
    ("a buyer keeps spamming us with whatsapp links, tiktok shop", "seller"),
    ("some etsy buyer messaged us about a refund we never offered", "seller"),
    ("amazon buyer - whats the US phone", "buyer"),
    ("amazon seller phone hours us?", "seller"),
])
def test_who_asks(index: SearchIndex, question: str, asker: str | None) -> None:
    assert index.search(question).role == asker


@pytest.mark.parametrize("question", [
    "if i email amazon how fast do they usually reply",
    "安卓手机上tiktok订单在哪里找",
])
def test_with_no_role_said_a_shoppers_card_is_more_likely(index: SearchIndex,
                                                          question: str) -> None:
    assert index.search(question).matches[0].ref.role == "buyer"


@pytest.mark.parametrize("question", [
    "how fast does amazon answer a buyer email",  # the platform addresses the buyer
    "亚马逊回复买家邮件要多久",
    "how long does amazon keep the seller message log",  # "message" is a noun here
    # the platform is the subject of an infinitive ("… take to reply to")
    "how long does etsy take to respond to a buyer",
    "how many days does it take walmart to answer a seller",
])
def test_a_platform_addressing_a_role_or_a_noun_is_no_other_party(index: SearchIndex,
                                                                  question: str) -> None:
    role = index.search(question).role
    words = set(question.lower().split())
    named = "buyer" if {"buyer"} & words or "买家" in question else "seller"
    assert role == named


def answer(responder: Responder, question: str) -> DirectAnswer:
    reply = responder.respond(question, lang="zh" if has_han(question) else "en",
                              user_zone=ZONE, now=NOW)
    assert isinstance(reply, DirectAnswer) and reply.ref is not None, (question, reply)
    return reply


def test_a_shopper_ignored_by_the_seller_gets_the_shoppers_next_step(
        responder: Responder) -> None:
    reply = answer(responder, "the etsy seller still hasn't replied to my message")
    assert reply.ref is not None and reply.ref.role == "buyer"
    assert "open a case" in reply.plain_text()[:300]


def test_a_seller_a_buyer_wrote_to_gets_the_sellers_answer(responder: Responder) -> None:
    reply = answer(responder, "a buyer on etsy emailed me about a refund")
    assert reply.ref is not None and reply.ref.role == "seller"


@pytest.mark.parametrize(("question", "channel"), [
    ("etsy how do i ask the shop a question", "Contact The Shop"),
    ("tiktok shop how to chat with the seller", "TikTok Shop Chat"),
    ("天猫怎么跟店家聊", "商家客服"),
])
def test_addressing_the_shop_gets_the_shops_own_channel(responder: Responder, question: str,
                                                       channel: str) -> None:
    reply = answer(responder, question)
    assert reply.ref is not None and reply.ref.role == "buyer"
    assert channel in reply.plain_text()[:200]


@pytest.mark.parametrize(("question", "addressed"), [
    ("how do i message a seller on shopee", "seller"),
    ("amazon seller how to reply to a buyer", "buyer"),
    ("contact seller support amazon", None),  # a seller's own phrase
    ("tiktok shop how do i contact customer service", None),  # a kind of service, no one
    ("天猫 refund 被店家拒了 咋办", None),  # the shop did it: reported on, not addressed
    ("tiktok shop refund", None),  # "shop" inside the platform's name
])
def test_whom_the_asker_addresses(index: SearchIndex, question: str,
                                  addressed: str | None) -> None:
    assert index.search(question).addressed == addressed


def test_a_shop_that_refused_is_an_after_sales_question_not_the_shops_entry(
        responder: Responder) -> None:
    reply = answer(responder, "天猫 refund 被店家拒了 咋办")
    assert reply.ref is not None and reply.ref.issue == "after_sales"
    assert reply.aspect is not Aspect.entry


def test_messaging_the_shop_is_how_to_reach_the_shop(responder: Responder) -> None:
    # the shop's own service is the messaging: its entry, not Tmall's own chat
    reply = answer(responder, "how do i message the shop on tmall")
    assert reply.aspect is Aspect.entry
    assert "The shop's customer service" in reply.plain_text().splitlines()[0]
    assert "Tmall official service" not in reply.plain_text()[:300]
    # a phone of the platform's own service is still the phone
    assert answer(responder, "天猫官方客服电话").aspect is Aspect.phone


@pytest.mark.parametrize("question", [
    "天猫上跟店家沟通失败了，怎么让平台出面",
    "the tmall shop refuses a refund, can tmall itself get involved",
])
def test_asking_the_platform_to_step_in_over_the_shop_is_not_the_shops_channel(
        responder: Responder, question: str) -> None:
    reply = answer(responder, question)
    assert reply.aspect is Aspect.intervene
    first = reply.plain_text().splitlines()[0]
    assert "商家客服" not in first and "The shop's customer service" not in first


@pytest.mark.parametrize("question", ["tiktok越南站，买家提了退款，我多久要处理",
                                      "泰国tiktok能不能叫客人加我line"])
def test_more_ways_of_naming_the_other_party(index: SearchIndex, question: str) -> None:
    assert index.search(question).role == "seller"


def test_a_channel_named_with_no_role_word_is_that_channels_role(responder: Responder) -> None:
    # "account" finds a sellers' card; WeChat is the shoppers' channel, and messaging
    # it is how to reach it
    reply = answer(responder, "can i message amazon on wechat about my account")
    assert reply.ref is not None and reply.ref.role == "buyer"
    assert "WeChat" in reply.plain_text().splitlines()[0]


def test_a_role_the_named_platform_lacks_is_just_a_word(index: SearchIndex) -> None:
    # Tmall has shoppers only: "the shop" is whom the shopper sends things to
    assert index.search("tmall parcel came damaged, what should i send the shop").role is None


@pytest.mark.parametrize(("question", "lacking"), [
    ("我是卖家 shopee客服怎么联系", "seller"),  # marked as the asker's
    ("I sell on temu, how do I reach seller support", "seller"),  # the asker's own words
    ("天猫商家后台找小二", "seller"),  # a seller's own tools
    ("walmart: i bought a tv and it never arrived", "buyer"),
    ("虾皮卖家不发货怎么办", None),  # the other party, named
    ("我是卖家 亚马逊客服怎么联系", None),  # a side the platform has
])
def test_the_asker_on_a_side_the_platform_lacks(index: SearchIndex, question: str,
                                                lacking: str | None) -> None:
    assert index.search(question).asker_lacking == lacking


@pytest.mark.parametrize(("question", "asker"), [
    ("the etsy seller isn't answering my messages", "buyer"),
    ("my tiktok shop seller doesnt respond at all", "buyer"),
    ("this etsy buyer didn't reply after i shipped", "seller"),
    ("the seller on etsy is not answering", "buyer"),
])
def test_an_auxiliary_with_nt_says_not(index: SearchIndex, question: str, asker: str) -> None:
    # "isn't answering" is "not answering": what the other party fails to do to the asker,
    # however the negation is written
    assert index.search(question).role == asker


@pytest.mark.parametrize(("question", "asker"), [
    ("etsy seller here: on what basis does etsy rule on a buyer's case?", "seller"),
    ("hi! tiktok shop seller here, when is chat support open", "seller"),
    ("etsy buyer here, the seller sent me a weird link", "buyer"),
    ("亚马逊卖家一枚，请问电话支持几点开", "seller"),
])
def test_a_role_word_followed_by_here_is_the_asker(index: SearchIndex, question: str,
                                                   asker: str) -> None:
    result = index.search(question)
    assert result.role == asker and asker in result.asker_said
    assert result.matches[0].ref.role == asker


def test_asking_whether_a_person_is_here_marks_no_one(index: SearchIndex) -> None:
    assert not index.search("is the seller here?").asker_said


@pytest.mark.parametrize("question", ["how do i complain about a shop to tmall",
                                      "I want to report the tmall shop that sold me a fake"])
def test_complaining_about_the_shop_is_not_writing_to_it(responder: Responder,
                                                          question: str) -> None:
    # the shop is reported on, to Tmall: the platform's way to step in, not the shop's chat
    text = answer(responder, question).plain_text()
    assert "The shop's customer service —" not in text.splitlines()[0]
    assert "申请客服介入" in text


def test_a_platforms_name_between_the_verb_and_the_shop_still_addresses_it(
        responder: Responder) -> None:
    reply = answer(responder, "怎么联系天猫商家")
    assert reply.plain_text().startswith("天猫 · 商家客服 — 入口在哪")


@pytest.mark.parametrize(("question", "asker"), [
    ("does an etsy seller have to give me a refund", "buyer"),
    ("how long should a tiktok shop thailand seller take to answer my message", "buyer"),
    ("can an etsy buyer really leave me a bad review for that", "seller"),
    # the asker's own role word stays the asker's, "my" after it or not
    ("as a seller my account got suspended on etsy", "seller"),
    ("etsy seller here my shop got a case", "seller"),
])
def test_the_asker_acted_on_a_few_words_after_the_role_word(index: SearchIndex, question: str,
                                                             asker: str) -> None:
    assert index.search(question).role == asker


@pytest.mark.parametrize(("question", "role", "first"), [
    ("亚马逊卖家客服电话多少", "seller", "亚马逊 · 卖家 — 客服电话"),
    ("亚马逊卖家客服几点上班", "seller", "亚马逊 · 卖家"),
    ("天猫卖家客服在哪", "buyer", "天猫 · 商家客服"),
])
def test_a_compound_of_another_platform_hides_no_role_word(responder: Responder, question: str,
                                                           role: str, first: str) -> None:
    # 卖家客服 is Tmall's word for the shop's service; on Amazon it is seller support, and
    # 卖家 in it names the asker's role: never the shoppers' hotlines for a seller
    reply = answer(responder, question)
    assert reply.ref is not None and reply.ref.role == role
    assert reply.plain_text().startswith(first), reply.plain_text()


@pytest.mark.parametrize(("question", "first"), [
    ("TikTok Shop seller support hours", "TikTok Shop · Seller — Hours"),
    ("TikTok Shop卖家客服几点上班", "TikTok Shop（抖音国际版） · 卖家 — 服务时间"),
])
def test_a_role_inside_its_own_service_is_the_asker_even_where_the_files_are_silent(
        responder: Responder, question: str, first: str) -> None:
    # "seller support" is where a seller goes: the files give no hours for TikTok Shop's
    # sellers, and that is said, not the shoppers' hours in their place
    assert answer(responder, question).plain_text().startswith(first)


@pytest.mark.parametrize("question", ["亚马逊买家投诉我怎么办", "amazon 买家投诉我了"])
def test_a_compound_of_the_other_sides_cards_still_names_the_other_party(
        index: SearchIndex, question: str) -> None:
    # 买家投诉 is a keyword of the sellers' cards (a complaint from a buyer): the 买家
    # that opens it is the buyer who complained, and the asker sells
    assert index.search(question).role == "seller"


@pytest.mark.parametrize(("question", "asker"), [
    ("got a refund request from a buyer on tiktok shop, how fast must i respond", "seller"),
    ("why do i keep getting the same weird message from different etsy buyers", "seller"),
    ("a message from the seller says my order is delayed", "buyer"),
])
def test_a_role_word_after_from_is_the_other_party(index: SearchIndex, question: str,
                                                   asker: str) -> None:
    # what came from a buyer came to the seller: "from", like "by", names the other side
    assert index.search(question).role == asker


@pytest.mark.parametrize("question", [
    "as an etsy seller, if etsy refunds the buyer do I lose the money",
    "i'm a tiktok shop seller and the buyer wants a refund, what now"])
def test_a_platform_name_between_the_self_mark_and_the_role_is_read_past(
        index: SearchIndex, question: str) -> None:
    # "as an etsy seller": the asker's own side, as "as a seller" is
    assert index.search(question).asker_said == frozenset({"seller"})


@pytest.mark.parametrize("question", [
    "tiktok seller's not replying to my messages", "亚马逊上的卖家处理不了我的退货",
    "etsy卖家解决不了我的问题"])
def test_what_the_other_party_cannot_or_will_not_do_names_them(
        index: SearchIndex, question: str) -> None:
    # 's is "is"; 解决不了, 处理不了 are what a seller did to the asker, as 不理 is
    assert index.search(question).role == "buyer"


@pytest.mark.parametrize("question", ["temu订单里怎么找到卖家", "how do i find the seller on etsy"])
def test_finding_the_other_party_is_addressing_them(index: SearchIndex, question: str) -> None:
    # 找到卖家, "find the seller": the shopper looks for the seller, as in 找卖家
    result = index.search(question)
    assert result.addressed == "seller" and result.role in (None, "buyer")


@pytest.mark.parametrize("question", ["tiktok shop order problem: who to contact first?",
                                      "tiktok shop: order problem, who first"])
def test_with_no_role_said_the_facts_that_place_a_question_favour_shoppers(
        responder: Responder, question: str) -> None:
    """Search could not place it, so the best-matching fact picks the card; as search
    does, a shopper's is the likelier where no role is said."""
    turn = responder.converse(question, None, lang="en", user_zone=ZONE, now=NOW)
    assert isinstance(turn.reply, DirectAnswer) and turn.reply.ref is not None
    assert turn.reply.ref.role == "buyer", turn.reply.ref


@pytest.mark.parametrize("question", ["TK小店的卖家可以帮我换个颜色吗",
                                      "etsy店家能替我改一下收货地址不"])
def test_a_seller_doing_something_for_the_asker_is_a_shoppers_question(
        index: SearchIndex, question: str) -> None:
    # 帮我 / 替我 after the role word: the seller acts for the asker, who bought
    assert index.search(question).role == "buyer"


@pytest.mark.parametrize("question", [
    "tmall seller never replied",  # "never" may stand between, and opens what they did
    "tmall the seller never replies",  # the present ("replies" stems as "reply")
    "shopee seller is not replying",
    "etsy seller ghosted me",
])
def test_a_seller_who_never_replies_is_the_other_party(index: SearchIndex, question: str) -> None:
    result = index.search(question)
    assert result.reported == "seller" and result.matches[0].ref.role == "buyer", result
