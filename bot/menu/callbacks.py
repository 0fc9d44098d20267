"""The settings buttons: choose a language or a time zone (bot/core/nav.py opens the pages)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Self

from bot.core.callbacks import CallbackData, callback_data
from bot.core.zones import COMMON_ZONES
from knowledge.schema import LANGS, Lang

_LANGS: dict[str, Lang] = {lang: lang for lang in LANGS}
_INDEX_RE = re.compile(r"0|[1-9][0-9]{0,2}")  # ASCII digits only: str.isdigit takes "٣" too


@callback_data("l")
@dataclass(frozen=True)
class SetLang(CallbackData):
    lang: Lang

    def argument(self) -> str:
        return self.lang

    @classmethod
    def from_argument(cls, argument: str | None) -> Self | None:
        lang = _LANGS.get(argument or "")
        return None if lang is None else cls(lang)


@callback_data("z")
@dataclass(frozen=True)
class SetZone(CallbackData):
    index: int  # into COMMON_ZONES

    @property
    def zone(self) -> str:
        return COMMON_ZONES[self.index]

    def argument(self) -> str:
        return str(self.index)

    @classmethod
    def from_argument(cls, argument: str | None) -> Self | None:
        if not argument or not _INDEX_RE.fullmatch(argument):
            return None
        index = int(argument)
        return cls(index) if index < len(COMMON_ZONES) else None
