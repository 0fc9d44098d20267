"""Whether a role word in a question names the asker or the other party of an order.

"卖家一直不理我" is a buyer's question, "etsy buyer sent me a help request" a seller's:
the role word names whom the asker deals with, not who asks. Search reads role words as
hints of the asker's role (knowledge/search.py); where a person's role word stands as
the other party, the asker is the platform's other role.

Why it is read this way, from the words around the role word and not from lists of
questions: the other party is the one the asker addresses or reports on. It is

* addressed just before: 联系卖家, 跟买家说, 被买家投诉, "message the seller", "my buyer";
* reported on just after: 卖家不理, 店家不肯退, "seller hasn't answered", "buyer refused";
* acting on the asker a few words on: 卖家两天都没理我, 让买家加我, "buyer sent me".

Only role words that name a person count (卖家, buyer), never a place or a tool
(卖家后台, seller central). The cue words live in knowledge/data/aspects.yaml
(`parties`). Chinese cues are read inside the role word's run of characters (a comma
ends the sentence), English cues among the words next to it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from knowledge.schema import PartyWords
from knowledge.textnorm import Analyzed, Token, analyze, has_han, occurrences, stem

__all__ = ["Party", "PartyReader"]

# how far "…我" may stand after the role word: "卖家两天都没理我"; and "me" or "my" ("our",
# and "us" in `_US_THEN`), in words: "a seller take to answer my message"
_ME_HAN = 8
_ME_EN = 5
_ME = frozenset({"me", "my", "our"})
# "us" is also the United States ("the US phone", "hours us?"): the asker only before what
# goes on about what was done to them ("buyer spammed us with his whatsapp")
_US_THEN = frozenset(stem(w) for w in ("with", "about", "for", "to", "on", "that", "and",
                                          "again", "saying", "asking", "every", "all"))
_OWN = frozenset({"my", "our"})
# small words that may stand between an English cue and the role word ("reply to the buyer")
_FILLERS = frozenset(stem(w) for w in ("the", "a", "an", "this", "that", "to", "with", "our",
                                          "their", "different", "other"))
_COPULA = frozenset(stem(w) for w in ("is", "are", "was", "were", "am", "be"))
# "a buyer on etsy emailed me": where they are may stand between, before a platform's name
_WHERE = frozenset(stem(w) for w in ("on", "in", "from", "at"))


# the asker describing their trade: 卖 + what (not 卖家), + 的, at the start or after 我(们)
# (是): "卖汽配的", "我们是卖家具的"; not "他是卖假货的", nor "卖家卖的"
_SELLS_HAN = re.compile(r"(?:^|我|我们|我是|我们是|咱们)卖(?!家)[^，。！？的]{1,5}的")
# the asker's own goods or shop with words between ("我的高价商品", "我们家手工店铺"): as
# 我的商品 and 我的店 are a seller's, so are they with what describes them (not what the
# asker bought: "我的订单商品坏了")
_MINE_HAN = re.compile(r"我(?:们)?(?:的|家)(?:(?!订单|包裹|快递|买|收到)[^，。！？的]){1,4}?"
                       r"(?:商品|产品|店铺|listing)")
# what follows a role word when it names the platform's service for that role, not a
# person: 卖家支持, 卖家后台, 卖家中心 (not 卖家客服: on Tmall that is the shop's service)
_ROLE_SERVICE = ("支持", "后台", "中心")
# a span of time said between them and what they did (卖家两天都没回, 商家3天了还不处理)
_HAN_SPAN = re.compile(r"(?:\d+|[一二两三四五六七八九十几半好]+)个?"
                       r"(?:分钟|小时|钟头|天|日|周|星期|礼拜|月)了?")
# words that say what kind of seller or buyer, between 我是 and the role word
_KIND_HAN = re.compile(r"(?:个人|专业|新手|新|跨境|小|中国|国内|一个|一名|个|名)+$")


# an auxiliary with "n't" says what "not" says: "isn't answering" is "not answering",
# "hasn't replied" and "doesn't reply" are "not replying" (stems alike)
_NEGATIVE = frozenset(stem(w) for w in (
    "isnt", "arent", "wasnt", "werent", "hasnt", "havent", "hadnt", "doesnt", "dont", "didnt",
    "wont", "cant", "couldnt", "wouldnt", "shouldnt"))


def _stems(words: Iterable[str]) -> frozenset[tuple[str, ...]]:
    out = set()
    for word in words:
        tokens = tuple(_plain(t.stem) for t in analyze(word, limit=None).tokens)
        if tokens:
            out.add(tokens)
    return frozenset(out)


def _han(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({c for w in words if has_han(c := analyze(w, limit=None).compact)},
                        key=len, reverse=True))


class Party(NamedTuple):
    """A person word of the question read as the other party: where, which side, how."""

    start: int  # span in `Analyzed.compact`
    end: int
    side: str  # "buyer" or "seller": whom the word names
    addressed: bool  # the asker addresses them (联系卖家), rather than reports on them


def _labels(analyzed: Analyzed, end: int | None) -> bool:
    """Whether a role word that opens the message closes its clause ("etsy seller: …",
    "亚马逊卖家：…"): the asker saying who asks, as a label."""
    return end is not None and end in analyzed.breaks


class PartyReader:
    """Reads one question's person words (卖家, buyer, shop …) as the asker or the other party."""

    def __init__(self, words: PartyWords | None) -> None:
        self._persons_han: dict[str, str] = {}  # word → side
        self._persons_en: dict[tuple[str, ...], str] = {}
        self._towards_han: tuple[str, ...] = ()
        self._towards_en: frozenset[tuple[str, ...]] = frozenset()
        self._acts_han: tuple[str, ...] = ()
        self._files_han: tuple[str, ...] = ()
        self._between_han: tuple[str, ...] = ()
        self._between_en: frozenset[str] = frozenset()
        self._by_han: tuple[str, ...] = ()
        self._by_en: frozenset[tuple[str, ...]] = frozenset()
        self._acts_en: frozenset[tuple[str, ...]] = frozenset()
        self._not_towards_han: tuple[str, ...] = ()
        self._not_towards_en: frozenset[tuple[str, ...]] = frozenset()
        self._me_han: tuple[str, ...] = ()
        self._me_en: frozenset[tuple[str, ...]] = frozenset()
        self._longest_en = 0
        self._self_han: tuple[str, ...] = ()
        self._self_en: frozenset[tuple[str, ...]] = frozenset()
        self._after_han: tuple[str, ...] = ()
        self._after_en: frozenset[tuple[str, ...]] = frozenset()
        self._asker_han: dict[str, str] = {}  # word → the asker's side
        self._asker_en: dict[tuple[str, ...], str] = {}
        if words is None:
            return
        for side, group in (("buyer", words.buyers), ("seller", words.sellers)):
            self._persons_han.update(dict.fromkeys(_han(group.zh), side))
            self._persons_en.update(dict.fromkeys(_stems(group.en), side))
        self._towards_han = _han(words.towards.zh)
        self._not_towards_han = _han(words.not_towards)
        self._not_towards_en = _stems(words.not_towards)
        self._towards_en = _stems(words.towards.en)
        self._acts_han = _han(words.acts.zh)
        self._files_han = _han(words.files.zh)
        self._files_en = _stems(words.files.en)
        self._between_han = _han(words.between.zh)
        self._between_en = frozenset(p[0] for p in _stems(words.between.en) if len(p) == 1)
        # (what the asker does against them reports on them, as what they did does)
        self._by_han = _han([*words.by.zh, *words.against.zh])
        self._by_en = _stems([*words.by.en, *words.against.en])
        self._acts_en = _stems(words.acts.en)
        self._me_han = _han(words.me.zh)
        self._me_en = _stems(words.me.en)
        self._longest_en = max((len(p) for p in self._persons_en), default=0)
        self._self_han = _han(words.self_marks.zh)
        self._self_en = _stems(words.self_marks.en)
        self._after_han = _han(words.self_after.zh)
        self._after_en = _stems(words.self_after.en)
        for side, group in (("buyer", words.buying), ("seller", words.selling)):
            self._asker_han.update(dict.fromkeys(_han(group.zh), side))
            self._asker_en.update(dict.fromkeys(_stems(group.en), side))
        # (by first word: each word of a question looks at the few phrases it can open)
        by_first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        for phrase, side in self._asker_en.items():
            if phrase:
                by_first[phrase[0]].append((phrase, side))
        self._asker_en_by_first = dict(by_first)

    def names_asker(self, analyzed: Analyzed, start: int,
                    names: frozenset[tuple[int, int]] = frozenset(),
                    end: int | None = None) -> bool:
        """Whether the role word at `start` (to `end`) is marked as the asker's own: 我是
        卖家, 作为卖家, "as a seller", "i'm a buyer", "seller here"."""
        run = next(((s, e) for s, e in analyzed.han_runs if s <= start < e), None)
        if run is not None:
            # read past platform names and what kind ("我是亚马逊个人卖家", 我是新手卖家)
            before = "".join(c for i, c in enumerate(analyzed.compact[run[0]:start], run[0])
                             if not _in_name(i + 1, names))
            before = _KIND_HAN.sub("", before)
            after = analyzed.compact[end:run[1]] if end is not None else ""
            return any(before.endswith(w) for w in self._self_han) or any(
                after.startswith(w) for w in self._after_han)
        words, ends, starts = _words(analyzed.tokens)
        at = next((i for i, s in enumerate(starts) if s == start), None)
        if at is None:
            return False
        # (read past platform names: "as an etsy seller")
        own = [w for i, (w, e) in enumerate(zip(words, ends, strict=True))
               if i < at and not _in_name(e, names)]
        if any(_at(own, len(own) - len(p), p) for p in self._self_en):
            return True
        if not own and _labels(analyzed, end if end is not None else start + 1):
            return True  # "etsy seller: a buyer opened a case"
        # ("seller here, …" says who asks; "is the seller here?" asks about one)
        clause = max((b for b in analyzed.breaks if b <= start), default=0)
        if any(w in _COPULA for w, s in zip(words, starts, strict=True) if clause <= s < start):
            return False
        following = next((i for i, s in enumerate(starts) if s >= (end or start + 1)),
                         len(words))
        return any(_at(words, following, p) for p in self._after_en)

    def asker_sides(self, analyzed: Analyzed,
                    names: frozenset[tuple[int, int]] = frozenset()) -> set[str]:
        """The sides the question's own words put the asker on: 买的, "before buying" a
        shopper; 我的店, "my listings" a seller. Platform names (`names`, spans in
        `compact`) are read past: "my etsy shop", 我etsy店铺."""
        compact = "".join(c for i, c in enumerate(analyzed.compact) if not _in_name(i + 1, names))
        sides = {side for w, side in self._asker_han.items() if w in compact}
        if _SELLS_HAN.search(compact) or _MINE_HAN.search(compact):
            sides.add("seller")  # "卖汽配的在亚马逊…", 我是卖衣服的: what the asker sells
        words, ends, _ = _words(analyzed.tokens)
        words = [w for w, end in zip(words, ends, strict=True) if not _in_name(end, names)]
        by_first = self._asker_en_by_first
        sides |= {side for i, word in enumerate(words) for p, side in by_first.get(word, ())
                  if _at(words, i, p)}
        return sides

    def read(self, analyzed: Analyzed,
             names: frozenset[tuple[int, int]] = frozenset()) -> list[Party]:
        """Every person word of the question that names the other party.

        `names` are the spans of platform names in `compact`: a platform doing the
        addressing ("does amazon answer a buyer", 亚马逊回复买家) says nothing of the asker.
        """
        platforms = frozenset(end for _, end in names)
        out: list[Party] = []
        compact = analyzed.compact
        for run_start, run_end in analyzed.han_runs:
            i = run_start
            while i < run_end:
                word = next((w for w in self._persons_han if compact.startswith(w, i)
                             and i + len(w) <= run_end), None)
                if word is None:
                    i += 1
                    continue
                how = self._han_party(analyzed, (run_start, run_end), i, i + len(word),
                                      platforms, names, self._persons_han[word])
                if how is not None:
                    out.append(Party(i, i + len(word), self._persons_han[word], how))
                i += len(word)
        words, ends, starts = _words(analyzed.tokens)
        i = 0
        while i < len(words):
            length = next((n for n in range(min(self._longest_en, len(words) - i), 0, -1)
                           if tuple(words[i:i + n]) in self._persons_en), 0)
            if not length:
                i += 1
                continue
            side = self._persons_en[tuple(words[i:i + length])]
            how = self._latin_party(words, ends, i, i + length - 1, names, side)
            if how is None:
                # an English role word among Chinese ("那seller一直不回", "联系seller")
                how = self._han_around(analyzed, starts[i], ends[i + length - 1], side)
            if how is not None:
                out.append(Party(starts[i], ends[i + length - 1], side, how))
            i += length
        return out

    def _han_party(self, analyzed: Analyzed, run: tuple[int, int], start: int, end: int,
                   platforms: frozenset[int], names: frozenset[tuple[int, int]],
                   side: str) -> bool | None:
        """True: addressed; False: reported on; None: not the other party."""
        compact = analyzed.compact
        before = compact[run[0]:start]
        after = compact[end:run[1]]
        # where they are may stand between: "买家在etsy上对我开了case" reads on after the name
        name_end = next((e for s, e in names if s == run[1]), None)
        if after in ("", "在") and name_end is not None:
            more = next((r for r in analyzed.han_runs if r[0] == name_end), None)
            if more is not None:
                after += compact[more[0]:more[1]]
        elif name_end is None:
            # an English word glued on reads on with it: "买家开case了"
            word = next((t for t in analyzed.tokens if t.start == run[1]), None)
            if word is not None:
                more = next((r for r in analyzed.han_runs if r[0] == word.end), None)
                after += compact[word.start:more[1] if more is not None else word.end]
        if after.startswith(_ROLE_SERVICE):
            return None  # "找卖家支持": the platform's service for that role, no person
        # a platform's name may stand between: 联系天猫商家 addresses the shop
        named = next((s for s, e in names if e == start and s >= run[0]), start)
        towards = self._towards_in(compact[run[0]:named])
        if towards is not None and named - len(towards) not in platforms:
            return True
        if any(before.endswith(w) for w in self._by_han) or self._acts_in(after, side):
            return False
        # the asker acted on, a few characters on: "…我" as the object, not "我的<noun>"
        # ("卖家怎么给我的买家退款" is the seller's own buyer)
        at = min((i for w in self._me_han for i in occurrences(after, w)
                  if i < _ME_HAN and not _possessive(after, i + len(w))), default=-1)
        # ... by this person, not by another one named in between ("卖家能不能让买家加我":
        # the buyer adds the asker, the seller asks)
        if at >= 0 and not any(w in after[:at] for w in self._persons_han):
            return False
        return None

    def _han_around(self, analyzed: Analyzed, start: int, end: int, side: str) -> bool | None:
        """The Chinese just before and after an English role word, read as for a Chinese
        one: True addressed (联系seller), False reported on (seller一直不回), else None."""
        compact = analyzed.compact
        before = next((compact[s:e] for s, e in analyzed.han_runs if e == start), "")
        after = next((compact[s:e] for s, e in analyzed.han_runs if s == end), "")
        if self._towards_in(before) is not None:
            return True
        return False if self._acts_in(after, side) else None

    def _towards_in(self, before: str) -> str | None:
        """The Chinese word said to or of them that `before` ends with (联系, 问 …), unless
        it asks, not addresses (请问)."""
        towards = next((w for w in self._towards_han if before.endswith(w)), None)
        if towards is None or any(before.endswith(w) for w in self._not_towards_han):
            return None
        return towards

    def _acts_in(self, after: str, side: str) -> bool:
        """Whether `after` opens, past adverbs (一直, 死活 …), with what they did to the
        asker (不理, 不退 …) or, for a buyer, with filing (开了 case)."""
        rest = after
        while skip := self._between(rest):
            rest = rest[skip:]  # 卖家一直不同意, 卖家两天都没回
        return any(rest.startswith(w) for w in self._acts_han) or (
            side == "buyer" and any(rest.startswith(w) for w in self._files_han))

    def _between(self, text: str) -> int:
        """How much of `text` an adverb (一直, 死活 …) or a span of time (两天, 3个小时)
        that opens it takes: what may stand between them and what they did."""
        adverb = next((w for w in self._between_han if text.startswith(w)), None)
        if adverb is not None:
            return len(adverb)
        span = _HAN_SPAN.match(text)
        return span.end() if span is not None else 0

    def _latin_party(self, words: list[str], ends: list[int], first: int, last: int,
                     names: frozenset[tuple[int, int]], side: str) -> bool | None:
        platforms = frozenset(end for _, end in names)
        if any(_at(words, first - len(p), p) for p in self._by_en):
            return False  # "this seller", "some buyer"
        i = first - 1
        # small words, and a platform's name ("ask an etsy seller"), may stand between
        named = 0
        while i >= 0:
            if words[i] and _in_name(ends[i], names) and named < 3:
                named += 1
            elif not (words[i] in _FILLERS and first - i - named <= 2):
                break
            i -= 1
        if any(_at(words, i - len(p) + 1, p) for p in self._by_en):
            return False  # "scammed by a seller"
        # the cue ends where the small words do, or is one of them ("sorted with the seller")
        for k in range(i, first):
            towards = next((p for p in self._towards_en if _at(words, k - len(p) + 1, p)), None)
            if towards is not None and k == first - 1 and any(
                    _at(words, k - len(p) + 1, p) for p in self._not_towards_en):
                break  # "what about sellers?" asks the same of them ("… the seller" is one)
            if towards is not None:
                subject = k - len(towards)  # the word before the verb: who addresses them
                if subject >= 1 and words[subject] == "to":
                    # (the subject of an infinitive: "does it take amazon to reply to a
                    # buyer", or before the verb it follows, "amazon take to reply to …")
                    subject -= 1 if ends[subject - 1] in platforms else 2
                if subject < 0 or ends[subject] not in platforms:
                    return True
                break
        j = last + 1
        if j + 1 < len(words) and words[j] in _WHERE and _in_name(ends[j + 1], names):
            j += 2  # "a buyer on etsy emailed me", "the seller on tiktok shop can't help me"
            while j < len(words) and _in_name(ends[j], names):
                j += 1
        # (a word between may open what they did: "never" of "seller never replied")
        starts = [j]
        while j < len(words) and words[j] in self._between_en:
            j += 1
            starts.append(j)
        if any(_at(words, k, p) for k in starts for p in (*self._acts_en, *self._me_en)) or (
                side == "buyer" and any(_at(words, j, p) for p in self._files_en)):
            return False  # (a buyer who files files against the asker: "a buyer opened a case")
        # the asker acted on a few words on, as 卖家两天都没理我: "does an etsy seller have
        # to give me a refund", "how long should a seller take to answer my message"
        # (not the asker's own role word, or shop: "as a seller my account…", "a case
        # against my etsy store, will it hurt me")
        own = (any(_at(words, first - len(p), p) for p in self._self_en)
               or any(_at(words, last + 1, p) for p in self._after_en)
               or _owned(words, ends, first, names))
        if own:
            return None
        for k in range(last + 1, min(last + 1 + _ME_EN, len(words))):
            if not words[k] or tuple(words[k:k + 1]) in self._persons_en:
                break  # (Chinese between, or another person: "seller told a buyer my…")
            if words[k] in _ME or (words[k] == "us" and k + 1 < len(words)
                                    and words[k + 1] in _US_THEN):
                return False
        return None


def _words(tokens: tuple[Token, ...]) -> tuple[list[str], list[int], list[int]]:
    """The stems with "n't" joined ("hasn" "t" → "hasnt") and an empty word where Chinese
    stands between two, with where each starts and ends in `compact`."""
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for token in tokens:
        if token.stem == "t" and words and token.raw == "t" and words[-1].endswith("n"):
            words[-1] = _plain(words[-1] + "t")
            ends[-1] = token.end
            continue
        if words and token.start != ends[-1]:
            words.append("")  # Chinese between: "seller 收到 scam" is no "seller scam"
            starts.append(ends[-1])
            ends.append(token.start)
        words.append(_plain(token.stem))
        starts.append(token.start)
        ends.append(token.end)
    return words, ends, starts


def _plain(word: str) -> str:
    return "not" if word in _NEGATIVE else word


def _owned(words: list[str], ends: list[int], first: int,
           names: frozenset[tuple[int, int]]) -> bool:
    """Whether "my" or "our" stands just before the word at `first`, platform names
    between ("my etsy store")."""
    i = first - 1
    while i >= 0 and words[i] and _in_name(ends[i], names):
        i -= 1
    return i >= 0 and words[i] in _OWN


def _possessive(text: str, at: int) -> bool:
    """Whether 的 at `at` makes the word before it own a noun ("我的买家"), rather than
    close the sentence ("是怎么联系到我的")."""
    return text.startswith("的", at) and at + 1 < len(text)


def _in_name(end: int, names: frozenset[tuple[int, int]]) -> bool:
    """Whether the piece of `compact` ending at `end` lies inside a platform's name."""
    return any(start < end <= stop for start, stop in names)


def _at(words: list[str], i: int, phrase: tuple[str, ...]) -> bool:
    return i >= 0 and tuple(words[i:i + len(phrase)]) == phrase
