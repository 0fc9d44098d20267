"""The answer's own buttons: the same fact for another site; 👍 / 👎 and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from bot.core.callbacks import CallbackData, callback_data, parse_ids
from knowledge.catalog import CardRef
from knowledge.schema import Aspect
from storage.feedback import VoteKind

_ASPECTS = {aspect.value: aspect for aspect in Aspect}


@callback_data("q")
@dataclass(frozen=True)
class AnswerFor(CallbackData):
    """The direct answer about `aspect` for the card `ref` (a site button under an answer)."""

    ref: CardRef
    aspect: Aspect

    def argument(self) -> str:
        return f"{self.ref.key}:{self.aspect.value}"

    @classmethod
    def from_argument(cls, argument: str | None) -> Self | None:
        key, _, name = (argument or "").partition(":")
        ids = parse_ids(key, 3, 4) if key else None
        aspect = _ASPECTS.get(name)
        if ids is None or aspect is None:
            return None
        return cls(CardRef(*ids), aspect)


# a vote's letter in the data; the order is the order of the reason buttons after 👎
_VOTE_LETTERS: dict[VoteKind, str] = {
    VoteKind.UP: "u",
    VoteKind.DOWN: "d",
    VoteKind.WRONG: "w",
    VoteKind.OFF_TOPIC: "n",
    VoteKind.BROKEN: "b",
    VoteKind.OTHER: "o",
}
_VOTES_BY_LETTER = {letter: vote for vote, letter in _VOTE_LETTERS.items()}
REASONS = (VoteKind.WRONG, VoteKind.OFF_TOPIC, VoteKind.BROKEN, VoteKind.OTHER)
_NO_ASPECT = "-"  # the answer was the card itself (nothing in particular asked)


@callback_data("v")
@dataclass(frozen=True)
class Vote(CallbackData):
    """👍 / 👎 (and, after 👎, its reason) under a direct answer: `1:v:<vote>:<card>:<aspect>`.

    The data names the answer, so the vote needs nothing stored per message to know what
    it is about; the handler checks the card still exists and the message is recent.
    """

    vote: VoteKind
    ref: CardRef
    aspect: Aspect | None

    def argument(self) -> str:
        aspect = _NO_ASPECT if self.aspect is None else self.aspect.value
        return f"{_VOTE_LETTERS[self.vote]}:{self.ref.key}:{aspect}"

    @classmethod
    def from_argument(cls, argument: str | None) -> Self | None:
        parts = (argument or "").split(":")
        if len(parts) != 3:
            return None
        letter, key, name = parts
        vote = _VOTES_BY_LETTER.get(letter)
        ids = parse_ids(key, 3, 4)
        aspect = None if name == _NO_ASPECT else _ASPECTS.get(name)
        if vote is None or ids is None or (aspect is None and name != _NO_ASPECT):
            return None
        return cls(vote, CardRef(*ids), aspect)
