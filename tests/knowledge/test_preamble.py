"""An opener that names nothing is no part of the question; a story that names its topic is.

The openers here are my own wording, none of bench/preambles.txt (which measures this).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from knowledge.answer import DirectAnswer
from knowledge.preamble import without_preamble
from knowledge.reply import CheckedAnswer, Responder
from knowledge.schema import Aspect, Lang

NOW = datetime(2026, 3, 4, 4, 0, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("opener", "question"), [
    ("同事推荐我来这儿问问，", "亚马逊买家能发邮件联系客服吗"),
    ("听朋友推荐的，", "美国站卖家电话支持几点开"),
])
def test_one_rare_word_a_fact_says_makes_no_opener_a_topic(
        responder: Responder, opener: str, question: str) -> None:
    # 推荐 is rare in the files, and one step says it ("pick the recommended way … the
    # call-back"): the opener had stayed, and the email question became the sellers'
    # call-back; a clause is a topic by two words a fact shares
    def said(message: str) -> str:
        reply = responder.respond(message, lang="zh", user_zone=ZONE, now=NOW)
        assert isinstance(reply, DirectAnswer), reply
        return reply.plain_text()

    assert without_preamble(responder.index, opener + question) == question
    assert said(opener + question) == said(question)


@pytest.mark.parametrize(("message", "question"), [
    ("Sorry for bothering you again, how do i email amazon customer service",
     "how do i email amazon customer service"),
    ("Forgive my typing, long week. walmart seller support number?",
     "walmart seller support number?"),
    ("唉，今天好倒霉，天猫客服电话多少", "天猫客服电话多少"),
    ("sorry, is amazon support open on sundays?", "is amazon support open on sundays?"),
])
def test_an_opener_that_names_nothing_is_left_out(responder: Responder, message: str,
                                                  question: str) -> None:
    assert without_preamble(responder.index, message) == question


@pytest.mark.parametrize("message", [
    "acct frozen, urgent — who do I call at amazon",  # what happened: the topic
    "东西坏了想退，亚马逊上在哪儿申请",
    "Black Friday coming, will my amazon seller case take forever?",  # a season the files know
    "I sell on amazon.fr from Shenzhen, when do EU support replies arrive",  # an address
    "我是卖家，亚马逊客服电话多少",  # a role
    "it's been 3 days, amazon seller support still silent",  # a time
    "Forgive my typing, long week.",  # nothing after it
    "app — where's amazon customer service hiding in the menu",  # where the asker is
    "网页版，天猫客服在哪",
])
def test_a_story_that_names_its_topic_stays(responder: Responder, message: str) -> None:
    assert without_preamble(responder.index, message) == message


def _aspect(responder: Responder, message: str, lang: Lang) -> tuple[Aspect | None, str]:
    reply = responder.respond(message, lang=lang, user_zone=ZONE, now=NOW)
    if isinstance(reply, CheckedAnswer):
        reply = reply.answer
    assert isinstance(reply, DirectAnswer), reply
    return reply.aspect, reply.facts[0] if reply.facts else ""


@pytest.mark.parametrize(("opener", "question", "lang"), [
    # "again" had led with the step "submit it again"
    ("Sorry for bothering you again, ", "how do i email amazon customer service", "en"),
    # the languages had been asked, for the English the opener speaks of (this opener
    # matches no languages fact well; "My English is not so good" does, and stays)
    ("Excuse my English, I learn still. ", "amazon seller phone support hours in the us", "en"),
])
def test_an_opener_changes_no_answer(responder: Responder, opener: str, question: str,
                                     lang: Lang) -> None:
    assert _aspect(responder, opener + question, lang) == _aspect(responder, question, lang)


@pytest.mark.parametrize(("message", "question"), [
    ("亚马逊客服电话多少，烦死了", "亚马逊客服电话多少"),
    ("walmart seller phone number, ugh so frustrating", "walmart seller phone number"),
    ("temu phone number? so annoying", "temu phone number?"),  # its own "?" stays
    ("Sorry to bother you, how do i email amazon, thanks so much", "how do i email amazon"),
])
def test_a_close_that_says_nothing_is_left_out(responder: Responder, message: str,
                                               question: str) -> None:
    assert without_preamble(responder.index, message) == question


@pytest.mark.parametrize("message", [
    "walmart seller support, weekends",  # an aspect: the hours
    "虾皮耳机只寄来一只，少了一个",  # what went wrong: facts' words
    "天猫店家拖着不退款，平台到底管不管",  # the question itself, last
    "amazon seller support, my account got suspended",
    # no question before them: the clauses after are the story itself
    "在淘宝上买的杯子到了，盒子扁了，杯子也裂了",
    "ordered a lamp on amazon, box was crushed, shade totally broken",
])
def test_a_close_that_says_something_stays(responder: Responder, message: str) -> None:
    assert without_preamble(responder.index, message) == message


@pytest.mark.parametrize(("first", "then", "platform"), [
    ("亚马逊客服电话多少", "那tiktok呢，烦死了", "tiktok"),
    ("amazon customer service number", "what about tiktok? ugh so frustrating", "tiktok"),
    ("amazon customer service number", "and walmart, this is driving me crazy", "walmart"),
])
def test_a_follow_up_with_a_sigh_after_it_is_still_a_follow_up(
        responder: Responder, first: str, then: str, platform: str) -> None:
    # the sigh's words had made the follow-up say more than a platform, and it lost the
    # question it follows (the phone number)
    lang: Lang = "en" if first.isascii() else "zh"
    state = responder.converse(first, None, lang=lang, user_zone=ZONE, now=NOW).state
    reply = responder.converse(then, state, lang=lang, user_zone=ZONE, now=NOW).reply
    assert isinstance(reply, DirectAnswer), reply
    assert reply.ref is not None and reply.ref.platform == platform, reply.ref
    assert reply.aspect is Aspect.phone, reply.aspect


def test_words_of_degree_add_nothing(responder: Responder) -> None:
    # "really" had matched Temu's "really from Temu" note and led with it
    assert _aspect(responder, "temu phone number, really annoying", "en") == \
        _aspect(responder, "temu phone number", "en")
