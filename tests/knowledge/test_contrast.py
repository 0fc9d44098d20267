"""The party a question sets aside is no word of it; a question that asks back keeps it."""

from __future__ import annotations

import pytest

from knowledge.contrast import without_set_aside


@pytest.mark.parametrize(("question", "gone"), [
    ("how do I reach Tmall's own customer service, not the shop's?", "shop"),
    ("I want tiktok itself, instead of the seller chat", "seller"),
    ("天猫官方客服怎么找 不是店铺客服", "店铺"),
    ("想找天猫 而不是找商家", "商家"),
    ("天貓官方客服怎麼找 不是店鋪客服", "店"),  # traditional characters
])
def test_a_party_set_aside_is_dropped(question: str, gone: str) -> None:
    assert gone not in without_set_aside(question)


@pytest.mark.parametrize("question", [
    "这个号码不是官方客服吗",  # asks whether it is
    "是不是官方客服",
    "卖家不是说好了包邮吗",  # the party before the negation: what it did
    "the seller is not answering",
    "天猫客服电话多少",
    "it's in the app, not seller central",  # a place of the seller's, no party
    "不是卖家后台的问题",
])
def test_a_question_that_sets_nothing_aside_is_kept(question: str) -> None:
    assert without_set_aside(question) == question
