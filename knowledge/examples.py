"""Questions asked before: one worded like a known question is answered by the same fact.

Why: the aspect words and the facts' own words (knowledge.factindex) find a fact a
question shares words with. Most questions that go wrong share none with the fact they
want: "what if I need it faster?" wants the call-back that "rings you within seconds",
"那官方的管什么" what Tmall's own service handles. Questions people ask do share words
with each other, so a question near enough to one asked before (knowledge/data/
examples.json: the tuned-on blind questions, each with the facts that answered it) leads
with that question's fact. Measured with each tuned-on set left out of its own
examples, and on the held-out sets (bench/README.md, session 30).

Nearness is the cosine of TF-IDF vectors over the words search reads anyway: pairs of
simplified Chinese characters and English stems, without function words. Idf is counted
within each platform's examples, so the platform's own name says nothing (every Amazon
question names Amazon). The nearest example of the platform and asker the answer is about
counts, from `NEAR` up; its first fact for the asker and the site is the lead
(knowledge.answer decides where it may lead).
"""

from __future__ import annotations

import copy
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from knowledge.catalog import AspectFact, CardRef, Catalog, platform_facts
from knowledge.factindex import STOP_BIGRAMS
from knowledge.schema import Example
from knowledge.textnorm import STOP_STEMS, analyze

__all__ = ["NEAR", "ExampleIndex", "words_of"]

# the cosine from which a known question counts as asking the same. From 0.3 the dev
# splits (each left out of its own examples) gained most, but the project's own tests of
# what leads lost 26 cases, many for the worse; from 0.6 the fact of the nearest known
# question is right about as often as the rules' lead or more (bench/README.md, session 30)
NEAR = 0.6

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


def words_of(text: str) -> Counter[str]:
    """The words a question is compared by: its Chinese character pairs and English
    stems, without function words."""
    analyzed = analyze(text)
    words: Counter[str] = Counter()
    for run in _HAN_RUN.findall(analyzed.compact):  # (simplified already)
        words.update(f"z:{run[i:i + 2]}" for i in range(len(run) - 1)
                     if run[i:i + 2] not in STOP_BIGRAMS)
    words.update(f"e:{t.stem}" for t in analyzed.tokens
                 if len(t.stem) > 1 and t.stem not in STOP_STEMS)
    return words


class ExampleIndex:
    """The known questions of each platform, by their words; read-only once built."""

    def __init__(self, catalog: Catalog, examples: Iterable[Example] | None = None) -> None:
        self._facts: dict[str, dict[str, AspectFact]] = {
            pid: {f.path: f for f in platform_facts(p)} for pid, p in catalog.platforms.items()}
        kept = [e for e in (catalog.examples if examples is None else examples)
                if any(path in self._facts.get(e.platform, {}) for path in e.facts)]
        self._examples = tuple(kept)
        self._words = [Counter(e.words.split()) if e.words else words_of(e.q) for e in kept]
        self._build()

    def _build(self) -> None:
        by_platform: dict[str, list[int]] = defaultdict(list)
        for i, example in enumerate(self._examples):
            by_platform[example.platform].append(i)
        # platform → word → [(example, weight)]; platform → idf of a word no example has
        self._postings: dict[str, dict[str, list[tuple[int, float]]]] = {}
        self._idf: dict[str, dict[str, float]] = {}
        self._unseen: dict[str, float] = {}
        for platform, members in by_platform.items():
            count = Counter(w for i in members for w in self._words[i])
            n = len(members)
            idf = {w: math.log((n + 1) / (c + 0.5)) for w, c in count.items()}
            postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
            for i in members:
                vector = _unit({w: (1 + math.log(c)) * idf[w] for w, c in self._words[i].items()})
                for w, weight in vector.items():
                    postings[w].append((i, weight))
            self._postings[platform] = dict(postings)
            self._idf[platform] = idf
            self._unseen[platform] = math.log(n + 1)

    def __len__(self) -> int:
        return len(self._examples)

    def sets(self) -> frozenset[str]:
        return frozenset(e.set for e in self._examples)

    def without(self, name: str) -> ExampleIndex:
        """The index without one set's examples: how a set is measured that is among them."""
        other = copy.copy(self)
        kept = [i for i, e in enumerate(self._examples) if e.set != name]
        other._examples = tuple(self._examples[i] for i in kept)
        other._words = [self._words[i] for i in kept]
        other._build()
        return other

    def answered_by(self, question: str, ref: CardRef) -> AspectFact | None:
        """The fact that answered the known question nearest to `question`, of `ref`'s
        platform and asker, where it is near enough and that fact is for the asker and
        the site; else None."""
        postings = self._postings.get(ref.platform)
        if postings is None:
            return None
        idf, unseen = self._idf[ref.platform], self._unseen[ref.platform]
        query = _unit({w: (1 + math.log(c)) * idf.get(w, unseen)
                       for w, c in words_of(question).items()})
        scores: dict[int, float] = defaultdict(float)
        for w, weight in query.items():
            for i, other in postings.get(w, ()):
                scores[i] += weight * other
        # the nearest of the asker's; of two as near, the one listed first
        best = max((i for i, score in scores.items()
                    if score >= NEAR and self._examples[i].role == ref.role),
                   key=lambda i: (scores[i], -i), default=None)
        if best is None:
            return None
        facts = self._facts[ref.platform]
        return next((f for path in self._examples[best].facts
                     if (f := facts.get(path)) is not None
                     and (not f.roles or ref.role in f.roles)
                     and f.site in (None, ref.site)), None)


def _unit(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(x * x for x in vector.values()))
    return {w: x / norm for w, x in vector.items()} if norm else {}

