"""Questions asked before (knowledge/examples.py): a question worded like a known one is
answered by the fact that answered it, within limits; the examples file is the tuned-on
blind splits, never a held-out one."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from knowledge.answer import DirectAnswer
from knowledge.catalog import DATA_DIR, EXAMPLES_FILE, CardRef, Catalog
from knowledge.examples import ExampleIndex
from knowledge.reply import CheckedAnswer, Responder
from knowledge.schema import Example
from tests.knowledge import make_examples

NOW = datetime(2026, 3, 4, 4, 0, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Shanghai")


def _lines(responder: Responder, *messages: str) -> list[str]:
    state = None
    reply: object = None
    for message in messages:
        lang = "en" if message.isascii() else "zh"
        turn = responder.converse(message, state, lang=lang, user_zone=ZONE, now=NOW)
        state, reply = turn.state, turn.reply
    if isinstance(reply, CheckedAnswer):
        reply = reply.answer
    assert isinstance(reply, DirectAnswer), reply
    return reply.plain_text().splitlines()


def _without_any(responder: Responder, catalog: Catalog) -> Responder:
    return responder.with_examples(ExampleIndex(catalog, []))


def test_the_examples_file_is_the_tuned_on_splits_as_written(catalog: Catalog) -> None:
    """Stale after a dev split is added or a platform file moves its facts: run
    `python -m tests.knowledge.make_examples`."""
    written = (DATA_DIR / EXAMPLES_FILE).read_text(encoding="utf-8")
    assert written == make_examples.text(catalog)


def test_no_held_out_question_is_an_example(catalog: Catalog) -> None:
    assert catalog.examples
    assert {e.set for e in catalog.examples} <= {s for s in make_examples.blind.SPLITS
                                                 if s.startswith("dev")}


@pytest.mark.parametrize(("question", "line"), [
    # the rules lead with the return's steps from the start; "track the refund" is asked
    # of the last one
    ("temu - how can i track the refund", "• Web: Follow the refund on the order details page"),
    # the rules lead with "Etsy reviews the order and decides"; how it decides is the
    # shipping status and the Purchase Protection criteria
    ("how does etsy decide a case a buyer opened against me",
     "• Most cases are decided from the order's shipping status"),
])
def test_a_question_worded_like_a_known_one_gets_its_fact_first(
        responder: Responder, catalog: Catalog, question: str, line: str) -> None:
    assert _lines(responder, question)[1].startswith(line)
    assert not _lines(_without_any(responder, catalog), question)[1].startswith(line)


def test_a_set_left_out_answers_as_if_never_asked(responder: Responder) -> None:
    index = responder.index.examples
    name = next(iter(sorted(index.sets())))
    left = index.without(name)
    assert name not in left.sets() and len(left) < len(index)
    assert len(left) == sum(1 for e in responder.catalog.examples if e.set != name)


def _one(catalog: Catalog, q: str, platform: str, role: str, path: str) -> ExampleIndex:
    return ExampleIndex(catalog, [Example(q=q, platform=platform, role=role, facts=[path],
                                          set="dev")])


def test_a_figure_asked_is_never_led_by_a_known_fact_that_is_not_it(
        responder: Responder, catalog: Catalog) -> None:
    # a known question worded the same was answered by Contact Us's way in; asked for a
    # phone number, the numbers still lead
    known = _one(catalog, "amazon customer service phone number", "amazon", "buyer",
                 "channels.0")
    lines = _lines(responder.with_examples(known), "amazon customer service phone number")
    assert "400-810-5666" in lines[1]


def test_a_known_question_of_another_asker_or_platform_says_nothing(catalog: Catalog) -> None:
    known = _one(catalog, "temu - how can i track the refund", "temu", "buyer",
                 "channels.0.steps_web.5")
    assert known.answered_by("temu - how can i track the refund",
                             CardRef("temu", "buyer", "returns")) is not None
    assert known.answered_by("temu - how can i track the refund",
                             CardRef("etsy", "buyer", "general")) is None
    assert known.answered_by("temu - how can i track the refund",
                             CardRef("temu", "seller", "general")) is None
    # and one that shares too little is not the same question
    assert known.answered_by("temu phone number", CardRef("temu", "buyer", "returns")) is None


def test_a_follow_up_of_one_word_asks_of_the_conversation_not_of_a_known_question(
        responder: Responder, catalog: Catalog) -> None:
    # another conversation's "how exactly?" was answered by TikTok's Get Help step; here it
    # asks how to do what the last answer pointed to, from its first step
    known = _one(catalog, "how exactly?", "tiktok", "buyer", "channels.1.steps_app.2")
    lines = _lines(responder.with_examples(known),
                   "bought on tiktok shop, the seller never replies to me", "how exactly?")
    assert "far right" in lines[1], lines
