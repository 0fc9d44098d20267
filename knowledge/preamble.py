"""What a message says before its question that only opens it, or after it that only closes it.

People open with something that asks nothing and names nothing ("Sorry for bothering you
again,", "Hi, I'm new to all of this,", "我妈让我帮她问，"). Its words are no words of the
question, yet they match facts ("again" a step that says "submit it again"). A story before
a question is different: it names what the question is about ("acct frozen, …", "东西坏了想
退，…", "Black Friday coming, …") and stays; so does an opener whose words match a fact well
on two of them, whatever it means ("My English is not so good," matches the languages facts).
One rare word is not enough: "朋友推荐我来问问" shares only 推荐 with a step ("pick the
recommended way … the call-back"), and had made a question about e-mail one about it. Measured by
`python -m bench.robustness` (openers written by a session that never saw the matcher).

The same holds after the question, more strictly, as the question often comes last: a sigh
or a thanks that closes it ("，烦死了", ", so annoying", ", thanks so much") is left out
where the aspect detector reads nothing in it and it shares no word with any fact; a clause
that says what went wrong ("少了一个") or asks ("平台到底管不管") stays.
"""

from __future__ import annotations

import re

from knowledge.clauses import CLAUSE_BREAK, asks
from knowledge.search import SearchIndex, SearchResult

__all__ = ["without_preamble"]

# a clause that matches a fact this well, on two of its words, says what the question is
# about, however little else it names (the dev openers of bench/preambles.txt: 6.0)
TOPIC_MATCH = 6.0
_ADDRESS = re.compile(r"[a-z0-9-]\.[a-z]{2,}", re.IGNORECASE)  # amazon.fr, walmart.com


def without_preamble(index: SearchIndex, question: str) -> str:
    """The question without the clauses at its start that only open it: clauses that
    hold no number or address, ask nothing, name no platform, site, role or channel nor
    the app or website, find no card and match no fact well, before a rest that names what
    it asks about; and without those at its end that only close it (`_opens_only`); the
    question itself where there are none."""
    parts = CLAUSE_BREAK.split(question)  # clause, separator, clause, …
    starts = [i for i in range(0, len(parts), 2) if parts[i].strip()]
    first = 0
    while first < len(starts) - 1 and _opens_only(index, parts, starts[first]):
        first += 1
    # the same after the question: a complaint or a sigh that closes it ("那tiktok呢，烦死了",
    # "temu phone number, so annoying"), where the aspect detector reads nothing in it
    # ("walmart seller support, weekends" asks the hours)
    last = len(starts) - 1
    while last > first and _opens_only(index, parts, starts[last], closing=True):
        last -= 1
    end, closed = len(parts), ""
    if last < len(starts) - 1:
        # (the kept clause's own mark stays: "temu phone number? so annoying" still asks)
        end = starts[last] + 1
        closed = "".join(c for c in parts[end] if c in "?？")
        kept = "".join(parts[starts[first]:end]) + closed
        if not (asks(kept) or index.aspects.detect(kept).aspects
                or not index.facts.says_more(kept, ())):
            # no question before it, nothing asked, and more than names ("and walmart"):
            # the clauses after are the story itself ("亚马逊买的台灯到了，盒子压扁了，灯罩
            # 也碎了"), not a sigh after it
            end, closed = len(parts), ""
    if first == 0 and end == len(parts):
        return question
    if first > 0 and not _names(index, "".join(parts[starts[first]:end])):
        first = 0  # an opener stays before a rest that names nothing it asks about
    return ("".join(parts[starts[first]:end]) + closed).strip()


def _opens_only(index: SearchIndex, parts: list[str], at: int, *, closing: bool = False
                ) -> bool:
    """Whether the clause at `at` only opens the question (`closing`: only closes it — as
    an opener, and besides the aspect detector reads nothing in it and it shares no word
    with any fact: the question often comes last, and a clause that names what went wrong,
    "少了一个", "客服就是装死", is part of it)."""
    clause = parts[at]
    written = clause + (parts[at + 1] if at + 1 < len(parts) else "")  # (its "?" too)
    if any(ch.isdigit() for ch in clause) or _ADDRESS.search(clause) or asks(written):
        return False
    found = index.search(clause)
    if found.confident or _names(index, clause, found):
        return False
    asked = index.aspects.detect(clause)
    if asked.medium is not None:
        return False  # where the asker is: "app — where's customer service hiding"
    if closing and asked.aspects:
        return False
    tops = [matches[0] for matches in index.facts.match_platforms(clause).values() if matches]
    if closing:
        return not any(m.shared > 0 or m.score >= TOPIC_MATCH for m in tops)
    return not any(m.telling and m.shared >= 2 and m.score >= TOPIC_MATCH for m in tops)


def _names(index: SearchIndex, text: str, found: SearchResult | None = None) -> bool:
    """Whether the text names a platform, site, role or channel (as search reads them;
    `found`: its search result, where there is one already)."""
    found = found or index.search(text)
    return (found.platform is not None or found.role is not None or found.site is not None
            or index.facts.names_something(text))
