"""Reading who asks: the language a question is written in, and a stored zone that still exists."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from knowledge.schema import Lang

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def question_lang(text: str) -> Lang | None:
    """The language a question is written in, when it shows: any Chinese character → zh."""
    if _HAN.search(text):
        return "zh"
    if _LATIN.search(text):
        return "en"
    return None


def zone_or_default(name: str | None, default: ZoneInfo) -> ZoneInfo:
    """The stored zone, or `default` when there is none or tzdata no longer has it."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass  # a zone dropped from tzdata since it was stored: fall back
    return default
