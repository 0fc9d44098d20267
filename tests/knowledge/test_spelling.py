"""English typos made right before anything reads a question (knowledge/spelling.py),
and never inside a link: a typo of an official address stays what it is."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from knowledge.answer import DirectAnswer
from knowledge.links import LinkKind
from knowledge.reply import CheckedAnswer, Responder
from knowledge.spelling import MAX_LOOKUPS, Speller

NOW = datetime(2026, 3, 4, 4, 0, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def speller(responder: Responder) -> Speller:
    return responder.index.speller


@pytest.mark.parametrize(("typed", "meant"), [
    ("is temu ruturn shipping free?", "is temu return shipping free?"),
    ("amzaon sellre suport", "amazon seller support"),  # a name first, then the files' words
    ("my order is late do i get anthing", "my order is late do i get anything"),  # not "act"
    ("when does it opne", "when does it open"),  # letters swapped, not "one"
    ("how long to respnd", "how long to respond"),  # the commoner, not "resend"
    # a letter left out before a letter changed: "limit", not the commoner "list"
    ("is there a time limt", "is there a time limit"),
    ("亚马逊selor客服", "亚马逊selor客服"),  # nothing within reach: as typed
    ("shoppe refund", "shopee refund"),  # a rare word one letter from a name is the name
])
def test_a_typo_becomes_the_nearest_known_word(speller: Speller, typed: str, meant: str) -> None:
    assert speller.correct(typed) == meant


@pytest.mark.parametrize("text", [
    "the blender arrived sketchy and inauthentic",  # English words, however rare
    "i chatted, they're looping, we've spammed",  # inflected, and contractions
    "dont cant hasnt im whats",  # contractions typed without the apostrophe
    "amzaon.co.jp gs.amezon.cn seller-us.tktok.com scam@amazom-help.com",  # addresses
])
def test_known_words_and_addresses_stay_as_typed(speller: Speller, text: str) -> None:
    assert speller.correct(text) == text


@pytest.mark.parametrize(("typed", "meant"), [
    ("is temu ruturn shipping free?", "is temu return shipping free?"),
    ("temu retrun window how many days", "temu return window how many days"),
    ("how long does the etsy seller get to respnd before I can open a case?",
     "how long does the etsy seller get to respond before I can open a case?"),
    ("amzon charegd me twice for one order", "amazon charged me twice for one order"),
])
def test_a_typo_gets_the_answer_the_word_spelt_right_gets(
    responder: Responder, typed: str, meant: str,
) -> None:
    def answered(text: str) -> DirectAnswer:
        reply = responder.respond(text, lang="en", user_zone=ZONE, now=NOW)
        assert isinstance(reply, DirectAnswer), reply
        return reply

    right, wrong = answered(meant), answered(typed)
    assert (wrong.ref, wrong.aspect, wrong.facts) == (right.ref, right.aspect, right.facts)


def test_a_misspelt_official_address_is_never_read_as_the_official_one(
    responder: Responder,
) -> None:
    # the question is answered, spelt right; the address is checked as typed: a look-alike
    reply = responder.respond("amzaon.co.jp customer servise number?", lang="en",
                              user_zone=ZONE, now=NOW)
    assert isinstance(reply, CheckedAnswer), reply
    assert reply.answer.aspect is not None and reply.answer.ref is not None
    assert reply.answer.ref.platform == "amazon"
    assert [link.kind for link in reply.check.links] == [LinkKind.look_alike]


def test_a_long_paste_of_unknown_words_is_looked_up_only_so_far(speller: Speller) -> None:
    # each lookup searches the whole vocabulary: a paste of gibberish must not cost more
    # than MAX_LOOKUPS of them; the words after that stay as typed
    gibberish = " ".join(f"zqx{'v' * (i % 4)}jkw" for i in range(MAX_LOOKUPS + 50))
    assert speller.correct(gibberish + " amzaon") == gibberish + " amzaon"
    assert speller.correct("amzaon " + gibberish) == "amazon " + gibberish
