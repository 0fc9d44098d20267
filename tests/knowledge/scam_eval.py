"""The scam-check evaluation (tests/knowledge/scam_eval.yaml), asked as the private chat
asks it: a scam must get the alert (first, or after what to do now when the asker says
it is done), a real question worded close to one must not.

Shared by tests/knowledge/test_scam_eval.py (floors) and bench/scams.py (figures).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.catalog import YAML_LOADER
from knowledge.checks import MessageCheck
from knowledge.reply import CheckedAnswer, Responder
from knowledge.textnorm import has_han
from tests.knowledge import blind

EVAL = Path(__file__).resolve().parent / "scam_eval.yaml"
HALVES = ("dev", "dev2", "test")  # dev* tuned on, test held out


@dataclass(frozen=True)
class Rates:
    half: str
    flagged: int  # scams that got the alert
    scams: int
    false_alarms: int  # real questions that got it
    legit: int
    missed: tuple[str, ...]
    alarmed: tuple[str, ...]


def alerts(responder: Responder, message: str) -> bool:
    """Whether the private chat's reply to the message carries the scam alert."""
    lang = "zh" if has_han(message) else "en"
    reply = responder.converse(message, None, lang=lang, user_zone=blind.ZONE,
                               now=blind.NOW).reply
    check = reply.check if isinstance(reply, CheckedAnswer) else reply
    return isinstance(check, MessageCheck) and check.scam is not None


def measure(responder: Responder, half: str) -> Rates:
    data = yaml.load(EVAL.read_text(encoding="utf-8"), Loader=YAML_LOADER)[half]
    missed = tuple(m for m in data["scam"] if not alerts(responder, m))
    alarmed = tuple(m for m in data["legit"] if alerts(responder, m))
    return Rates(half, len(data["scam"]) - len(missed), len(data["scam"]),
                 len(alarmed), len(data["legit"]), missed, alarmed)
