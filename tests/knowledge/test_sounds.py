"""Chinese typos are read by sound: a wrong character is one that sounds like the right
one (knowledge/sounds.py), through the real search index and aspect words."""

from __future__ import annotations

import pytest

from knowledge.catalog import load_catalog
from knowledge.schema import Aspect
from knowledge.search import SearchIndex
from knowledge.sounds import sound_alike


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(load_catalog())


@pytest.mark.parametrize(("typed", "meant"), [
    ("素", "诉"),  # tou su: the same syllable
    ("述", "诉"),  # shu / su: sh and s are blurred by many speakers
    ("意", "议"),
    ("块", "快"),
    ("兰", "南"),  # lan / nan: l and n
])
def test_characters_that_sound_alike(typed: str, meant: str) -> None:
    assert sound_alike(typed, meant)


@pytest.mark.parametrize(("a", "b"), [("器", "华"), ("人", "款"), ("a", "诉"), ("", "诉")])
def test_characters_that_do_not(a: str, b: str) -> None:
    assert not sound_alike(a, b)


def test_a_homophone_typo_is_read_as_the_word(index: SearchIndex) -> None:
    assert "投诉" in index.search("天猫商家不理人 能投素吗").terms
    assert "纠纷" in index.search("沃尔玛这单能争意吗").terms  # 争议, a word of the dispute cards


def test_a_character_that_only_sits_in_the_place_of_another_is_no_typo(
    index: SearchIndex,
) -> None:
    # "机器人客服" is one character away from the language word "华人客服", by shape only
    asked = index.aspects.detect("亚马逊机器人客服不行 怎么找真人")
    assert Aspect.languages not in asked.aspects
    assert Aspect.human in asked.aspects
