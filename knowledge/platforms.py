"""Which platforms a message names, and whether the knowledge files cover them.

Why: a question about a platform the bot knows nothing of ("京东客服电话", "ebay customer
service number") must get "not covered yet" and the safe path, never another platform's
card. Names come from platform_names.yaml (platforms people ask about) and from the
platform files themselves (ids, names, keywords); the platform files win, so a platform
becomes covered the moment its file appears, with no code change.

Matching follows search (knowledge.textnorm): Chinese names as substrings of the
normalised text (simplified and traditional meet), Latin names as whole words, so
"ebay" never fires inside another word and "us" stays a pronoun.
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.catalog import Catalog
from knowledge.schema import Fact, KnownPlatform, Text
from knowledge.textnorm import Analyzed, analyze, has_han

__all__ = [
    "CoveredPlatform",
    "NamedPlatform",
    "PlatformNames",
    "SourcedText",
    "UncoveredPlatform",
    "safe_path",
    "safety_advice",
]


@dataclass(frozen=True)
class SourcedText:
    """A fact to quote, with the ids of its sources (catalog.sources has their titles)."""

    text: Text
    sources: tuple[str, ...]

    @classmethod
    def of(cls, fact: Fact, inherited: tuple[str, ...] = ()) -> SourcedText:
        return cls(fact.text, tuple(fact.sources) or inherited)


@dataclass(frozen=True)
class NamedPlatform:
    """A platform a message names. `id` is the platform file's id when covered."""

    id: str
    name: Text
    covered: bool
    start: int  # where the name is first named, in the normalised text (mention order)
    end: int


@dataclass(frozen=True)
class CoveredPlatform:
    """A platform the bot has knowledge of: what the "covered platforms" buttons show."""

    id: str
    name: Text


@dataclass(frozen=True)
class UncoveredPlatform:
    """A question names platform(s) the knowledge files do not cover.

    The bot answers with: `first` is not covered yet; the platforms it does cover
    (`covered`, as buttons); the platform-independent `safe_path` and `advice`. When
    the question also names a covered platform (`named_covered`, "淘宝和天猫"), search
    answers for that one and the bot adds the note; otherwise search returns no card.
    """

    platforms: tuple[NamedPlatform, ...]  # uncovered, in the order named; never empty
    named_covered: tuple[NamedPlatform, ...]
    covered: tuple[CoveredPlatform, ...]
    safe_path: SourcedText | None
    advice: tuple[SourcedText, ...]

    @property
    def first(self) -> NamedPlatform:
        return self.platforms[0]


@dataclass(frozen=True)
class _Name:
    """One surface form of a platform name, analysed once."""

    target: str  # key into PlatformNames._targets
    compact: str  # for Chinese or mixed names
    tokens: tuple[str, ...]  # for Latin names: lower-case words
    han: bool
    ambiguous: bool
    context: frozenset[str]
    not_inside: tuple[str, ...]  # compact forms


@dataclass(frozen=True)
class _Target:
    id: str
    name: Text
    covered: bool


def _words(analyzed: Analyzed) -> tuple[str, ...]:
    return tuple(t.raw.lower() for t in analyzed.tokens)


def safe_path(catalog: Catalog) -> SourcedText | None:
    """The platform-independent way to the real customer service (safety.yaml)."""
    return None if catalog.safety is None else SourcedText.of(catalog.safety.safe_path)


def safety_advice(catalog: Catalog) -> tuple[SourcedText, ...]:
    """Platform-independent anti-scam advice (safety.yaml), each with its sources."""
    if catalog.safety is None:
        return ()
    return tuple(SourcedText.of(f) for f in catalog.safety.advice)


class PlatformNames:
    """Finds platform names in text; built once per catalog, read-only afterwards."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._targets: dict[str, _Target] = {}
        self._names: list[_Name] = []
        # every name without its spaces ("tiktokshop"), for text that lost them
        self._squeezed: dict[str, str] = {}
        seen: dict[str, str] = {}  # surface key → target key; the first claim wins

        # 1. the platform files: every id, name and keyword names a covered platform
        for platform in catalog.platforms.values():
            self._targets[platform.id] = _Target(platform.id, platform.name, True)
            for text in (platform.id, platform.name.zh, platform.name.en, *platform.keywords):
                self._add(text, platform.id, seen)

        # 2. platform_names.yaml: covered when its id or any name is a platform file's
        for known in catalog.known_platforms:
            owner = self._covering(known, seen)
            key = owner if owner is not None else "?" + known.id
            if owner is None:
                self._targets[key] = _Target(known.id, known.name, False)
            for text in known.names:
                self._add(text, key, seen, known)

        # longest first, so "tiktok shop" wins over a shorter name inside it
        self._han = [n for n in self._names if n.han]
        latin: dict[str, list[_Name]] = {}
        for name in self._names:
            if not name.han:
                latin.setdefault(name.tokens[0], []).append(name)
        self._latin = latin  # Latin names by their first word

    # --- public ----------------------------------------------------------------------

    @property
    def covered(self) -> tuple[CoveredPlatform, ...]:
        """Every platform the knowledge files cover, in file order."""
        return tuple(CoveredPlatform(p.id, p.name) for p in self._catalog.platforms.values())

    def find(self, text: str) -> tuple[NamedPlatform, ...]:
        """The platforms `text` names, each once, in the order they are first named."""
        analyzed = analyze(text)
        if not analyzed.compact:
            return ()
        words = _words(analyzed)
        hits: list[tuple[int, int, str]] = []  # (start, end, target)
        if has_han(analyzed.compact):
            bounds = _Bounds(frozenset(t.start for t in analyzed.tokens),
                             frozenset(t.end for t in analyzed.tokens))
            chars = set(analyzed.compact)  # (a name whose first character is absent is not there)
            for name in self._han:
                if name.compact[:1] in chars:
                    hits += [(a, b, name.target)
                             for a, b in self._han_hits(name, analyzed, bounds)]
        for i, word in enumerate(words):
            for name in self._latin.get(word, ()):
                n = len(name.tokens)
                if words[i:i + n] != name.tokens:
                    continue
                if name.ambiguous and not self._meant_as_name(name, analyzed, words, i):
                    continue
                hits.append((analyzed.tokens[i].start, analyzed.tokens[i + n - 1].end, name.target))
        # a name inside a longer one found at the same place does not count on its own
        hits.sort(key=lambda h: (h[0] - h[1], h[0]))
        taken: list[tuple[int, int]] = []
        found: dict[str, tuple[int, int]] = {}
        for start, end, target in hits:
            if any(start < b and a < end for a, b in taken):
                continue
            taken.append((start, end))
            if target not in found or start < found[target][0]:
                found[target] = (start, end)
        out = [
            NamedPlatform(t.id, t.name, t.covered, start, end)
            for key, (start, end) in found.items()
            for t in (self._targets[key],)
        ]
        out.sort(key=lambda p: (p.start, p.id))
        return tuple(out)

    def exactly(self, text: str) -> NamedPlatform | None:
        """The platform `text` is the name of, and nothing more ("亚马逊", "tiktok")."""
        compact = analyze(text).compact
        found = self.find(text)
        if len(found) == 1 and found[0].start == 0 and found[0].end == len(compact):
            return found[0]
        key = self._squeezed.get(compact)
        if key is None:
            return None
        target = self._targets[key]
        return NamedPlatform(target.id, target.name, target.covered, 0, len(compact))

    def names_uncovered(self, question: str) -> UncoveredPlatform | None:
        """What to answer when `question` names a platform without a knowledge file.

        None when it names none: the question goes to search as usual. The answering
        path checks this first, so an uncovered platform never gets another one's card.
        """
        named = self.find(question)
        uncovered = tuple(p for p in named if not p.covered)
        if not uncovered:
            return None
        return UncoveredPlatform(
            platforms=uncovered,
            named_covered=tuple(p for p in named if p.covered),
            covered=self.covered,
            safe_path=safe_path(self._catalog),
            advice=safety_advice(self._catalog),
        )

    # --- building --------------------------------------------------------------------

    def _covering(self, known: KnownPlatform, seen: dict[str, str]) -> str | None:
        if known.id in self._catalog.platforms:
            return known.id
        for text in known.names:
            key = _surface(analyze(text, limit=None))
            owner = seen.get(key) if key is not None else None
            if owner is not None and not owner.startswith("?"):
                return owner
        return None

    def _add(
        self, text: str, target: str, seen: dict[str, str], known: KnownPlatform | None = None
    ) -> None:
        analyzed = analyze(text, limit=None)
        key = _surface(analyzed)
        if key is None or key in seen:
            return
        seen[key] = target
        self._squeezed.setdefault(analyzed.compact, target)
        han = has_han(analyzed.compact)
        lowered = text.strip().lower()
        ambiguous = known is not None and lowered in {a.strip().lower() for a in known.ambiguous}
        context = frozenset(c.strip().lower() for c in known.context) if known else frozenset()
        not_inside = tuple(
            analyze(w, limit=None).compact for w in (known.not_inside if known else ())
        )
        self._names.append(
            _Name(target, analyzed.compact, _words(analyzed), han, ambiguous, context, not_inside)
        )

    # --- matching --------------------------------------------------------------------

    def _han_hits(
        self, name: _Name, analyzed: Analyzed, bounds: _Bounds
    ) -> list[tuple[int, int]]:
        """A Chinese (or mixed, "tiktok小店") name as a substring; a Latin part of it only as
        whole words, so it may not begin or end inside a Latin word."""
        compact = analyzed.compact
        out: list[tuple[int, int]] = []
        at = compact.find(name.compact)
        while at >= 0:
            end = at + len(name.compact)
            if bounds.whole(compact, at, end) and not self._hidden(name, compact, at, end):
                out.append((at, end))
            at = compact.find(name.compact, at + 1)
        return out

    @staticmethod
    def _hidden(name: _Name, compact: str, start: int, end: int) -> bool:
        """Whether this occurrence is part of a longer word that is not the name."""
        for word in name.not_inside:
            at = compact.find(word, max(0, end - len(word)))
            while 0 <= at <= start:
                if at + len(word) >= end:
                    return True
                at = compact.find(word, at + 1)
        return False

    @staticmethod
    def _meant_as_name(name: _Name, analyzed: Analyzed, words: tuple[str, ...], i: int) -> bool:
        """An ambiguous word ("wish") is a name when typed or placed as one."""
        token = analyzed.tokens[i]
        if token.strong or token.raw[:1].isupper() or has_han(analyzed.compact):
            return True
        neighbours = {words[j] for j in (i - 1, i + 1) if 0 <= j < len(words)}
        return bool(neighbours & name.context)


@dataclass(frozen=True)
class _Bounds:
    """Where the Latin words of a text start and end, in `Analyzed.compact` offsets."""

    starts: frozenset[int]
    ends: frozenset[int]

    def whole(self, compact: str, start: int, end: int) -> bool:
        """A match may not begin or end inside a Latin word or number ("mytiktok小店")."""
        if _latin(compact[start]) and start not in self.starts:
            return False
        return not (_latin(compact[end - 1]) and end not in self.ends)


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _surface(analyzed: Analyzed) -> str | None:
    """One key per surface form: compact text for Chinese, the lower-case words for Latin."""
    if not analyzed.compact:
        return None
    if has_han(analyzed.compact):
        return "H:" + analyzed.compact
    return "L:" + " ".join(_words(analyzed))
