"""Which clause of a message asks, and which only tells the story.

People write a question with its story: "我是个人卖家 只能发邮件 一般多久会回", "opened a case
3 days ago. is opening a new one a good idea?". The clause with a question word or a
question mark is the question; what the others say is why it is asked. The aspect detector
reads it here (the facts' index weighing the story's words less lost on the dev splits: the
story often names the topic).
"""

from __future__ import annotations

import re
from itertools import pairwise

from knowledge.textnorm import Analyzed

__all__ = ["CLAUSE_BREAK", "asking_clauses", "asks", "asks_may"]


# where one clause of a message ends and the next begins, as written (the separators kept
# by `split`)
CLAUSE_BREAK = re.compile(r"([，,。！!？?；;：:～~…—\n]+\s*|\.\s+)")

# a clause that asks: a question word in it, or a question mark after it
_ASKING_HAN = re.compile(r"[吗呢么几哪谁啥咋]|多久|多长|是否|能否|能不能|可不可以|有没有"
                         r"|是不是|如何|要不要|会不会")
_ASKING_EN = frozenset("""how what when where who which why can could do does did is are
    should will would shall may""".split())  # noqa: SIM905


def asking_clauses(analyzed: Analyzed) -> list[tuple[int, int]]:
    """The clauses of a message of several that ask (spans of `compact`); none when it
    has one clause, or every clause asks."""
    edges = [0, *analyzed.breaks, len(analyzed.compact)]
    clauses = [(a, b) for a, b in pairwise(edges) if b > a]
    if len(clauses) < 2:
        return []
    asking = []
    for a, b in clauses:
        first = next((t for t in analyzed.tokens if a <= t.start < b), None)
        if (b in analyzed.asked_at or _ASKING_HAN.search(analyzed.compact[a:b])
                or (first is not None and first.start == a
                    and first.raw.lower() in _ASKING_EN)):
            asking.append((a, b))
    return asking if len(asking) < len(clauses) else []


_MAY_HAN = re.compile(r"能|可以|允许")
_MAY_EN = frozenset({"can", "could", "may", "allowed", "able"})


def asks_may(analyzed: Analyzed, start: int, end: int) -> bool:
    """Whether the clause asks whether one may ("能…吗", "can I …")."""
    return bool(_MAY_HAN.search(analyzed.compact[start:end])) or any(
        start <= t.start < end and t.raw.lower() in _MAY_EN for t in analyzed.tokens)


def asks(clause: str) -> bool:
    """Whether one clause, as written, asks: a question word in it, or a question mark."""
    words = clause.split()
    return bool(_ASKING_HAN.search(clause)) or "?" in clause or "？" in clause or (
        bool(words) and words[0].lower().strip(".,!") in _ASKING_EN)
