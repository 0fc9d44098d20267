"""English words typed wrong, made right once for every reader of a question.

Why: search, the aspect reader and the facts' index each read the question's words, and
only the first two forgave typos, each its own way. "is temu ruturn shipping free?" found
Temu's returns card, but no fact that says "return": the answer led with another one. A
question is now spelt right before any of them reads it, so a typo changes nothing.

A word is left as typed when it is known: a word of the knowledge files, an English
word (english.py: "blender", "sketchy") or a stopword, one of them inflected
("chatted") or prefixed ("inauthentic"), or three letters or fewer ("US", "hrs"). Anything
else within `edit_budget` edits of a word of the files or an everyday one becomes the
nearest: a platform's name first ("amzaon", "tktok"), then a word of the knowledge
files, then an everyday word ("anthing" is "anything", not the files' "act"). Links,
e-mail addresses and anything glued to them by dots, slashes or @ are never touched:
"amzaon.co.jp" must stay what it is for the link check (and a question reaches this
reader with its links taken out).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from knowledge.textnorm import STOPWORDS, edit_budget, stem

__all__ = ["MAX_LOOKUPS", "Speller", "latin_words"]

MAX_LOOKUPS = 12  # unknown words per message looked up (as search's FUZZY_MAX_TOKENS)

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_GLUE = frozenset("./@:\\_-")  # a word touching these is part of an address or a code
# contractions typed without their apostrophe ("dont", "hasnt", "im") are words as typed
# a known word after one of these is a word ("inauthentic" is no typo of "authentic")
_PREFIXES = ("un", "in", "im", "non", "dis", "mis", "re", "pre", "over", "under", "anti")
_CONTRACTED = frozenset(
    """dont cant wont isnt arent doesnt didnt hasnt havent hadnt wasnt werent shouldnt
    couldnt wouldnt mustnt neednt aint im ive youre youve theyre theyve weve whats thats
    theres heres wheres whos hows lets""".split())  # noqa: SIM905


def latin_words(values: Iterable[Any]) -> Iterator[str]:
    """Every lower-case English word in nested data (dicts, lists, strings)."""
    todo = list(values)
    while todo:
        value = todo.pop()
        if isinstance(value, str):
            yield from (w.lower() for w in _WORD.findall(value))
        elif isinstance(value, dict):
            todo.extend(value.values())
        elif isinstance(value, (list, tuple, set, frozenset)):
            todo.extend(value)


class Speller:
    """Corrects a question's English words against the knowledge's and everyday words."""

    def __init__(self, domain: Iterable[str], common: Iterable[str],
                 names: Iterable[str], counts: Mapping[str, int]) -> None:
        """`domain`: the knowledge files' words; `common`: the everyday words a typo may
        be of; `names`: platforms' names; `counts`: every English word with how often it
        is seen (a rarer word is a word too, and the commoner of two as near is meant)."""
        self._names = frozenset(names)
        self._domain = frozenset(domain) | self._names
        self._counts = counts
        choices = self._domain | frozenset(common)
        self._known = choices | frozenset(counts) | STOPWORDS | _CONTRACTED
        self._choices = sorted(choices - STOPWORDS - _CONTRACTED)
        # (a word of the files or an everyday one inflected is known: "chatted")
        self._stems = frozenset(stem(w) for w in choices)

    def correct(self, text: str) -> str:
        """The text with each unknown English word replaced by its nearest known one (the
        first MAX_LOOKUPS unknown words: a long paste of gibberish costs no more)."""
        out: list[str] = []
        at = 0
        lookups = MAX_LOOKUPS
        for found in _WORD.finditer(text):
            start, end = found.span()
            if (start > 0 and text[start - 1] in _GLUE) or (end < len(text)
                                                             and text[end] in _GLUE):
                continue
            if lookups <= 0:
                break
            fixed, looked = self._nearest(found.group())
            lookups -= looked
            if fixed is not None:
                out += [text[at:start], fixed]
                at = end
        return "".join(out) + text[at:] if out else text

    def _nearest(self, typed: str) -> tuple[str | None, bool]:
        """The word meant, if another; and whether the vocabulary was searched for it."""
        word = typed.lower().removesuffix("'s")  # ("promotion's")
        budget = edit_budget(len(word))
        if budget == 0 or word in self._known or stem(word) in self._stems or any(
                word.startswith(p) and word[len(p):] in self._known for p in _PREFIXES):
            return None, False
        found = process.extract(word, self._choices, scorer=OSA.distance,
                                score_cutoff=budget, limit=None)
        if not found:
            return None, True
        # the nearest; a name before a word, the files' word before an everyday one; the
        # same letters swapped ("opne" is "open", not "one"), then a letter left out, the
        # commonest slip ("limt" is "limit", not "list"), then the commoner ("respnd" is
        # "respond", not "resend"), then the same first letter
        counts = self._counts
        letters = sorted(word)
        found.sort(key=lambda f: (f[1], f[0] not in self._names, f[0] not in self._domain,
                                  sorted(f[0]) != letters, not _left_out(word, f[0]),
                                  -counts.get(f[0], 0), f[0][0] != word[0], f[0]))
        fixed = str(found[0][0])
        return (fixed + typed[len(word):] if typed.lower().endswith("'s") else fixed), True


def _left_out(typed: str, word: str) -> bool:
    """Whether `typed` is `word` with letters left out, the rest in order."""
    letters = iter(word)
    return len(typed) < len(word) and all(c in letters for c in typed)
