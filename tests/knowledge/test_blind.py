"""Questions nobody tuned for (tests/knowledge/blind.yaml, and six sets written the
same way later: blind_extra.yaml as `dev2`, blind_dev3.yaml as `dev3` and blind_dev4.yaml
as `dev4`, tuned on, and blind_fresh.yaml as `test2`, blind_test3.yaml as `test3` and
blind_test4.yaml as `test4`, held out like `test`; then blind_dev5.yaml as `dev5` and
blind_test5.yaml as `test5`, and blind_dev6.yaml as `dev6` and blind_test6.yaml as
`test6`): how often the first reply shows the asked fact within 300 characters, per split.

The floors are what the answering path reaches today, measured, not the goal: issue #18
asks for 90 % on `test` and 95 % on `dev`. A change that lowers a rate fails here; a
change that raises it should raise the floor. `python -m bench.answers` prints the rates
and the failures by kind. Never add a word for one failing `test` question: fix the method.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.reply import Responder
from tests.knowledge import blind

FLOORS = {"dev": 0.98, "test": 0.89, "dev2": 0.90, "test2": 0.89, "dev3": 0.92,
          "test3": 0.91, "dev4": 0.88, "test4": 0.86, "test5": 0.80, "dev5": 0.84,
          "dev6": 0.89, "test6": 0.87, "test7": 0.82, "dev7": 0.84, "test8": 0.77,
          "dev8": 0.80, "test9": 0.71, "dev9": 0.76, "test10": 0.72, "dev10": 0.80,
          "test11": 0.79, "dev11": 0.89, "test12": 0.78, "dev12": 0.87, "test13": 0.84,
          "dev13": 0.79, "test14": 0.77, "dev14": 0.84, "test15": 0.78, "dev15": 0.80,
          "test16": 0.73, "dev16": 0.69, "test17": 0.66, "dev17": 0.79, "test18": 0.75,
          "test19": 0.79, "dev18": 0.65, "test20": 0.64}
DATA = Path(__file__).resolve().parents[2] / "knowledge" / "data"


@pytest.mark.parametrize("split", blind.SPLITS)
def test_the_asked_fact_comes_first_on_questions_nobody_tuned_for(
    responder: Responder, split: str
) -> None:
    outcomes = blind.ask(responder, split)
    rate = blind.rate(outcomes)
    assert rate >= FLOORS[split], (split, round(rate, 3), blind.failures_by_kind(outcomes))


def test_the_blind_set_is_as_the_issue_asks() -> None:
    messages = [m for s in blind.SPLITS for c in blind.conversations(s) for m in c]
    talks = [c for s in blind.SPLITS for c in blind.conversations(s) if len(c) > 1]
    assert len(messages) >= 240 and len(talks) >= 40
    assert len(blind.load("test")) > 0 and len(blind.load("dev")) > 0


def test_every_fact_of_the_blind_set_is_in_the_knowledge_files() -> None:
    """A fact the files do not state could never be shown: the set would lie."""
    texts = {p.stem: p.read_text(encoding="utf-8") for p in DATA.glob("*.yaml")}
    for split in blind.SPLITS:
        for conversation in blind.conversations(split):
            for message in conversation:
                wanted = message["fact"]
                facts = wanted if isinstance(wanted, list) else [wanted]
                # (TikTok Shop is named by its file, tiktok_shop, or its id, tiktok)
                name = str(message["platform"])
                file = texts[{"tiktok": "tiktok_shop"}.get(name, name)]
                assert any(str(f) in file for f in facts), (message["q"], facts)
