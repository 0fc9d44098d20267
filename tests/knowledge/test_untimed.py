""""How long does X take", where the files give no time for X: said so, then what they say
of X; never a channel's reply time, which was not asked."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from knowledge.answer import DirectAnswer
from knowledge.i18n import LABELS
from knowledge.reply import Responder
from knowledge.schema import Aspect

NOW = datetime(2026, 3, 4, 4, 0, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Shanghai")


def _answer(responder: Responder, question: str) -> DirectAnswer:
    reply = responder.converse(question, None, lang="en", user_zone=ZONE, now=NOW).reply
    assert isinstance(reply, DirectAnswer), reply
    return reply


@pytest.mark.parametrize("question", [
    "how long does amazon take to refund",
    "how long do amazon refunds take to show up",
])
def test_a_time_the_files_do_not_give_is_said_to_be_missing(responder: Responder,
                                                            question: str) -> None:
    answer = _answer(responder, question)
    texts = [line.text for line in answer.lines]
    assert texts[0] == LABELS.get("answer.untimed", "en"), texts
    # then what the files do say of a refund, and no channel's reply time
    assert "refund" in texts[1].lower(), texts
    assert not any("Response time" in t or "rings within" in t for t in texts), texts


@pytest.mark.parametrize("question", [
    "how long does amazon take to answer an email",  # a channel's reply time
    "how long does the amazon seller case take",  # the case's
])
def test_a_reply_time_the_files_give_is_answered(responder: Responder, question: str) -> None:
    texts = [line.text for line in _answer(responder, question).lines]
    assert LABELS.get("answer.untimed", "en") not in texts
    assert any("1–3 days" in t or "1–24 hours" in t for t in texts), texts


def test_a_bare_how_long_after_an_answer_asks_the_time_of_that(responder: Responder) -> None:
    # after Tmall's hours, "一般几天回" asks how soon they reply; its 一般 matches the hours'
    # "一般全天在线", which is no other thing whose time the files do not give
    state = responder.converse("天猫客服几点上班", None, lang="zh", user_zone=ZONE,
                               now=NOW).state
    reply = responder.converse("一般几天回", state, lang="zh", user_zone=ZONE, now=NOW).reply
    assert isinstance(reply, DirectAnswer), reply
    assert reply.aspect is Aspect.response_time, reply.aspect
    assert LABELS.get("answer.untimed", "zh") not in [line.text for line in reply.lines]
