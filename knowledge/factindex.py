"""The facts' own words: which facts of a target a question matches, by BM25.

Aspect words (`knowledge.aspects`) read *what kind* of fact a question asks for; they are
a list, and a question worded afresh ("temu晚到了有补偿吗", "how many days to dispute a
return") often uses none of them. The facts themselves say what they are about, so each
fact of the knowledge files is indexed by its own text in both languages, with the name of
the channel it sits in, and a question is scored against them. The answering
path combines the score with the aspect detected and the target resolved: it decides the
aspect when no aspect word fired, puts the fact that matches best first, and says "the
guide has nothing on this" only when no fact of the target matches at all.

Why BM25 over character bigrams and English stems, hand-written: Chinese has no spaces,
and a segmenter (jieba) costs about a second of start-up and 50 MB for a corpus of about a
thousand short facts; bigrams of the simplified text find "晚到" in "晚到了" and "补偿" in
"补偿券" just as well, and single characters, weighed low, catch the colloquial forms no
pair of a fact shares ("能退吗"). The corpus is small, so the arithmetic is a few
dictionary reads per query term; no numeric library earns its place. Both sides go
through `knowledge.textnorm`, so traditional Chinese, full width and English inflection
meet the index's own forms.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import OSA

from knowledge.catalog import AspectFact, Catalog, platform_facts
from knowledge.english import word_counts
from knowledge.schema import Channel, Fact, Holiday, Hours, Phone, Response, Site, Text
from knowledge.textnorm import STOP_STEMS, STOPWORDS, Analyzed, analyze, has_han, occurrences, stem

__all__ = ["FactIndex", "FactMatch", "said_by", "terms"]

K1 = 1.2
# little length normalisation: the short facts ("订单号") would otherwise win on any
# one word they share with a question
B = 0.3
# a word of the channel a fact sits in (or, for a phone number, of its site) counts this
# much; the name does not count: search finds the issue, and every fact of the
# general card would match "怎么联系客服" by it
CONTEXT_WEIGHT = 0.5
# a question word found in almost every fact of a platform says nothing about which
# one is meant (客服, amazon); below this idf it is not counted at all
MIN_IDF = 0.2
# one Chinese character on its own: "能退吗" shares no pair with "七天无理由退货", but 退;
# weighed low, it decides only where the pairs leave a choice open (picked on dev)
CHAR_WEIGHT = 0.4
READ_WEIGHT = 0.35  # a word the aspect detector read already
SYNONYM_WEIGHT = 0.5  # a word the question did not use, but one of its synonyms
# a fact of the site the question names ("amazon china …") is what it points at, where
# the words alone leave a choice with the platform's general facts (picked on the dev
# splits: 2.0 → 3.0 gained dev2 and dev3 one each; 3.0 to 6.0 the same)
SITE_BOOST = 3.0
# each further word of the question a fact shares adds this share of its score: two
# words shared ("return" and "free") beat one rare word said twice ("pay … pay") (picked
# on the dev splits)
COORD = 0.4
RARE_IDF = 4.0  # a word in fewer than about one fact in fifty
COMMON_IDF = 2.0  # a word in more than about one fact in seven brings no synonyms in
MAX_IDF = 99.0  # a word no fact uses
# two words shared tell the point only if they say this much together (their idfs
# summed): 联系 (1.7) and 客服 (1.4) are each in about one fact of six, and a fact saying
# both is as often a coincidence as one sharing one word ("tiktok shop卖家怎么联系客服" is
# no question about the shoppers' chat with sellers) (dev: 3.2 ±0, held out ±0; 3.5 and
# up lose dev questions)
TELLING_IDF = 3.2


# Chinese function-word pairs: in almost any question, about nothing in particular
STOP_BIGRAMS = frozenset(
    """没有 有没 什么 怎么 怎样 多少 可以 是不 不是 一个 如果 的话 还是 这个 那个 我的 你们 他们
    是否 能否 能不 不能 会不 不会 要不 是什 请问 为什 么办 怎办 一下 哪里 哪个 吗的
    那边 这边 每次 一点 好久 换成 改成 换到 改到 改问 换问 也一 作为
    不太 比较 非常 特别 有点 但是 可是 因为 所以 然后 就是 而且""".split()  # noqa: SIM905
)
# English words for a thing unnamed ("how do i return something"): a fact that happens to
# say "something" is no answer to a question that does (a person unnamed is a word of a
# scam: "someone called me")
STOP_VAGUE = frozenset(stem(w) for w in """something everything nothing thing
    things stuff""".split())  # noqa: SIM905
# sentence-final particles: a pair with one ("边呢", "话吗") is no word a fact has
_PARTICLES = frozenset("呢吗吧啊呀嘛哦么")
# characters of asking how (怎么, 咋): a pair with one ("要怎", "该怎", "咋联") is no word a
# fact has, whatever comes before it
_QUESTION_CHARS = ("怎", "咋")
_WRITTEN_OUT = "客户服务"  # 客服 in full


# words that turn a follow-up to another target and say nothing of what is asked ("换成德国
# 呢", "也一样吗", "switch to Germany", "Germany instead?", "the Japan site", "seller
# side?"): a message of names and these asks the last question again
# (`FactIndex.own_words`); the pairs of them that are only grammar (换成, 作为) are
# STOP_BIGRAMS
_SWITCHES = frozenset("""切换 一样 同样 站点""".split()) | frozenset(  # noqa: SIM905
    stem(w) for w in ("switch", "instead", "same", "site", "side", "also", "too"))


# words that point back or say "too" ("也有这种吗", "那样的呢", "沃尔玛也这样吗"): a pair
# with 也, a pair ending in 这 or 那 ("有这"), or 这/那 with a measure word ("这种") says
# nothing of its own in a follow-up (not 那 as "then": "那在越南呢" is no pointing)
_DEMONSTRATIVES = frozenset("这那")
_MEASURES = frozenset("种样个些类边么")


def _points(pair: str) -> bool:
    return "也" in pair or pair[-1] in _DEMONSTRATIVES or (
        pair[0] in _DEMONSTRATIVES and pair[-1] in _MEASURES)


# pieces of web and mail addresses ("shopee.com.my"): they say nothing a question asks,
# and "come" stems to "com"
_WEB = frozenset({"com", "www", "http", "https", "net", "org", "html"})


def terms(text: str, *, limit: int | None = None) -> list[str]:
    """Character bigrams of each Chinese run (a lone character as itself) and English
    stems, stopwords dropped; the same for facts and questions."""
    return _terms(analyze(text, limit=limit))


@lru_cache(maxsize=4096)
def _word_terms(word: str) -> tuple[str, ...]:
    """`terms` of a word read already (aspect and issue words): a few hundred words, asked
    again for every question."""
    return tuple(terms(word))


@lru_cache(maxsize=4096)
def _compact(word: str) -> str:
    return analyze(word, limit=None).compact


def _terms(analyzed: Analyzed, masked: frozenset[int] = frozenset()) -> list[str]:
    """The terms of an analysed text; characters at `masked` offsets of its compact
    form (words read already as a name or an aspect) split the runs and count not."""
    out: list[str] = []
    for _, run in _pieces(analyzed, masked):
        if len(run) == 1:
            out.append(run)
        out += [b for b in (run[i:i + 2] for i in range(len(run) - 1))
                if b not in STOP_BIGRAMS and b[1] not in _PARTICLES and "的" not in b
                and b[0] not in _QUESTION_CHARS and b[1] not in _QUESTION_CHARS]
    for t in analyzed.tokens:
        if t.start in masked:
            continue
        out += [w for w in _units(t.stem)
                if w not in STOP_STEMS and w not in STOP_VAGUE and w not in _WEB and len(w) > 1]
    return out


# a duration written short is the same as written out: "48h", "24 hrs", "3d" are the facts'
# "48 hours", "24 hours", "3 days"
_UNITS = {"h": "hour", "hr": "hour", "hrs": "hour", "d": "day", "min": stem("minutes"),
          "mins": stem("minutes")}
_GLUED_UNIT = re.compile(r"(\d+)(h|hr|hrs|hour|d|day|min|mins|minut)")


def _units(word: str) -> list[str]:
    glued = _GLUED_UNIT.fullmatch(word)
    if glued is not None:
        return [glued.group(1), _UNITS.get(glued.group(2), glued.group(2))]
    return [_UNITS.get(word, word)] if word in ("hr", "hrs", "min", "mins") else [word]


def _pieces(analyzed: Analyzed, masked: frozenset[int]) -> list[tuple[int, str]]:
    """The Chinese runs of a text cut at the `masked` offsets: (where it starts, the
    piece), empty pieces left out."""
    out: list[tuple[int, str]] = []
    for start, end in analyzed.han_runs:
        begin = start
        for i in range(start, end + 1):
            if i < end and i not in masked:
                continue
            if i > begin:
                out.append((begin, analyzed.compact[begin:i]))
            begin = i + 1
    return out


class FactMatch(NamedTuple):
    """A fact a question shares words with (a tuple: a query makes a few dozen, and a
    frozen dataclass costs four times as much to build)."""

    fact: AspectFact
    score: float
    shared: int  # how many different terms of the question itself the fact has
    rare: bool = False  # one of them is rare in the knowledge files (idf >= RARE_IDF)
    # on single Chinese characters alone, no word ("会员积分" in "委员会"): a coincidence
    by_characters: bool = False
    idf: float = MAX_IDF  # what those terms say together: their idfs summed

    @property
    def telling(self) -> bool:
        """Two of the question's own words that say enough together, three, or a rare
        one: the point of the question, not words in passing (one shared word, or two of
        the commonest, is as often a coincidence)."""
        return self.rare or self.shared >= 3 or (self.shared == 2 and self.idf >= TELLING_IDF)


def _own_texts(item: object) -> list[Text]:
    """What a fact says, in both languages (never a computed wording)."""
    match item:
        case Fact():
            return [item.text]
        case Phone():
            return [item.note] if item.note is not None else []
        case Hours():
            notes = [item.applies_to] if item.applies_to is not None else []
            return notes + ([item.schedule.note] if item.schedule.note is not None else [])
        case Response():
            return [item.text]
        case Site():
            return [item.name] + ([item.languages] if item.languages is not None else [])
        case Channel():
            return [item.name, item.summary]
        case Holiday():
            return [item.name, item.effect]
    return []


def said_by(fact: AspectFact) -> list[Text]:
    """What a fact says, in both languages."""
    return _own_texts(fact.item)


class FactIndex:
    """Built once per catalog; `match` only reads, so handlers share one."""

    def __init__(self, catalog: Catalog) -> None:
        self._facts: dict[str, list[AspectFact]] = {}
        # platform → term → (fact's place, the term's BM25 weight in the fact before idf)
        self._postings: dict[str, dict[str, list[tuple[int, float]]]] = {}
        self._idf: dict[str, float] = {}
        self._read_names(catalog)
        # synonym groups: (han surfaces, latin stem phrases, the terms of all its words)
        self._groups = [(*_surfaces(group), frozenset(t for w in group for t in terms(w)))
                        for group in catalog.synonyms]
        # what each platform's channels are called: (channel, han surfaces, latin phrases)
        self._channel_names = {
            platform.id: [(c.id, *_surfaces([c.name.zh, c.name.en, *c.keywords]))
                          for c in platform.channels]
            for platform in catalog.platforms.values()
        }
        # ... and as a fact's text may call them: a name's words before its brackets too
        # ("TikTok Customer Service" of "TikTok Customer Service (Help → … → Contact us)")
        self._channel_mentions = {
            platform: [_with_bare_names(entry, channel) for entry, channel
                       in zip(named, catalog.platforms[platform].channels, strict=True)]
            for platform, named in self._channel_names.items()
        }
        self._index_facts(catalog)
        self._index_groups()

    def _read_names(self, catalog: Catalog) -> None:
        """Platform, site and role names: the target, resolved elsewhere; in a fact's text
        they say where it applies, not what it is about. The names of a role other than
        the asker's are kept apart: for a seller "顾客" is the other party, a word of the
        question ("多久内要回复顾客"), not the target. A name of several English words
        ("amazon customer service", "seller support") is a name only as a whole: "support"
        or "shop" alone is a word of the question."""
        names: list[str] = []
        by_role: dict[str, list[str]] = defaultdict(list)
        for platform in catalog.platforms.values():
            names += [platform.name.zh, platform.name.en, *platform.keywords]
            for site in platform.sites:
                names += [site.name.zh, site.name.en, *site.keywords]
            for role in platform.roles:
                by_role[role.id] += [role.name.zh, role.name.en, *role.keywords]
        every = names + [name for role_names in by_role.values() for name in role_names]
        self._all_names = _Names.of(every)
        self._names = self._all_names.words
        self._latin_names = sorted(t for t in self._names if len(t) >= 5)
        # per asker's role: the names that stay names (platforms, sites, that role's own)
        self._role_names = {role_id: _Names.of(names + own) for role_id, own in by_role.items()}

    def _index_facts(self, catalog: Catalog) -> None:
        frequency: Counter[str] = Counter()
        for platform in catalog.platforms.values():
            facts = list(platform_facts(platform))
            docs = [self._document(catalog, platform.id, f) for f in facts]
            self._facts[platform.id] = facts
            # term → (fact's place, its weight in the fact), in the facts' order
            postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
            for i, doc in enumerate(docs):
                for term, weight in doc.items():
                    postings[term].append((i, weight))
            lengths = [sum(w for t, w in d.items() if not t.startswith(_CHAR)) for d in docs]
            avg = max(sum(lengths) / max(len(lengths), 1), 1.0)
            # BM25's share of each (term, fact) pair, but for the query's weight and the
            # term's idf: computed once here, not for every fact of every query
            self._postings[platform.id] = {
                term: [(i, tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths[i] / avg)))
                       for i, tf in posting]
                for term, posting in postings.items()}
            for doc in docs:
                frequency.update(doc.keys())
        # idf over every platform's facts: a word all platforms use for contacting
        # support (客服, 联系, contact) is common even where one platform has few facts
        n = sum(len(facts) for facts in self._facts.values())
        self._idf = {term: math.log(1 + (n - df + 0.5) / (df + 0.5))
                     for term, df in frequency.items()}

    def _index_groups(self) -> None:
        """Each synonym group's words, by surface: a word brings its group in only if
        it is no word most facts use anyway ("support" would bring in every 客服)."""
        idf = self._idf
        by_han: dict[str, list[int]] = defaultdict(list)
        by_phrase: dict[str, list[int]] = defaultdict(list)
        for i, (surfaces, phrases, _) in enumerate(self._groups):
            for word, into in [*((w, by_han) for w in surfaces),
                               *((p, by_phrase) for p in phrases if p)]:
                if min((idf.get(t, MAX_IDF) for t in _used_terms(word)),
                       default=0.0) >= COMMON_IDF:
                    into[word].append(i)
        self._by_han = {word: tuple(groups) for word, groups in by_han.items()}
        self._han_first = _by_first(by_han)
        self._by_phrase = dict(by_phrase)
        self._phrase_lengths = sorted({len(p.split()) for p in by_phrase})

    @staticmethod
    def _document(catalog: Catalog, platform_id: str, fact: AspectFact) -> dict[str, float]:
        weights: dict[str, float] = defaultdict(float)
        for text in _own_texts(fact.item):
            for term in terms(text.zh) + terms(text.en):
                weights[term] += 1.0
            for term in _characters(analyze(text.zh, limit=None)):
                weights[term] += 1.0
        if isinstance(fact.item, Phone):
            site = catalog.site(platform_id, fact.site) if fact.site else None
            context_texts: list[Text] = [site.name] if site is not None else []
        else:
            context_texts = []
        if fact.channel is not None and not isinstance(fact.item, Channel):
            channel = catalog.channel(platform_id, fact.channel)
            if channel is not None:
                context_texts.append(channel.name)
        for text in context_texts:
            for term in terms(text.zh) + terms(text.en):
                weights[term] += CONTEXT_WEIGHT
        return dict(weights)

    def latin_words(self) -> frozenset[str]:
        """The English stems the facts use."""
        return frozenset(t for t in self._idf if not t.startswith(_CHAR) and not has_han(t))

    def han_pairs(self) -> frozenset[str]:
        """The two-character Chinese terms the facts use."""
        return frozenset(t for t in self._idf if len(t) == 2 and has_han(t))

    def _misspelt_name(self, term: str) -> bool:
        """"amazom" is Amazon typed wrong (search reads it so), not a word to match."""
        if len(term) < 5 or has_han(term) or term in self._idf:
            return False
        return process.extractOne(term, self._latin_names, scorer=OSA.distance,
                                  score_cutoff=1) is not None

    def names_something(self, text: str) -> bool:
        """Whether the text names a platform, site or role, or any platform's channel."""
        analyzed = analyze(text)
        names, _ = self._masks(analyzed, ())
        # (an English word that is also a site's code names nothing alone: "My English is
        # not so good" is no Malaysia)
        names -= {t.start for t in analyzed.tokens if t.raw.lower() in STOPWORDS}
        return bool(names) or any(self.named_channels(text, platform)
                                  for platform in self._channel_names)

    def says_more(self, question: str, read: Iterable[str]) -> bool:
        """Whether the question has words of its own beyond names (platforms, sites,
        roles) and the words in `read`: "卖家呢" and "and for sellers?" have none, "卖家不同
        意咋整" has."""
        return bool(self.own_words(question, read))

    def own_words(self, question: str, read: Iterable[str]) -> list[str]:
        """The question's terms beyond names and the words in `read` (see `says_more`)."""
        analyzed = analyze(question)
        _, masked = self._masks(analyzed, list(read))
        return [t for t in _terms(analyzed, masked)
                if len(t) >= 2 and t not in self._names and t not in _SWITCHES
                and not (has_han(t) and _points(t))]

    def platform_of_names(self, question: str) -> str | None:
        """The one platform whose facts alone say a name the question uses that is no
        English word ("SEMAKMULE是干嘛的", "NSRC幾點有人接": Shopee Malaysia's), if there
        is one; else None. (A misspelt word is said by no fact; a word of English may be
        anyone's: "cancel" is no Walmart name.)"""
        english = word_counts()
        if not english:
            return None
        owners: set[str] = set()
        for token in analyze(question).tokens:
            raw = token.raw.lower()
            if len(raw) < 3 or not raw.isascii() or not raw.isalpha() or raw in english:
                continue
            saying = {p for p, postings in self._postings.items() if token.stem in postings}
            if len(saying) == 1:
                owners |= saying
        return owners.pop() if len(owners) == 1 else None

    def beyond_names(self, question: str) -> str:
        """The question without its platform, site and role names: what it asks of
        them ("日本亚马逊电话多少" → "电话多少"), for a follow-up to inherit."""
        analyzed = analyze(question)
        names, _ = self._masks(analyzed, ())
        pieces = _pieces(analyzed, names)
        pieces += [(t.start, t.raw) for t in analyzed.tokens
                   if t.start not in names and t.stem not in self._names]
        return " ".join(piece for _, piece in sorted(pieces))

    def _masks(self, analyzed: Analyzed, words: Sequence[str], role: str | None = None
               ) -> tuple[frozenset[int], frozenset[int]]:
        """Offsets of the question's names (a misspelt one, "amazom", is the name), and
        of its names and the words read already; with `role`, another role's names are
        words of the question."""
        known = self._role_names.get(role or "", self._all_names)
        names = known.han_offsets(analyzed.compact) | known.latin_offsets(analyzed)
        names |= {t.start for t in analyzed.tokens if self._misspelt_name(t.stem)}
        read = {t for w in words if not has_han(w) for t in _word_terms(w)}
        masked = names | _mask(analyzed.compact, [_compact(w) for w in words if has_han(w)])
        return names, masked | {t.start for t in analyzed.tokens if t.stem in read}

    def named_channels(self, question: str, platform: str, *,
                       mentions: bool = False) -> list[str]:
        """The platform's channels the question calls by name ("店铺客服"), longest
        name first; a name inside a longer one that also matches does not count, two
        names apart both do ("天猫官方客服跟商家客服有啥区别"). `mentions`: a fact's
        text, which may call a channel by its name without what the name says in brackets."""
        analyzed = analyze(question)
        tokens = analyzed.tokens
        stems = [t.stem for t in tokens]
        found: list[tuple[int, int, int, str]] = []  # (size, start, end, channel)
        names = self._channel_mentions if mentions else self._channel_names
        for channel, han, latin in names.get(platform, ()):
            spans = [(len(w), start, start + len(w)) for w in han
                     for start in occurrences(analyzed.compact, w)]
            for phrase in latin:
                words = phrase.split()
                spans += [(len(phrase), tokens[i].start, tokens[i + len(words) - 1].end)
                          for i in range(len(stems) - len(words) + 1)
                          if words and stems[i:i + len(words)] == words]
            if spans:
                found.append((*max(spans), channel))
        found.sort(key=lambda f: -f[0])
        kept: list[tuple[int, int, int, str]] = []
        for size, start, end, channel in found:
            if all(end <= s or e <= start for _, s, e, _ in kept) or size == kept[0][0]:
                kept.append((size, start, end, channel))
        return [channel for *_, channel in kept]

    def names_a_channel_only(self, question: str, platform: str, read: Iterable[str]) -> bool:
        """Whether the question calls one of the platform's channels by name and says
        nothing beyond it, names and the words in `read` ("机器人呢", "and the bot?")."""
        analyzed = analyze(question)
        stems = {t.stem for t in analyzed.tokens}
        said: list[str] = []
        for _, han, latin in self._channel_names.get(platform, ()):
            said += [w for w in han if w in analyzed.compact]
            said += [p for p in latin if all(w in stems for w in p.split())]
        return bool(said) and not self.own_words(question, [*read, *said])

    def match(
        self,
        question: str,
        platform: str,
        *,
        role: str | None = None,
        paths: Iterable[str] | None = None,
        exclude: Iterable[str] = (),
        site: str | None = None,
        asked: Iterable[str] = (),
    ) -> list[FactMatch]:
        """The platform's facts (or those at `paths`) that share words with the question,
        best first; a fact for another role than `role` is left out, one of `site` counts
        SITE_BOOST times.

        The words in `exclude` (those the aspect detector already read) and the names of
        platforms, sites and roles do not count: "亚马逊电话多少" must not pick the one
        note that happens to say 电话 over the numbers themselves. They count a little,
        and as words the question shares with a fact, except those in `asked` (the
        words of the aspect the answer is about: every fact of it says them)."""
        if platform not in self._postings:
            return []
        query = self._query(question, role, exclude, asked)
        return self._scored(platform, query, role=role, paths=paths, site=site)

    def match_platforms(self, question: str, *, exclude: Iterable[str] = (),
                        asked: Iterable[str] = ()) -> dict[str, list[FactMatch]]:
        """`match` for every platform, the question read once (a question that names
        no platform is looked for in all of them)."""
        query = self._query(question, None, exclude, asked)
        return {platform: self._scored(platform, query) for platform in self._postings}

    def _query(self, question: str, role: str | None, exclude: Iterable[str],
               asked: Iterable[str]) -> tuple[dict[str, float], set[str]]:
        """The question's terms with their weights, and the asked words' terms."""
        idf = self._idf
        words = list(exclude)
        skip = self._role_names.get(role or "", self._all_names).words | (
            {t for w in words if not has_han(w) for t in terms(w)} if not READ_WEIGHT else set())
        analyzed = analyze(question)
        if _WRITTEN_OUT in analyzed.compact:
            # (客户服务 is 客服 written out: what a question asks of, not the rare pair 户服
            # of the one step that names the 「客户服务」 menu; the question's side only,
            # the facts keep their words)
            analyzed = analyze(analyzed.text.replace(_WRITTEN_OUT, "客服"))
        # a misspelt name is the name, and a word read already is read: no synonym of
        # either comes in ("phone number" must not bring in every "hotline")
        names, masked = self._masks(analyzed, words, role)
        wanted: dict[str, float] = {}
        for term in _terms(analyzed, masked):
            wanted[term] = 1.0
        if CHAR_WEIGHT:
            for term in _characters(analyzed, masked):
                wanted.setdefault(term, CHAR_WEIGHT)
        # the words read already count a little: "attachment" is what to prepare, and
        # also what an e-mail scam warning is about
        if READ_WEIGHT:
            for term in _terms(analyzed, names):
                wanted.setdefault(term, READ_WEIGHT)
        # a word of a synonym group brings the group's other words in, at half weight:
        # "申诉信" finds the facts that say POA, "保障" those that say Guarantee
        # (not for a word most facts use anyway: "support" would bring in every 客服)
        # (the question's unmasked stems, joined once for every group's phrases)
        for expansion in self._expansions(analyzed, masked):
            for term in expansion:
                wanted.setdefault(term, SYNONYM_WEIGHT)
        said = {t for w in asked for t in _word_terms(w)}
        wanted = {t: w for t, w in wanted.items()
                  if t not in skip and idf.get(t, 0.0) >= MIN_IDF and not self._misspelt_name(t)}
        return wanted, said

    def _expansions(self, analyzed: Analyzed,
                    masked: frozenset[int]) -> list[frozenset[str]]:
        """The terms of the synonym groups the question uses a word of outside `masked`,
        in the groups' order (each position's substrings looked up once, not every word
        of every group searched for)."""
        compact = analyzed.compact
        used: set[int] = set()
        for start, word in _occurring(compact, self._han_first):
            if masked.isdisjoint(range(start, start + len(word))):
                used.update(self._by_han[word])
        stems = [t.stem for t in analyzed.tokens if t.start not in masked]
        for length in self._phrase_lengths:
            for start in range(len(stems) - length + 1):
                used.update(self._by_phrase.get(" ".join(stems[start:start + length]), ()))
        return [self._groups[i][2] for i in sorted(used)]

    def _scored(self, platform: str, query: tuple[dict[str, float], set[str]], *,
                role: str | None = None, paths: Iterable[str] | None = None,
                site: str | None = None) -> list[FactMatch]:
        wanted, said = query
        if not wanted:
            return []
        idf = self._idf
        postings = self._postings[platform]
        # per fact that has a term: [score, shared, rare, worded, told], summed term by
        # term in the query's order (only the facts that say a term are visited)
        found: dict[int, list[Any]] = {}
        for term, weight in wanted.items():
            posting = postings.get(term)
            if not posting:
                continue
            term_idf = idf[term]
            gain = weight * term_idf
            word = not term.startswith(_CHAR)
            # the question's own words, not synonyms, nor the aspect's own words
            own = weight == 1.0 or (weight == READ_WEIGHT and term not in said)
            # (a lone character left of a word read, 找 of "在哪找", is no rare word:
            # the facts that say 找 on its own are few, but it tells nothing)
            rare = own and term_idf >= RARE_IDF and len(term) > 1
            told = term_idf if own else 0.0
            if not (own or word):
                # (a lone character, or a synonym's: its score only — most terms of a
                # Chinese question, each said by many facts)
                for i, part in posting:
                    acc = found.get(i)
                    if acc is None:
                        found[i] = [gain * part, 0, False, False, 0.0]
                    else:
                        acc[0] += gain * part
                continue
            for i, part in posting:
                acc = found.get(i)
                if acc is None:
                    found[i] = [gain * part, int(own), rare, word, told]
                    continue
                acc[0] += gain * part
                if word:
                    acc[3] = True
                if own:
                    acc[1] += 1
                    acc[4] += told
                    if rare:
                        acc[2] = True
        facts = self._facts[platform]
        allowed = None if paths is None else set(paths)
        out: list[FactMatch] = []
        for i in sorted(found):
            fact = facts[i]
            if allowed is not None and fact.path not in allowed:
                continue
            if role is not None and fact.roles and role not in fact.roles:
                continue
            score, shared, rare, worded, told = found[i]
            if score > 0:
                if shared > 1:
                    score *= 1 + COORD * (shared - 1)
                if site is not None and fact.site == site:
                    score *= SITE_BOOST
                out.append(FactMatch(fact, score, shared, rare, not worded, told))
        out.sort(key=lambda m: -m.score)
        return out


@dataclass(frozen=True)
class _Names:
    """Names as a question is searched for them: Chinese ones as substrings, English
    one-word ones as terms, English phrases as runs of stems."""

    han_by_first: dict[str, tuple[str, ...]]  # Chinese names by their first character
    words: frozenset[str]
    phrases: frozenset[tuple[str, ...]]
    phrase_lengths: tuple[int, ...]

    @classmethod
    def of(cls, names: Sequence[str]) -> _Names:
        han, latin = _surfaces(names)
        stems = [tuple(p.split()) for p in latin if p]
        phrases = frozenset(p for p in stems if len(p) > 1)
        return cls(_by_first(han),
                   frozenset(p[0] for p in stems if len(p) == 1),
                   phrases, tuple(sorted({len(p) for p in phrases})))

    def han_offsets(self, compact: str) -> frozenset[int]:
        """Where the Chinese names stand in the text, every character of each (each
        character looks at the few names it can start: a few hundred names, not
        searched for one by one)."""
        return frozenset(i for start, name in _occurring(compact, self.han_by_first)
                         for i in range(start, start + len(name)))

    def latin_offsets(self, analyzed: Analyzed) -> frozenset[int]:
        """Where the English names (one word, or a whole phrase) start their words."""
        tokens = analyzed.tokens
        stems = [t.stem for t in tokens]
        out = {t.start for t in tokens if t.stem in self.words}
        for n in self.phrase_lengths:
            for i in range(len(stems) - n + 1):
                if tuple(stems[i:i + n]) in self.phrases:
                    out |= {t.start for t in tokens[i:i + n]}
        return frozenset(out)


_CHAR = "\x01"  # prefix of a single-character term


def _by_first(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Chinese words by their first character (`_occurring` reads them)."""
    out: dict[str, list[str]] = defaultdict(list)
    for word in words:
        out[word[0]].append(word)
    return {char: tuple(found) for char, found in out.items()}


def _occurring(compact: str, by_first: dict[str, tuple[str, ...]]) -> Iterator[tuple[int, str]]:
    """(offset, word) for each of the words standing in the text, overlaps included: each
    character looks at the few words it can start, not every word searched for."""
    for start, char in enumerate(compact):
        for word in by_first.get(char, ()):
            if compact.startswith(word, start):
                yield start, word


def _characters(analyzed: Analyzed, masked: frozenset[int] = frozenset()) -> list[str]:
    """Single Chinese characters, as terms of their own."""
    return [_CHAR + analyzed.compact[i] for start, end in analyzed.han_runs
            for i in range(start, end) if i not in masked]


def _mask(compact: str, words: Iterable[str]) -> frozenset[int]:
    """Offsets of `compact` covered by any of `words` (Chinese, found as substrings)."""
    return frozenset(i for word in words for start in occurrences(compact, word)
                     for i in range(start, start + len(word)))


def _used_terms(word: str) -> list[str]:
    """The terms of a synonym group's word (`_index_groups`): a Chinese one's pairs; an
    English one is found as its stems already (stemming the stem again is another word:
    "case" is "cas", and "cas" is "ca", which no fact says)."""
    if has_han(word):
        return terms(word)
    return [w for w in word.split()
            if w not in STOP_STEMS and w not in STOP_VAGUE and w not in _WEB and len(w) > 1]


_PARENTHESIS = re.compile(r"\s*[（(][^（()）]*[)）]\s*")


def _bare(name: str) -> list[str]:
    """A name without what it says in brackets, where it has any."""
    bare = _PARENTHESIS.sub(" ", name).strip()
    return [bare] if bare and bare != name else []


def _with_bare_names(entry: tuple[str, frozenset[str], tuple[str, ...]], channel: Channel
                     ) -> tuple[str, frozenset[str], tuple[str, ...]]:
    """A channel's names as read (id, han surfaces, latin phrases), with its bare names
    added: only those are read anew."""
    han, latin = _surfaces([*_bare(channel.name.zh), *_bare(channel.name.en)])
    return entry[0], entry[1] | han, entry[2] + latin


def _surfaces(words: Sequence[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """Words as a text is searched for them: Chinese ones by their compact form (found as
    substrings), English ones as phrases of stems (found between spaces)."""
    han = frozenset(c for w in words if has_han(w) if (c := analyze(w, limit=None).compact))
    latin = tuple(" ".join(t.stem for t in analyze(w, limit=None).tokens)
                  for w in words if not has_han(w))
    return han, latin
