"""Which Chinese characters sound alike, for reading Chinese typos.

People type Chinese by its sound (pinyin), so a wrong character is mostly one that sounds
like the right one: "投素" for 投诉, "争意" for 争议, "申述" for 申诉, "多块" for 多快. A
character that only happens to sit where another was ("机器人客服" is not "华人客服" with
one character wrong) is not a typo. The readings come from pypinyin's dictionary (every
reading of a character, tones dropped), folded the way many speakers blur them: zh/ch/sh
with z/c/s, l with n, and -ang/-eng/-ing with -an/-en/-in.
"""

from __future__ import annotations

import os
import unicodedata
from functools import lru_cache

# Only single characters' readings are read here. pypinyin's package loads its phrase
# dictionary and copies both dictionaries on import unless told not to (its documented
# environment switches): some 0.3 s of every start-up, for nothing we use.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")

from pypinyin.pinyin_dict import pinyin_dict

__all__ = ["ANY_TYPO", "may_replace", "sound_alike"]

ANY_TYPO = 6  # from this many characters a word's typo need not sound like the right one

_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"))
_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"))


def _fold(reading: str) -> str:
    """A reading without tone marks, blurred as above ("shù" → "su")."""
    plain = "".join(c for c in unicodedata.normalize("NFD", reading)
                    if not unicodedata.combining(c))
    for full, blurred in _INITIALS:
        if plain.startswith(full):
            plain = blurred + plain[len(full):]
            break
    for full, blurred in _FINALS:
        if plain.endswith(full):
            plain = plain[: -len(full)] + blurred
            break
    return plain


@lru_cache(maxsize=8192)
def _readings(char: str) -> frozenset[str]:
    if len(char) != 1:
        return frozenset()
    raw = pinyin_dict.get(ord(char), "")
    return frozenset(_fold(r) for r in raw.split(",") if r)


def sound_alike(a: str, b: str) -> bool:
    """Whether two characters share a reading (blurred as above); False for non-Chinese."""
    return a == b or bool(_readings(a) & _readings(b))


def may_replace(typed: str, meant: str, length: int) -> bool:
    """Whether `typed` may stand for `meant` in a word of `length` characters: in a long
    word any one character may be wrong ("申请客服介人"), in a short one only one that
    sounds alike."""
    return length >= ANY_TYPO or sound_alike(typed, meant)
