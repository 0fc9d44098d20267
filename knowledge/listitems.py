"""A long list's item that a message points at, kept where the list would be cut off.

Why: a fact that lists cases ("Report it to Temu if: a courier asks …; a merchant asks …;
an unknown number offers a part-time job …") may hold the one asked about fourth, past
where a line or a warning is cut; the head and that item say it, the others marked "…".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge.factindex import terms

__all__ = ["items_asked", "names_a_case", "tail_asked"]


# the clauses of a sentence ("…, weekends included.", "…，周末也算。")
_CLAUSE = re.compile(r"(?<=[,，;；])\s*")
# a clause kept after a cut: a short one, a qualifier ("weekends included")
_TAIL = 40

# a list's items ("…; …；…") after its head ("Report it to Temu if:", "以下情况请举报：")
_ITEMS = re.compile(r"\s*[;；]\s*")
_LIST = 4  # items, at least: two or three clauses are one sentence, read in order
_HEAD = re.compile(r"^[^:：;；]{1,60}[:：]\s*")


def _split(text: str) -> tuple[str, list[str]]:
    """A list's head and its items (fewer than _LIST items: not a list of cases)."""
    head_match = _HEAD.match(text)
    head = head_match.group(0) if head_match else ""
    return head, _ITEMS.split(text[len(head):])


def _asked(head: str, items: list[str], words: frozenset[str],
           said: list[set[str]] | None = None) -> list[int]:
    """The items the `words` point at: those sharing the most of them, two at least
    (`said`: each item's words, if not only its own)."""
    said = said if said is not None else [set(terms(item)) for item in items]
    # (a word most items say, or the head, tells none apart: "Temu" in "a fake Temu site")
    common = set(terms(head)) | {t for t in words if sum(t in s for s in said) * 2 >= len(items)}
    # (the item that shares the most: "offers" and "says" are in others in passing)
    shares = [len((words - common) & item_words) for item_words in said]
    return [i for i, n in enumerate(shares) if n >= 2 and n == max(shares)]


def names_a_case(texts: Sequence[str], words: frozenset[str]) -> bool:
    """Whether the texts (a fact's zh and en) are a list of cases and one of them is what
    the `words` say, in either language ("快递员…shipping fee": 快递 and shipping)."""
    lists = [_split(text) for text in texts]
    if any(len(items) < _LIST for _, items in lists) or len({len(i) for _, i in lists}) > 1:
        return False
    said = [set().union(*(terms(items[n]) for _, items in lists))
            for n in range(len(lists[0][1]))]
    heads = " ".join(head for head, _ in lists)
    return bool(_asked(heads, lists[0][1], words, said))


def items_asked(text: str, words: frozenset[str], room: int) -> str:
    """A long list with the item the question's `words` point at kept, where it would be
    cut off: its head, that item (those sharing the most words), then the others in
    order while they fit; left-out items are marked "…"."""
    if len(text) <= room:
        return text
    head, items = _split(text)
    if len(items) < _LIST:
        return text
    asked = _asked(head, items, words)
    sep = "；" if "；" in text else "; "
    shown_first = len(head)
    late = []
    for i, item in enumerate(items):
        shown_first += len(item) + len(sep)
        if shown_first > room and i in asked:
            late.append(i)
    if not late:
        return text
    chosen = set(late)
    size = len(head) + sum(len(items[i]) + len(sep) for i in chosen)
    for i in range(len(items)):
        if i not in chosen and size + len(items[i]) + len(sep) <= room - 2:
            chosen.add(i)
            size += len(items[i]) + len(sep)
    out: list[str] = []
    for i in range(len(items)):
        if i in chosen:
            out.append(items[i])
        elif not out or out[-1] != "…":
            out.append("…")
    return head + sep.join(out)


def tail_asked(text: str, words: frozenset[str], room: int) -> str:
    """A sentence too long for `room` whose last clause says a word of the question's
    `words` that nothing before the cut says: its head, "…", and its end from well before
    that clause ("do weekends count" keeps "…within 48 hours of receipt, weekends
    included" of a long rule on reply times). As it is where its end says none."""
    if len(text) <= room:
        return text
    last = _CLAUSE.split(text)[-1]
    start = len(text) - len(last)
    if not last or len(last) > _TAIL or start < room:
        return text
    if not (words & set(terms(last))) - set(terms(text[:room])):
        return text
    head = room * 2 // 5
    tail = text[len(text) - (room - head - 2):]
    if len(tail) <= len(last):
        return text  # (no room for the clause whole: the plain cut)
    # (both cut at a word: the head's end, the tail's start)
    cut = text[:head].rsplit(" ", 1)[0] if " " in text[:head] else text[:head]
    if tail.isascii() and " " in tail:
        tail = tail.split(" ", 1)[1]
    joint = "… " if tail.isascii() else "…"
    return f"{cut.rstrip(' ,，;；')}{joint}{tail}"
