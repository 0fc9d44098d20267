"""Text normalisation shared by both sides of search, so a query and the index agree.

Everything a user may type is folded to one form before any matching happens:
full-width and compatibility characters to their plain forms (NFKC), traditional
Chinese to simplified (zhconv), Latin to lower case with simple English suffix
folding, markup and control characters to spaces. The index runs the very same
functions over the knowledge files, so "賣家帳號" in a query and "卖家账号" in a
file meet in the middle. Pure functions, no I/O, no state beyond zhconv's tables.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple

import zhconv

# Work on long input is capped: a question longer than this is almost always a paste
# (a whole email, a log), and its head carries the intent. Bounding the input bounds
# the cost of every later step, which keeps a hostile 10,000-character message cheap.
MAX_QUERY_CHARS = 300

# CJK ideographs (basic, extension A, compatibility, supplementary planes): the text
# zhconv converts and the substring matcher scans. Kana and Hangul are not ideographs;
# they only separate, which is harmless: nothing in the knowledge base uses them.
_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F))

_HAN_CLASS = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _HAN_RANGES)
_HAN_RE = re.compile(f"[{_HAN_CLASS}]")
_HAN_ONLY_RE = re.compile(f"[{_HAN_CLASS}]+")
# a text is split into runs of ideographs and runs of ASCII letters/digits; anything
# else (punctuation, spaces, emoji, other scripts) only separates
_PIECE_RE = re.compile(f"(?P<han>[{_HAN_CLASS}]+)|(?P<latin>[0-9A-Za-z]+)")
_CLAUSE_END = frozenset(",.!?;:，。！？；：、~～")
_TAG_RE = re.compile(r"<[^<>]{0,200}>")

# Mainland writing still uses these older simplified forms; zhconv keeps them as they
# are (they are valid simplified Chinese), so they are folded here explicitly.
# (and Taiwan's words for what the mainland words differently, which zhconv leaves: 簡訊
# is 短信, 訊息 消息, 連結 链接, 登入 登录, 線上 在线, 專人 人工, 客訴 投诉, 信箱 邮箱)
_VARIANTS = {"帐号": "账号", "帐户": "账户", "简讯": "短信", "讯息": "消息", "连结": "链接",
             "登入": "登录", "线上": "在线", "专人": "人工", "客诉": "投诉", "信箱": "邮箱"}

# Function words that carry no intent, and words of degree that only add weight to
# another ("really annoying", "very late": 非常 and 有点 are factindex's STOP_BIGRAMS; a
# fact's "really from Temu" is no answer to them). They are never fuzzy-corrected (your → hour,
# what → chat are one edit apart) and, as single-token keywords, they only count when
# the user clearly meant them as a code (see `Token.strong`).
STOPWORDS = frozenset(
    """a about after am an and any are as at be been but by can could did do does doing
    for from get got had has have hello hi how i if im in into is it its just me my no
    not now of on or our please pls so than that the their them then there this to too
    up us was we were what when where which who why will with would you your they he she
    him her ok okay take takes took taking one
    really very actually literally basically quite totally seriously honestly""".split()  # noqa: SIM905 — a word list reads better as prose
)


def occurrences(text: str, word: str) -> list[int]:
    """Every offset where `word` stands in `text`, overlaps included (Chinese words are
    found as substrings: there are no spaces to split on)."""
    found: list[int] = []
    start = text.find(word) if word else -1
    while start != -1:
        found.append(start)
        start = text.find(word, start + 1)
    return found


def edit_budget(length: int) -> int:
    """Typos tolerated in an English word: none up to 3 letters, 1 up to 6, else 2.

    Shared by search and aspect detection, so both forgive the same misspellings.
    """
    if length <= 3:
        return 0
    return 1 if length <= 6 else 2


def is_all_han(text: str) -> bool:
    """Whether a text is only CJK ideographs (what one-wrong-character matching covers)."""
    return _HAN_ONLY_RE.fullmatch(text) is not None


def has_han(text: str) -> bool:
    """Whether a text has any CJK ideograph (Chinese is matched as substrings, not words)."""
    return _HAN_RE.search(text) is not None


# (few entries: a message is read a dozen times by the matchers, not kept for others;
# Telegram's longest message times these stays a few megabytes)
_MESSAGE_CACHE = 512


@lru_cache(maxsize=_MESSAGE_CACHE)
def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese, phrase-aware (zhconv), plus mainland variants.
    (Cached: one message is read by several matchers, each converting it again.)"""
    text = zhconv.convert(text, "zh-cn")
    for old, new in _VARIANTS.items():
        if old in text:
            text = text.replace(old, new)
    return text


def forget() -> None:
    """Forget the texts read so far: a benchmark times each message as one never seen
    (the caches of `analyze` and `to_simplified` serve the matchers of one message)."""
    _analyze_message.cache_clear()
    to_simplified.cache_clear()


def warm_up() -> None:
    """zhconv builds its conversion tables on first use (~10–15 ms); pay that once, early."""
    zhconv.convert("預熱", "zh-cn")


# English contractions after a pronoun, spelt out: "they're from etsy" is "they are from
# etsy" to every word list. ("n't" stays: "won", "don" are words a fact shares with "the
# shop won't refund"; "'s" is is, has or a possessive.)
_CONTRACTED = re.compile(r"\b([a-z]+)['’](re|ve|ll|m|d)\b", re.IGNORECASE)
_SPELT = {"re": "are", "ve": "have", "ll": "will", "m": "am", "d": "would"}
# ... and typed without the apostrophe, where that is no other word ("theyre", "im"; not
# "were", "well", "ill", "id")
_BARE = re.compile(r"\b(they|you|we)(re|ve)\b|\b(i)(m|ve)\b", re.IGNORECASE)


def _spell_out(match: re.Match[str]) -> str:
    return f"{match.group(1)} {_SPELT[match.group(2).lower()]}"


def _spell_out_bare(match: re.Match[str]) -> str:
    who, ending = (match.group(1), match.group(2)) if match.group(1) else (
        match.group(3), match.group(4))
    if who.lower() == "we" and ending.lower() == "re":
        return match.group(0)  # "were" is a word
    return f"{who} {_SPELT[ending.lower()]}"


def clean(text: str, limit: int | None = MAX_QUERY_CHARS) -> str:
    """Plain simplified text: markup and control characters become spaces.

    Case is kept (the tokenizer needs it to tell "US" the country from "us" the pronoun);
    `analyze` lower-cases. The cap applies before and after NFKC, which can expand a
    character many times ("㍿" → "株式会社").
    """
    if limit is not None:
        text = text[:limit]
    text = unicodedata.normalize("NFKC", text)
    if limit is not None:
        text = text[:limit]
    if "<" in text:
        text = _TAG_RE.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    # control, format (bidi marks, zero-width), surrogate, private-use, unassigned → space
    if not text.isprintable():
        text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    if "'" in text or "’" in text:
        text = _CONTRACTED.sub(_spell_out, text)
    text = _BARE.sub(_spell_out_bare, text)
    return text if text.isascii() else to_simplified(text)


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """Fold simple English inflections so "refunds", "refunded", "refunding" meet "refund".

    Deliberately crude (no dictionary): the same function runs on the index and on the
    query, so it only has to be consistent, not linguistically right ("charge" and
    "charged" both become "charg").
    """
    if len(word) <= 2 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ing") and len(word) >= 6:
        word = word[:-3]
    elif word.endswith("ed") and len(word) >= 5:
        word = word[:-2]
    else:
        if word.endswith("e") and len(word) >= 4:
            word = word[:-1]
        return word
    if len(word) >= 3 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]  # shipping → shipp → ship
    elif word.endswith("e") and len(word) >= 4:
        word = word[:-1]
    return word


# the stopwords as the stemmer leaves them ("does" is "doe", "where" "wher"): a token's
# stem checked against STOPWORDS alone let those through as words
STOP_STEMS = STOPWORDS | frozenset(stem(w) for w in STOPWORDS)


class Token(NamedTuple):
    """One Latin/digit word of the text, in the coordinates of `Analyzed.compact`.

    A named tuple rather than a frozen dataclass: the index builds thousands of these,
    and tuples are several times cheaper to create.
    """

    raw: str  # as typed (case kept)
    stem: str  # lower-cased, inflection folded
    start: int  # offsets into `Analyzed.compact`
    end: int
    strong: bool  # typed in capitals, or glued to Chinese ("US站") — a code, not a word


@dataclass(frozen=True)
class Analyzed:
    """A text reduced to what the matchers need.

    `compact` is the lower-cased text with every separator removed, so Chinese
    keywords can be found as plain substrings (Chinese has no spaces to rely on);
    `tokens` are the Latin/digit words inside it; `han_runs` are the maximal runs of
    ideographs as (start, end) offsets into `compact`.
    """

    text: str
    compact: str
    tokens: tuple[Token, ...]
    han_runs: tuple[tuple[int, int], ...]

    @property
    def breaks(self) -> tuple[int, ...]:
        """Where a clause ends, as offsets into `compact`: a punctuation mark, or a space
        between two Chinese runs ("我是个人卖家 只能发邮件 一般多久回")."""
        return self._clauses[0]

    @property
    def asked_at(self) -> tuple[int, ...]:
        """The breaks, and the end, that a question mark closes."""
        return self._clauses[1]

    @cached_property
    def _clauses(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        # read from the text again, only for a question whose clauses are asked about:
        # the knowledge files' own texts, analysed at start-up, never need them
        pieces = [(m.start(), m.end(), m.lastgroup == "han") for m in _PIECE_RE.finditer(self.text)]
        breaks: list[int] = []
        asked_at: list[int] = []
        offset = 0
        for n, (begin, finish, han) in enumerate(pieces):
            if n and pieces[n - 1][1] != begin:
                between = self.text[pieces[n - 1][1]:begin]
                if (han and pieces[n - 1][2]) or not _CLAUSE_END.isdisjoint(between):
                    breaks.append(offset)
                    if "?" in between or "？" in between:
                        asked_at.append(offset)
            offset += finish - begin
        tail = self.text[pieces[-1][1]:] if pieces else ""
        if "?" in tail or "？" in tail:
            asked_at.append(offset)
        return tuple(breaks), tuple(asked_at)


def analyze(text: str, limit: int | None = MAX_QUERY_CHARS) -> Analyzed:
    """Normalise and split a text; the same steps for queries and for knowledge fields.
    (A message's reading is cached, the result being immutable: the matchers of one
    message each read it; the knowledge files' fields, read once at start-up, are not.)"""
    if limit is None:
        return _analyze(text, limit)
    return _analyze_message(text, limit)


@lru_cache(maxsize=_MESSAGE_CACHE)
def _analyze_message(text: str, limit: int) -> Analyzed:
    return _analyze(text, limit)


def _analyze(text: str, limit: int | None) -> Analyzed:
    cleaned = clean(text, limit)
    pieces = [(m.start(), m.end(), m.lastgroup == "han", m.group())
              for m in _PIECE_RE.finditer(cleaned)]
    parts: list[str] = []
    tokens: list[Token] = []
    han_runs: list[tuple[int, int]] = []
    offset = 0
    last = len(pieces) - 1
    for n, (begin, finish, han, raw) in enumerate(pieces):
        end = offset + len(raw)
        if han:
            han_runs.append((offset, end))
            parts.append(raw)
        else:
            lower = raw.lower()
            # glued to an ideograph on either side, with nothing in between: "US站"
            glued = (n > 0 and pieces[n - 1][2] and pieces[n - 1][1] == begin) or (
                n < last and pieces[n + 1][2] and pieces[n + 1][0] == finish)
            strong = glued or (len(raw) > 1 and raw.isupper())
            tokens.append(Token(raw, stem(lower), offset, end, strong))
            parts.append(lower)
        offset = end
    return Analyzed(
        text=cleaned,
        compact="".join(parts),
        tokens=tuple(tokens),
        han_runs=tuple(han_runs),
    )
