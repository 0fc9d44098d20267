"""How sure each fact is, and the words it rests on: source kinds, fact strength, quotes.

A fact is as strong as its strongest source (official > guide > community). A fact that
states a figure — a number, a duration, an address, a domain, a click path — keeps the
sentence of its source it rests on (`quote`), so an editor can see what it says and
`python -m bot sources verify` can notice when the page no longer says it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from knowledge.catalog import Catalog, effective_sources, walk_sourced
from knowledge.schema import (
    Channel,
    Domain,
    Fact,
    Holiday,
    Hours,
    Phone,
    Platform,
    Recommendation,
    Response,
    Source,
    Sourced,
    SourceKind,
)

# the project's copies of the seed guides (a source's `file` names one of them)
SEEDS_DIR = Path(__file__).parent / "sources" / "seeds"

# strongest first: a fact takes the first kind any of its sources has
KIND_ORDER: tuple[SourceKind, ...] = (SourceKind.official, SourceKind.guide, SourceKind.community)

# --- the rule: does a text state a figure? ------------------------------------------------

_DIGIT = re.compile(r"[0-9０-９]")
# a Chinese numeral with a unit of time or count ("两个工作日", "三天", "十五分钟")
_HAN_NUMBER = re.compile(
    r"[一二两三四五六七八九十百千半]+\s*个?\s*(?:小时|天|日|工作日|周|星期|分钟|个月|月|年)"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
# a host name: labels and a top-level domain of letters ("shopee.sg", "sellercentral.amazon.de")
_TLDS = "com|net|org|sg|my|ph|co|uk|de|jp|fr|cn|vn|th|id|tw|hk|kr|nz|au|ca|global|shop"
_DOMAIN = re.compile(rf"\b(?:[a-z0-9-]+\.)+(?:{_TLDS})\b", re.IGNORECASE)
# a click path: an arrow between menu items, a ">" between words, or a 「label」
_PATH = re.compile(r"→|->|＞|\w\s+>\s+\w|「[^」]+」")


def states_figure(text: str) -> bool:
    """Whether a text states a number, a duration, an address, a domain or a click path."""
    return any(
        pattern.search(text) for pattern in (_DIGIT, _HAN_NUMBER, _EMAIL, _URL, _DOMAIN, _PATH)
    )


def stated_text(obj: Sourced) -> str | None:
    """The words a sourced object states in both languages, or None for a container
    (platform, channel, issue, role, …) that states nothing but through its facts.

    Phone numbers, opening hours and official domains are figures by nature.
    """
    if isinstance(obj, Fact):
        return f"{obj.text.zh}\n{obj.text.en}"
    if isinstance(obj, Phone):
        return obj.number
    if isinstance(obj, Hours):
        return "hours"  # opening times are figures even where a note has none
    if isinstance(obj, Response):
        minutes = " ".join(str(m) for m in (obj.min_minutes, obj.max_minutes) if m is not None)
        return f"{minutes}\n{obj.text.zh}\n{obj.text.en}"
    if isinstance(obj, Holiday):
        return f"{obj.effect.zh}\n{obj.effect.en}"
    if isinstance(obj, Domain):
        return obj.domain
    if isinstance(obj, Recommendation):
        return f"{obj.why.zh}\n{obj.why.en}"
    if isinstance(obj, Channel):
        return obj.url  # a channel states a figure only through its link
    return None


def needs_quote(obj: Sourced) -> bool:
    if isinstance(obj, Phone | Hours | Domain):
        return True
    text = stated_text(obj)
    return text is not None and states_figure(text)


# --- strength ------------------------------------------------------------------------------


def strength(sources: Iterable[Source]) -> SourceKind | None:
    """The kind of a fact's strongest source; None for a fact without a known source."""
    kinds = {s.kind for s in sources}
    return next((k for k in KIND_ORDER if k in kinds), None)


def strength_of(catalog: Catalog, source_ids: Iterable[str]) -> SourceKind | None:
    return strength(catalog.sources[s] for s in source_ids if s in catalog.sources)


def is_unconfirmed(catalog: Catalog, source_ids: Iterable[str]) -> bool:
    """True when a fact has sources and none is the platform's own: a reply must say so."""
    found = strength_of(catalog, source_ids)
    return found is not None and found is not SourceKind.official


# --- quotes --------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Full width to half width (NFKC) and every run of whitespace to one space, so a
    quote still matches a page re-wrapped or re-typeset."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@cache
def seed_text(file: str) -> str | None:
    """The committed copy of a seed guide, or None where it is missing."""
    path = SEEDS_DIR / file
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


@dataclass(frozen=True)
class QuotedFact:
    """A sourced object of a platform file with its effective sources and its quote."""

    platform: str
    path: str
    item: Sourced
    sources: tuple[str, ...]

    @property
    def needs_quote(self) -> bool:
        return needs_quote(self.item)


def quoted_facts(platform: Platform) -> Iterator[QuotedFact]:
    for path, obj, inherited in walk_sourced(platform):
        yield QuotedFact(platform.id, path or "(platform)", obj, effective_sources(obj, inherited))


def quote_source(catalog: Catalog, fact: QuotedFact) -> tuple[str | None, str | None]:
    """Which source a fact's quote comes from, or (None, why not) when that is unclear."""
    quote = fact.item.quote
    if quote is None:
        return None, "no quote"
    if quote.source is not None:
        if quote.source not in fact.sources:
            return None, f"quote names {quote.source!r}, which is not among the fact's sources"
        return quote.source, None
    if len(fact.sources) == 1:
        return fact.sources[0], None
    # several sources: the seed guide whose text holds the words
    holding = [
        sid
        for sid in fact.sources
        if (src := catalog.sources.get(sid)) is not None
        and src.file is not None
        and (text := seed_text(src.file)) is not None
        and quote.text in text
    ]
    if len(holding) == 1:
        return holding[0], None
    return None, "the fact has several sources: name the quote's `source`"


@dataclass(frozen=True)
class QuoteProblem:
    platform: str
    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.platform}.yaml: {self.path}: {self.problem}"


def quote_problems(catalog: Catalog, platform: Platform) -> tuple[list[QuoteProblem], list[str]]:
    """Quotes that are wrong (an unclear source, words not in the seed) and the paths of
    facts that state a figure without a quote."""
    problems: list[QuoteProblem] = []
    missing: list[str] = []
    for fact in quoted_facts(platform):
        quote = fact.item.quote
        if quote is None:
            if fact.needs_quote and fact.sources:
                missing.append(fact.path)
            continue
        source_id, why = quote_source(catalog, fact)
        if source_id is None:
            problems.append(QuoteProblem(platform.id, fact.path, why or "unclear quote"))
            continue
        source = catalog.sources[source_id]
        if source.file is not None:
            text = seed_text(source.file)
            if text is None:
                problems.append(QuoteProblem(platform.id, fact.path,
                                             f"no copy of seed {source.file} to check the quote"))
            elif quote.text not in text:
                problems.append(QuoteProblem(platform.id, fact.path,
                                             f"quote is not in {source.file}"))
    return problems, missing


def quotes_by_source(catalog: Catalog) -> dict[str, list[tuple[str, str]]]:
    """For each source, the quotes resting on it: (platform.yaml: path, words)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for platform in catalog.platforms.values():
        for fact in quoted_facts(platform):
            if fact.item.quote is None:
                continue
            source_id, _why = quote_source(catalog, fact)
            if source_id is not None:
                found.setdefault(source_id, []).append(
                    (f"{platform.id}.yaml: {fact.path}", fact.item.quote.text)
                )
    return found
