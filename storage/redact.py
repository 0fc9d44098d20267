"""Keep only known words of a question before it is stored for operators (an allow-list).

Why: the questions the bot misses are kept 30 days so operators see what to add, and
nothing in them may point back at the asker. A list of what to take out can never be
complete (a phone number in Chinese numerals, spelled out, as keycap emoji; an e-mail
address "at … dot com"; a name, an address, a password), so the stored form keeps only
words the bot already knows — the knowledge files' words (knowledge/vocabulary.py) and a
committed common-word list (storage/data/common_words.txt) — and every other token
becomes one placeholder. Numbers go first and entirely: any digit, and any run of two or
more numerals (一三八, 壹叁捌, 1三8, "one three eight", 1️⃣3️⃣8️⃣, 1,3,8 …), whatever
separates them. Chinese is segmented against the same vocabulary (fewest unknown characters): an
unknown character can only become a placeholder, so a segmentation error can lose a
word, never keep an unknown one. (jieba was measured and left out: on the question set
it kept no more of the wording, took a second to load and four times as long per
question; bench/redact.py.)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import zhconv

__all__ = [
    "COMMON_WORDS",
    "MAX_REDACTED_CHARS",
    "PLACEHOLDER",
    "Vocabulary",
    "common_vocabulary",
    "is_numeral",
    "redact",
]

MAX_REDACTED_CHARS = 200
# the commonest Chinese surnames: one of them before a doubled character is a name
# (周刚刚), where the doubled character alone would be a word (刚刚, "just now")
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
    "莫孔向汤常"
)
_MAX_INPUT = 2000
# the longest Chinese word matched; longer runs of the knowledge files are sentences
MAX_HAN_WORD = 8
PLACEHOLDER = "‹…›"

COMMON_WORDS_FILE = Path(__file__).parent / "data" / "common_words.txt"

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
# numerals a phone number or an id may be written in (simplified, traditional, 大写, 幺)
_HAN_NUMERALS = "〇零一二三四五六七八九十百千万亿幺两兩壹贰貳叁參肆伍陆陸柒捌玖拾佰仟萬億"
_NUMBER_WORDS = "zero|oh|one|two|three|four|five|six|seven|eight|nine|ten|double|triple"
_UNIT = rf"(?:\d|[{_HAN_NUMERALS}]|(?<![a-z])(?:{_NUMBER_WORDS})(?![a-z]))"
# two or more numerals, whatever stands between them that is not a letter or an ideograph
# (spaces, commas, underscores, dashes, brackets, emoji …): a number, gone as a whole
_NUMBER_RUN = re.compile(rf"{_UNIT}(?:(?:[^\w]|_)*{_UNIT})+")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# an address, a link or a handle goes as a whole even when its parts are words the bot
# knows ("me@example.com", "best_seller", "shop.example.top/x", "me at example dot com")
_CHUNK = rf"[^\s{_HAN}]+"
# a dotted name's parts are Latin (or other non-Chinese) letters: begun at a Chinese word
# before it ("我叫jennifer.lopez [at] qq"), it would start before the spelt-out form could
# and leave that form's host ("qq") behind
_DOTTED = rf"[^\W\d_{_HAN}]+"
# (the spelt-out forms first, as they reach furthest: "anna_lee (at) qq" goes whole, not
# only "anna_lee"; "me [at] qq": the host may be a word the bot knows, qq is a scam word)
_ADDRESS = re.compile(
    rf"{_CHUNK}\s*(?:\(at\)|\[at\]|\{{at\}})\s*{_CHUNK}"
    rf"|{_CHUNK}\s*(?:\(dot\)|\[dot\]|(?<![a-z])dot(?![a-z]))\s*{_CHUNK}"
    rf"|(?:{_CHUNK})?(?:@|://|_)(?:{_CHUNK})?|{_DOTTED}(?:\.{_DOTTED})+(?:/{_CHUNK})?"
)
_GONE = "\ue000"  # marks an address taken out (private use: input has none left)
_PIECE = re.compile(rf"(?P<han>[{_HAN}]+)|(?P<other>[^{_HAN}]+)")
_LATIN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")
_HAN_RUN = re.compile(f"[{_HAN}]+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def is_numeral(ch: str) -> bool:
    """Whether a character is a digit of any script or a Chinese numeral."""
    return ch.isdigit() or ch in _HAN_NUMERALS


def _normalise(text: str) -> str:
    """One form for the text and the vocabulary: NFKC, lower case, simplified Chinese.

    Format characters (zero-width joiners, the keycap mark and emoji variation selectors)
    are dropped, not spaced, so "1\u20e33\u20e3" is the digits "13"; other control and
    private-use characters become spaces.
    """
    kept = []
    for ch in text[:_MAX_INPUT]:
        category = unicodedata.category(ch)
        if category == "Cf" or ch in "\ufe0e\ufe0f\u20e3":
            continue
        kept.append(" " if category[0] in "CZ" else ch)
    folded = unicodedata.normalize("NFKC", "".join(kept)).casefold().translate(_APOSTROPHES)
    if _HAN_RUN.search(folded):
        folded = zhconv.convert(folded, "zh-cn")
    return folded


@dataclass(frozen=True)
class Vocabulary:
    """The words a stored question may keep: Latin words and Chinese words, normalised."""

    latin: frozenset[str]
    han: frozenset[str]

    @classmethod
    def of(cls, words: Iterable[str], *, common: bool = True) -> Vocabulary:
        """The common words and `words`, less anything with a digit or only numerals.

        A phrase gives its words ("customer service" → customer, service); a Chinese run
        longer than MAX_HAN_WORD is a sentence, not a word, and is left out.
        """
        latin: set[str] = set()
        han: set[str] = set()
        for word in (*COMMON_WORDS, *words) if common else words:
            word_latin, word_han = _allowed_in(word)
            latin.update(word_latin)
            han.update(word_han)
        return cls(frozenset(latin), frozenset(han))

    def keep(self, token: str) -> Iterator[str | None]:
        """A word token as words to keep and None for each unknown stretch."""
        for piece in _PIECE.finditer(token):
            if piece["han"]:
                yield from self._segment(piece["han"])
            else:
                yield piece["other"] if piece["other"] in self.latin else None

    def _segment(self, run: str) -> Iterator[str | None]:
        """The split with the fewest unknown characters, then the fewest words.

        Plain left-to-right longest match stumbles on fragments of the knowledge files
        ("是骗" before "骗子"); this dynamic programme does not, at the same cost.
        An unknown character stands alone (None).
        """
        size = len(run)
        # best[i]: (unknown characters, words) for run[i:], and the length taken at i
        best: list[tuple[int, int, int]] = [(0, 0, 0)] * (size + 1)
        for at in range(size - 1, -1, -1):
            unknown, words, _ = best[at + 1]
            choice = (unknown + 1, words + 1, 1)
            for length in range(min(MAX_HAN_WORD, size - at), 0, -1):
                if run[at : at + length] in self.han:
                    unknown, words, _ = best[at + length]
                    choice = min(choice, (unknown, words + 1, length))
            best[at] = choice
        at = 0
        before: str | None = ""  # what was just read ("" at the start; None: unknown)
        while at < size:
            length = best[at][2]
            word = run[at : at + length]
            # a doubled character right after an unknown one or a surname is the rest of a
            # name, though it is a word too: 王刚刚, 周刚刚 (surname + a doubled given name)
            named = len(word) == 2 and word[0] == word[1] and (
                before is None or before in _SURNAMES)
            kept = word in self.han and not named
            yield word if kept else None
            before = word if kept else None
            at += length


@lru_cache(maxsize=50_000)  # the same files are read at each start and /reload
def _allowed_in(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The Latin and the Chinese words a knowledge string gives (none with a number)."""
    latin: list[str] = []
    han: list[str] = []
    for token in _WORD.findall(_normalise(word)):
        for piece in _PIECE.finditer(token):
            if piece["han"]:
                run = piece["han"]
                if len(run) <= MAX_HAN_WORD and not all(map(is_numeral, run)):
                    han.append(run)
            elif _LATIN_WORD.fullmatch(piece["other"]):
                latin.append(piece["other"])
    return tuple(latin), tuple(han)


def _read_common_words() -> tuple[str, ...]:
    words: list[str] = []
    for line in COMMON_WORDS_FILE.read_text(encoding="utf-8").splitlines():
        words.extend(line.split("#", 1)[0].split())
    return tuple(words)


COMMON_WORDS: tuple[str, ...] = _read_common_words()


@cache
def common_vocabulary() -> Vocabulary:
    """The common words alone: what a store keeps when no knowledge words are given."""
    return Vocabulary.of(())


def _tokens(text: str, vocabulary: Vocabulary) -> Iterator[str | None]:
    text = _ADDRESS.sub(_GONE, text)
    at = 0
    for number in _NUMBER_RUN.finditer(text):
        yield from _words(text[at : number.start()], vocabulary)
        yield None
        at = number.end()
    yield from _words(text[at:], vocabulary)


def _words(segment: str, vocabulary: Vocabulary) -> Iterator[str | None]:
    for index, part in enumerate(segment.split(_GONE)):
        if index:
            yield None
        for token in _WORD.findall(part):
            yield from vocabulary.keep(token)


def redact(text: str, vocabulary: Vocabulary | None = None) -> str:
    """The text with every token the vocabulary does not know replaced by PLACEHOLDER.

    Punctuation goes, runs of placeholders become one, Chinese words stand together and
    everything else is spaced; the result is cut at a word to MAX_REDACTED_CHARS.
    """
    words = vocabulary or common_vocabulary()
    out: list[str] = []
    length = 0
    previous: str | None = ""
    for token in _tokens(_normalise(text), words):
        if token is None and previous is None:
            continue
        piece = PLACEHOLDER if token is None else token
        glue = "" if not out or (_is_han(previous) and _is_han(token)) else " "
        if length + len(glue) + len(piece) > MAX_REDACTED_CHARS:
            break
        out.append(glue + piece)
        length += len(glue) + len(piece)
        previous = token
    return "".join(out)


def _is_han(token: str | None) -> bool:
    return token is not None and _HAN_RUN.match(token) is not None
