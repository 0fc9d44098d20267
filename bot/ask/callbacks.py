"""The answer's own buttons: the same fact, asked for another site."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from bot.core.callbacks import CallbackData, callback_data, parse_ids
from knowledge.catalog import CardRef
from knowledge.schema import Aspect

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
