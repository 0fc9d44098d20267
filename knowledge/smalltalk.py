"""Greetings, thanks and questions about the bot itself, answered with a short honest text.

Why: "你好" got "didn't understand", and nothing told a new user that this bot is not
Amazon's customer service, the confusion fake-support scams live on. "Are you Amazon?",
"are you a real person?", "contact Tmall for me", "refund my order" each get a short
reply saying what the bot is and is not, and the right channel (the platform's sourced
official entry) where one is named.

A phrase (smalltalk.yaml) must be the whole message, besides fillers (啊, please, bot):
a real question never misfires — "你好，亚马逊客服电话多少" goes to search, and
"亚马逊人工客服" asks how to reach a person at Amazon, not whether the bot is one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.catalog import Catalog
from knowledge.platforms import NamedPlatform, PlatformNames, SourcedText, safe_path
from knowledge.schema import SmallTalkKind, Text
from knowledge.textnorm import clean, to_simplified

__all__ = ["MAX_SMALLTALK_CHARS", "SmallTalk", "SmallTalkKind", "SmallTalkMatcher"]

# longer messages are questions, whatever they start with (normalised characters)
MAX_SMALLTALK_CHARS = 40

_PLACEHOLDER = "<platform>"
_NAMED = "(?P<platform>.+?)"  # a platform's name, with words that address it
_KEEP = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_YOU = str.maketrans({"您": "你", "妳": "你", "祢": "你"})
_LATIN = re.compile(r"[0-9a-z]")
# where a message divides into clauses (the separators are kept: every other part)
_CLAUSES = re.compile(r"([，,。！!？?；;：:～~…\n]+\s*)")


@dataclass(frozen=True)
class SmallTalk:
    """What a message is, the reply, and the right channel when a platform is named."""

    kind: SmallTalkKind
    reply: Text
    identity: Text  # one line on what the bot is (the bot may add it to any reply)
    platform: NamedPlatform | None  # the platform the message names, if any
    # the named platform's official entry, when the knowledge files cover it
    official_entry: SourcedText | None
    # the platform-independent way to the real service (for no or an uncovered platform)
    safe_path: SourcedText | None


def _normalise(text: str) -> str:
    """Lower case, simplified, 您 → 你, and nothing but letters, digits and ideographs."""
    return _KEEP.sub("", clean(text).lower().translate(_YOU))


@dataclass(frozen=True)
class _Pattern:
    """A phrase, with fillers allowed before it (`lead`) and after it (`trail`); `first` is
    the literal it opens with, if any (a cheap test before the expression)."""

    kind: SmallTalkKind
    regex: re.Pattern[str]
    has_platform: bool
    lead: bool = True
    trail: bool = True
    first: str = ""


class _Words:
    """A set of words, and whether a text is made of them end to end (by dynamic
    programming: a regular expression of their alternatives backtracks exponentially on
    "哈哈哈…x")."""

    def __init__(self, words: set[str]) -> None:
        self._words = frozenset(words)
        self._flipped = frozenset(w[::-1] for w in words)
        self._lengths = sorted({len(w) for w in words}, reverse=True)

    def make(self, text: str) -> bool:
        return bool(text) and len(text) in self._reach(text, self._words)

    def heads(self, text: str) -> set[int]:
        """The offsets a run of the words from the start can end at (0 included)."""
        return self._reach(text, self._words)

    def tails(self, text: str) -> set[int]:
        """The offsets a run of the words to the end can start at (the end included)."""
        return {len(text) - n for n in self._reach(text[::-1], self._flipped)}

    def _reach(self, text: str, words: frozenset[str]) -> set[int]:
        """The offsets a run of `words` from the start can end at (0 included)."""
        reach = {0}
        for i in range(len(text)):
            if i in reach:
                reach.update(i + n for n in self._lengths
                             if i + n <= len(text) and text[i:i + n] in words)
        return reach


class SmallTalkMatcher:
    """Classifies messages by the phrases of smalltalk.yaml; build once per catalog."""

    def __init__(self, catalog: Catalog, names: PlatformNames | None = None) -> None:
        self._catalog = catalog
        self._names = names or PlatformNames(catalog)
        self._patterns: list[_Pattern] = []
        self._aside: _Words | None = None
        self._glued: _Words | None = None
        self._replies: dict[SmallTalkKind, Text] = {}
        data = catalog.smalltalk
        self._identity = data.identity if data is not None else None
        if data is None:
            return
        fillers = sorted({_normalise(f) for f in data.fillers} - {""}, key=lambda f: -len(f))
        # (fillers around a phrase are found apart from it, by `_Words`: as an expression
        # of their alternatives, "哈哈…x" backtracked exponentially, 26 characters 11 s)
        self._fillers = _Words(set(fillers))
        # taken off a name's ends: words that address it, and fillers next to it
        self._addressing = sorted({_normalise(w) for w in data.addressing} - {""} | set(fillers),
                                  key=lambda w: -len(w))
        addressed: list[_Pattern] = []  # tried after every plain phrase
        for entry in data.kinds:
            self._replies[entry.kind] = entry.reply
            for phrase in entry.phrases:
                pieces = [_normalise(p) for p in phrase.split(_PLACEHOLDER)]
                body = _NAMED.join(map(re.escape, pieces))
                if not body:
                    continue
                self._patterns.append(
                    _Pattern(entry.kind, re.compile(body), len(pieces) > 1, first=pieces[0])
                )
                if entry.addressable and len(pieces) == 1:
                    # said to a platform: "亚马逊客服你好", "hi amazon support"
                    # (no filler next to the name in the pattern: "a" would eat the "a"
                    # of "amazon"; `_platform` takes fillers off the name instead)
                    addressed.append(_Pattern(entry.kind, re.compile(f"{_NAMED}{body}"), True,
                                              lead=False))
                    addressed.append(_Pattern(entry.kind, re.compile(f"{body}{_NAMED}"), True,
                                              trail=False, first=pieces[0]))
        self._patterns += addressed
        # a clause that asks nothing: asides, greetings, thanks and fillers, in any number
        said = {_normalise(w) for w in data.asides} | {
            _normalise(p) for entry in data.kinds
            if entry.kind in (SmallTalkKind.greeting, SmallTalkKind.thanks)
            for p in entry.phrases} - {""}
        self._aside = _Words(said | set(fillers))
        # (glued to the question's Chinese, "请问天猫…", "…多少谢谢": no filler, which may
        # be the question's own word there (那个卖家 is "that seller"), and of two characters
        # or more, so 早 of 早上 stays)
        self._glued = _Words({w for w in said if len(w) > 1 and not _LATIN.search(w)})

    def classify(self, message: str) -> SmallTalk | None:
        """The small-talk kind of a whole message, or None for a real question."""
        if self._identity is None:
            return None
        head = message[: MAX_SMALLTALK_CHARS * 4]
        compact = _normalise(head)
        # (counted as typed: "you're" is spelt out "you are" by clean, one letter longer;
        # and never more than twice that once normalised, whatever NFKC expands)
        typed = len(_KEEP.sub("", head.lower()))
        if not compact or typed > MAX_SMALLTALK_CHARS or len(compact) > 2 * MAX_SMALLTALK_CHARS:
            return None
        heads = sorted(self._fillers.heads(compact))
        tails = sorted(self._fillers.tails(compact), reverse=True)
        for pattern in self._patterns:
            match = self._match(pattern, compact, heads, tails)
            if match is None:
                continue
            named: NamedPlatform | None = None
            if pattern.has_platform:
                named = self._platform(match.group("platform"))
                if named is None:
                    continue  # "你是<platform>" but no platform: "你是谁" has its own
            return SmallTalk(
                kind=pattern.kind,
                reply=self._replies[pattern.kind],
                identity=self._identity,
                platform=named,
                official_entry=self._entry(named),
                safe_path=safe_path(self._catalog),
            )
        return None

    def question_of(self, message: str) -> str:
        """The message without what it adds that asks nothing ("你好，", "，急！！", "pls
        urgent!!", "thanks 🙏"): clauses of asides, greetings and thanks at either end,
        and such words ending or opening its Latin text; the message itself if that is
        all it is. "急" is no question of how fast, nor "thanks" a word of a fact."""
        aside = self._aside
        if aside is None:
            return message
        parts = _CLAUSES.split(message)  # clause, separator, clause, …
        clauses = [i for i in range(0, len(parts), 2) if _normalise(parts[i])]
        final = clauses[-1] if clauses else 0
        while clauses and aside.make(_normalise(parts[clauses[-1]])):
            clauses.pop()
        while clauses and aside.make(_normalise(parts[clauses[0]])):
            clauses.pop(0)
        if not clauses:
            return message
        first, last = clauses[0], clauses[-1]
        kept = parts[first:last + 1]
        tail = self._trimmed(kept[-1], last=True)
        # (its own "?" stays, where nothing was set aside after it)
        end = parts[last + 1] if last == final and last + 1 < len(parts) and \
            tail == kept[-1] else ""
        kept[-1] = tail
        kept[0] = self._trimmed(kept[0], last=False)
        return ("".join(kept) + end).strip()

    def _trimmed(self, clause: str, *, last: bool) -> str:
        """The clause without the asides glued to its Chinese at its end (or start:
        "请问天猫…"), else without up to three words (as spaces part them) that are
        asides ("… pls urgent", "hi …", "… 谢谢🙏"), not fillers alone; nothing is taken
        where nothing would be left."""
        glued, aside = self._glued, self._aside
        assert glued is not None and aside is not None
        bare = clause.strip()
        plain = to_simplified(bare).lower().translate(_YOU)  # (請問 is 请问)
        if len(plain) == len(bare):  # (the same characters, in the same places)
            # (the longest run of them that opens, or ends, the clause)
            cut = max(glued.heads(plain)) if not last else min(glued.tails(plain))
            rest = bare[cut:] if not last else bare[:cut]
            if rest != bare and _normalise(rest):
                return rest
        words = clause.split()
        for n in (3, 2, 1):
            if len(words) <= n:
                continue
            taken = words[-n:] if last else words[:n]
            said = _normalise(" ".join(taken))
            # (fillers alone are the question's own words there: "how do i get there")
            if said and aside.make(said) and not self._fillers.make(said):
                return " ".join(words[:-n] if last else words[n:])
        return clause

    @staticmethod
    def _match(pattern: _Pattern, compact: str, heads: list[int], tails: list[int]
               ) -> re.Match[str] | None:
        """The phrase matched between fillers: from an offset fillers reach from the start
        to one from which they reach the end (the longest phrase first, as before)."""
        for start in heads if pattern.lead else (0,):
            if pattern.first and not compact.startswith(pattern.first, start):
                continue
            for end in tails if pattern.trail else (len(compact),):
                if end <= start:
                    break
                match = pattern.regex.fullmatch(compact, start, end)
                if match is not None:
                    return match
        return None

    def _platform(self, text: str) -> NamedPlatform | None:
        """The platform `text` names, once the words that address it are taken off its
        ends ("therealamazon", "亚马逊官方客服"); None if anything else is left."""
        seen = {text}
        todo = [text]
        while todo:
            name = todo.pop()
            named = self._names.exactly(name)
            if named is not None:
                return named
            for word in self._addressing:
                for rest in (name.removeprefix(word), name.removesuffix(word)):
                    if rest and rest not in seen and len(seen) < 64:
                        seen.add(rest)
                        todo.append(rest)
        return None

    def _entry(self, named: NamedPlatform | None) -> SourcedText | None:
        if named is None or not named.covered:
            return None
        platform = self._catalog.platforms[named.id]
        return SourcedText.of(platform.official_entry, tuple(platform.sources))
