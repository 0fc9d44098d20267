"""What a message says before its question that only opens it.

People open with something that asks nothing and names nothing ("Sorry for bothering you
again,", "Hi, I'm new to all of this,", "我妈让我帮她问，"). Its words are no words of the
question, yet they match facts ("again" a step that says "submit it again"). A story before
a question is different: it names what the question is about ("acct frozen, …", "东西坏了想
退，…", "Black Friday coming, …") and stays; so does an opener whose words match a fact well,
whatever it means ("My English is not so good," matches the languages facts). Measured by
`python -m bench.robustness` (openers written by a session that never saw the matcher).
"""

from __future__ import annotations

import re

from knowledge.clauses import CLAUSE_BREAK, asks
from knowledge.search import SearchIndex, SearchResult

__all__ = ["without_preamble"]

# a clause that matches a fact this well says what the question is about, however little
# else it names (the dev openers of bench/preambles.txt: 6.0)
TOPIC_MATCH = 6.0
_ADDRESS = re.compile(r"[a-z0-9-]\.[a-z]{2,}", re.IGNORECASE)  # amazon.fr, walmart.com


def without_preamble(index: SearchIndex, question: str) -> str:
    """The question without the clauses at its start that only open it: clauses that
    hold no number or address, ask nothing, name no platform, site, role or channel nor
    the app or website, find no card and match no fact well, before a rest that names what
    it asks about; the question itself where there are none."""
    parts = CLAUSE_BREAK.split(question)  # clause, separator, clause, …
    starts = [i for i in range(0, len(parts), 2) if parts[i].strip()]
    first = 0
    while first < len(starts) - 1 and _opens_only(index, parts, starts[first]):
        first += 1
    if first == 0:
        return question
    rest = "".join(parts[starts[first]:]).strip()
    return rest if _names(index, rest) else question


def _opens_only(index: SearchIndex, parts: list[str], at: int) -> bool:
    clause = parts[at]
    written = clause + (parts[at + 1] if at + 1 < len(parts) else "")  # (its "?" too)
    if any(ch.isdigit() for ch in clause) or _ADDRESS.search(clause) or asks(written):
        return False
    found = index.search(clause)
    if found.confident or _names(index, clause, found):
        return False
    if index.aspects.detect(clause).medium is not None:
        return False  # where the asker is: "app — where's customer service hiding"
    return not any(m.telling and m.score >= TOPIC_MATCH
                   for matches in index.facts.match_platforms(clause).values()
                   for m in matches[:1])


def _names(index: SearchIndex, text: str, found: SearchResult | None = None) -> bool:
    """Whether the text names a platform, site, role or channel (as search reads them;
    `found`: its search result, where there is one already)."""
    found = found or index.search(text)
    return (found.platform is not None or found.role is not None or found.site is not None
            or index.facts.names_something(text))
