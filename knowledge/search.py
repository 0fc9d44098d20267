"""Free text → ranked answer cards, in Chinese (simplified or traditional) and English.

Why it is built this way:

* Chinese has no spaces, and the keywords users type are often two characters
  (客服, 封号, 退款). Word-boundary regexes never match inside Chinese text and
  SQLite FTS5's trigram tokenizer finds nothing under three characters, so the index
  is a plain dictionary of *surface forms* (every keyword, name and synonym from the
  knowledge files) found in the query as substrings. Latin words are matched as whole
  tokens instead, so "us" (the site) never fires inside "status".
* Every surface form maps to a *concept*: the first word of its synonym group
  (`catalog.synonyms`), or itself. Index and query go through the same normalisation
  (`knowledge.textnorm`) and the same mapping, so 轉人工 / 真人 / live agent all meet
  at 人工.
* A card (platform · role · issue) scores Σ quality × idf(concept) × weight(card,
  concept). Weights come from the field a concept was found in: issue keywords and
  names weigh most, then the names and kinds of the channels the issue recommends
  (and its letter template), then its other channels, then known words anywhere in
  the card's own text (tips, what to prepare, channel notes), so a fact the card
  states can be found even when no keyword names it. idf makes words that every card
  has (客服) count little; it counts cards by how strongly they hold a concept, so a
  word that is one card's keyword and a passing mention in ten others still points at
  that card. Typos are recovered with lower quality: one wrong character in a Chinese
  word of ≥ 3 characters, or a small edit distance for English words; Chinese text
  that matches no known word falls back to character bigrams with a small weight.
* Platform, role and site words are *hints*, not content: a named platform or role
  narrows the ranking (other cards are scaled down, not removed, so a misnamed role
  still finds the card), and a site word sets `CardRef.site` on cards whose platform
  has that site.
* When a question says too little, the suggestions are each role's general card
  (issue id `general`), then the others in file order; the same order breaks ties,
  so results never depend on hash order or timing.
* A question that names only platforms the knowledge files do not cover (京东, eBay,
  platform_names.yaml) gets no card at all, `uncovered` naming them: another platform's
  card is never the answer to it (knowledge.platforms; a new platform file covers it).
* Everything is computed in `SearchIndex.__init__`; `search` only reads, so one index
  is shared safely between handlers. Input is capped (`textnorm.MAX_QUERY_CHARS`), so
  hostile or pasted text costs no more than a long question.
"""

from __future__ import annotations

import copy
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import OSA

from knowledge import textnorm
from knowledge.aspects import AspectDetector
from knowledge.catalog import GENERAL_ISSUE, CardRef, Catalog, platform_facts
from knowledge.english import common_words, word_counts
from knowledge.examples import ExampleIndex
from knowledge.factindex import FactIndex
from knowledge.parties import Party, PartyReader
from knowledge.platforms import PlatformNames
from knowledge.schema import Aspect, Channel, Fact, Issue, Text
from knowledge.sounds import may_replace
from knowledge.spelling import Speller, latin_words
from knowledge.textnorm import STOP_STEMS, STOPWORDS, Analyzed, Token, analyze, has_han, occurrences
from knowledge.textnorm import edit_budget as _edit_budget

__all__ = ["SHOPPER", "Match", "SearchIndex", "SearchResult"]

# --- weights (tuned on tests/knowledge/questions.yaml) -------------------------------
W_ISSUE_KEYWORD = 3.0  # an issue's own keywords: what editors say the card is about
W_ISSUE_NAME = 3.0  # the issue's title, both languages
W_CHANNEL = 1.0  # name and kind of a channel the issue recommends
W_CHANNEL_OTHER = 0.4  # name and kind of the issue's further channels
W_BODY = 0.5  # known words in the card's text: tips, steps to prepare, recommended channels'
W_BODY_OTHER = 0.2  # known words in the descriptions of the issue's further channels
SUB = 0.6  # a known word found inside a longer field text, rather than the whole field
BIGRAM = 0.25  # a Chinese character pair from a field (fallback for unknown words)

Q_EXACT = 1.0
# A word found inside a longer recognised phrase counts this much when the phrase, not
# the word, carries the meaning: the phrase is a synonym group's ("order number" is
# 订单号, not a phone number), or the word is known only because some field happens to
# use it ("log" from "log in", inside "message log"). A listed word inside an editor's
# keyword phrase keeps full strength: "refund" in "refund status" still means refund.
Q_CONTAINED = 0.5
Q_FUZZY = 0.7  # one character / a small edit away from a known word

# Narrowing: cards that contradict a named platform / role keep this share of their
# score; they stay reachable (a shopper may call themselves 卖家 by mistake) but rank
# below every card that agrees.
OTHER_PLATFORM = 0.1
OTHER_ROLE = 0.5
# a role read from the other party named ("卖家不理我"), a role word marked as the asker's
# (我是卖家) or the asker's side said ("my listings") is the asker's own account, not a
# label they may have picked wrongly: the other role's cards keep less
PARTY_ROLE = 0.4
# no role word, no party, no side said: the cards of a platform's other roles than its
# shoppers keep this share ("if I email amazon how fast do they reply" is a shopper's
# question more often than a seller's; picked on the dev splits: 0.8 gained dev4 and dev5
# one each, 0.9 dev5 only, 0.7 lost dev3 two)
ROLE_UNSAID = 0.8
SHOPPER = "buyer"  # the role id of a platform's shoppers in the knowledge files
ROLE_ABSENT = 0.3  # the card's platform has no such role at all: a seller is not a Tmall buyer
# A question that names no platform is most likely about the most asked ones (rank 1 and
# 2: Amazon, Tmall); other platforms' cards keep this share, so their own words still win.
UNNAMED_LEAD = 2  # how many platforms, by rank, are not scaled down
UNNAMED_OTHER = 0.7
NO_SUCH_SITE = 0.6  # a site was named that the card's platform does not have
HINT_BONUS = 0.01  # orders cards of the named platform/role first when nothing else does

# Confidence: enough issue-level evidence, and a clear lead over the runner-up.
CONFIDENT_SCORE = 3.0
CONFIDENT_LEAD = 1.1
KEEP_RATIO = 0.15  # drop matches scoring under this share of the best one
ASKED_WORD = 0.5  # a language asked about counts this much towards the matter

# Typo tolerance budgets.
FUZZY_MIN_HAN = 2  # Chinese words shorter than this are matched exactly only
FUZZY_HAN_BUDGET = 1500  # dictionary probes per query for Chinese typos (long input)
FUZZY_MAX_TOKENS = 12  # English words per query that may be spelling-corrected


@dataclass(frozen=True)
class Match:
    """One candidate card. `score` is comparable only within one search."""

    ref: CardRef  # platform/role/issue, with .site set when the query names a site it has
    score: float


@dataclass(frozen=True)
class SearchResult:
    """The ranked cards for one question, and what was understood of it."""

    query: str
    # best first; empty only when the query names only platforms that are not covered
    matches: tuple[Match, ...]
    confident: bool  # False → the UI says "not sure" and offers `matches` as suggestions
    site: str | None  # the site named in the query, if any
    platform: str | None  # the platform named in the query, if any
    role: str | None = None  # the role named in the query, if any
    # the side the asker addresses ("how do i message the seller": "seller"), if any
    addressed: str | None = None
    # the side the asker reports on ("卖家不管", "the seller is ignoring me"), if any
    reported: str | None = None
    terms: tuple[str, ...] = ()  # concepts recognised, canonical form (for UI and debugging)
    # ids (platform_names.yaml) of platforms named that no knowledge file covers, in order
    uncovered: tuple[str, ...] = ()
    # the platform is not named but implied by a site or a button only it has ("泰国站卖家…",
    # "still need help按钮没出现")
    implied: bool = False
    # the asker's own side, said ("我是卖家", 我的店, "i bought"), where the platform has no
    # such role: Shopee's files are for shoppers only, Walmart's for sellers only
    asker_lacking: str | None = None
    # the sides the asker says they are on (a role word marked as theirs, "我是卖家"; their
    # own words, 我的店 or "i bought"), whether the platform has them or not
    asker_said: frozenset[str] = frozenset()


# English words that own the noun after them: before a platform's name they are no code
_POSSESSIVES = frozenset({"my", "our", "your", "his", "her", "its", "their"})


# a place written as a marketplace's site: "德国站", "美区", "the japan site"
_MARKET_HAN = ("站", "区")
_MARKET = (*_MARKET_HAN, "site", "marketplace", "store")


# the ends of a phrase for a service ("卖家客服", "seller support")
_SERVICE = ("客服", "support", "service")
# synonyms.yaml's groups for customer service and the platform's own, by their first word
_SERVICE_GROUPS = frozenset({"客服", "官方客服"})


class _Hit(NamedTuple):
    """A known word found in a text: its concept and span in `Analyzed.compact`."""

    concept: str
    start: int
    end: int
    quality: float
    exact: bool  # the text itself, not a typo of it
    contained: bool = False  # inside a longer recognised word ...
    outer: str = ""  # ... this one (its concept)


@dataclass
class _Hints:
    """What a concept tells about platform, role and site, besides content."""

    platforms: set[str] = field(default_factory=set)
    roles: set[tuple[str, str]] = field(default_factory=set)  # (platform, role)
    sites: set[tuple[str, str]] = field(default_factory=set)  # (platform, site)


@dataclass
class _CardTexts:
    """What the cards are found by, gathered while reading the catalog."""

    # (card, text, weight): short, named texts
    fields: list[tuple[int, str, float]] = field(default_factory=list)
    keywords: set[tuple[int, str]] = field(default_factory=set)  # (card, text) of issue keywords
    # (card, text, weight): longer card texts, where only known words count
    body: list[tuple[int, str, float]] = field(default_factory=list)


def _texts(item: Fact | Text) -> tuple[str, str]:
    text = item.text if isinstance(item, Fact) else item
    return text.zh, text.en


def _latin_key(tokens: Iterable[Token]) -> str:
    return " ".join(t.stem for t in tokens)


def _surface_key(analyzed: Analyzed) -> str | None:
    """The key a text is registered under: compact form if it has Chinese, else stems."""
    if not analyzed.compact:
        return None
    if has_han(analyzed.compact):
        return "H:" + analyzed.compact
    return "L:" + _latin_key(analyzed.tokens)


class SearchIndex:
    """An immutable search index over one catalog; build once, query from anywhere."""

    def __init__(self, catalog: Catalog) -> None:
        textnorm.warm_up()
        self._catalog = catalog
        self._refs: list[CardRef] = []
        self._prior: list[int] = []  # tie-break rank: general cards of every role first
        self._platform_sites: dict[str, frozenset[str]] = {}
        self._labels: tuple[tuple[str, str], ...] = ()
        self._platform_roles: dict[str, frozenset[str]] = {}
        # catalog order is rank order: the first UNNAMED_LEAD platforms keep full weight
        self._unnamed_factor: dict[str, float] = {
            pid: 1.0 if i < UNNAMED_LEAD else UNNAMED_OTHER
            for i, pid in enumerate(catalog.platforms)
        }

        # surface key → concept; concept → display word
        self._canonical: dict[str, str] = {}
        self._display: dict[str, str] = {}
        self._hints: dict[str, _Hints] = defaultdict(_Hints)
        # Chinese (or mixed) surfaces by first character, longest first
        self._han_by_first: dict[str, list[tuple[str, str]]] = {}
        # Latin phrases by first stem, longest first: (stems, concept)
        self._latin_by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        # one-wrong-character index: the word with one character masked → (word, concept)
        self._han_masked: dict[str, list[tuple[str, str]]] = {}
        self._masked_heads: frozenset[tuple[int, str]] = frozenset()
        self._han_lengths: tuple[int, ...] = ()
        # English vocabulary for spelling correction
        self._vocab: frozenset[str] = frozenset()
        self._vocab_list: list[str] = []
        self._vocab_by_first: dict[str, list[str]] = {}
        self._platform_stems: frozenset[str] = frozenset()
        self._platform_ends: frozenset[str] = frozenset()
        # concept → {card: weight}, and idf per concept
        self._postings: dict[str, dict[int, float]] = {}
        self._idf: dict[str, float] = {}
        self._concept_roles: dict[str, frozenset[str]] = {}  # roles of the cards it is in
        # ... per platform
        self._concept_platform_roles: dict[str, dict[str, frozenset[str]]] = {}
        self._analyzed: dict[str, Analyzed] = {}
        self._auto: set[str] = set()  # concepts that are just an English word of some field
        self._grouped: set[str] = set()  # concepts defined by a synonym group
        self._names = PlatformNames(catalog)

        self._build()
        # what a question asks (phone, hours …), reading English typos with this
        # index's vocabulary so known words ("seller", "case") are never bent into one
        # place and platform names: a word typed one character wrong is never read
        # across them ("直接给亚马逊" is not "打给亚马逊")
        places = [w for p in catalog.platforms.values() for site in p.sites
                  for w in (site.name.zh, *site.keywords)]
        places += [w for p in catalog.platforms.values() for w in (p.name.zh, *p.keywords)]
        # which facts a question's own words match, for the answer to lead with them
        self.facts = FactIndex(catalog)
        # questions asked before, and the facts that answered them
        self.examples = ExampleIndex(catalog)
        # words the knowledge files use are those words, never typos of another ("police"
        # is no misspelt "policy", "show" no "shop", 恢复 no 回复)
        self._words_used = self.facts.latin_words()
        # ... and so are everyday English words, except those a name typed wrong may be
        self._common = common_words() - self._near_names()
        # a question's English typos, made right before anything reads it (answer.py)
        self.speller = Speller(
            latin_words([p.model_dump() for p in catalog.platforms.values()]
                        + [catalog.synonyms]
                        + ([catalog.aspect_words.model_dump()] if catalog.aspect_words else [])),
            self._common,
            latin_words([[p.name.en, *p.keywords] for p in catalog.platforms.values()]
                        + [[k.name.en, *k.names] for k in catalog.known_platforms]),
            word_counts())
        self._pairs_used = self.facts.han_pairs()
        self.aspects = AspectDetector(catalog.aspect_words, known=self._vocab | self._words_used,
                                      places=places,
                                      pairs=self._pairs_used, common=self._common)
        self._parties = PartyReader(catalog.aspect_words.parties if catalog.aspect_words else None)
        # the words of asking for the service itself: the reach words (联系, "get in touch")
        # and the synonyms of customer service and of the platform's own (客服, 官方客服)
        reach = catalog.aspect_words.reach if catalog.aspect_words else None
        self.reaching_words: tuple[str, ...] = (
            *(reach.zh if reach else ()), *(reach.en if reach else ()),
            *(w for group in catalog.synonyms if group and group[0] in _SERVICE_GROUPS
              for w in group))
        # the concepts a language asked about is read as (中文, 中文客服): a word of what is
        # asked, not of the matter
        spoken = catalog.aspect_words.aspects.get(Aspect.languages) \
            if catalog.aspect_words else None
        words = [analyze(w) for w in (spoken.zh if spoken else ())]
        self._language_concepts = frozenset(
            h.concept for word in words for h in self._find(word, fuzzy=False)
            if h.end - h.start == len(word.compact))  # (not 客服 inside 中文客服)

    # --- public ----------------------------------------------------------------------

    @property
    def refs(self) -> tuple[CardRef, ...]:
        return tuple(self._refs)

    def with_examples(self, examples: ExampleIndex) -> SearchIndex:
        """The same index answering from other known questions (an evaluation leaves a
        set's own questions out of the examples it is measured with)."""
        other = copy.copy(self)
        other.examples = examples
        return other

    def search(self, query: str, limit: int = 5, *, context: CardRef | None = None,
               message: str | None = None) -> SearchResult:
        """Rank cards for a free-text question; never raises on any string.

        An empty or unrecognisable query is not an error: it returns the most general
        cards as suggestions with `confident=False`, so every caller can show something.
        A query naming only uncovered platforms returns no cards and `uncovered` set.
        `context` is what the conversation was about ("那德国呢" after a question about
        Amazon's buyer hotline): the platform, role and site it names stand wherever the
        query itself names none (`_inherit`); `message` is the message as sent, where the
        query adds the last question's words to it. A role word that names the other party
        ("卖家不同意咋整" is a buyer's story) reads as the asker's other role
        (knowledge/parties.py).
        """
        if limit < 1:
            raise ValueError("limit must be at least 1")
        named = self._names.find(query)
        uncovered = tuple(p.id for p in named if not p.covered)
        if uncovered and not any(p.covered for p in named):
            return SearchResult(query=query, matches=(), confident=False, site=None,
                                platform=None, uncovered=uncovered)
        analyzed = analyze(query)
        hits = self._find(analyzed, fuzzy=True)
        names = frozenset((h.start, h.end) for h in hits
                          if (hints := self._hints.get(h.concept)) and hints.platforms)
        parties = self._parties_named(hits, analyzed, names)
        party_hits = frozenset(
            h for h in hits if any(h.start < p.end and p.start < h.end for p in parties)
            and (hints := self._hints.get(h.concept)) is not None and hints.roles)
        platform, role, site, site_platforms, sure, said = self._read_hints(
            hits, analyzed, names, party_hits, parties)
        if context is not None:
            platform, role, site, site_platforms = self._inherit(
                context, platform, role, site, site_platforms,
                in_passing=self._place_in_passing(message or query, analyzed, hits))

        # a language asked about says less of the matter than the rest: "VAT的事能用中文
        # 沟通吗" is about VAT, whichever card lists 中文客服 (read as the detector reads it:
        # "中国客服" names a place, no language)
        asked_at: set[int] = set()
        if any(h.concept in self._language_concepts for h in hits):
            asked = [analyze(w).compact for w in self.aspects.detect(query).words_of(
                Aspect.languages) if has_han(w)]
            asked_at = {i for w in asked for start in occurrences(analyzed.compact, w)
                        for i in range(start, start + len(w))}
        best: dict[str, float] = {}
        for hit in hits:
            if hit in party_hits:
                continue  # "卖家不理我" is no word of the sellers' cards
            quality = hit.quality * (ASKED_WORD if hit.start in asked_at else 1.0)
            if quality > best.get(hit.concept, 0.0):
                best[hit.concept] = quality
        best.update(self._bigram_concepts(analyzed, hits, best))
        # a site only one platform has names it, where the question says more than names:
        # "泰国站卖家能不能让买家加我line" is TikTok Shop's; "那德国呢" alone guesses nothing
        implied = platform is None and len(site_platforms) == 1 and any(
            concept not in self._hints for concept in best)
        if implied:
            platform = next(iter(site_platforms))
        elif platform is None and not site_platforms:
            # a button only one platform has ("Still need help?", "Return/other help")
            spaced = _spaced(analyzed)
            owners = {p for label, p in self._labels if label in spaced}
            implied = len(owners) == 1
            if implied:
                platform = next(iter(owners))

        lacking = self._asker_lacking(said, platform)

        content = [0.0] * len(self._refs)
        for concept, quality in best.items():
            postings = self._postings.get(concept)
            if not postings:
                continue
            weight = quality * self._idf[concept]
            for card, w in postings.items():
                content[card] += weight * w

        scored: list[tuple[float, float, int]] = []  # (score, content, card)
        for card, ref in enumerate(self._refs):
            factor, bonus = self._narrowing(ref, platform, role, site_platforms)
            if sure and role is not None and ref.role != role:
                factor *= PARTY_ROLE  # "seller hasn't answered my help request": a buyer
            if (role is None and ref.role != SHOPPER
                    and SHOPPER in self._platform_roles.get(ref.platform, ())):
                factor *= ROLE_UNSAID  # no role said: more likely a shopper than a seller
            scored.append((content[card] * factor + bonus, content[card] * factor, card))
        scored.sort(key=lambda s: (-s[0], self._prior[s[2]]))

        top_content = scored[0][1] if scored else 0.0
        if top_content > 0:
            floor = scored[0][0] * KEEP_RATIO
            chosen = [s for s in scored if s[1] > 0 and s[0] >= floor][:limit]
        else:
            chosen = scored[:limit]
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        confident = top_content >= CONFIDENT_SCORE and scored[0][0] >= runner_up * CONFIDENT_LEAD
        if platform is not None and not any(
                c > 0 and self._refs[card].platform == platform for _, c, card in scored):
            # the platform named, and nothing of it matches the words: its own cards (its
            # general ones first), never another platform's ("tiktok买的杯子收到后有划痕")
            chosen = [e for e in scored if self._refs[e[2]].platform == platform][:limit]
            confident = False

        matches = tuple(
            Match(ref=self._with_site(self._refs[card], site), score=round(score, 6))
            for score, _, card in chosen
        )
        terms = tuple(
            dict.fromkeys(self._display[h.concept] for h in hits if h.concept in self._display)
        )
        return SearchResult(
            query=query,
            matches=matches,
            confident=confident,
            site=site,
            platform=platform,
            role=role,
            addressed=next((p.side for p in parties if p.addressed), None),
            reported=next((p.side for p in parties if not p.addressed), None),
            terms=terms,
            uncovered=uncovered,
            implied=implied,
            asker_lacking=lacking,
            asker_said=said,
        )

    def _asker_lacking(self, said: frozenset[str], platform: str | None) -> str | None:
        """The side the asker says they are on (`said`: a role word marked as theirs,
        "我是卖家"; their own words, 我的店 or "i bought"), where the platform has no such
        role; a role word alone may be the other party ("虾皮卖家不发货" is a shopper's),
        and says nothing here."""
        roles = self._platform_roles.get(platform or "")
        if not roles:
            return None
        lacking = said - roles
        return next(iter(lacking)) if len(lacking) == 1 and not said & roles else None

    # --- building --------------------------------------------------------------------

    def _build(self) -> None:
        """Read the catalog in order: the first registration of a word wins, and so decides."""
        self._register_synonyms()
        self._register_hints()
        texts = self._collect_cards()
        fields = self._register_fields(texts.fields)
        self._finish_matchers()  # the postings are read with the finished matchers
        self._post_cards(fields, texts)
        self._analyzed.clear()  # only needed while building
        self._weigh_concepts()

    def _register_synonyms(self) -> None:
        """Synonym groups first, so a group decides the concept and display word of its members."""
        for group in self._catalog.synonyms:
            keys = [k for k in (self._key(w) for w in group) if k is not None]
            if not keys:
                continue
            concept = keys[0]
            if len(keys) > 1:
                self._grouped.add(concept)
            self._display.setdefault(concept, group[0])
            for word, key in zip(group, keys, strict=False):
                self._register(key, concept, word)

    def _register_hints(self) -> None:
        """Platform, site and role names, so a question's words can narrow where it is about."""
        self._labels = _button_labels(self._catalog)
        for platform in self._catalog.platforms.values():
            self._platform_sites[platform.id] = frozenset(s.id for s in platform.sites)
            self._platform_roles[platform.id] = frozenset(r.id for r in platform.roles)
            for text in (platform.name.zh, platform.name.en, *platform.keywords):
                self._hint(text).platforms.add(platform.id)
            for site in platform.sites:
                for text in (site.name.zh, site.name.en, *site.keywords):
                    self._hint(text).sites.add((platform.id, site.id))
            for role in platform.roles:
                for text in (role.name.zh, role.name.en, *role.keywords):
                    self._hint(text).roles.add((platform.id, role.id))

    def _collect_cards(self) -> _CardTexts:
        """Number the cards, rank them for suggestions and ties, gather what each is found by."""
        texts = _CardTexts()
        rank: list[tuple[bool, int, int, int]] = []
        for p_index, platform in enumerate(self._catalog.platforms.values()):
            for r_index, role in enumerate(platform.roles):
                for i_index, issue in enumerate(role.issues):
                    card = len(self._refs)
                    self._refs.append(CardRef(platform.id, role.id, issue.id))
                    # suggestions and ties: each role's general card first, then file order
                    general = issue.id == GENERAL_ISSUE
                    rank.append((not general, 0 if general else i_index, p_index, r_index))
                    self._gather_texts(texts, card, platform.id, issue)
        order = sorted(range(len(rank)), key=lambda c: rank[c])
        self._prior = [0] * len(rank)
        for position, card in enumerate(order):
            self._prior[card] = position
        return texts

    def _gather_texts(self, texts: _CardTexts, card: int, platform_id: str,
                      issue: Issue) -> None:
        """One card's texts weighted by field: what a card is about outweighs words in passing."""
        catalog = self._catalog
        texts.fields += [(card, kw, W_ISSUE_KEYWORD) for kw in issue.keywords]
        texts.keywords.update((card, kw) for kw in issue.keywords)
        texts.fields += [(card, issue.name.zh, W_ISSUE_NAME), (card, issue.name.en, W_ISSUE_NAME)]
        recommended = {r.channel for r in issue.recommended}
        for channel in catalog.issue_channels(platform_id, issue):
            w = W_CHANNEL if channel.id in recommended else W_CHANNEL_OTHER
            texts.fields += [(card, channel.name.zh, w), (card, channel.name.en, w),
                             (card, channel.kind.value.replace("_", " "), w)]
            texts.fields += [(card, keyword, w) for keyword in channel.keywords]
            w = W_BODY if channel.id in recommended else W_BODY_OTHER
            described: list[Fact | Text] = [channel.summary, *channel.notes]
            texts.body += [(card, t, w) for f in described for t in _texts(f)]
        template = catalog.template(platform_id, issue.template) if issue.template else None
        if template is not None:
            texts.fields += [(card, template.name.zh, W_CHANNEL),
                             (card, template.name.en, W_CHANNEL)]
        facts = (*issue.path, *issue.prepare, *issue.escalation, *issue.tips, *issue.warnings)
        texts.body += [(card, t, W_BODY) for f in facts for t in _texts(f)]

    def _register_fields(
        self, fields: list[tuple[int, str, float]]
    ) -> list[tuple[int, str, Analyzed, float]]:
        """Make each field text, and each English word in one, a word a question can match."""
        analyzed_fields: list[tuple[int, str, Analyzed, float]] = []
        for card, text, weight in fields:
            analyzed = self._analyze(text)
            field_key = _surface_key(analyzed)
            if field_key is None:
                continue
            self._register(field_key, self._canonical.get(field_key, field_key), text)
            analyzed_fields.append((card, text, analyzed, weight))
        for _, _, analyzed, _ in analyzed_fields:
            if has_han(analyzed.compact):
                continue
            for token in analyzed.tokens:
                if token.stem not in STOP_STEMS and len(token.stem) >= 2:
                    word_key = "L:" + token.stem
                    if word_key not in self._canonical:
                        self._auto.add(word_key)
                        self._register(word_key, word_key, token.raw.lower())
        return analyzed_fields

    def _post_cards(self, fields: list[tuple[int, str, Analyzed, float]],
                    texts: _CardTexts) -> None:
        """Postings: the concepts each card holds, weighted by the field they are found in."""
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        hint_concepts = {c for c, h in self._hints.items()
                         if h.platforms or h.roles or h.sites}

        def post(concept: str, card: int, weight: float) -> None:
            if weight > postings[concept].get(card, 0.0):
                postings[concept][card] = weight

        # a text's words do not depend on the card: find them once per distinct text
        words: dict[str, list[_Hit]] = {}

        def words_of(text: str) -> list[_Hit]:
            found = words.get(text)
            if found is None:
                found = words[text] = self._find(self._analyze(text), fuzzy=False)
            return found

        for card, text, analyzed, weight in fields:
            whole = self._canonical.get(_surface_key(analyzed) or "")
            for hit in words_of(text):
                if hit.concept in hint_concepts and not (
                    hit.concept == whole and (card, text) in texts.keywords
                ):
                    # A platform, role or site word is content only where editors list
                    # it as an issue keyword (店铺 for a shop issue); "merchant" as a
                    # channel kind, or 亚马逊 inside a title, is no reason to rank a card.
                    continue
                post(hit.concept, card, weight if hit.concept == whole
                     else weight * SUB * hit.quality)
            for start, end in analyzed.han_runs:
                for i in range(start, end - 1):
                    post("B:" + analyzed.compact[i:i + 2], card, weight * BIGRAM)
        for card, text, weight in texts.body:
            for hit in words_of(text):
                if hit.concept not in hint_concepts:
                    post(hit.concept, card, weight * hit.quality)
        self._postings = dict(postings)

    def _weigh_concepts(self) -> None:
        """Per concept: its cards' roles (for narrowing) and its idf (rare words weigh more)."""
        by_platform: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for c, p in self._postings.items():
            for card in p:
                by_platform[c][self._refs[card].platform].add(self._refs[card].role)
        self._concept_platform_roles = {
            c: {platform: frozenset(roles) for platform, roles in found.items()}
            for c, found in by_platform.items()
        }
        self._concept_roles = {c: frozenset().union(*found.values())
                               for c, found in self._concept_platform_roles.items()}
        # Document frequency counts each card by how strongly it holds the concept: a
        # word that is one card's keyword and a passing mention in ten others still
        # points at that one card, where a plain count would make it look common.
        n = max(len(self._refs), 1)
        self._idf = {
            c: math.log(1.0 + n / max(sum(p.values()) / W_ISSUE_KEYWORD, 1.0))
            for c, p in self._postings.items()
        }

    def _analyze(self, text: str) -> Analyzed:
        """`analyze` without the query cap, memoised: field texts repeat across cards."""
        found = self._analyzed.get(text)
        if found is None:
            found = self._analyzed[text] = analyze(text, limit=None)
        return found

    def _key(self, text: str) -> str | None:
        return _surface_key(self._analyze(text))

    def _hint(self, text: str) -> _Hints:
        key = self._key(text)
        if key is None:
            return _Hints()  # a blank keyword: nothing to hint
        concept = self._canonical.get(key, key)
        self._register(key, concept, text)
        return self._hints[concept]

    def _register(self, key: str, concept: str, word: str) -> None:
        # the first registration wins: synonyms are read first, so they decide
        if key in self._canonical:
            return
        self._canonical[key] = concept
        self._display.setdefault(concept, word.strip())

    def _finish_matchers(self) -> None:
        han: dict[str, list[tuple[str, str]]] = defaultdict(list)
        latin: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        masked: dict[str, list[tuple[str, str]]] = defaultdict(list)
        lengths: set[int] = set()
        vocab: set[str] = set()
        for key, concept in self._canonical.items():
            body = key[2:]
            if key.startswith("H:"):
                han[body[0]].append((body, concept))
                hints = self._hints.get(concept)
                if len(body) <= FUZZY_MIN_HAN and hints is not None and hints.sites:
                    continue  # a short place name is typed right: "内得" is no 内地
                if len(body) >= FUZZY_MIN_HAN and textnorm.is_all_han(body):
                    lengths.add(len(body))
                    for i in range(len(body)):
                        masked[body[:i] + "\0" + body[i + 1:]].append((body, concept))
            else:
                stems = tuple(body.split(" "))
                latin[stems[0]].append((stems, concept))
                vocab.update(s for s in stems if len(s) >= 3 and not s.isdigit())
        self._han_by_first = {k: sorted(v, key=lambda e: (-len(e[0]), e[0]))
                              for k, v in han.items()}
        self._latin_by_first = {k: sorted(v, key=lambda e: (-len(e[0]), e[0]))
                                for k, v in latin.items()}
        self._han_masked = {k: sorted(v) for k, v in masked.items()}
        # (each masked word's length and first two characters, the mask among them: most
        # places of a question are ruled out by these before a key is built)
        self._masked_heads = frozenset((len(k), k[:2]) for k in masked)
        self._han_lengths = tuple(sorted(lengths))
        self._vocab = frozenset(vocab)
        self._vocab_list = sorted(vocab)
        by_first: dict[str, list[str]] = defaultdict(list)
        for word in self._vocab_list:
            by_first[word[0]].append(word)
        self._vocab_by_first = dict(by_first)
        self._platform_stems = frozenset(
            k[2:] for k, c in self._canonical.items()
            if k.startswith("L:") and " " not in k and c in self._hints
            and self._hints[c].platforms
        )
        # the last words of platforms' names of several words ("tiktok shop us")
        self._platform_ends = frozenset(
            k[2:].rsplit(" ", 1)[1] for k, c in self._canonical.items()
            if k.startswith("L:") and " " in k and c in self._hints
            and self._hints[c].platforms
        )

    # --- matching --------------------------------------------------------------------

    def _find(self, analyzed: Analyzed, *, fuzzy: bool) -> list[_Hit]:
        """Every known word in the text, with its span in `analyzed.compact`."""
        hits = self._find_latin(analyzed, fuzzy=fuzzy)
        compact = analyzed.compact
        by_first = self._han_by_first
        # Chinese words start anywhere in a run of ideographs; a mixed word such as
        # "listing删除" only where a Latin word starts (whole tokens, as for English)
        starts = [i for a, b in analyzed.han_runs for i in range(a, b)]
        starts += [t.start for t in analyzed.tokens if compact[t.start] in by_first]
        for i in starts:
            for body, concept in by_first.get(compact[i], ()):
                if compact.startswith(body, i):
                    hits.append(_Hit(concept, i, i + len(body), Q_EXACT, True))
        hits = self._mark_contained(hits)
        if fuzzy:
            hits += self._find_han_typos(analyzed, hits)
        return hits

    def _find_latin(self, analyzed: Analyzed, *, fuzzy: bool) -> list[_Hit]:
        tokens = analyzed.tokens
        stems = [t.stem for t in tokens]
        corrected = [False] * len(tokens)
        if fuzzy:
            budget = FUZZY_MAX_TOKENS
            for i, token in enumerate(tokens):
                if budget <= 0:
                    break
                raw = token.raw.lower()
                if raw != token.stem and raw in self._platform_stems:
                    # stemming made another word of a name typed short: "shope" is
                    # "shop" stemmed, and Shopee's own name stemmed
                    stems[i], corrected[i] = raw, True
                    continue
                if (token.stem in self._vocab or token.stem in STOPWORDS or raw in STOPWORDS
                        or token.stem in self._words_used or raw in self._common):
                    continue
                if token.stem.isdigit() or _edit_budget(len(token.raw)) == 0:
                    continue
                if token.stem in self._latin_by_first:
                    continue  # a known short word (e.g. a site code)
                budget -= 1
                fixed = self._correct(token)
                if fixed is not None:
                    stems[i] = fixed
                    corrected[i] = True
        hits: list[_Hit] = []
        for i, first in enumerate(stems):
            for phrase, concept in self._latin_by_first.get(first, ()):
                n = len(phrase)
                if n > 1 and tuple(stems[i:i + n]) != phrase:
                    continue
                if n == 1 and phrase[0] in STOPWORDS and not self._strong(tokens, i):
                    continue  # "contact us" is not the US site; "in" is not India
                exact = not any(corrected[i:i + n])
                hits.append(_Hit(concept, tokens[i].start, tokens[i + n - 1].end,
                                 Q_EXACT if exact else Q_FUZZY, exact))
        return hits

    def _strong(self, tokens: tuple[Token, ...], i: int) -> bool:
        """A stop-word-like code counts when typed as a code: "US", "US站", "amazon us",
        "us amazon", "tiktok shop us", "the us"; a possessive only after the name, at the end
        ("shopee my", not "my shopee order" nor "shopee my order")."""
        if tokens[i].strong:
            return True
        if tokens[i].stem in _POSSESSIVES:
            # "shopee my" ends the question; "shopee my order" owns the order
            return (i == len(tokens) - 1 and i >= 1
                    and tokens[i - 1].stem in self._platform_stems)
        neighbours = [tokens[j].stem for j in (i - 1, i + 1) if 0 <= j < len(tokens)]
        if any(n in self._platform_stems for n in neighbours):
            return True
        if i >= 1 and tokens[i - 1].stem == "the" and tokens[i - 1].end == tokens[i].start:
            return True  # "in the us": no pronoun follows "the"
        # after a name of several words ("tiktok shop us"): its last word, after its first
        return (i >= 2 and tokens[i - 1].stem in self._platform_ends
                and tokens[i - 2].stem in self._platform_stems)

    def _near_names(self) -> frozenset[str]:
        """Everyday words a platform's name typed one letter wrong may be ("shoppe")."""
        common = sorted(common_words())
        return frozenset(word for name in self._platform_stems
                         for word, _, _ in process.extract(name, common, scorer=OSA.distance,
                                                           score_cutoff=1, limit=None))

    def _correct(self, token: Token) -> str | None:
        """The known English word one or two edits away, preferring a platform's name,
        then the same first letter."""
        budget = _edit_budget(len(token.raw))
        choices = self._vocab_by_first.get(token.stem[0], []) if budget == 1 else self._vocab_list
        found = process.extract(token.stem, choices, scorer=OSA.distance,
                                score_cutoff=budget, limit=None)
        if not found:
            return None
        # as near to a platform's name as to another word: the name ("shoppe" is Shopee
        # misspelt, not "shop")
        found.sort(key=lambda f: (f[1], f[0] not in self._platform_stems,
                                  f[0][0] != token.stem[0], f[0]))
        return str(found[0][0])

    def _mark_contained(self, hits: list[_Hit]) -> list[_Hit]:
        """Lower a word found inside a longer recognised word ("number" in "order number").

        One sweep over start positions (hits are many on a long paste): a hit is inside
        another when an exact hit starting earlier ends at or after it, or one starting
        at the same place ends later.
        """
        if len(hits) < 2:
            return hits
        longest: dict[int, _Hit] = {}  # start → the longest exact hit starting there
        for hit in hits:
            best = longest.get(hit.start)
            if hit.exact and (best is None or hit.end > best.end):
                longest[hit.start] = hit
        reach: dict[int, _Hit | None] = {}  # start → furthest-reaching hit starting earlier
        furthest: _Hit | None = None
        for start in sorted({h.start for h in hits}):
            reach[start] = furthest
            here = longest.get(start)
            if here is not None and (furthest is None or here.end > furthest.end):
                furthest = here
        out: list[_Hit] = []
        for hit in hits:
            outer = reach[hit.start]
            if outer is None or outer.end < hit.end:
                same_start = longest.get(hit.start)
                outer = same_start if same_start is not None and same_start.end > hit.end else None
            if outer is not None:
                # Inside a synonym group's phrase the phrase is the meaning ("order
                # number" is 订单号, not a phone number); inside an editor's keyword
                # phrase the listed words still count ("refund" in "refund status").
                weak = hit.concept in self._auto or outer.concept in self._grouped
                quality = hit.quality * (Q_CONTAINED if weak else 1.0)
                hit = _Hit(hit.concept, hit.start, hit.end, quality, hit.exact, contained=True,
                           outer=outer.concept)
            out.append(hit)
        return out

    def _covered(self, analyzed: Analyzed, hits: list[_Hit]) -> list[bool]:
        covered = [False] * len(analyzed.compact)
        for hit in hits:
            for i in range(hit.start, hit.end):
                covered[i] = True
        return covered

    def _find_han_typos(self, analyzed: Analyzed, hits: list[_Hit]) -> list[_Hit]:
        """Known Chinese words of ≥ 3 characters with exactly one character replaced.

        A typo breaks a word, so the replaced character must not belong to a word
        already recognised ("卖家账号" is not "子账号" misspelt), and the characters kept
        must not all be recognised words either (in "请客服", 客服 is simply 客服, not a
        misspelt 假客服).
        """
        if not self._han_lengths:
            return []
        compact = analyzed.compact
        covered = self._covered(analyzed, hits)
        found = {h.concept for h in hits}
        out: list[_Hit] = []
        budget = FUZZY_HAN_BUDGET
        for start, end in analyzed.han_runs:
            for p in range(start, end):
                if covered[p]:
                    continue
                for length in self._han_lengths:
                    # (the windows of this length around p that stay in the run)
                    for offset in range(max(0, p + length - end), min(length, p - start + 1)):
                        s = p - offset
                        budget -= 1
                        if budget < 0:
                            return out
                        head = ("\0" + compact[s + 1] if p == s else
                                compact[s] + "\0" if p == s + 1 else compact[s:s + 2])
                        if (length, head) not in self._masked_heads:
                            continue
                        if ((p + 1 == s + length and compact[p:p + 2] in self._pairs_used)
                                or (p == s and compact[p - 1:p + 1] in self._pairs_used)
                                or (length == 2 and compact[s:s + 2] in self._pairs_used)):
                            continue  # a word of the files: 恢复 in "多久能恢复"
                        key = compact[s:p] + "\0" + compact[p + 1:s + length]
                        candidates = self._han_masked.get(key, ())
                        if not candidates or all(
                            covered[j] for j in range(s, s + length) if j != p
                        ):
                            continue
                        for body, concept in candidates:
                            if concept not in found and may_replace(compact[p], body[p - s],
                                                                    length):
                                found.add(concept)
                                out.append(_Hit(concept, s, s + length, Q_FUZZY, False))
        return out

    def _bigram_concepts(self, analyzed: Analyzed, hits: list[_Hit],
                         best: dict[str, float]) -> dict[str, float]:
        """Chinese character pairs not already explained by a recognised word."""
        covered = self._covered(analyzed, [h for h in hits if h.exact])
        out: dict[str, float] = {}
        compact = analyzed.compact
        for start, end in analyzed.han_runs:
            for i in range(start, end - 1):
                if covered[i] and covered[i + 1]:
                    continue
                concept = "B:" + compact[i:i + 2]
                if concept in self._postings and concept not in best:
                    out[concept] = Q_EXACT
        return out

    # --- hints and narrowing ---------------------------------------------------------

    def _parties_named(self, hits: list[_Hit], analyzed: Analyzed,
                       names: frozenset[tuple[int, int]]) -> list[Party]:
        """The person words that name the other party of an order ("卖家不理我"); `names`
        are the platform names' spans."""
        parties = self._parties.read(analyzed, names)
        # not inside a platform's name ("tiktok shop") nor a phrase of that side's own
        # ("contact seller support" is a seller's)
        # nor a word that opens a longer known word ("customer service", 卖家后台): it
        # says what kind of thing, and names no one ("contact the seller" does), unless
        # that word is only the other side's (买家投诉, on the sellers' cards: a complaint
        # from a buyer names the buyer)
        opening = {(h.start, h.concept) for h in hits if not h.contained}
        roles = self._concept_roles

        def opens(p: Party, h: _Hit) -> bool:
            return (p.start, h.outer) in opening and p.side in roles.get(h.outer, {p.side})

        return [p for p in parties if not any(
            h.start < p.end and p.start < h.end and ((h.start, h.end) in names or (
                h.contained and (roles.get(h.outer) == frozenset({p.side}) or opens(p, h))))
            for h in hits)]

    def _read_hints(
        self, hits: list[_Hit], analyzed: Analyzed, names: frozenset[tuple[int, int]],
        party_hits: frozenset[_Hit], parties: Sequence[Party],
    ) -> tuple[str | None, str | None, str | None, frozenset[str], bool, frozenset[str]]:
        """The platform, role and site the query names (None when absent or ambiguous),
        whether the role is the asker's own account (not a bare role word), and the sides
        the asker says they are on (a role word marked as theirs, their own words)."""
        platforms: set[str] = set()
        # the platforms named by a word of theirs alone (亚马逊, "etsy")
        called = {next(iter(found.platforms)) for hit in hits
                  if (found := self._hints.get(hit.concept)) and len(found.platforms) == 1}
        mentions: list[tuple[int, str]] = []  # (where, platform) of each platform name
        # (platform, role) pairs the question's words name, by strength: a role word
        # marked as the asker's (我是卖家); the other party named (卖家不理我 names the
        # buyer) or the asker's side said (买的, "my listings"); a role word alone
        marked: set[tuple[str, str]] = set()
        told: set[tuple[str, str]] = set()
        named: set[tuple[str, str]] = set()
        implied: set[tuple[str, str]] = set()
        # (where the asker is, -length, start, site, platform): a place the asker says
        # they are in is the site only where no other is named ("amazon US call-back
        # number? I'm in China" asks of the US site)
        sites: list[tuple[bool, int, int, str, str]] = []
        for hit in hits:
            hints = self._hints.get(hit.concept)
            if hints is None:
                continue
            platforms |= hints.platforms
            if len(hints.platforms) == 1:
                mentions.append((hit.start, next(iter(hints.platforms))))
            if hints.roles and hit not in party_hits:  # (the other party's: below)
                mine = self._parties.names_asker(analyzed, hit.start, names, hit.end)
                for p, r in hints.roles:
                    if not self._names_role(hit, r, p, p in called):
                        continue
                    # (a site's name says a role less than a role word: "美国站" is how
                    # sellers speak, but "美国站买家客服" is a buyer's; inside a phrase for
                    # the role's service it is the asker's: "seller support", 亚马逊卖家客服)
                    (marked if mine or self._serves(hit, r, p, p in called)
                     else implied if hints.sites else named).add((p, r))
            here = _where_asker_is(analyzed.compact, hit.start)
            for p, s in hints.sites:
                sites.append((here, -(hit.end - hit.start), hit.start, s, p))
        sides = self._parties.asker_sides(analyzed, names)
        told |= {(p, side) for side in sides
                 for p, roles in self._platform_roles.items() if side in roles}
        # the other party named ("卖家不理我", 怎么联系卖家, "叫客人加我line"): the asker is
        # the platform's other role
        told |= {(p, other) for party in parties for p, roles in self._platform_roles.items()
                 if party.side in roles for other in roles if other != party.side}
        platform = next(iter(platforms)) if len(platforms) == 1 else None
        if platform is None and mentions:
            # several named: the one named last is what the question is about ("我在亚马逊
            # 和沃尔玛都开了店，沃尔玛的客服怎么找", "tiktok上看到的广告，点进去是temu")
            platform = max(mentions)[1]
        site: str | None = None
        site_platforms: frozenset[str] = frozenset()
        if sites:
            sites.sort()
            site = sites[0][3]
            site_platforms = frozenset(p for *_, s, p in sites if s == site)
        role = None
        sure = False
        for pairs in (marked, told, named, implied):
            # the named platform's roles, where it has the role named: a Walmart seller's
            # "customer" names Walmart's sellers, and no other platform's buyers; a role
            # the named platform lacks is just a word (Tmall's 商家 is the shop a shopper
            # writes to)
            roles = ({r for p, r in pairs if p == platform}
                     if platform in self._platform_roles else {r for _, r in pairs})
            if not roles:
                continue
            role = next(iter(roles)) if len(roles) == 1 else None
            sure = pairs is not named and pairs is not implied
            break
        said = frozenset(sides | {r for _, r in marked})
        return platform, role, site, site_platforms, sure, said

    def _place_in_passing(self, query: str, analyzed: Analyzed, hits: Sequence[_Hit]) -> bool:
        """Whether the places the query names are words of a question of its own, not a
        marketplace asked about: it says more than names, and no place is written as a
        site ("美国的顾客能用中文回复吗", "中国手机号"; not "那德国呢", "德国站", "美区",
        "the japan site")."""
        places = [h for h in hits if (hints := self._hints.get(h.concept)) and hints.sites]
        if not places or not self.facts.says_more(query, ()):
            return False
        return not any(analyzed.compact[h.start:h.end].endswith(_MARKET_HAN)
                       or analyzed.compact[h.end:].startswith(_MARKET) for h in places)

    def _inherit(
        self, context: CardRef, platform: str | None, role: str | None, site: str | None,
        site_platforms: frozenset[str], *, in_passing: bool = False,
    ) -> tuple[str | None, str | None, str | None, frozenset[str]]:
        """The conversation's platform, role and site, where the query names none.

        A site named that the conversation's platform lacks ("那德国呢" after a Tmall
        question) is another platform's: the platform is not carried over then; except
        after a platform with no sites at all (one market in the files),
        where a place said `in_passing` is a word of the question ("美国的顾客能用中文回复
        吗" after Walmart asks of Walmart's customers, not of Amazon's US site). A role or
        site carries over only to a platform that has it ("tiktok呢" keeps the buyer).
        """
        if (platform is None and site_platforms and in_passing
                and not self._platform_sites.get(context.platform)):
            site, site_platforms = None, frozenset()
        if platform is None and (not site_platforms or context.platform in site_platforms):
            platform = context.platform
        if platform is None:
            return platform, role, site, site_platforms
        roles = self._platform_roles.get(platform, frozenset())
        if role not in roles:
            # a role the platform lacks is just a word ("卖家死活不认" on Shopee, which has
            # shoppers only): the conversation's role stands
            role = context.role if context.role in roles else None
        if (site is None and context.site is not None
                and context.site in self._platform_sites.get(platform, frozenset())):
            site, site_platforms = context.site, frozenset({platform})
        return platform, role, site, site_platforms

    def _serves(self, hit: _Hit, role: str, platform: str, named: bool) -> bool:
        """Whether the role word stands inside a longer word for that role's own service
        ("seller support", 卖家后台), by the named platform's own cards where it is named
        (卖家客服 is seller support on TikTok Shop, the shop's service on Tmall; on a
        platform whose cards lack it, a word ending in 客服 or "support" is the role's
        service): the asker's role, never the other party."""
        if not hit.contained:
            return False
        if named:
            roles = self._concept_platform_roles.get(hit.outer, {}).get(platform)
            return hit.outer.endswith(_SERVICE) if roles is None else roles == frozenset({role})
        return self._concept_roles.get(hit.outer) == frozenset({role})

    def _names_role(self, hit: _Hit, role: str, platform: str, named: bool) -> bool:
        """Whether a role word really names the asker's role on `platform`.

        Inside a longer known word it does only when that word belongs to that role's
        cards alone: "seller support" is a seller's phrase, but "customer" in "customer
        service" says nothing about buyers, nor 商家 in 商家客服 about sellers; of the
        platform the question `named`, by that platform's cards: a longer word none of
        them has is another platform's way of speaking (Tmall's 卖家客服 is the shop's
        service, Amazon's is seller support: 亚马逊卖家客服电话).
        """
        if not hit.contained:
            return True
        if named:
            roles = self._concept_platform_roles.get(hit.outer, {}).get(platform)
            return roles is None or roles == frozenset({role})
        return self._concept_roles.get(hit.outer) == frozenset({role})

    def _narrowing(self, ref: CardRef, platform: str | None, role: str | None,
                   site_platforms: frozenset[str]) -> tuple[float, float]:
        factor, bonus = 1.0, 0.0
        if platform is not None:
            if ref.platform == platform:
                bonus += HINT_BONUS
            else:
                factor *= OTHER_PLATFORM
        else:
            if site_platforms and ref.platform not in site_platforms:
                factor *= NO_SUCH_SITE
            # no platform named: the ones people ask about most lead (their `rank`)
            factor *= self._unnamed_factor.get(ref.platform, 1.0)
        if role is not None:
            if ref.role == role:
                bonus += HINT_BONUS
            elif role in self._platform_roles.get(ref.platform, frozenset()):
                factor *= OTHER_ROLE
            elif platform is None:
                # (with the platform named, its missing role is just a word: on Tmall,
                # 联系卖家 is a buyer contacting the shop)
                factor *= ROLE_ABSENT
        return factor, bonus

    def _with_site(self, ref: CardRef, site: str | None) -> CardRef:
        if site is None or site not in self._platform_sites.get(ref.platform, frozenset()):
            return ref
        return CardRef(ref.platform, ref.role, ref.issue, site)


# the name of a button in the files' steps: 「Still need help?」
_LABEL_RE = re.compile(r"「([0-9A-Za-z][^」]{2,40})」")


def _button_labels(catalog: Catalog) -> tuple[tuple[str, str], ...]:
    """Button names of three words or more that one platform's facts quote and no other
    platform's channels are called ("still need help", "return other help"), spaced as
    `_spaced` spaces a question: typed, they name that platform."""
    quoted: dict[str, set[str]] = defaultdict(set)
    called: dict[str, set[str]] = defaultdict(set)
    for platform in catalog.platforms.values():
        for fact in platform_facts(platform):
            item = fact.item
            texts = [item.text.zh] if isinstance(item, Fact) else (
                [item.summary.zh] if isinstance(item, Channel) else [])
            for text in texts:
                for label in _LABEL_RE.findall(text):
                    words = _spaced(analyze(label, limit=None))
                    if len(words.split()) >= 3:
                        quoted[words].add(platform.id)
        for channel in platform.channels:
            for name in (channel.name.en, *channel.keywords):
                called[_spaced(analyze(name, limit=None))].add(platform.id)
    out = []
    for label, owners in quoted.items():
        others = {p for name, ps in called.items() if label in name or name == label
                  for p in ps} - owners
        if len(owners) == 1 and not others:
            out.append((label, next(iter(owners))))
    return tuple(sorted(out))


def _spaced(analyzed: Analyzed) -> str:
    """A text's English words, lower-cased and stemmed, between single spaces."""
    return " " + " ".join(t.stem for t in analyzed.tokens) + " "


# what says the place after it is where the asker is, not the site asked about
_ASKER_IN = ("imin", "iamin", "ilivein", "imlivingin", "iambasedin", "imbasedin", "我在",
             "人在", "我住在", "我现在在", "我人在", "身在")


def _where_asker_is(compact: str, start: int) -> bool:
    """Whether the place at `start` follows words that say the asker is there."""
    return compact[:start].endswith(_ASKER_IN)
