"""What a question wants to know (its aspect), read from the words it uses.

Search finds what a question is *about* (a card); this finds what it *asks* (a phone
number, the hours, how long a reply takes …), so the answer can lead with that fact.

Why it is built this way:

* The words live in `knowledge/data/aspects.yaml` (editors add colloquial forms there),
  and go through the search's normalisation (`knowledge.textnorm`): traditional Chinese
  becomes simplified, full-width becomes half-width, English is lower-cased and stemmed.
* Chinese words are found as substrings (Chinese has no spaces); English words and
  phrases as whole stemmed tokens, so "reply" never fires inside "replying-to" noise and
  "us" is never "use". English typos are corrected towards the aspect words with the
  same edit budget search uses, but a word search already knows ("seller", "case") is
  never bent into an aspect word. A Chinese word of three or more characters is still
  found with one character wrong.
* A word inside a longer recognised word does not count ("回复" in "没回复", "open" in
  "open a case"), and `weak` words count only when nothing stronger is asked.
* Several aspects may be asked at once; they are ranked by the file's `order`, most
  specific situation first ("黑五回复慢吗" is about the holiday) — except that in a
  message of several clauses, those of the clause that asks (a question word, a question
  mark) come first: the others tell the story ("我是个人卖家 只能发邮件 一般多久会回").
* A duration counts as time already waited only next to an `elapsed` word
  ("48小时没回", "after 3 days"); "72小时内" is a deadline, "24小时客服" opening hours.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import OSA

from knowledge import textnorm
from knowledge.clauses import asking_clauses, asks_may
from knowledge.schema import CHANNEL_ASPECTS, Aspect, AspectsFile, AspectWords
from knowledge.sounds import may_replace
from knowledge.textnorm import STOPWORDS, Analyzed, Token, analyze, has_han

__all__ = ["HOW_LONG", "POINTERS_EN", "POINTERS_HAN", "AskedAspects", "AspectDetector",
           "parse_elapsed", "without_durations"]

_ELAPSED = "elapsed"  # the pseudo-aspect of the `elapsed` words
_REACH = "reach"  # the pseudo-aspect of the `reach` words
# reply-time words that say only how soon ("fast"): beside a reach word, the fastest way
_SPEED = frozenset({"fast", "quick"})
_APP, _WEB = "app", "web"  # the pseudo-aspects of where the asker is (`app`, `web` words)
_CONSEQUENCE = "consequence"  # the pseudo-aspect of the `consequence` words
_AWAITED = "awaited"  # the pseudo-aspect of the `awaited` words
# words that are context, not aspects
# the pseudo-aspect of the `identifiers` words: the channel's number or address itself
_IDENTIFIER = "identifier"
_CHOOSE = "choose"  # the pseudo-aspect of the `choose` words: which way is best
_FIRST = "first"  # the pseudo-aspect of the `first` words: what to do first
_MORE = "more"  # the pseudo-aspect of the `more` words: more of the same
_FOLLOWS = "follows"  # the pseudo-aspect of the `follows` words: what follows a limit missed
_NEXT = "next"  # the pseudo-aspect of the `next` words: the step after those shown
_NOT_HELPED = "still"  # the pseudo-aspect of the `still` words: the steps did not help
_TEMPLATE = "template"  # the pseudo-aspect of the `template` words: a letter to copy
_CONTEXT = frozenset({_ELAPSED, _REACH, _APP, _WEB, _CONSEQUENCE, _AWAITED, _IDENTIFIER,
                      _CHOOSE, _FIRST, _MORE, _FOLLOWS, _NEXT, _NOT_HELPED, _TEMPLATE})
_CHANNELS = frozenset(a.value for a in CHANNEL_ASPECTS)
# what one does, said as what comes after: a way to them, and asking for a person, for
# the platform to step in, for a senior agent ("申请客服介入之前要准备什么")
_DONE_BEFORE = _CHANNELS | {Aspect.human.value, Aspect.intervene.value, Aspect.escalation.value}
_IDIOM = "idiom"  # the pseudo-aspect of the `idioms`: words that hide an aspect word
# Chinese words shorter than this match exactly only: the aspect words are short and
# common, and one wrong character in three ("回复快" for "回复怎") is another word
_FUZZY_MIN_HAN = 4


@dataclass(frozen=True)
class AskedAspects:
    """What a question asks: aspects best first, and the time already waited, if said."""

    aspects: tuple[Aspect, ...]
    elapsed: timedelta | None = None
    words: tuple[str, ...] = ()  # the words recognised (for debugging and the UI)
    # (word, group) of each word recognised: which aspect (or "elapsed") it was read as
    read_as: tuple[tuple[str, str], ...] = ()
    # asks how to reach them at all ("how do i reach them then", "那怎么联系"): the way
    # in, not the last thing asked
    reach: bool = False
    # where the asker is, "app" or "web", when the question says one ("在手机上")
    medium: str | None = None
    # read from `weak` words only ("time", "回复"): a guess the facts' words may overrule
    weak: bool = False
    # names a channel's number or address ("号码", "the number?"): the channel itself is
    # asked, never the last thing asked of it ("号码呢" after the hours is the number)
    identifies: bool = False
    # asks which way to reach them is best ("用啥方式联系最快", "email or call?")
    choosing: bool = False
    # asks what to do first ("第一步干嘛", "what do I do first")
    starts: bool = False
    # asks for more of what was just answered ("还有呢", "anything else I should do?")
    more: bool = False
    # says a limit is missed ("错过了", "and if I miss it?"): asks what follows
    follows: bool = False
    # asks what happens ("会怎样", "what if I'm late"): what follows, where a limit is about
    what_happens: bool = False
    # asks for the step after those just shown ("然后呢", "ok what next")
    next: bool = False
    # says the steps just given did not help ("还是不管", "tried that, still stuck")
    still: bool = False
    # asks for a letter to copy ("有没有申诉模板", "any wording I can copy")
    template: bool = False
    # asks how long something takes that the files give no time for ("how long does amazon
    # take to refund": no reply time, no deadline matches its words): said first, then
    # what they do say of it (not the channels' reply times, which it did not ask)
    untimed: bool = False

    @property
    def first(self) -> Aspect | None:
        return self.aspects[0] if self.aspects else None

    def words_of(self, aspect: Aspect | None) -> tuple[str, ...]:
        """The words read as `aspect` ("phone number" as phone)."""
        return tuple(w for w, group in self.read_as if aspect is not None
                     and group == aspect.value)


def _colloquial(words: Sequence[str]) -> list[str]:
    """The words, and each as it is said colloquially: 啥 for 什么 ("带啥"), and a verb's
    "what" with 点 between ("带点什么", "附点啥": "some of what"); a word list says each
    once."""
    out = list(words)
    for word in words:
        if "什么" not in word:
            continue
        out.append(word.replace("什么", "啥"))
        verb = word[:-2]
        if word.endswith("什么") and 1 <= len(verb) <= 2 and textnorm.is_all_han(verb):
            out += [f"{verb}点什么", f"{verb}点啥"]
    return list(dict.fromkeys(out))


class _Hit(NamedTuple):
    group: str  # an Aspect value, _ELAPSED or _REACH
    start: int  # span in Analyzed.compact
    end: int
    weak: bool
    word: str
    exact: bool = True  # False: found with one character wrong


# words around a bare "how" that ask nothing more ("and how?", "ok but how exactly")
_FILLERS = frozenset({"and", "but", "ok", "okay", "so", "then", "tho", "though", "exactly"})
_HOW_TO_DO_IT = "how do i do that"
# "another" just before a channel word: a way other than the one tried
_OTHER = re.compile(r"(?:别的|其他|其它|另外|另一个)$")
_OTHER_EN = frozenset({"another", "other", "els", "different"})  # as stemmed


# what follows "when" that asks a time ("when is it open", "when can I call"); before
# anything else ("when amazon deactivates my account") it is "at the time that"
_ASKS = frozenset("""is are was were do does did can could will would should shall may might
    open opens close closes to""".split())  # noqa: SIM905
# a step the asker has taken, or will have: "once i submit", "after submitting"
_ONCE = frozenset({"once", "after"})
_DOERS = frozenset({"i", "we", "you"})


def _done_before(tokens: Sequence[Token], i: int) -> bool:
    """Whether the word at `i` follows "once" or "after", a person between or not."""
    before = [t.raw.lower() for t in tokens[max(0, i - 2):i]]
    return bool(before) and (before[-1] in _ONCE
                             or (len(before) == 2 and before[0] in _ONCE and before[1] in _DOERS))


# "什么时候" asks the opening hours only before a way of reaching someone ("什么时候有人",
# "什么时候能打", "什么时候上班") or at the end; before anything else it asks when that
# happens ("钱什么时候退回", "什么时候发货")
_WHEN_HAN = ("什么时候", "啥时候", "啥时", "何时")
_WHEN_SERVED = ("开", "关", "上班", "下班", "营", "有", "在", "能打", "可以打", "打", "能联系",
                "联系", "能找", "找", "人工", "客服", "接", "回")


# someone saying who they are: one of _SAYS, a person, a form of "be"
_SAYS = frozenset({"say", "says", "said", "saying", "claim", "claims", "claimed", "claiming"})
_PERSON = frozenset({"he", "she", "they", "it", "we"})
_BE = frozenset({"is", "was", "are", "were"})


# how many, before "hour(s)": a length of time ("for an hour", "a few hours"), not the
# opening hours ("24 hours" is a phrase of its own, round the clock)
_SOME = frozenset({"a", "an", "few", "several", "couple", "many", "two", "three", "half"})


# a reply not (yet) given: these before one of _REPLIED within three words ("hasn't
# answered": hasn, t, answer); not "don't", which warns ("don't reply to that e-mail")
_NOT_YET = frozenset({"hasn", "hasnt", "haven", "havent", "didn", "didnt", "doesn", "doesnt",
                      "never", "won", "wont", "isn", "isnt", "aren", "arent", "not"})
_REPLIED = frozenset({"reply", "repli", "answer", "respond", "heard", "hear"})  # as stemmed


# the Chinese of the same: a negation, up to three characters, a word of replying ("没有任何
# 回应", "一直没给我回", "不搭理"); not 回 alone, which is also "back" (不用寄回), nor the
# 理 of 处理 ("商家不处理我的退货" is a refusal)
_NO_REPLY_HAN = re.compile(r"(?:没有|没|不|未)[^，。？！,.?!]{0,3}?"
                           r"(?:回复|回应|回音|回信|回消息|答复|搭理|理睬|理会|给我回"
                           r"|(?<![处管整代经清助修护料])理(?:我|$))")


# "says they are" in Chinese: 说(他/她/自己)是, up to eight characters (a platform's name),
# then the service or its people
_CLAIMS_HAN = re.compile(r"说(?:他|她|自己|他们)?是[^，。？！,.?!]{0,8}?"
                         r"(?:客服|官方|员工|工作人员|小二)")


# words that ask a length of time and nothing more (a reply word says more): of what, the
# rest of the question says ("退款多久到账" is the money's time, no reply time)
HOW_LONG = frozenset({"how long", "多久", "多长时间", "几天", "多少天", "要等", "几个工作日",
                      "工作日", "business days", "working days", "how many days",
                      "how many hours", "how soon", "how quickly", "多快"})


# (not 那 or 该 alone: "那邮件怎么联系" is "then", "我该打电话吗" is "should")
POINTERS_HAN = ("这个", "那个", "这种", "那种", "这些", "那些")
POINTERS_EN = frozenset({"this", "that", "these", "those"})


# a verb of opening with its object after it, or after "to", opens a thing: "open the
# case under", "is it ok to open?"
_OPEN_SHUT = frozenset({"open", "clos"})  # (stems)
_OBJECTS = frozenset({"it", "the", "a", "an", "my", "your", "his", "her", "its", "our", "their",
                      "them", "this", "that", "these", "those"})


# words that say how, not what: inside a phrase they are skipped ("what exactly goes in",
# "how do i even reach")
_ADVERBS = frozenset({"exactly", "really", "actually", "even", "usually", "normally",
                      "typically", "generally", "basically", "ever", "also", "still", "just"})


# ... and so is whose it is: "keep my chats" is "keep chats" (not "a", which makes "is it
# a real person" "is it real"; not "its", whose stem is "it")
_DETERMINERS = frozenset({"the", "my", "your", "our", "their", "his", "her"})


def _words_at(stems: list[str], start: int, phrase: tuple[str, ...]) -> list[int] | None:
    """The positions of `phrase`'s words from `start`, one adverb between two of them
    skipped; None where the phrase is not there."""
    at: list[int] = []
    j = start
    skipped = False
    for word in phrase:
        if j < len(stems) and stems[j] != word and at and not skipped \
                and (stems[j] in _ADVERBS or stems[j] in _DETERMINERS):
            j += 1
            skipped = True
        if j >= len(stems) or stems[j] != word:
            return None
        at.append(j)
        j += 1
    return at


_EXACT_TENSE = frozenset({_AWAITED, Aspect.safety.value, Aspect.retention.value})


def _tense_fits(said: tuple[bool, ...], listed: tuple[bool, ...], group: str) -> bool:
    """Whether words typed in (or not in) their past form may be a word listed so. A
    past form tells what happened, not what is asked: "a case opened" is no question of
    opening hours (unless listed so: "closed"). And what is awaited is listed as done
    ("refunded", "delivered"): "my refund" is no wait for money; the scam words list both
    forms where both are meant ("click the link", "clicked the link"): "googled" is a
    number found by searching, "google translate" no question of trust; and records
    "deleted" are a question of how long they are kept, "delete my account" is not."""
    return all(listed_past or not past for past, listed_past in zip(said, listed, strict=True)) \
        and (group not in _EXACT_TENSE or said == listed)


def _past(raw: str) -> bool:
    """Whether an English word is in its past form ("opened", "called")."""
    return len(raw) > 4 and raw.lower().endswith("ed")


# the platform's own service ("support keeps saying no", "客服一直说不行"): its refusal asks
# how to escalate, where the other side's asks for the platform to step in
# (the words between, "一直", "keeps": a few characters of the compact text)
_SERVICE = re.compile(r"(?:客服|小二|人工|support|agent|rep|representative|staff).{0,8}$")


def _by_whom(analyzed: Analyzed, hit: _Hit) -> _Hit:
    """A refusal (a weak stepping-in word) is a matter of escalating when the service
    itself refuses: the words just before it, in its clause, name the service."""
    if hit.group != Aspect.intervene.value or not hit.weak:
        return hit
    start = max([0, *(b for b in analyzed.breaks if b <= hit.start)])
    if _SERVICE.search(analyzed.compact[max(start, hit.start - 24):hit.start]):
        return hit._replace(group=Aspect.escalation.value, weak=False)
    return hit


# a button pressed that does nothing ("在线聊天按了没反应", "点了没动静"): the page, not a
# reply that has not come
_PRESS = re.compile(r"(?:按|点|点击|打开)(?:一下|了|半天)?[^，。！？,.!?]{0,6}$")
_STILL = frozenset({"没反应", "没动静"})


def _pressed(compact: str, hit: _Hit) -> bool:
    """Whether a no-reply word says that something pressed did nothing."""
    return hit.group == Aspect.followup.value and hit.word in _STILL and bool(
        _PRESS.search(compact[max(0, hit.start - 12):hit.start]))


# "open" (or "close") before an object opens something: "open another case", "close my
# account" — no opening hours
# (stems, as the tokens carry them: "close" and "closed" are "clos", "case" is "cas")
_OPENING = frozenset(textnorm.stem(w) for w in ("open", "close"))
# things that open and close that are no service: a window of time, a case
_CLOSES = frozenset(textnorm.stem(w) for w in ("window", "case", "ticket", "dispute", "period",
                                                "guarantee", "deadline", "claim"))
_OBJECT = frozenset(textnorm.stem(w) for w in (
    "a", "an", "another", "the", "new", "my", "our", "one", "up", "it", "this", "that",
    "second", "fresh", "dispute", "case", "ticket", "account", "shop", "store"))


def _opens_something(analyzed: Analyzed, hit: _Hit) -> bool:
    """Whether an hours word is the verb "to open" (or close) something."""
    if hit.group != Aspect.hours.value:
        return False
    tokens = analyzed.tokens
    for i, token in enumerate(tokens):
        if token.start == hit.start and token.end == hit.end and token.stem in _OPENING:
            if i + 1 < len(tokens) and tokens[i + 1].stem in _OBJECT:
                return True
            # what was open or closed, just before: "the return window already closed",
            # "my case was closed" (a window of time, not opening hours)
            return any(t.stem in _CLOSES for t in tokens[max(0, i - 3):i])
    return False


# the asker answering someone ("那我回复它说不是我行吗", "can I reply to the buyer"): what
# to do, not how long a reply takes
_ASKER_HAN = re.compile(r"我们?(?:要|该|应该|能|能不能|可以|可不可以|需要|得|先|就|直接)?$")
_REPLYING_HAN = frozenset({"回复", "回应", "答复"})
_REPLYING = frozenset(textnorm.stem(w) for w in ("reply", "replies", "respond"))
_ASKER = frozenset(textnorm.stem(w) for w in ("i", "we"))
_MODAL = frozenset(textnorm.stem(w) for w in ("can", "could", "should", "need", "to", "have",
                                              "must", "do", "shall", "just", "also"))


def _asker_replies(analyzed: Analyzed, hit: _Hit) -> bool:
    """Whether a reply word is the asker replying: right after 我 / "I" (a modal between)."""
    if hit.group != Aspect.response_time.value:
        return False
    if hit.word in _REPLYING_HAN:
        return bool(_ASKER_HAN.search(analyzed.compact[max(0, hit.start - 6):hit.start]))
    tokens = analyzed.tokens
    for i, token in enumerate(tokens):
        if token.start == hit.start and token.stem in _REPLYING:
            before = tokens[max(0, i - 4):i]
            while before and before[-1].stem in _MODAL:
                before = before[:-1]
            return bool(before) and before[-1].stem in _ASKER
    return False


def _customers_unanswered(compact: str, hit: _Hit, customers: tuple[str, ...]) -> bool:
    """Whether a reply not given is one to the customers (`customers`, the parties
    file's words for buyers): 没回复顾客, 不回买家消息."""
    return (hit.group == Aspect.followup.value and hit.word[:1] in _NOT_HAN
            and compact.startswith(customers, hit.end))


_NOT_HAN = frozenset("没不未")


def _when_it_happens(compact: str, hit: _Hit) -> bool:
    """Whether a 什么时候 asks when something happens, not when someone is there."""
    rest = compact[hit.end:]
    return (compact[hit.start:hit.end] in _WHEN_HAN and bool(rest) and has_han(rest[:1])
            and not rest.startswith(_WHEN_SERVED))


def _how_often(compact: str, hit: _Hit) -> bool:
    """Whether a 多久 asks how often ("pin 要多久换一次"), which is no time to wait or
    limit: 一次 a few characters on."""
    if hit.word not in HOW_LONG:
        return False
    at = compact.find(_ONCE_HAN, hit.end, hit.end + _OFTEN_SPAN + len(_ONCE_HAN))
    return at >= 0 and compact[at - 1] != "第"  # (not 多久有第一次回复: the first reply)


_ONCE_HAN = "一次"
_OFTEN_SPAN = 5  # "多长时间要换一次": 一次 within the next few characters


def _pointed(analyzed: Analyzed, start: int) -> bool:
    """Whether the word at `start` follows "this"/"that" (这个期限, "that deadline")."""
    if analyzed.compact[:start].endswith(POINTERS_HAN):
        return True
    return any(t.end == start and t.stem in POINTERS_EN for t in analyzed.tokens)


_BEFORE_HAN = ("之前", "以前", "前")


def _before_it(analyzed: Analyzed, hit: _Hit) -> bool:
    """Whether a word stands in a clause of what comes later: "before I call", 打电话前."""
    if analyzed.compact.startswith(_BEFORE_HAN, hit.end):
        return True
    words = [t.raw.lower() for t in analyzed.tokens if t.end <= hit.start][-3:]
    return "before" in words


def _unless_alone(hits: list[_Hit], dropped: list[_Hit],
                  also: frozenset[str] = frozenset()) -> list[_Hit]:
    """`hits` without `dropped`, where another aspect word (or a cue in `also`) is left
    to say what is asked; else all of them."""
    if dropped and any(h not in dropped and (h.group not in _CONTEXT or h.group in also)
                       for h in hits):
        return [h for h in hits if h not in dropped]
    return hits


class AspectDetector:
    """Built once per catalog (the search index owns one); `detect` only reads."""

    def __init__(self, words: AspectsFile | None, known: Iterable[str] = (),
                 places: Iterable[str] = (), pairs: Iterable[str] = (),
                 common: Iterable[str] = ()) -> None:
        self._order: dict[str, int] = {}
        self._common = frozenset(common)  # everyday English words: never typos
        # two-character words the knowledge files use ("恢复"): a character that makes one
        # with its neighbour is that word, not a typo of an aspect word ("多久能恢复" is no
        # "多久能回" typed wrong)
        self._pairs = frozenset(pairs)
        # place names (sites, countries) and platform names, normalised: never part of
        # an aspect word read with a typo
        self._places = tuple(sorted({c for p in places if (c := analyze(p, limit=None).compact)
                                     and has_han(c)}, key=len, reverse=True))
        # han surface → [(group, weak, word)]; latin stems → [(group, weak, word)]
        self._han: dict[str, list[tuple[str, bool, str]]] = defaultdict(list)
        self._han_by_first: dict[str, list[str]] = defaultdict(list)
        self._han_masked: dict[str, list[str]] = defaultdict(list)
        self._latin: dict[tuple[str, ...], list[tuple[str, bool, str]]] = defaultdict(list)
        self._latin_by_first: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        self._known = frozenset(known)
        self._past: dict[str, tuple[bool, ...]] = {}  # an English word's tokens in past form
        self._vocab: list[str] = []
        self._vocab_set: frozenset[str] = frozenset()
        self._han_lengths: tuple[int, ...] = ()
        # the buyers' words of the parties file: whom a seller's reply is owed to
        self._customers: tuple[str, ...] = ()
        if words is None:
            return
        if words.parties is not None:
            self._customers = tuple(words.parties.buyers.zh)
        self._order = {a.value: i for i, a in enumerate(words.order)}
        for aspect, group in words.aspects.items():
            self._add(aspect.value, group)
        self._add(_ELAPSED, words.elapsed)
        if words.reach is not None:
            self._add(_REACH, words.reach)
        if words.idioms is not None:
            self._add(_IDIOM, words.idioms)
        for name, listed in ((_APP, words.app), (_WEB, words.web),
                             (_CONSEQUENCE, words.consequence), (_AWAITED, words.awaited),
                             (_IDENTIFIER, words.identifiers), (_CHOOSE, words.choose),
                             (_FIRST, words.first), (_MORE, words.more),
                             (_FOLLOWS, words.follows), (_NEXT, words.next),
                             (_NOT_HELPED, words.still), (_TEMPLATE, words.template)):
            if listed is not None:
                self._add(name, listed)
        for surface in self._han:
            self._han_by_first[surface[0]].append(surface)
            if len(surface) >= _FUZZY_MIN_HAN and textnorm.is_all_han(surface):
                for i in range(len(surface)):
                    self._han_masked[surface[:i] + "\0" + surface[i + 1:]].append(surface)
        for phrase in self._latin:
            self._latin_by_first[phrase[0]].append(phrase)
        self._vocab = sorted({s for p in self._latin for s in p if len(s) >= 3})
        self._vocab_set = frozenset(self._vocab)
        self._han_lengths = tuple(sorted({len(s) for m in self._han_masked.values() for s in m}))

    def _add(self, group: str, words: AspectWords) -> None:
        for word, weak in [(w, False) for w in (*_colloquial(words.zh), *words.en)] + [
            (w, True) for w in _colloquial(words.weak)
        ]:
            analyzed = analyze(word, limit=None)
            if not analyzed.compact:
                continue
            if has_han(analyzed.compact):
                self._han[analyzed.compact].append((group, weak, word))
            else:
                stems = tuple(t.stem for t in analyzed.tokens)
                self._latin[stems].append((group, weak, word))
                self._past[word] = tuple(_past(t.raw) for t in analyzed.tokens)

    # --- reading a question ----------------------------------------------------------

    def detect(self, question: str) -> AskedAspects:
        """The aspects a question asks for, ranked, and the time waited; never raises."""
        if not self._order:
            return AskedAspects(())
        analyzed = analyze(question)
        if not has_han(analyzed.compact) and {t.raw for t in analyzed.tokens} - _FILLERS == {"how"}:
            # "how?", "and how?" asks how to do what was just said, as "how do i do that"
            # does (only bare: in a sentence "how" is "how does etsy decide", "how often")
            analyzed = analyze(_HOW_TO_DO_IT)
        found_hits = self._off_places(analyzed.compact,
                                      self._han_hits(analyzed) + self._latin_hits(analyzed))
        replying = [h for h in found_hits if _asker_replies(analyzed, h)]
        # a reply the asker did not give the customers ("卖家没按时回复顾客会怎么样") is
        # the limit the asker has to answer in, as "how fast do I need to reply" is
        unanswered = [h for h in found_hits
                      if _customers_unanswered(analyzed.compact, h, self._customers)]
        found_hits = [h for h in found_hits if not _when_it_happens(analyzed.compact, h)
                      and not _how_often(analyzed.compact, h)
                      and not _pressed(analyzed.compact, h)
                      and not _opens_something(analyzed, h) and h not in replying
                      and h not in unanswered] + [
            h._replace(group=Aspect.deadline.value) for h in unanswered]
        if replying:
            # how soon the asker must reply ("how fast do I need to reply to customers") is
            # a deadline, as 要多久内回复 is
            found_hits = [h._replace(group=Aspect.deadline.value)
                          if h.group == Aspect.response_time.value else h for h in found_hits]
        found_hits = [_by_whom(analyzed, h) for h in found_hits]
        # elapsed and reach words are context, not rivals: "没人回" inside "没人回复" still
        # counts
        hits = self._drop_contained([h for h in found_hits if h.group not in _CONTEXT])
        # an idiom only hides the aspect word inside it: "第一时间" is "at once", no time
        idioms = [h for h in hits if h.group == _IDIOM]
        hits = [h for h in hits if h.group != _IDIOM]
        hits += [h for h in found_hits if h.group in _CONTEXT]
        # "过了这个期限还能找谁": the deadline pointed back at is what was said; whom to
        # reach is the question (the word stays a word of the question: "超过期限后，可以
        # 直接联系卖家" is what it matches)
        reaching = [h for h in hits if h.group == _REACH]
        # (the channels in "email or call", "打电话还是在线聊天" are the choices, not what is
        # asked of them: a word overlapping such words is theirs)
        choices = [h for h in hits if h.group == _CHOOSE]
        if reaching or choices:
            # ... and an aspect word inside the reach words is theirs ("who can" in "who
            # can I contact" is no question of who may use it)
            hits = [h for h in hits if h.group in _CONTEXT or not (
                (reaching and _pointed(analyzed, h.start))
                or any(r.start <= h.start and h.end <= r.end for r in reaching)
                or any(r.start < h.end and h.start < r.end for r in choices))]
        # a way to them said as what comes after ("before I message them, what do I do
        # first", 打电话前要先做什么) is no question about that way, where something else
        # is asked (what to do first counts)
        hits = _unless_alone(hits, [h for h in hits if h.group in _DONE_BEFORE
                                    and _before_it(analyzed, h)], also=frozenset({_FIRST}))
        # "next step" asks what comes next, not the steps ("emailed them twice and
        # nothing. next step?" is a reply waited for), where something else is asked
        nexts = [h for h in hits if h.group == _NEXT]
        hits = _unless_alone(hits, [h for h in hits if h.group not in _CONTEXT and any(
            n.start <= h.start and h.end <= n.end for n in nexts)])
        if reaching:
            # "how do i get in touch with etsy": how to reach them, the way in, not the
            # steps of a thing to do ("how do i" is the reaching's)
            hits = [h for h in hits if not (h.weak and h.group == Aspect.entry.value)]
        strong = [h for h in hits if not h.weak and h.group not in _CONTEXT]
        counted = strong or [h for h in hits if h.group not in _CONTEXT]
        if strong and all(h.group in _CHANNELS for h in strong):
            # a channel is often only the topic: "电话啥时候打好" asks when
            counted += [h for h in hits if h.weak and h.group not in _CONTEXT | _CHANNELS]
        found = {h.group for h in counted}
        if not found - _CHANNELS and _names_clock(analyzed.text):
            found.add(Aspect.hours.value)  # "还有客服吗 凌晨三点", "still open at 3am"
        elapsed = None
        if (any(h.group == _CONSEQUENCE for h in hits) and not reaching
                and parse_elapsed(analyzed.text)):
            # a time and what happens ("超过48小时没回会怎样", "didn't reply in 48h, what
            # happens"), or whether it is still possible ("过了48小时还能争议吗"): the rule
            # of the limit, not the wait (whom to reach after it is no limit: "等了3天还能找谁")
            found.discard(Aspect.followup.value)
            found.add(Aspect.deadline.value)
        elif any(h.group == _ELAPSED for h in hits) or _done(analyzed.text):
            elapsed = parse_elapsed(analyzed.text)
            # (waiting for money or goods, no reply: "申请了一周钱还没到账")
            awaited = any(h.group == _AWAITED for h in hits)
            if elapsed is not None and Aspect.deadline.value not in found and not awaited:
                # (time gone by and still possible? asks the limit: "过了48小时还能提吗")
                found.add(Aspect.followup.value)
        if Aspect.response_time.value in found and any(h.group == _AWAITED for h in hits) \
                and all(h.word in HOW_LONG for h in counted
                        if h.group == Aspect.response_time.value):
            # how long money or goods take is no reply time ("退款多久到账", "how long does
            # delivery take"): what answers it, the facts' words say
            found.discard(Aspect.response_time.value)
        speed = reaching and Aspect.response_time.value in found and all(
            h.word in _SPEED for h in counted if h.group == Aspect.response_time.value)
        if speed:
            # reached fast ("how do i reach a human at amazon fast"): the fastest way is
            # asked, which the card's recommendation says, not how fast they reply
            found.discard(Aspect.response_time.value)
        # another way asked for ("打不通 還有別的號碼嗎", "any other number"): that channel
        # is what is asked, whatever else the question tells
        before = {t.end: t.stem for t in analyzed.tokens}
        other = {h.group for h in counted if h.group in _CHANNELS and (
            _OTHER.search(analyzed.compact[max(0, h.start - 4):h.start])
            or before.get(h.start) in _OTHER_EN)}
        # a message of several clauses asks in the one with a question word; the others
        # tell the story ("我是个人卖家 只能发邮件 一般多久会回": the reply time)
        asking = asking_clauses(analyzed)
        asked_here = {h.group for h in counted if any(a <= h.start < b for a, b in asking)}
        if any(asks_may(analyzed, a, b) for a, b in asking):
            # "我是个人卖家，能申请电话回电吗": who may is asked where "can I" is, whoever
            # the story says the asker is
            asked_here.add(Aspect.eligibility.value)
        if not (asked_here and found - asked_here):
            asked_here = set()
        # a bare "quick" or "fast" beside another aspect says how soon that is wanted, not
        # what is asked ("quick one: walmart seller support phone number"); "how fast"
        # asks it
        modifier = {Aspect.response_time.value} if (
            Aspect.response_time.value in found and found - _CONTEXT - {
                Aspect.response_time.value}
            and all(h.word in _SPEED and before.get(h.start) != "how"
                    for h in counted if h.group == Aspect.response_time.value)) else set()
        aspects = tuple(Aspect(g) for g in sorted(
            found, key=lambda g: (g not in other, g in modifier, g not in asked_here,
                                  self._order[g])))
        # reach words stay words of the question: "联系卖家" is what a fact says
        said = [h for h in hits if h.group not in (_REACH, _APP, _WEB, _CONSEQUENCE, _AWAITED,
                                                   _IDENTIFIER, _CHOOSE, _FIRST, _NOT_HELPED,
                                                   _TEMPLATE)]
        # (an idiom is read too: "every time we log in" matches no fact about time)
        words = tuple(dict.fromkeys(h.word for h in [*said, *idioms]))
        read_as = tuple(dict.fromkeys((h.word, h.group) for h in said))
        reach = any(h.group == _REACH for h in hits)
        media = {h.group for h in hits if h.group in (_APP, _WEB)}
        medium = media.pop() if len(media) == 1 else None
        weak = bool(counted) and not strong and found == {h.group for h in counted}
        identifies = any(h.group == _IDENTIFIER for h in hits)
        choosing = speed or any(h.group == _CHOOSE for h in hits)
        # (inside an aspect word or an idiom, "first" is theirs: "first reply", "first time")
        words_read = [h for h in found_hits if h.group not in _CONTEXT]
        starts = any(h.group == _FIRST and not any(
            o.start < h.end and h.start < o.end for o in words_read) for h in hits)
        # (the `more` and `next` words stay among `words`, read: no words of the question's
        # own)
        more = any(h.group == _MORE for h in hits)
        follows = any(h.group == _FOLLOWS and not h.weak for h in hits)
        what_happens = any(h.group == _FOLLOWS and h.weak for h in hits)
        after = any(h.group == _NEXT for h in hits)
        still = any(h.group == _NOT_HELPED for h in hits)
        template = any(h.group == _TEMPLATE for h in hits)
        return AskedAspects(aspects, elapsed, words, read_as, reach, medium, weak, identifies,
                            choosing, starts, more, follows, what_happens, after, still,
                            template)

    def _off_places(self, compact: str, hits: list[_Hit]) -> list[_Hit]:
        """Drop what a place or platform name only looks like: "中国客服" is not "中文
        客服" with one character wrong, it asks for China's service. A word typed exactly
        stays."""
        if all(h.exact for h in hits):
            return hits
        spans = [(i, i + len(p)) for p in self._places
                 for i in textnorm.occurrences(compact, p)]
        if not spans:
            return hits
        return [h for h in hits
                if h.exact or not any(h.start < end and start < h.end for start, end in spans)]

    def _han_hits(self, analyzed: Analyzed) -> list[_Hit]:
        compact = analyzed.compact
        hits: list[_Hit] = []
        for start, end in analyzed.han_runs:
            # a word may run on into Latin letters or digits ("开case", "双11")
            for i in range(start, end):
                for surface in self._han_by_first.get(compact[i], ()):
                    if compact.startswith(surface, i):
                        hits += self._hits_for(self._han[surface], i, i + len(surface))
            hits += self._han_typos(compact, start, end, hits)
        # a reply not (yet) given, however it is put: "到现在也没有回复", "两天都没理我"
        for match in _NO_REPLY_HAN.finditer(compact):
            hits.append(_Hit(Aspect.followup.value, match.start(), match.end(), False,
                             match.group()))
        # someone who says they are the service ("说是天猫客服", "说他是亚马逊的工作人员"):
        # whom to trust is the question, whatever they want
        for match in _CLAIMS_HAN.finditer(compact):
            hits.append(_Hit(Aspect.safety.value, match.start(), match.end(), False,
                             match.group()))
        # words that start with a digit or letter ("24小时", "7x24")
        for token in analyzed.tokens:
            for surface in self._han_by_first.get(compact[token.start], ()):
                if compact.startswith(surface, token.start):
                    hits += self._hits_for(self._han[surface], token.start,
                                           token.start + len(surface))
        return hits

    def _han_typos(self, compact: str, start: int, end: int, exact: list[_Hit]) -> list[_Hit]:
        """Words of ≥ 3 characters with one character wrong, where no word was found."""
        covered = [False] * len(compact)
        for hit in exact:
            if not hit.exact:
                continue
            for j in range(hit.start, hit.end):
                covered[j] = True
        known = [0]  # characters of known words before each offset
        for c in covered:
            known.append(known[-1] + c)
        out: list[_Hit] = []
        for length in self._han_lengths:
            for s in range(start, end - length + 1):
                # the kept characters are not all known words already ("时客服" is not
                # "假客服"): at least two of the window are none
                if known[s + length] - known[s] >= length - 1:
                    continue
                for p in range(s, s + length):
                    if covered[p]:  # the wrong character is not part of a known word
                        continue
                    if ((p + 1 == s + length and compact[p:p + 2] in self._pairs)
                            or (p == s and p > 0 and compact[p - 1:p + 1] in self._pairs)):
                        continue
                    key = compact[s:p] + "\0" + compact[p + 1:s + length]
                    for surface in self._han_masked.get(key, ()):
                        if may_replace(compact[p], surface[p - s], length):
                            out += self._hits_for(self._han[surface], s, s + length,
                                                  exact=False)
        return out

    def _latin_hits(self, analyzed: Analyzed) -> list[_Hit]:
        tokens = analyzed.tokens
        stems = [self._correct(t.stem, t.raw) for t in tokens]
        hits: list[_Hit] = []
        for i, first in enumerate(stems):
            if first == "when" and i + 1 < len(tokens) and tokens[i + 1].raw.lower() not in _ASKS:
                continue  # "appeal when amazon deactivates my account": when it happens
            if first in _NOT_YET:
                # "hasn't answered", "never replied", "didn't even respond": no reply yet,
                # however it is put (the word lists hold only the commonest)
                reply = next((j for j in range(i + 1, min(i + 4, len(stems)))
                              if stems[j] in _REPLIED), None)
                if reply is not None:
                    hits.append(_Hit(Aspect.followup.value, tokens[i].start, tokens[reply].end,
                                     False, " ".join(t.raw for t in tokens[i:reply + 1])))
            if (tokens[i].raw.lower() in _SAYS and i + 2 < len(tokens)
                    and tokens[i + 1].raw.lower() in _PERSON
                    and tokens[i + 2].raw.lower() in _BE):
                # "saying he was from amazon", "said she is Etsy support": someone who says
                # who they are — whom to trust is the question (the words file lists the
                # commonest, "saying they are"; any person is said so)
                hits.append(_Hit(Aspect.safety.value, tokens[i].start, tokens[i + 2].end, False,
                                 " ".join(t.raw for t in tokens[i:i + 3])))
            if first == "hour" and i > 0 and (stems[i - 1].isdigit() or stems[i - 1] in _SOME):
                continue  # "on hold for an hour", "48 hours": a length of time, no hours
            for phrase in self._latin_by_first.get(first, ()):
                at = _words_at(stems, i, phrase)
                if at is not None:
                    n = len(phrase)
                    said = tuple(_past(tokens[j].raw) for j in at)
                    entries = [e for e in self._latin[phrase]
                               if _tense_fits(said, self._past[e[2]], e[0])]
                    if n == 1 and first in _OPEN_SHUT and (
                            (i + 1 < len(tokens) and tokens[i + 1].raw.lower() in _OBJECTS)
                            or (i > 0 and tokens[i - 1].raw.lower() == "to")):
                        # "open the case", "close my account", "ok to open?": a thing
                        # opened, no opening hours
                        entries = [e for e in entries if e[0] != Aspect.hours.value]
                    if _done_before(tokens, i):
                        # "and once i submit the return?", "after submitting it": a step
                        # taken, what comes after it asked (as 提交以后呢), not how to take
                        # it; read, as an idiom's words are (no word of what is asked)
                        entries = [(_IDIOM, *e[1:]) if e[0] == Aspect.entry.value else e
                                   for e in entries]
                    hits += self._hits_for(entries, tokens[i].start, tokens[at[-1]].end)
        return hits

    def _correct(self, stem: str, raw: str) -> str:
        """A misspelt English word → the aspect word it most likely is, else itself."""
        budget = textnorm.edit_budget(len(raw))
        if (
            budget == 0
            or stem in self._vocab_set
            or stem in self._known
            or stem in STOPWORDS
            or raw.lower() in STOPWORDS  # "does" stems to "doe", one edit from "due"
            or raw.lower() in self._common  # "deal" is no misspelt "dial"
            or stem.isdigit()
        ):
            return stem
        found = process.extract(stem, self._vocab, scorer=OSA.distance, score_cutoff=budget,
                                limit=None)
        if not found:
            return stem
        found.sort(key=lambda f: (f[1], f[0][0] != stem[0], f[0]))
        return str(found[0][0])

    @staticmethod
    def _hits_for(
        entries: list[tuple[str, bool, str]], start: int, end: int, *, exact: bool = True
    ) -> list[_Hit]:
        return [_Hit(group, start, end, weak, word, exact) for group, weak, word in entries]

    @staticmethod
    def _drop_contained(hits: list[_Hit]) -> list[_Hit]:
        """A word strictly inside a longer, exactly typed word does not count on its own."""
        return [
            h for h in hits
            if not any(
                o.exact
                and o.start <= h.start
                and h.end <= o.end
                and (o.end - o.start) > (h.end - h.start)
                for o in hits
            )
        ]


# --- durations ---------------------------------------------------------------------------

_ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_EN_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
               "seven": 7, "eight": 8, "nine": 9, "ten": 10, "couple of": 2, "few": 3}
_UNIT_HOURS = {
    "分钟": 1 / 60, "小时": 1.0, "个小时": 1.0, "钟头": 1.0, "个钟头": 1.0, "天": 24.0, "日": 24.0,
    "周": 168.0, "星期": 168.0, "个星期": 168.0, "礼拜": 168.0, "个月": 720.0,
    "minute": 1 / 60, "min": 1 / 60, "hour": 1.0, "hr": 1.0, "h": 1.0, "day": 24.0, "d": 24.0,
    "week": 168.0, "wk": 168.0, "month": 720.0,
}
_NUMBER = (r"(?P<num>\d+(?:\.\d+)?|[零一二两三四五六七八九十]+|"
           + "|".join(sorted(_EN_NUMBERS, key=len, reverse=True)) + ")")
_UNIT = ("(?P<unit>" + "|".join(sorted(_UNIT_HOURS, key=len, reverse=True)) + ")")
_DURATION_RE = re.compile(
    rf"(?<![a-z0-9.]){_NUMBER}\s*(?P<half>个半)?\s*{_UNIT}(?:s|es)?(?![a-z])(?P<within>\s*(?:内|之内|以内))?",
    re.IGNORECASE,
)
_WITHIN_RE = re.compile(r"\bwithin\s*$", re.IGNORECASE)
# a time of day: "三点", "10点半", "3am", "11 pm", "9:30pm"
_CLOCK_RE = re.compile(r"(?<![第几])(?:\d{1,2}|[一二两三四五六七八九十]{1,3})点(?!多久)|"
                       r"\b\d{1,2}(?::\d{2})?\s?(?:am|pm)\b", re.IGNORECASE)
# "一点" is far more often "a bit" (高一点, 快一点) than one o'clock: a clock only when
# the time of day or the hour's own words mark it ("凌晨一点", "一点半", "一点钟")
_DAYTIME = re.compile(r"(?:凌晨|早上|上午|中午|下午|晚上|半夜|夜里|今天|明天|"
                      r"周[一二三四五六日天末]|星期[一二三四五六日天])$")
_HOUR_AFTER = re.compile(r"[钟半前后到至]|以[前后]|左右|\s*[-~～–]")


def _names_clock(text: str) -> bool:
    for match in _CLOCK_RE.finditer(text):
        if match.group() != "一点":
            return True
        if _DAYTIME.search(text[:match.start()]) or _HOUR_AFTER.match(text, match.end()):
            return True
    return False


_GLUED = re.compile(r"([a-z])(?=[\u4e00-\u9fff])", re.IGNORECASE)


def _zh_number(text: str) -> float | None:
    """一 … 九十九 (what people write for hours and days); None for anything else."""
    if "十" in text:
        head, _, tail = text.partition("十")
        tens = _ZH_DIGITS.get(head, 0) if head else 1
        ones = _ZH_DIGITS.get(tail, 0) if tail else 0
        if (head and head not in _ZH_DIGITS) or (tail and tail not in _ZH_DIGITS):
            return None
        return float(tens * 10 + ones)
    if len(text) == 1 and text in _ZH_DIGITS:
        return float(_ZH_DIGITS[text])
    return None


def _clean(text: str) -> str:
    """The text as durations are read from it; a Latin word glued to Chinese ends there
    ("开了case三天了": 三天 is a duration, not the end of a word)."""
    return _GLUED.sub(r"\1 ", textnorm.clean(text))


def _done(text: str) -> bool:
    """A duration followed by 了 is time that has passed ("开了case三天了"), whatever
    words surround it."""
    cleaned = _clean(text)
    # "是7天了吗" asks whether it is seven days: a question, not time waited
    return any(cleaned[m.end():m.end() + 1] == "了" and cleaned[m.end() + 1:m.end() + 2] != "吗"
               for m in _DURATION_RE.finditer(cleaned))


def without_durations(text: str) -> str:
    """The text without its lengths of time ("过了48小时呢" → "过了 呢"): what else it says."""
    return _DURATION_RE.sub(" ", _clean(text))


def parse_elapsed(text: str) -> timedelta | None:
    """The first duration in a text that is not a deadline ("72小时内", "within 3 days").

    The caller decides whether it is time already waited (an `elapsed` word nearby).
    """
    cleaned = _clean(text)
    for match in _DURATION_RE.finditer(cleaned):
        if match.group("within") or _WITHIN_RE.search(cleaned[: match.start()]):
            continue
        raw = match.group("num").lower()
        if raw in _EN_NUMBERS and match.end("num") == match.start("unit"):
            continue  # a word, not a number and a unit: "and" is not "an d(ay)"
        if raw[0].isdigit():
            number: float | None = float(raw)
        elif raw in _EN_NUMBERS:
            number = float(_EN_NUMBERS[raw])
        else:
            number = _zh_number(raw)
        if number is None:
            continue
        if match.group("half"):
            number += 0.5
        hours = number * _UNIT_HOURS[match.group("unit").lower()]
        if hours <= 0 or hours > 24 * 366:
            continue
        return timedelta(hours=hours)
    return None

