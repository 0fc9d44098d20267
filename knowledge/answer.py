"""The direct answer: the fact a question asks for, first and short, as data.

"日本亚马逊电话多少" wants the number, not a 3 KB card with the number 900 characters
down. A question resolves to a target card (what search finds) and an aspect (what
`knowledge.aspects` reads); the answer states the facts of that aspect in at most five
lines, then one line of the card's recommendation. Every front end (private chat,
groups, inline mode, the terminal) gets the same `DirectAnswer` and only lays it out.

How the facts are chosen:

* The facts come from `catalog.platform_facts` (each with its effective aspects), never
  from anywhere else: no fact is written here. Where the knowledge has nothing for the
  aspect the answer says so and sends the user to the official entry.
* Nearest first: the card's own channels and issue, then the rest of the role's
  channels and the platform, then the role's other issues. Channel facts (numbers,
  hours, reply times) lead for channel aspects; the issue's own lists lead otherwise.
  A channel named alongside ("邮件多久回复") keeps only that channel's facts.
* A question that names a fact and a platform but no issue is never "not sure": the
  role comes from the question, or from which role has facts for the aspect, or from
  search's best card on that platform; the card is search's best card of the role where
  that is a matter matching far better than the general card (`MATTER_AHEAD`), search
  unsure, then the role's `general` card, when it holds such facts, else the first that
  does.
* Sites: with a site named, that site's facts (and site-less ones) only, and when the
  site has none the answer says so and names the sites that have. With no site named,
  the answer is compact over every site as long as it fits the five lines; what does
  not fit is one line naming the other sites ("pick one"), with `narrow` set and
  `sites` listing them for buttons. So a phone number with no site lists the numbers
  of all five sites that have one, one line each, and a question about languages,
  which differ at seven sites, offers a choice of site after what fits.
* Follow-up: with a waiting time ("48小时没回"), the response window of the card's
  first timed channel places the case in the playbook's round (`followup.round_after`,
  the reminders' rule), and the answer gives that round's steps.
* Length: ≤ 5 fact lines, each cut at `LINE_CAP`; the whole plain text is kept under
  `MAX_CHARS` by dropping the last lines. The asked fact is the first line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_timedelta

from knowledge.aspects import (
    HOW_LONG,
    POINTERS_EN,
    POINTERS_HAN,
    AskedAspects,
    parse_elapsed,
    without_durations,
)
from knowledge.card import FactLines, Line, Span, recommendation_of
from knowledge.catalog import (
    GENERAL_ISSUE,
    AspectFact,
    CardRef,
    Catalog,
    labelled_site,
    platform_facts,
)
from knowledge.contrast import without_set_aside
from knowledge.conversation import Conversation
from knowledge.factindex import COMMON_IDF, FactMatch, said_by, terms
from knowledge.followup import max_rounds, playbook, response_window, round_after
from knowledge.hours import active_holidays
from knowledge.listitems import items_asked, tail_asked
from knowledge.preamble import without_preamble
from knowledge.schema import (
    CHANNEL_ASPECTS,
    Aspect,
    Channel,
    ChannelKind,
    Fact,
    Holiday,
    Hours,
    Lang,
    Phone,
    Platform,
    Response,
    Site,
    Source,
    SourceKind,
)
from knowledge.search import ROLE_UNSAID, SHOPPER, SearchIndex, SearchResult
from knowledge.textnorm import has_han, to_simplified

__all__ = ["MAX_CHARS", "MAX_LINES", "DirectAnswer", "answer_about", "direct_answer"]

MAX_LINES = 5  # fact lines in a direct answer
LINE_BUDGET = 400  # characters of fact lines; further facts become "pick a site" or wait
# no platform named, search unsure: a fact of one platform that shares this many of the
# question's own words, scoring this many times the best of any other platform, names it
# (picked on the dev splits: dev5 +2, the rest unchanged; two shared words, or a rare one,
# let "how do i cancel an order" become a Walmart seller's rule)
PLATFORM_BY_FACT_WORDS = 3
PLATFORM_BY_FACT_MARGIN = 1.5
# one fact line longer than this is cut with "…" (picked on the dev splits: 200 → 220
# gained dev4 one, the rest unchanged; 240 the same, 160 lost on every split)
LINE_CAP = 220
MAX_CHARS = 1000  # the whole plain text, never more
SAME_FACT = 0.5  # two facts sharing this share of their character pairs say one thing
# The facts' own words (knowledge.factindex): a fact scoring at least this matches the
# question; the best such fact decides the aspect when no aspect word fired, and facts
# within LEXICAL_LEAD of the best come first among the facts of the aspect.
LEXICAL_MIN = 2.5
LEXICAL_LEAD = 0.5
# how much better a fact of another aspect must match to lead (picked on the dev splits,
# session 9: 2.0 → 2.5 gained dev5 three, the rest unchanged; 3.0 the same, 4.0 less)
LEXICAL_SWITCH = 2.5
WEAK_SWITCH = 1.5  # ... where the aspect was read from weak words alone (dev: 1.0 to 1.5 the same)
LEXICAL_STRONG = 9.0  # ... and how well at least, outside the durations
DURATION_SWITCH = 1.5  # a duration word leaves which duration open: a smaller margin
# how much better than the role's general card search's best matter must match for a fact
# asked of it to be that matter's, search unsure (dev: 1.2 to 2.0 the same; 3.0 one less)
MATTER_AHEAD = 2.0
LEXICAL_FOCUS = 6.0  # with an aspect word read, facts lead by their words from this score
# a fact the last answer showed, matched by a follow-up's words, counts this many times
# (picked on the dev splits: 1.2 to 8 the same; its channel's other facts too lost one)
FOLLOW_BOOST = 2.0
SEEN_LINES = 3  # the answer's first lines, surely read: "still nothing" is after them
FOCUS_LINES = 2  # the answer's first lines whose issue a follow-up inherits (dev3: 1 too few)
# how much better a fact of another card must match than any of the conversation's card
# for a follow-up to be a question of its own
MOVED_ON = 2.0
# how much better the best fact of the other role must match, the asker not saying their
# side (dev: 2.0 to 5.0 the same, +2; 1.5 −1)
ROLE_BY_FACTS = 2.5
ROLE_TIE = 0.9  # cards of two roles this close are a tie (dev: 0.9 to 0.99 the same)
SEARCH_ROLE = 2.0  # how much better search's cards of one role must match to say the role
LEAD_OTHER = 1.5  # how much better a fact of no asked aspect must match to lead (on dev)
# aspects a duration word ("多久", "how many days") may ask for
_DURATIONS = frozenset({Aspect.response_time, Aspect.deadline, Aspect.retention})
# what a question of how to reach someone asks: addressing the shop that way
# ("怎么跟店家聊") is the shop's channel; asking anything else ("跟商家谈崩了怎么让平台出面")
# is not
_REACHING = frozenset({*CHANNEL_ASPECTS, Aspect.entry, Aspect.human})
# what a way of reaching them has of its own: asked again of another way by naming it
_OF_A_WAY = frozenset({Aspect.hours, Aspect.response_time, Aspect.languages,
                       Aspect.eligibility, Aspect.holiday})

# Where an aspect's best facts sit, nearest first: on the channels (numbers, hours,
# reply times, who may use a channel), on the issue (its path, what to prepare, how to
# escalate), on the site, or platform-wide (official entry, holidays, warnings, playbook).
_CHANNEL_FIRST = ("channel", "site", "issue", "platform")
_PLACES: dict[Aspect, tuple[str, ...]] = {
    **dict.fromkeys(
        (Aspect.phone, Aspect.hours, Aspect.response_time, Aspect.email, Aspect.chat,
         Aspect.callback, Aspect.eligibility, Aspect.retention),
        _CHANNEL_FIRST,
    ),
    Aspect.languages: ("site", "channel", "issue", "platform"),
    # the way in to a matter: its own path, then its channels' steps, then the platform's
    # front door (which says nothing of the matter; the general card's is _WAY_IN below)
    # (blind dev +2, held out +5 against the front door before the channels)
    Aspect.entry: ("issue", "channel", "platform", "site"),
    Aspect.holiday: ("platform", "channel", "issue", "site"),
    # no reply, what now: the matter's own steps, then the platform's playbook, before a
    # channel's note that says what follows a case ("Etsy e-mails you when…")
    Aspect.followup: ("issue", "platform", "channel", "site"),
}
_ISSUE_FIRST = ("issue", "channel", "site", "platform")
# where the way in to the platform's service is asked ("虾皮客服在哪"), the platform's
# own entry answers; the general card's tips ("如果你是卖家…", "download the app from
# the official stores") come after it
_WAY_IN = ("platform", "issue", "channel", "site")
# aspects whose answer is a channel itself: its description leads, then how to use it
_DESCRIBED = frozenset({Aspect.email, Aspect.chat, Aspect.callback, Aspect.intervene})
# a choice between two asked ("问店家还是问天猫官方", "the shop or tmall itself")
_CHOICE = re.compile(r"还是|哪个|\bor\b|\bvs\.?\b|\bwhich\b", re.IGNORECASE)
# two things set side by side ("有啥区别", "what's the difference", "vs")
_COMPARE = re.compile(r"区别|差别|不同|不一样|差异|\bdifferen|\bvs\.?\b|\bversus\b|\bcompared?\b",
                      re.IGNORECASE)
# what a thing is or does asked, and nothing else ("机器人客服能帮我干啥", "what is it for")
_DESCRIBE = re.compile(r"[干做](?:啥|嘛|什么|哪些)|有(?:什么|啥)用|是(?:什么|啥)|"
                       r"(?:管|负责|处理|适合)(?:什么|啥|哪些|哪种|哪类)|"
                       r"\bwhat(?:'s|\s+is|\s+are|\s+does|\s+do|\s+can)\b",
                       re.IGNORECASE)
# the customer-service concept as search names it among a question's terms (synonyms.yaml)
_SUPPORT = "客服"
# language words that name no language ("语言", "speak")
_GENERIC_LANGUAGE = re.compile(r"语言|language|speak|bilingual", re.IGNORECASE)
# an hours word that asks about round the clock ("24/7", 24小时, 全天, 7x24)
_ALL_DAY = re.compile(r"24\s*/\s*7|24\s*小时|24\s*hours|7\s*x\s*24|全天|全年无休|round the clock",
                      re.IGNORECASE)
# which days asked of the hours ("周末开吗", "weekends too?", "节假日上班吗"): the
# schedule's own note says them ("every day of the year", "local working days")
_DAYS = re.compile(r"周末|周[六日天]|礼拜[六天日]|星期[六天日]|假日|工作日|哪几天|哪天|每天|"
                   r"\bweekends?\b|\bsaturdays?\b|\bsundays?\b|\bholidays?\b|\bweekdays?\b|"
                   r"\bevery day\b|\bwhich days\b", re.IGNORECASE)
# list fields whose short items read best joined on one line
_STEPS = ("steps_web", "steps_app")
_JOINED = ("prepare", *_STEPS)


@dataclass(frozen=True)
class DirectAnswer:
    """The short answer to one question, as plain data (texts are never markup).

    `ref` is the card the answer is about (with `site` when one was named), None when
    the question was not understood (the caller says "not sure" with search's
    suggestions). `aspect` None means nothing in particular was asked: `lines` is empty
    and the caller shows the card's summary. `from_search` is False when search alone
    was not sure and the platform, role and aspect chose the card.
    """

    question: str
    lang: Lang
    ref: CardRef | None
    aspect: Aspect | None
    aspects: tuple[Aspect, ...]  # everything asked, best first
    headline: str  # "亚马逊 · 买家 · 日本站 — 客服电话"
    lines: tuple[Line, ...]  # ≤ MAX_LINES, the asked fact first
    sources: tuple[Source, ...]  # what `lines` cite
    recommendation: Line | None  # the card's first recommendation, one line
    sites: tuple[str, ...] = ()  # other sites with facts for this aspect (buttons)
    narrow: bool = False  # facts differ by site and not all fit: `sites` is the choice
    elapsed: timedelta | None = None  # time already waited, if the question said
    from_search: bool = True
    suggestions: tuple[CardRef, ...] = ()  # search's cards, best first ("not sure" lists them)
    # the facts `lines` are drawn from (AspectFact.path on `ref.platform`), nearest first:
    # what users' votes on the answer are about (an editor re-checks their sources)
    facts: tuple[str, ...] = ()
    # the strength note (card.unconfirmed.*) every source of the answer shares, and the
    # line that says it once ("以上信息来自第三方指南…") where two or more lines carry it;
    # empty where the sources differ in kind or one is the platform's own
    note: str = ""
    note_once: str = ""
    # a site the question names that the platform's files have nothing for ("shopee
    # vietnam": Vietnam is another platform's site): the answer says so before anything
    uncovered_site: str | None = None
    # the asker's side, said, that the platform's files have no role for ("我是卖家" on
    # Shopee, whose files are a shopper's): the answer says so before anything
    uncovered_role: str | None = None
    # no platform named or implied: the answer is the likeliest one's (a guess the user
    # should see, with the way to another)
    platform_guessed: bool = False

    def shown_lines(self) -> tuple[Line, ...]:
        """`lines` as shown: a strength note that two or more lines repeat is said once,
        on a line after them (a phone shows the first 300 characters; a 42-character
        note on every line ate them). One note stays on its line."""
        carrying = sum(1 for line in self.lines if any(s.text == self.note for s in line.spans))
        if not self.note or not self.note_once or carrying < 2:
            return self.lines
        bare = tuple(Line(tuple(s for s in line.spans if s.text != self.note), line.indent)
                     for line in self.lines)
        return (*bare, Line.of(Span(self.note_once, "italic")))

    def notes_on_lines(self) -> DirectAnswer:
        """The same answer with each note on its own line (when a line is put among the
        lines that the once-line would not be true of: what users reported)."""
        return replace(self, note_once="")

    def source_line(self) -> str:
        if not self.sources:
            return ""
        titles = " · ".join(dict.fromkeys(_short(s, self.lang) for s in self.sources))
        return _label("answer.source", self.lang, titles=titles)

    def plain_text(self) -> str:
        """The answer as the terminal prints it and tests measure it."""
        if self.ref is None:
            return ""
        out = [self.headline]
        out += [_plain(line) for line in self.shown_lines()]
        if self.lines and (source := self.source_line()):
            out.append(source)
        if self.recommendation is not None:
            out.append(self.recommendation.text)
        return "\n".join(out) + "\n"


def _label(key: str, lang: Lang, **values: object) -> str:
    from knowledge.i18n import LABELS

    return LABELS.get(key, lang, **values)


def _short(source: Source, lang: Lang) -> str:
    return (source.short or source.title).get(lang)


def _plain(line: Line) -> str:
    return {0: "", 1: "• ", 2: "   – "}.get(line.indent, "   – ") + line.text


def direct_answer(
    catalog: Catalog,
    index: SearchIndex,
    question: str,
    *,
    lang: Lang,
    user_zone: ZoneInfo,
    now: datetime,
    personal: bool = True,
    suggestions: int = 5,
    context: Conversation | None = None,
) -> DirectAnswer:
    """Answer `question` with the fact it asks for; never raises on any string.

    `personal` False words times for others to read (groups, shared inline results);
    `suggestions` is how many of search's cards to keep (inline mode lists more);
    `context` is what the conversation was last about (knowledge.conversation).
    """
    question = index.speller.correct(question)  # (every reader below gets it spelt right)
    # "tmall's own service, not the shop's": the shop's words are no words of the question
    question = without_set_aside(question)
    # (an opener that names nothing is no part of the question: "Sorry for bothering you
    # again, how do i email amazon" asks the e-mail's way in, not to submit it again)
    question = without_preamble(index, question)
    asked = index.aspects.detect(question)
    message = question
    # (of the message itself, whatever the conversation adds below)
    still, template = asked.still, asked.template
    # "还有呢", "anything else?": more of the last answer (not "还有别的号码吗", which asks
    # for another number)
    more = asked.more and asked.first is None
    if asked.reach and context is not None and _names_a_target(index, question):
        # "那新加坡怎么联系" names where: the last question, of it, not the way in
        asked = replace(asked, reach=False)
    if (context is not None and context.words and asked.first is None and not asked.reach
            and (more or _SAME_AGAIN.search(to_simplified(question))
                 or not index.facts.says_more(question, asked.words))):
        # names and nothing else ("那蝦皮呢", "卖家呢"), or the same matter said to be
        # had ("and for germany? my mum has the same problem"): the last question, of them
        question = f"{question} {context.words}"
        asked = index.aspects.detect(question)
        if context.aspects:
            # what the last answer was about, as it was resolved: "malaysia?" after a
            # deadline answered is the deadline, whatever "how many days" reads as alone
            asked = replace(asked, aspects=tuple(dict.fromkeys(
                (*context.aspects, *asked.aspects))))
    elif (context is not None and asked.first is Aspect.followup
          and asked.elapsed is not None
          and (context.aspect is Aspect.deadline
               or _limit_shown(catalog, context, asked.elapsed))
          and not index.facts.says_more(without_durations(question), asked.words)):
        # a time and nothing more after a limit answered ("过了48小时呢", "and after 45
        # days?"), or after an answer whose first lines stated that very limit ("沃尔玛客服
        # 退款要在 48 小时内争议"): what the limit's rule says once it has passed, not what
        # to do about a reply waited for
        asked = replace(asked, aspects=(Aspect.deadline,), elapsed=None)
    elif (context is not None and context.aspect == Aspect.safety and asked.aspects
          and set(asked.aspects) <= set(CHANNEL_ASPECTS)):
        # after a scam story, "should I call back the number they gave me" is whom to
        # trust: the warning first, then the channel
        asked = replace(asked, aspects=(Aspect.safety, *asked.aspects))
    elif (context is not None and context.aspect in _OF_A_WAY and (
            (asked.aspects == (Aspect.human,) and not index.facts.says_more(question, asked.words)
             and _HOW_TO.search(to_simplified(question)) is None)
            or (asked.first is None and index.facts.names_a_channel_only(
                question, context.ref.platform, asked.words)))):
        # a way to them and nothing else ("人工呢", "机器人呢", "and the bot?") after "几点
        # 有": the same thing asked of that way, not the way in to it
        asked = replace(asked, aspects=(context.aspect, *asked.aspects))
    elif (context is not None and context.aspect is not None
          and context.aspect not in (*CHANNEL_ASPECTS, Aspect.entry) and asked.aspects
          and set(asked.aspects) <= set(CHANNEL_ASPECTS) and not asked.identifies
          and not index.facts.says_more(question, asked.words)
          and _channel_has(catalog, context.ref.platform, asked.aspects, context.aspect)):
        # a channel and nothing else ("电话呢", "email?") after "邮件多久回复": the same
        # thing asked of that channel (after "where is it", "电话多少" asks the number;
        # "号码呢", "the address?" name the channel's number or address: that, always),
        # where the files say it of that channel ("can I call them?" after a refund's
        # time on Temu, which has no phone at all, asks for a phone)
        asked = replace(asked, aspects=(context.aspect, *asked.aspects))
    elif (context is not None and context.aspect in CHANNEL_ASPECTS and asked.aspects
          and not set(asked.aspects) & set(CHANNEL_ASPECTS)
          and len(index.facts.own_words(question, asked.words)) <= 1
          and _channel_has(catalog, context.ref.platform, (context.aspect,), asked.aspects[0])):
        # what, and a word at most ("几点能打", "how fast do they answer"), after "电话
        # 多少": that, of the same channel (where one of its kind says it: "what evidence
        # do they want" after "Walmart gives no phone number" is the matter's list)
        asked = replace(asked, aspects=(*asked.aspects, context.aspect))
    result = index.search(question, limit=suggestions)
    own = result  # what the message itself names (a follow-up's result inherits the rest)
    if context is not None and result.platform is not None and not result.implied and (
            asked.first is not None or (
                (result.confident or index.facts.says_more(question, asked.words))
                and not _same_target(result, context.ref)
                # (the same platform again, with no role said, nothing asked and no card
                # search is sure of: on about it, as the last question's asker, "那etsy
                # 官方呢"; "ok and how do i contact etsy support?" finds its card)
                and not (result.platform == context.ref.platform and not result.asker_said
                         and not result.confident))):
        # a platform and what is asked of it, or another card of it: a new question
        # ("and Tmall's own support?" after the shop's way in is the same card, asked on)
        context = None
    if context is not None:
        result = _in_context(catalog, index, question, suggestions, context, message)
        if _moved_on(catalog, index, question, result, asked, context):
            context = None
    elif result.platform is None:
        result = _platform_by_facts(index, question, result, asked)
    # (of the message itself: a pointer in the last question's words, carried into a
    # bare "and europe?", points at nothing the last answer said)
    pointed = context is not None and _points_back(catalog, index, message, context)
    ref: CardRef | None
    if context is not None and pointed:
        # "这种取消我能申诉吗" after an answer that named the cancellations: about them,
        # wherever the other words would lead search ("申诉" finds the appeal card)
        ref, from_search = context.ref, False
    else:
        ref, from_search = _target(catalog, result, asked, context)
    if context is None and ref is not None and not result.asker_said and (
            result.reported in (None, ref.role)):
        # (not where the asker reports on the other side: "Etsy卖家两天没回我消息" is a
        # shopper's, whatever the sellers' facts say of messages)
        ref = _role_by_facts(catalog, index, question, asked, ref, result)
    ref, lexical, beyond = _facts_matching(catalog, index, question, result, asked, ref,
                                           again=context is not None and ref == context.ref)
    if not from_search and context is None and asked.first is not None:
        ref = _issue_by_facts(result, asked.first, ref, lexical)
    plain = to_simplified(message)  # (the cues below are written in simplified Chinese)
    called, named = _channels_called(catalog, index, question, result, ref, asked)
    if asked.choosing and asked.first is None and ref is not None \
            and ref.issue != GENERAL_ISSUE and not _other_shop(catalog, ref, named):
        # "email or call?" about a matter: the choices, not the channels asked about (of
        # no matter, "找商家还是找天猫" gets what the one named is for)
        named = ()
    elif (ref is not None and result.confident and ref.issue != GENERAL_ISSUE
          and _CHOICE.search(plain) and _OWN.search(plain)
          and _other_shop(catalog, ref, named)):
        # "帐号被盗了 找店铺还是找官方": the shop set against the platform itself, on a
        # matter whose card sends you to the platform: the card's way, and its reason
        named, lexical, beyond = (), [], []
    else:
        ref = called
    if context is not None and ref is not None:
        lexical = _pointed_back(context, ref, lexical, first=pointed)
        beyond = _pointed_back(context, ref, beyond, first=pointed)
    # the fact the question's own words match best, before the aspect reorders anything
    # (of its words beyond the card's own first; where those tell nothing, of all of them)
    lead = _lead(beyond, named, asked.aspects) or _lead(lexical, named, asked.aspects)
    if lead is not None and asked.medium is not None and ref is not None:
        lead = _on_medium(catalog, ref, lead, asked.medium)
    by_words = lead  # (what the question's form asks for, below, replaces it)
    described = asked.first is None and _DESCRIBE.search(plain) is not None
    past = _past_the_shop(catalog, ref) if (
        ref is not None and own.reported is not None and own.reported != ref.role and (
            asked.first is None or (asked.first is Aspect.followup
                                    and not _playbook_speaks_of(catalog, ref, own.reported)))
    ) else None
    if past is not None:
        # "抖音国际版买的东西坏了 卖家不管": the card would send them back to the shop that
        # will not help; how to get the platform to step in answers. So for "店铺一直不理我"
        # (the shop, not the platform's service, gives no reply: waiting on the
        # platform's chat is not the way on)
        asked = replace(asked, aspects=(past,))
    if (asked.first is Aspect.holiday and ref is not None and context is None
            and index.facts.says_more(message, asked.words)
            and not any(m.telling for m in beyond)
            and not any(Aspect.holiday in f.aspects for f in _target_facts(catalog, ref))):
        # a season named in a question of something else, where the files give no
        # holidays at all and no fact its words tell: the season is when, not what is
        # asked ("天猫双十一活动规则看不懂找谁问" asks who explains the rules; "the guides
        # have nothing on holidays" answered nothing). Asked alone or on ("节假日呢",
        # "春节期间呢" after the hours), it is the question, and that the files say
        # nothing of it the answer
        asked = replace(asked, aspects=asked.aspects[1:])
    asked, lexical = _asked(catalog, asked, result, context, lexical, beyond, named)
    asked, pointed_at = _duration_stated(catalog, ref, asked, context)
    if pointed_at is not None:
        lead = pointed_at
    if len(named) == 1 and ref is not None and (described or _CHOICE.search(plain)):
        # "问店家还是问天猫官方", "the shop or Tmall itself": which one, and why, first;
        # "机器人客服能帮我干啥", "what is seller chat for": what it is, first
        platform = catalog.platform(ref.platform)
        lead = next((f for f in _facts_of(platform) if f.kind == "channel"
                     and f.channel == named[0]), lead) if platform is not None else lead
        if platform is not None and not described and lead is not None:
            # (which one for this matter: the card's reason for it, where it gives one —
            # "改地址、催发货由商家处理" rather than all the shop's service does)
            lead = _card_reason(platform, ref, named, _aspect_of(catalog, lead)) or lead
    if asked.starts and ref is not None:
        # "东西到手就碎了 第一步干嘛": the card's fact that says what comes first leads
        step = _first_step(catalog, index, question, ref)
        if step is not None:
            lead = step
            if asked.first is None:
                asked = replace(asked, aspects=(_aspect_of(catalog, step),))
    if _asks_no_more_than_how(asked) and ref is not None and not named \
            and not asked.choosing and _OWN.search(plain):
        # "TikTok Shop怎么联系官方客服": the platform's own service, though the card
        # recommends asking the seller first: the platform's own way in
        ours = _platforms_own(catalog, ref)
        if ours is not None:
            named, asked = (ours,), replace(asked, aspects=(Aspect.entry,))
    shown: tuple[str, ...] = ()
    if more and context is not None and ref is not None and context.aspect is not None:
        # "还有呢", "anything else I should do?": more of what was just answered; what the
        # last answer did not show leads
        # (the next aspect it was about where the first has nothing more for the site:
        # "还有呢" after Singapore's number is what else to do about the scam)
        step = next(filter(None, (_not_shown(catalog, ref, a, context.facts)
                                  for a in context.aspects)), None)
        if step is not None:
            lead, shown = step, context.facts
            first = _aspect_of(catalog, step) if context.aspect not in step.aspects else \
                context.aspect
            asked = replace(asked, aspects=tuple(dict.fromkeys((first, *asked.aspects))))
    if (context is not None and ref is not None and context.aspect is Aspect.followup
            and not more and still and parse_elapsed(message) is None):
        # "还是不管呢", "and if they still don't answer?" after what to do when no reply
        # comes: the next round's steps, after the last the answer drew on (a time said,
        # "三天了还是没动静", says which round itself)
        step = _next_round(catalog, ref, context)
        if step is not None:
            lead, shown = step, context.facts
            asked = replace(asked, aspects=(Aspect.followup,), elapsed=None)
    if (asked.next and not more and not named and context is not None and ref is not None
            and len(index.facts.own_words(message, asked.words)) <= 1):
        # "然后呢", "ok what next" after where to click: the step after those shown, and
        # the steps after it
        steps = _next_steps(catalog, ref, context, asked.medium)
        if steps:
            # (the steps before them are done: shown, whether or not the answer showed them)
            stem = steps[0].path.rsplit(".", 1)[0]
            before = [f"{stem}.{i}" for i in range(_position(steps[0]))]
            lead = steps[0]
            ahead = {f.path for f in steps}
            shown = tuple(p for p in dict.fromkeys([*context.facts, *before]) if p not in ahead)
            asked = replace(asked, aspects=(Aspect.entry,))
    # a limit the question is about: a time said, a reply not given, a deadline answered
    limited = (parse_elapsed(question) is not None or Aspect.followup in asked.aspects
               or (context is not None and context.aspect is Aspect.deadline))
    if ref is not None and (asked.follows or (asked.what_happens and limited)):
        # "and if I miss it?", "过了退货期还能投诉吗", "超时了会怎样", "不回复顾客会有什么
        # 后果": what the files say follows once the limit passes, rather than the limit
        after = _what_follows(catalog, index, question, ref, context)
        if after is not None:
            lead = after
            asked = replace(asked, aspects=tuple(dict.fromkeys((_aspect_of(catalog, after),
                                                                *asked.aspects))))
    channels = named or _in_focus(catalog, ref, lexical)
    if (not named and context is not None and ref is not None and asked.first is Aspect.entry
            and len(index.facts.own_words(question, asked.words)) <= 1):
        # "具体点哪里", "how do i do that" after "卖家解决不了，再找 TikTok 客服开案": the way
        # in of the channel that answer pointed to, not of the card's first channel
        channels = _channel_pointed_at(catalog, index, ref, context) or channels
    if (not named and context is not None and ref is not None and ref == context.ref
            and asked.first is not None and asked.first not in _NOT_OF_A_WAY and not lexical
            and not set(asked.aspects) & set(CHANNEL_ASPECTS)):
        # "how long till they sort it out" after the referral-fee dispute's way in: the
        # time of the way that answer was about, not of the card's first way ("and if it's
        # fake?" after marking a message as spam: how to do that)
        channels = _channel_shown(catalog, ref, context, asked.first) or channels
    if not named and asked.medium is not None and context is not None and ref is not None:
        # "and on the desktop site?", "电脑上呢" after one channel's steps: that channel's
        # steps on the other medium
        channels = _steps_shown(catalog, ref, context) or channels
    known = _known_answer(catalog, index, message, ref, asked, context) if (
        lead is by_words and not named) else None
    if known is not None:
        # a question worded like one asked before: the fact that answered that one leads,
        # before the fact its words match best (not before what its form asks for: which
        # of two ways, the first step, what follows, more; nor of a way it names)
        lead = known
    answer = answer_about(catalog, ref, asked, question=question, lang=lang,
                          user_zone=user_zone, now=now, personal=personal,
                          from_search=from_search, lexical=lexical, channels=channels,
                          lead=lead, shown=shown)
    if answer.ref is not None and template:
        # "有没有申诉模板", "any wording I can copy": the files' letter, where the role has one
        answer = _with_template(catalog, answer)
    if (ref is not None and answer.aspect is not None and not answer.facts
            and own.role == ref.role and ref.role not in own.asker_said
            and index.facts.says_more(message, ())):
        # nothing for the role the question names, in a sentence that says more: the
        # role word may be the other party ("tiktok seller isnt replying to me" is a
        # buyer's): the other role's answer, rather than a false "nothing on this" (not
        # where the asker says it is theirs, "我是卖家呢", nor where the role is the
        # conversation's: "几点上班" after the sellers' chat asks the sellers' hours)
        answer = _as_other_role(catalog, result, asked, ref, answer, question=question,
                                lang=lang, user_zone=user_zone, now=now, personal=personal)
    lacking = result.asker_lacking if answer.ref is not None and \
        answer.ref.platform == result.platform else None
    if lacking is not None:
        # the asker is on a side the files do not cover: nothing specific applies; how to
        # reach the platform at all (its general card) follows the notice
        answer = answer_about(catalog, _general(catalog, replace(result, role=None)),
                              AskedAspects(()), question=question, lang=lang,
                              user_zone=user_zone, now=now, personal=personal)
    return replace(answer, suggestions=tuple(m.ref for m in result.matches),
                   uncovered_site=_uncovered_site(catalog, answer.ref, result.site),
                   uncovered_role=lacking,
                   platform_guessed=context is None and result.platform is None)


# what a question asks the figure of (a number, hours, a time): a known question's fact
# leads only where it is that figure ("amazon customer service phone number" near a
# question answered by Contact Us's hours gets the numbers)
_FIGURES = frozenset({*CHANNEL_ASPECTS, Aspect.hours, Aspect.response_time, Aspect.deadline,
                      Aspect.languages})


def _known_answer(catalog: Catalog, index: SearchIndex, message: str, ref: CardRef | None,
                  asked: AskedAspects, context: Conversation | None) -> AspectFact | None:
    """The fact that answered a known question worded like this one (knowledge/examples.py),
    where it may lead: the question asks something (a topic alone gets its card), a
    figure asked is what the fact gives, and a follow-up says more than one word of its own
    ("how exactly?" asks of the way just shown, whatever another conversation's "how
    exactly" wanted) and gets a fact of the card it follows up."""
    if ref is None or asked.first is None:
        return None
    if context is not None and len(index.facts.own_words(message, asked.words)) <= 1:
        return None
    fact = index.examples.answered_by(message, ref)
    if fact is None:
        return None
    if asked.first in _FIGURES and asked.first not in fact.aspects:
        return None
    if context is not None and not (_card_facts(catalog, [fact], ref)
                                    or (fact.issue is None and fact.channel is None)):
        return None
    return fact


# what a fact says comes first: 先 (not 优先 "rather", 事先 "beforehand"), 第一步, 首先;
# "first", "step one" (not the ordinal: "the first return is free", "first-hand")
_SAYS_FIRST_HAN = re.compile(r"(?<![优事预原首])先|第一步|首先")
_SAYS_FIRST_EN = re.compile(r"(?<!the )(?<!a )(?<!your )(?<!their )\bfirst\b(?![- ]hand)"
                            r"(?! time)|\bstep one\b", re.IGNORECASE)


def _first_step(catalog: Catalog, index: SearchIndex, question: str,
                ref: CardRef) -> AspectFact | None:
    """The fact of the card that says what to do first (in the question's language),
    the one the question's words match best: the issue's own, in the card's order where
    none does; a channel's only where they do ("先查邮箱" of a reply waited for is no
    first step of a suspension)."""
    pool = _target_facts(catalog, ref)
    han = has_han(question)
    marked = [f for f in _card_facts(catalog, pool, ref) if any(
        _SAYS_FIRST_HAN.search(t.zh) if han else _SAYS_FIRST_EN.search(t.en)
        for t in said_by(f))]
    if not marked:
        return None
    scores = {m.fact.path: m.score for m in index.facts.match(
        question, ref.platform, role=ref.role, site=ref.site, paths=[f.path for f in marked])}
    marked = [f for f in marked if f.issue == ref.issue or scores.get(f.path, 0.0) > 0]
    return max(marked, key=lambda f: scores.get(f.path, 0.0), default=None)


# the same matter said to be had again ("has the same problem", 也是同样的问题)
_SAME_AGAIN = re.compile(r"\bsame (?:problem|issue|thing|question)\b|"
                         r"同样的问题|一样的问题|同样的情况|一样的情况|也是这个问题", re.IGNORECASE)
# the platform's own service asked for, not the shop's
_OWN = re.compile(r"官方|平台|小二|\bofficial\b|\bitself\b|\bthe platform\b", re.IGNORECASE)


def _platforms_own(catalog: Catalog, ref: CardRef) -> str | None:
    """The card's first channel that is the platform's own, where the card recommends a
    way to the other side (the shop) first; else None (the card's summary answers)."""
    issue = catalog.issue(ref.platform, ref.role, ref.issue)
    if issue is None:
        return None
    listed = catalog.issue_channels(ref.platform, issue)
    if not listed or listed[0].kind != ChannelKind.merchant:
        return None
    return next((c.id for c in listed if c.kind != ChannelKind.merchant), None)


def _first_shown(catalog: Catalog, ref: CardRef, context: Conversation) -> list[AspectFact]:
    """The facts of the last answer's first lines, where it was about the same platform:
    what a follow-up that asks on about "it" points back at."""
    platform = catalog.platform(ref.platform)
    if platform is None or ref.platform != context.ref.platform:
        return []
    by_path = {f.path: f for f in _facts_of(platform)}
    return [by_path[p] for p in context.facts[:FOCUS_LINES] if p in by_path]


def _steps_shown(catalog: Catalog, ref: CardRef, context: Conversation) -> tuple[str, ...]:
    """The channel whose steps the last answer showed first (among its first lines), on
    the same platform; else ()."""
    return next(((f.channel,) for f in _first_shown(catalog, ref, context)
                 if f.channel is not None and _field(f) in _STEPS), ())


# what a follow-up may ask of the matter rather than of the way the last answer was
# about (besides a way named, which is that way): how to get in (`_channel_pointed_at`),
# what to prepare (the card's own list is the matter's)
_NOT_OF_A_WAY = frozenset({Aspect.entry, Aspect.prepare})


def _channel_shown(catalog: Catalog, ref: CardRef, context: Conversation,
                   aspect: Aspect) -> tuple[str, ...]:
    """The channel the last answer's first line was a fact of, where that channel has a
    fact of `aspect` for the role; else ()."""
    first = next(iter(_first_shown(catalog, ref, context)), None)
    if first is None or first.channel is None:
        return ()
    platform = catalog.platform(ref.platform)
    has = platform is not None and any(
        f.channel == first.channel and aspect in f.aspects and _for_role(f, ref.role)
        for f in _facts_of(platform))
    return (first.channel,) if has else ()


def _next_steps(catalog: Catalog, ref: CardRef, context: Conversation,
                medium: str | None) -> list[AspectFact]:
    """The steps after the one the last answer's first lines began with: after a
    channel's step, the ones that follow it on the same list; after a card's path (its
    steps in brief), the steps of the channel the answer went on to, from the second.
    Of `medium` ("app", "web") where the question says one; else []."""
    platform = catalog.platform(ref.platform)
    began = next((f for f in _first_shown(catalog, ref, context)
                  if _field(f) in (*_STEPS, "path")), None)
    if began is None or platform is None:
        return []
    facts = _facts_of(platform)
    if _field(began) in _STEPS:
        # (its steps are one line, in their order: after the first of them shown, though
        # the line went on with the rest — a line of steps is cut short, and one step to
        # a line reads more easily)
        channel, field = began.channel, _field(began)
        done = min(_position(f) for f in facts if f.channel == channel
                   and _field(f) == field and f.path in context.facts)
    else:
        by_path = {f.path: f for f in facts}
        later = next((by_path[p] for p in context.facts
                      if p in by_path and _field(by_path[p]) in _STEPS), None)
        if later is None:
            return []
        channel, field, done = later.channel, _field(later), 0
    if medium is not None and field != f"steps_{medium}":
        field, done = f"steps_{medium}", -1
    return [f for f in facts if f.channel == channel and _field(f) == field
            and _position(f) > done]


def _next_round(catalog: Catalog, ref: CardRef, context: Conversation) -> AspectFact | None:
    """The first step of the follow-up round after the last one the last answer drew on
    (the first round where it drew on none), for the role, on the same platform."""
    platform = catalog.platform(ref.platform)
    if platform is None or context.ref.platform != ref.platform:
        return None
    # (of its first lines, "followups.N.steps.K": the facts it drew on run on past what
    # it showed)
    numbers = [int(p.split(".")[1]) for p in context.facts[:SEEN_LINES]
               if p.startswith("followups.")]
    after = max((platform.followups[n].round for n in numbers if n < len(platform.followups)),
                default=0)
    rounds = sorted((f for f in platform.followups if f.round > after and ref.role in f.roles),
                    key=lambda f: f.round)
    if not rounds:
        return None
    path = f"followups.{platform.followups.index(rounds[0])}.steps.0"
    return next((f for f in _facts_of(platform) if f.path == path), None)


def _with_template(catalog: Catalog, answer: DirectAnswer) -> DirectAnswer:
    """The answer led by the letter template of its card, or of the one card of the role
    that has one (its name, then its opening lines; the card shows it whole); as it is
    where the role has none."""
    ref = answer.ref
    assert ref is not None
    role = catalog.role(ref.platform, ref.role)
    if role is None:
        return answer
    having = [i for i in role.issues if i.template is not None]
    issue = next((i for i in having if i.id == ref.issue), None)
    if issue is None and len(having) == 1 and ref.issue == GENERAL_ISSUE:
        issue = having[0]
    if issue is None or issue.template is None:
        return answer
    template = catalog.template(ref.platform, issue.template)
    if template is None:
        return answer
    opening = " ".join(template.body.splitlines()[:2])
    line = _capped(Line.of(Span(template.name.zh if answer.lang == "zh" else template.name.en,
                                "bold"), ": ", opening, indent=1))
    sources = tuple(dict.fromkeys((*answer.sources, *(catalog.sources[s] for s in
                                                      template.sources
                                                      if s in catalog.sources))))
    # (the headline says it is the template, for whatever else was asked)
    headline = answer.headline.rpartition(" — ")[0] or answer.headline
    headline = f"{headline} — {_label('answer.template', answer.lang)}"
    # (nothing else asked, "申诉信有范文吗": what to have ready, the letter first, rather
    # than the card's summary, which shows no letter)
    aspects = answer.aspects or (Aspect.prepare,)
    return _fit(replace(answer, ref=replace(ref, issue=issue.id), headline=headline,
                        lines=(line, *answer.lines), sources=sources, aspect=aspects[0],
                        aspects=aspects))


def _channel_pointed_at(catalog: Catalog, index: SearchIndex, ref: CardRef,
                        context: Conversation) -> tuple[str, ...]:
    """The one channel a fact among the last answer's first lines names in its words,
    where it is not the fact's own ("open a case with TikTok Customer Service", a note of
    the seller's chat), on the same platform and for the role; else ()."""
    for fact in _first_shown(catalog, ref, context):
        if not isinstance(fact.item, Fact):
            continue
        said = {c for text in (fact.item.text.zh, fact.item.text.en)
                for c in index.facts.named_channels(text, ref.platform, mentions=True)
                } - {fact.channel}
        channel = catalog.channel(ref.platform, said.pop()) if len(said) == 1 else None
        if channel is not None and ref.role in channel.roles:
            return (channel.id,)
    return ()


def _not_shown(catalog: Catalog, ref: CardRef, aspect: Aspect,
               shown: Sequence[str]) -> AspectFact | None:
    """The first fact of the aspect, the card's own first (its matter's before its
    ways'), that the last answer did not show."""
    pool = [f for f in _target_facts(catalog, ref) if aspect in f.aspects and f.path not in shown
            and _of_site(catalog, ref, f)]
    own = sorted(_card_facts(catalog, pool, ref), key=lambda f: f.issue != ref.issue)
    return next(iter(own or pool), None)


def _of_site(catalog: Catalog, ref: CardRef, fact: AspectFact) -> bool:
    """Whether a fact may be about the card's site: not where its words name only other
    sites, nor a way whose every number is another site's (Malaysia's scam hotlines,
    for Singapore)."""
    if ref.site is None:
        return True
    if fact.names_sites and ref.site not in fact.names_sites:
        return False
    channel = catalog.channel(ref.platform, fact.channel) if fact.channel else None
    sites = {p.site for p in channel.phones} if channel is not None else set()
    return not sites or None in sites or ref.site in sites


def _limit_shown(catalog: Catalog, context: Conversation, elapsed: timedelta) -> bool:
    """Whether one of the last answer's first lines is a time limit of just this length
    ("48 小时内", "within 48 hours"; in days where it is whole days)."""
    platform = catalog.platform(context.ref.platform)
    if platform is None:
        return False
    hours = elapsed.total_seconds() / 3600
    figures = {f"{hours:g}"} | ({f"{hours / 24:g}"} if hours >= 24 and hours % 24 == 0 else set())
    seen = set(context.facts[:SEEN_LINES])
    return any(Aspect.deadline in f.aspects and any(
        set(_DIGITS.findall(t.zh)) & figures for t in said_by(f))
        for f in _facts_of(platform) if f.path in seen)


def _what_follows(catalog: Catalog, index: SearchIndex, question: str, ref: CardRef,
                  context: Conversation | None) -> AspectFact | None:
    """The target's fact that says what follows once a limit passes (`Fact.after`): the
    one about what the last answer showed (its channel or matter), else the one the
    question's words tell, else the card's own, else one its words match at all; the only
    one where there is one."""
    pool = [f for f in _target_facts(catalog, ref)
            if isinstance(f.item, Fact) and f.item.after]
    if parse_elapsed(question) is not None:
        # (a time said: a limit passed, not a step done wrong — "两天了还没处理会怎样")
        pool = [f for f in pool if Aspect.deadline in f.aspects] or pool
    if not pool:
        return None
    shown: list[AspectFact] = []
    if context is not None and context.ref.platform == ref.platform:
        of_target = {f.path: f for f in _target_facts(catalog, context.ref)}
        shown = [of_target[p] for p in context.facts if p in of_target]
    # (nearest first: the channel or matter of the first fact shown)
    near = [f for s in shown for f in pool
            if (f.channel is not None and f.channel == s.channel)
            or (f.issue is not None and f.issue == s.issue)]
    matches = index.facts.match(question, ref.platform, role=ref.role, site=ref.site,
                                paths={f.path for f in pool})
    telling = [m.fact for m in matches if m.telling]
    mine = _card_facts(catalog, pool, ref)
    for candidates in (near, telling, mine, [m.fact for m in matches]):
        if candidates:
            return candidates[0]
    return pool[0] if len(pool) == 1 else None


def _asks_no_more_than_how(asked: AskedAspects) -> bool:
    """Nothing asked, or only how to do it ("how do i", 怎么弄: weak words of the way
    in): the card, or the platform's own service named, answers; no fact of its own."""
    return asked.first is None or (asked.weak and asked.aspects == (Aspect.entry,))


def _card_reason(platform: Platform, ref: CardRef, channels: Iterable[str | None],
                 aspect: Aspect) -> AspectFact | None:
    """The card's reason for recommending the first of `channels` it recommends ("付款异常
    属于高优先级问题，电话更快"), as a fact of the card answering `aspect`."""
    wanted = set(channels)
    role = next(((ri, r) for ri, r in enumerate(platform.roles) if r.id == ref.role), None)
    if role is None:
        return None
    ri, owner = role
    for ii, issue in enumerate(owner.issues):
        if issue.id != ref.issue:
            continue
        for i, rec in enumerate(issue.recommended):
            if rec.channel in wanted:
                said = Fact.model_construct(text=rec.why, sources=rec.sources, quote=rec.quote,
                                            aspects=[], roles=[], after=False)
                return AspectFact(platform.id, f"roles.{ri}.issues.{ii}.recommended.{i}",
                                  "fact", said, frozenset({aspect}),
                                  tuple(rec.sources or issue.sources), roles=(owner.id,),
                                  channel=rec.channel, issue=issue.id)
    return None


def _past_the_shop(catalog: Catalog, ref: CardRef) -> Aspect | None:
    """Where the shop's own service is one of the card's ways: the aspect that says how
    to get past it (the platform stepping in, else escalating), if the target has any."""
    issue = catalog.issue(ref.platform, ref.role, ref.issue)
    if issue is None or not any(c.kind == ChannelKind.merchant
                                for c in catalog.issue_channels(ref.platform, issue)):
        return None
    stated = {a for f in _target_facts(catalog, ref) for a in f.aspects}
    return next((a for a in (Aspect.intervene, Aspect.escalation) if a in stated), None)


def _playbook_speaks_of(catalog: Catalog, ref: CardRef, party: str) -> bool:
    """Whether the platform's first follow-up round speaks of the other party ("卖家 48
    小时没解决…"): then it is what to do when they are silent, not only when the
    platform's own service is."""
    first = playbook(catalog, ref.platform, ref.role, 1)
    words = catalog.aspect_words.parties if catalog.aspect_words else None
    if first is None or words is None:
        return False
    names = (words.sellers if party == "seller" else words.buyers).zh
    return any(name in step.text.zh for step in first.steps for name in names)


def _target_facts(catalog: Catalog, ref: CardRef) -> list[AspectFact]:
    """The platform's facts for the card's role and site (and site-less ones)."""
    platform = catalog.platform(ref.platform)
    return [f for f in _facts_of(platform) if _for_role(f, ref.role)
            and f.site in (None, ref.site)] if platform is not None else []


def _uncovered_site(catalog: Catalog, ref: CardRef | None, site: str | None) -> str | None:
    """The site named, where the answer's platform has sites but not that one."""
    platform = catalog.platform(ref.platform) if ref is not None else None
    if site is None or platform is None or not platform.sites:
        return None
    return None if any(s.id == site for s in platform.sites) else site


_SHOWN_NEAR = 3  # the facts of the last answer a bare "how long" may point back at


def _duration_stated(catalog: Catalog, ref: CardRef | None, asked: AskedAspects,
                     context: Conversation | None) -> tuple[AskedAspects, AspectFact | None]:
    """A bare "how long" after an answer about a deadline (or one that showed a deadline),
    read as a reply time where the files state none for the role: the deadline asked on
    ("and once I submit it, how long until I have to mail it" on Temu is its 14 days), not
    "the guides don't say"; and the deadline fact it points back at, if one was shown."""
    platform = catalog.platform(ref.platform) if ref is not None else None
    swap = {Aspect.response_time: Aspect.deadline, Aspect.deadline: Aspect.response_time}
    if ref is None or platform is None or asked.first not in swap or context is None:
        return asked, None
    first, other = asked.first, swap[asked.first]
    # (after an answer about the other, or one that showed a fact of it: "how soon does it
    # come" after the late-delivery credit's terms, which say "within 48 hours": that fact)
    of_target = {f.path: f for f in _target_facts(catalog, context.ref)}
    pointed = next((of_target[p] for p in context.facts[:_SHOWN_NEAR]
                    if p in of_target and other in of_target[p].aspects), None)
    if context.aspect != other and pointed is None:
        return asked, None
    # (words that ask a length of time and nothing more: after a deadline answer they
    # may ask that deadline on, "how long until I have to send it")
    if not set(asked.words_of(first)) <= HOW_LONG:
        return asked, None  # "how long does temu take to answer": a reply time, stated or not
    stated = {a for f in _facts_of(platform) if _for_role(f, ref.role)
              for a in f.aspects & {first, other}}
    if first in stated or other not in stated:
        return asked, None
    swapped = replace(asked, aspects=(other, *[a for a in asked.aspects if a != other]))
    return swapped, (pointed if context.aspect != other else None)


def _channel_has(catalog: Catalog, platform_id: str, kinds: Sequence[Aspect],
                 aspect: Aspect) -> bool:
    """Whether a channel of the platform of one of `kinds` (phone, e-mail …) has a fact
    about `aspect` (its hours, its reply time …)."""
    platform = catalog.platform(platform_id)
    if platform is None:
        return False
    facts = _facts_of(platform)
    channels = {f.channel for f in facts if f.kind == "channel" and f.aspects & set(kinds)}
    return any(f.channel in channels and aspect in f.aspects for f in facts)


def _platform_by_facts(index: SearchIndex, question: str,
                       result: SearchResult, asked: AskedAspects) -> SearchResult:
    """No platform named: the platform one of whose facts the question's words tell
    clearly, where no other platform's come near ("Order Received and Return/Refund are
    greyed out" is Shopee's), even where search was sure of a card (a scam story every
    platform has a card for: "a buyer wants me to scan a QR code" is Etsy's); else the
    result as it was. Every platform's facts are scored against one reading of it."""
    best: list[tuple[float, str]] = []
    found = index.facts.match_platforms(question, exclude=asked.words,
                                        asked=asked.words_of(asked.first))
    for platform_id, matches in found.items():
        told = [m for m in matches if m.shared >= PLATFORM_BY_FACT_WORDS]
        if told:
            best.append((told[0].score, platform_id))
    best.sort(reverse=True)
    if not best or (len(best) > 1 and best[0][0] < PLATFORM_BY_FACT_MARGIN * best[1][0]):
        # (or a name only one platform's facts say, that is no English word: "NSRC幾點有
        # 人接" is Shopee Malaysia's scam line)
        owner = index.facts.platform_of_names(question)
        if owner is None:
            return result
        platform = owner
    else:
        platform = best[0][1]
    # the cards search found are that platform's only (a card of the platform search
    # would guess is no answer about this one)
    cards = tuple(m for m in result.matches if m.ref.platform == platform)
    confident = result.confident and bool(result.matches) and \
        result.matches[0].ref.platform == platform
    return replace(result, platform=platform, implied=True, matches=cards,
                   confident=confident)


def _moved_on(catalog: Catalog, index: SearchIndex, question: str, result: SearchResult,
              asked: AskedAspects, context: Conversation) -> bool:
    """Whether a follow-up asks about another matter of the same platform: search placed
    no card, but its words match a fact of another card far better than any fact of the
    conversation's ("买的裤子不喜欢了还能退吗" after a wrong address is a return, not what
    to have ready for the address). It is then a question of its own on that platform."""
    ref = context.ref
    if result.confident or result.platform != ref.platform or not index.facts.says_more(
            question, asked.words):
        return False
    role = result.role or ref.role
    matches = _strong(index.facts.match(question, ref.platform, role=role, site=result.site,
                                        exclude=asked.words,
                                        asked=asked.words_of(asked.first)))
    if not matches or matches[0].score < LEXICAL_STRONG:
        return False
    top = matches[0].fact
    platform = catalog.platform(ref.platform)
    if top.issue is None or top.issue == ref.issue or platform is None:
        return False
    own = {f.path for f in _card_facts(catalog, _facts_of(platform), ref)}
    if top.path in own:
        return False
    kept = max((m.score for m in matches if m.fact.path in own), default=0.0)
    return matches[0].score >= MOVED_ON * kept


def _same_target(result: SearchResult, ref: CardRef) -> bool:
    """Whether search found the card `ref` again: its platform, its role (or none
    named) and its issue."""
    return (result.platform == ref.platform and result.role in (None, ref.role)
            and bool(result.matches) and result.matches[0].ref.issue == ref.issue
            and result.matches[0].ref.role == ref.role)


def _pointed_back(context: Conversation, ref: CardRef, matches: list[FactMatch], *,
                  first: bool = False) -> list[FactMatch]:
    """The matches, a fact the last answer showed counting FOLLOW_BOOST times: a
    follow-up's words point back at what was just said ("那被取消的订单我能申诉吗" after
    "没按时回会怎样": the cancellations that answer named, not any appeal). `first`: the
    question points at them ("这种取消"): the facts shown come before any other."""
    if not context.facts or ref.platform != context.ref.platform:
        return matches
    shown = set(context.facts)
    # (not over a fact that shares more of the follow-up's own words: "晚到了，是我地址
    # 写错了，还有补偿吗" after the return deadlines asks when there is no credit)
    most = max((m.shared for m in matches if m.fact.path not in shown), default=0)
    boosted = [m._replace(score=m.score * FOLLOW_BOOST)
               if m.fact.path in shown and (first or m.shared >= most) else m
               for m in matches]
    return sorted(boosted, key=lambda m: (first and m.fact.path not in shown, -m.score))


# "这种取消", "that deadline": a pointer (the aspect reader's) and the word it points with
_POINTER_HAN = re.compile(f"(?:{'|'.join(POINTERS_HAN)})([\u4e00-\u9fff]{{2}})")
_POINTER_EN = re.compile(rf"\b(?:{'|'.join(sorted(POINTERS_EN))})\s+([a-z]{{3,}})",
                         re.IGNORECASE)


def _points_back(catalog: Catalog, index: SearchIndex, question: str,
                 context: Conversation) -> bool:
    """Whether the question points at something the last answer said: a pointer word
    and a word of one of the facts it showed ("这种取消" after the cancellations). A word
    that names an aspect is no such thing: "过了这个期限还能找谁" asks whom to reach."""
    platform = catalog.platform(context.ref.platform)
    if platform is None or not context.facts:
        return False
    said = [m.group(1) for m in _POINTER_HAN.finditer(to_simplified(question))]
    said += [m.group(1).lower() for m in _POINTER_EN.finditer(question)]
    said = [w for w in said if not index.aspects.detect(w).aspects]
    if not said:
        return False
    shown = set(context.facts)
    texts = " ".join(t.zh + " " + t.en.lower() for f in _facts_of(platform) if f.path in shown
                     for t in said_by(f))
    return any(word in texts for word in said)


def _names_a_target(index: SearchIndex, question: str) -> bool:
    """Whether the question names a platform, site or role of its own."""
    named = index.search(question, limit=1)
    return named.platform is not None or named.site is not None or named.role is not None


def _as_other_role(
    catalog: Catalog, result: SearchResult, asked: AskedAspects, ref: CardRef,
    answer: DirectAnswer, *, question: str, lang: Lang, user_zone: ZoneInfo, now: datetime,
    personal: bool,
) -> DirectAnswer:
    """The answer for the platform's other role, if its files answer what was asked;
    else the answer as it was."""
    platform = catalog.platform(ref.platform)
    others = [r.id for r in platform.roles if r.id != ref.role] if platform else []
    if not others or asked.first is None:
        return answer
    other = _target_by_aspect(catalog, replace(result, platform=ref.platform, role=others[0]),
                              asked.first)
    if other is None:
        return answer
    again = answer_about(catalog, other, asked, question=question, lang=lang,
                         user_zone=user_zone, now=now, personal=personal)
    return again if again.facts else answer


# a how-question ("怎么转人工", "how do i get a human from it"): the way to do it is asked,
# not the last thing asked, of that way
_HOW_TO = re.compile(r"怎么|怎样|咋|如何|(?i:\bhow\b)")


def _on_medium(catalog: Catalog, ref: CardRef, lead: AspectFact, medium: str) -> AspectFact:
    """A step chosen to lead, on the medium the asker is on ("in the app"): a web step
    gives way to the same way's first step in the app, where it has app steps."""
    if _field(lead) not in _STEPS or _field(lead) == f"steps_{medium}":
        return lead
    platform = catalog.platform(ref.platform)
    if platform is None:
        return lead
    return next((f for f in _facts_of(platform) if f.channel == lead.channel
                 and _field(f) == f"steps_{medium}"), lead)


def _lead(matches: Sequence[FactMatch], named: tuple[str, ...],
          aspects: Sequence[Aspect] = ()) -> AspectFact | None:
    """The fact to say first: the best match of the question's words, if it shares two
    of them or a rare one ("已经付了钱的，联系 Temu 客服求助" for "已经把钱转给冒充temu的人了
    咋办"); one about none of the `aspects` asked only if it matches LEAD_OTHER times
    better than the best that is ("where is contact us on the website" is not a
    question about scams). Not when two channels are named: what each is comes first."""
    if not matches or len(named) > 1:
        return None
    if named:
        # (of a way named, the platform's own way in is not it: "tmall order list,
        # contact seller button?" is no question about Help Center)
        matches = [m for m in matches if m.fact.path != "official_entry"]
        if not matches:
            return None
    top = matches[0]
    if len(named) == 1 and top.fact.channel not in (None, *named):
        # one way named ("Tmall's own customer service"): a fact of it that matches
        # nearly as well leads before another way's ("the brand's own service team")
        top = next((m for m in matches if m.fact.channel in named
                    and m.score >= LEXICAL_LEAD * top.score), top)
    if not top.telling:
        return None
    asked = set(aspects)
    if asked & _DURATIONS and not top.fact.aspects & _DURATIONS:
        return None  # "how long to send it back": a time, not what "send back" matches
    if asked & _DURATIONS and asked & set(CHANNEL_ASPECTS) and not (
            top.fact.aspects & asked & set(CHANNEL_ASPECTS)):
        return None  # "邮件多久回": the e-mail's time, not a note that says 客服回复
    if asked and not top.fact.aspects & asked:
        tagged = max((m.score for m in matches if m.fact.aspects & asked), default=0.0)
        if top.score < LEAD_OTHER * tagged:
            return None
    # the files state a rule before its exceptions: where the sentence just before the
    # best match in the same list is about the same and matches well too, the rule leads
    # and its exceptions follow ("有补偿吗": the credit, then when there is none)
    head, _, index = top.fact.path.rpartition(".")
    # (within one list of statements: two channels side by side are no rule and exception)
    if index.isdigit() and int(index) > 0 and top.fact.kind != "channel":
        before = f"{head}.{int(index) - 1}"
        rule = next((m for m in matches if m.fact.path == before), None)
        if (rule is not None and rule.score >= LEXICAL_LEAD * top.score
                and rule.fact.aspects & top.fact.aspects
                and (_field(top.fact) in (*_STEPS, "path") or _excepts(top.fact))):
            return rule.fact
    return top.fact


# how a statement says it is an exception to the one before ("No late-delivery credit
# when …", "除…外", "unless"): two warnings side by side are no rule and its exception
# (steps are read in their order whatever they say)
_EXCEPTION = re.compile(r"\b(?:no|not|except|unless|without)\b|n't|不|没|无|除|非", re.IGNORECASE)


def _excepts(fact: AspectFact) -> bool:
    """Whether the fact says, in either language, that something does not hold."""
    return any(_EXCEPTION.search(text.en) or _EXCEPTION.search(text.zh) for text in said_by(fact))


def _facts_matching(
    catalog: Catalog, index: SearchIndex, question: str, result: SearchResult,
    asked: AskedAspects, ref: CardRef | None, *, again: bool = False,
) -> tuple[CardRef | None, list[FactMatch], list[FactMatch]]:
    """The facts whose own words the question uses (all its words; and its words beyond
    those that named the issue), and the card where search had none. `again`: the
    conversation was on this card already, so the question asks something in it."""
    if ref is None and result.platform is not None:
        ref, lexical = _target_by_facts(catalog, index, result, asked, question)
        if asked.choosing and asked.first is None:
            lexical = []  # which way is best: the card's recommendation (below)
        # a platform (and maybe a site or role) and nothing else we can place: how to
        # reach its service, rather than "not understood" ("日本亚马逊客服")
        return ref or _general(catalog, result), lexical, lexical
    if ref is None:
        return None, [], []
    if (asked.reach and asked.first is None and ref.issue == GENERAL_ISSUE
            and not index.facts.says_more(question, index.reaching_words)):
        # "shopee怎么联系官方客服": how to reach the service and nothing else; its card
        # answers, not a fact that says 官方 and 客服 in passing ("只在官方网站内交易")
        return ref, [], []
    if asked.choosing and asked.first is None:
        # "用啥方式联系最快", "email or call?": which way is best for this; the card's
        # recommendation says it, and why
        return ref, [], []
    if asked.first is Aspect.languages:
        # the language named is what is asked about (中文, "japanese"): content, unlike
        # "语言" or "speak", which every fact of the aspect answers
        named = {w for w in asked.words_of(Aspect.languages) if not _GENERIC_LANGUAGE.search(w)}
        asked = replace(asked, words=tuple(w for w in asked.words if w not in named),
                        read_as=tuple(r for r in asked.read_as if r[0] not in named))
    if asked.first is Aspect.holiday and not any(
            asked.first in f.aspects for f in _target_facts(catalog, ref)):
        # no holidays for this target ("天猫双十一客服排队吗": Tmall states none): the
        # season named is what the facts may still speak of (its peak hours' queue), not
        # a word every fact of the aspect says (not so of a channel or the hours: "hours"
        # would find "48 hours", 邮箱 "留下邮箱")
        asked = replace(asked, words=(), read_as=())
    lexical = _strong(index.facts.match(question, ref.platform, role=ref.role, site=ref.site,
                                        exclude=asked.words,
                                        asked=asked.words_of(asked.first)))
    if not lexical and asked.first is not None and not any(
            asked.first in f.aspects for f in _target_facts(catalog, ref)):
        # the aspect read has no fact here: the words that read it may still tell one
        # ("is that instant or do i still wait for someone" after the Help Center: "no
        # wait"), rather than a false "the guides don't say"
        lexical = [m for m in _strong(index.facts.match(question, ref.platform, role=ref.role,
                                                        site=ref.site)) if m.telling]
    # the words that named the issue found the card; what else the question says picks
    # the fact ("亚马逊卖家账号被封" asks for the card, "temu晚到了有补偿吗" a fact)
    issue = catalog.issue(ref.platform, ref.role, ref.issue)
    said = (*issue.keywords, issue.name.zh, issue.name.en) if issue is not None else ()
    beyond = _strong(index.facts.match(question, ref.platform, role=ref.role, site=ref.site,
                                       exclude=(*asked.words, *said),
                                       asked=(*asked.words_of(asked.first), *said)))
    if again and asked.first is None and not any(m.telling for m in beyond):
        # the card was the last answer: "那退款没到账呢" after "美亚退货怎么弄" asks for
        # the fact its words match, not the same summary again
        beyond = lexical
    told = bool(lexical) and lexical[0].telling and (
        lexical[0].shared >= 2 or index.facts.says_more(question, (*said, *index.reaching_words)))
    if _asks_no_more_than_how(asked) and not any(m.telling for m in beyond) and not told:
        # nothing asked beyond the topic, and no fact its words tell: the card's summary
        # answers. A fact they tell leads, the topic's own words counted too ("天猫我的售后
        # 里面怎么联系客服": the step through 我的售后; "亞馬遜包裹晚了兩週 可以要補償嗎": the
        # line on compensation), where they tell it by two words or the question says
        # more than the topic and how to reach someone ("亚马逊 卖家 封号", "亚马逊封号了找谁":
        # the card). Until session 20 a fact had to match three times better than the
        # next (bench/README, session 20)
        return ref, [], []
    return ref, lexical, beyond


def _channels_called(
    catalog: Catalog, index: SearchIndex, question: str, result: SearchResult,
    ref: CardRef | None, asked: AskedAspects,
) -> tuple[CardRef | None, tuple[str, ...]]:
    """The channels the question calls by name (and the card for the role they serve)."""
    named = _named_channels(catalog, index, question, ref)
    if not named and ref is not None:
        # "message the seller about my order": the channel to the seller, called by
        # name, though "seller" read as the asker's role: the channel says who asks
        other = _named_channels(catalog, index, question, ref, any_role=True)
        channel = catalog.channel(ref.platform, other[0]) if len(other) == 1 else None
        # (or any channel named, where no role word was said: "does amazon have a
        # wechat account" is the shoppers' WeChat, whatever card "account" found)
        if channel is not None and (channel.kind == ChannelKind.merchant
                                    or result.role is None):
            ref = _general(catalog, replace(result, platform=ref.platform, role=channel.roles[0],
                                            site=ref.site)) or ref
            named = other
    platform = catalog.platform(ref.platform) if ref is not None else None
    if (not named and ref is not None and platform is not None and result.addressed
            and (asked.first is None or asked.first in _REACHING)):
        # "how do i ask the shop a question", 怎么跟店家聊: the asker addresses the other
        # side, and the platform has a channel to them (the shop's own service)
        merchants = [c for c in platform.channels if c.kind == ChannelKind.merchant
                     and result.addressed not in c.roles
                     and (result.role is None or result.role in c.roles)]
        if len(merchants) > 1:
            # (Etsy's "Help with order" and "Contact The Shop": the one whose own facts
            # the question's words match best — a refund wanted, or an order gone wrong)
            scores = {m.fact.channel: m.score for m in reversed(
                index.facts.match(question, platform.id, role=result.role)) if m.telling}
            merchants.sort(key=lambda c: -scores.get(c.id, 0.0))
        merchant = merchants[0] if merchants else None
        if merchant is not None:
            ref = _general(catalog, replace(result, platform=ref.platform,
                                            role=merchant.roles[0], site=ref.site)) or ref
            named = (merchant.id,)
    return ref, named


def _other_shop(catalog: Catalog, ref: CardRef, named: Sequence[str]) -> bool:
    """Whether a way to the shop is named that the card does not recommend: "the shop
    or etsy, about a mug I don't like" is no question for the not-received card, though
    search finds it by "refund"; what the shop's channel is for answers."""
    issue = catalog.issue(ref.platform, ref.role, ref.issue)
    recommended = {r.channel for r in issue.recommended} if issue is not None else set()
    return any((c := catalog.channel(ref.platform, name)) is not None
               and c.kind == ChannelKind.merchant and name not in recommended
               for name in named)


def _asked(
    catalog: Catalog, asked: AskedAspects, result: SearchResult,
    context: Conversation | None, lexical: list[FactMatch], beyond: list[FactMatch],
    named: tuple[str, ...],
) -> tuple[AskedAspects, list[FactMatch]]:
    """What is asked, with the facts' words and the conversation weighed in, and the
    facts whose words may reorder the answer. Another aspect than the words asked for is
    taken only from what the question says beyond its topic (`beyond`): "天貓售後要準備
    什麼資料" asks what to prepare, though 售后 matches the intervention button best."""
    if named and (asked.first is None or (
            asked.first in CHANNEL_ASPECTS
            and not _channel_tells(catalog, result, named, asked.first))):
        # "店铺客服", "how do i message the shop": how to reach the channel named
        asked = replace(asked, aspects=(Aspect.entry,))
    elif asked.first is None:
        # (a weak match on single characters alone is a coincidence: "会员积分" shares 会
        # and 员 with "联邦贸易委员会", and is no question about scams)
        if lexical and not (lexical[0].by_characters and lexical[0].score < LEXICAL_FOCUS):
            return replace(asked, aspects=(_aspect_of(catalog, lexical[0].fact),)), lexical
        same_issue = not result.confident or (
            context is not None and result.matches[0].ref.issue == context.ref.issue)
        if context is not None and same_issue and context.aspects and not asked.reach:
            return replace(asked, aspects=context.aspects), lexical
        return asked, lexical
    platform = catalog.platform(result.platform or "")
    answered_by_named = platform is not None and asked.first in _DURATIONS and any(
        f.channel in named and asked.first in f.aspects for f in _facts_of(platform))
    if beyond and asked.first not in beyond[0].fact.aspects and not answered_by_named:
        # (a channel named that has facts of the duration asked answers it: "referral fee
        # dispute — how long does support take" is its reply time, whatever else matches)
        asked = _switched(catalog, asked, beyond)
    if (asked.first is Aspect.response_time and not named and lexical
            and context is None and set(asked.words_of(asked.first)) <= HOW_LONG
            and not set(asked.aspects) & set(CHANNEL_ASPECTS)
            and not any(m.fact.aspects & _DURATIONS for m in lexical)
            and lexical[0].score >= LEXICAL_STRONG):
        # "how long does amazon take to refund": a time of what its words name (a refund),
        # not how soon a channel replies; no time or limit the files state matches them, so
        # that is said first, then the fact they match best (what to do if it is late).
        # Not in a follow-up: there ("一般几天回" after the hours) the time asked is of what
        # was just answered, and its words match that
        first = _aspect_of(catalog, lexical[0].fact)
        return replace(asked, aspects=(first, *asked.aspects), untimed=True), lexical
    # the aspect words said what is asked; among its facts, those the question's words
    # match well come first, but a little better in passing reorders nothing ("amazom
    # custmer servise number usa", "卖家工单多久回复")
    # (with no fact of the aspect among them, they only stand in where it has none); a
    # strong match is on two of the question's own words or a rare one, not on synonyms
    # ("how fast does amazon answer a seller case": "case" alone reorders nothing)
    tagged = [m for m in lexical if asked.first in m.fact.aspects]
    if not tagged:
        # (a stand-in matches well or tells the point, not a word in passing: "Etsy卖家有
        # 中文客服吗" shares only 客服 with a scam warning; the files say nothing of languages)
        return asked, [m for m in lexical if m.telling or m.score >= LEXICAL_FOCUS]
    if any(m.score >= LEXICAL_FOCUS and m.telling for m in tagged):
        return asked, lexical
    return asked, []


def _general(catalog: Catalog, result: SearchResult) -> CardRef | None:
    """The general card of the platform the question names, for its role and site."""
    return catalog.general_ref(result.platform or "", result.role, result.site)


def _in_focus(
    catalog: Catalog, ref: CardRef | None, lexical: Sequence[FactMatch]
) -> tuple[str, ...]:
    """The channel the question's words point at: the best-matching fact's, when most of
    the best three sit in it ("and for a wrong referral fee?": the fee dispute)."""
    # by the question's own words; the channel itself is not a vote for it (its name
    # counts in each of its facts already)
    top = [m.fact.channel for m in lexical if m.shared and m.fact.kind != "channel"][:3]
    if ref is None or not top or top[0] is None or top.count(top[0]) < 2:
        return ()
    channel = catalog.channel(ref.platform, top[0])
    if channel is None or ref.role not in channel.roles or not _serves(catalog, ref, channel):
        return ()
    return (channel.id,)


def _serves(catalog: Catalog, ref: CardRef, channel: Channel) -> bool:
    """Whether the channel is there for the site asked about: one whose description opens
    with another site's name ("US: …"), or whose numbers, hours and reply times are all
    another site's (the Malaysian police lines), is not the way for a Singapore question,
    whatever its words share with it."""
    platform = catalog.platform(ref.platform)
    if ref.site is None or platform is None:
        return True
    sites = {p.site for p in channel.phones} | {h.site for h in channel.hours} | {
        r.site for r in channel.responses}
    only = next(iter(sites)) if len(sites) == 1 else None
    return (labelled_site(platform, channel.summary) or only) in (None, ref.site)


def _named_channels(
    catalog: Catalog, index: SearchIndex, question: str, ref: CardRef | None, *,
    any_role: bool = False,
) -> tuple[str, ...]:
    """The channels of the answer's platform, open to its role (or, `any_role`, to
    any), that the question names."""
    if ref is None:
        return ()
    named = []
    for channel_id in index.facts.named_channels(question, ref.platform):
        channel = catalog.channel(ref.platform, channel_id)
        if channel is not None and (any_role or ref.role in channel.roles) \
                and _serves(catalog, ref, channel):
            named.append(channel_id)
    return tuple(named)


def _in_context(
    catalog: Catalog, index: SearchIndex, question: str, limit: int, context: Conversation,
    message: str | None = None,
) -> SearchResult:
    """Search with the conversation's target as hints. A follow-up that only switches
    platform ("tiktok呢" after Tmall returns) asks the same thing of the new platform:
    its card is found by the conversation's issue's names. A role word switches the
    role ("卖家呢", "卖家那边呢") unless search reads it as the other party ("卖家不同意
    咋整" from a buyer, "让顾客加line" from a seller). `message` is the message as sent
    (`question` may add the last question's words)."""
    result = index.search(question, limit=limit, context=context.ref, message=message)
    if result.platform in (None, context.ref.platform) or result.confident:
        return result
    issue = catalog.issue(context.ref.platform, context.ref.role, context.ref.issue)
    if issue is None or issue.id == GENERAL_ISSUE:
        return result
    again = index.search(f"{question} {issue.name.zh} {issue.name.en}", limit=limit,
                         context=context.ref, message=message)
    return again if again.confident and again.platform == result.platform else result


def _switched(catalog: Catalog, asked: AskedAspects, lexical: list[FactMatch]) -> AskedAspects:
    """The aspect words fired, but a fact of another aspect matches the question's own
    words far better: that fact's aspect leads. A duration word says a duration is
    asked, not which ("how many days to dispute a return": the time limit, not a reply
    time), so the best-matching fact of another duration decides by a margin; otherwise
    a fact that matches strongly and far better than any of the aspect puts another of
    the aspects asked first, if it answers one ("walmart seller response rate
    requirement": the reply time), or its own where none of the aspect's facts shares a
    word with the question ("有人打电话说是temu客服要给我退款，我没申请过": the scam)."""
    top = lexical[0]
    tagged = max((m.score for m in lexical if asked.first in m.fact.aspects), default=0.0)
    if asked.first in _DURATIONS:
        # a channel asked alongside ("邮件多久回"): only a duration of that channel may
        # take over, not a note that happens to say 客服回复
        channels = set(asked.aspects) & set(CHANNEL_ASPECTS)
        for match in lexical:
            other = match.fact.aspects & _DURATIONS
            if channels and not match.fact.aspects & channels:
                continue
            if other and asked.first not in match.fact.aspects:
                # none of the duration's facts matching, a strong match of another decides
                # (not on one common word of the question's own where the duration's own
                # facts match at all: "and if the seller disputes, how long does it take?"
                # after a return window shares only "sellers" with that window)
                passing = match.shared == 1 and match.idf < COMMON_IDF and tagged > 0
                if match.score >= DURATION_SWITCH * tagged and not passing:
                    return replace(asked, aspects=(min(other), *asked.aspects))
                break
        return asked
    also = [a for a in asked.aspects if a in top.fact.aspects]
    # another of the aspects asked: the one the question's words point at leads, on a
    # good match; an aspect nobody asked for needs a strong one
    # (an aspect read from a weak word alone is a guess: a better match overrules it)
    switch = WEAK_SWITCH if asked.weak else LEXICAL_SWITCH
    if top.score < max(LEXICAL_FOCUS if also else LEXICAL_STRONG, switch * tagged):
        return asked
    if also:
        return replace(asked, aspects=(also[0], *[a for a in asked.aspects if a != also[0]]))
    if (tagged == 0 or asked.weak) and top.telling and top.shared >= 2:
        # an aspect word, but none of its facts shares a word with the question, and this
        # fact shares two (one word in passing is no reason to answer another aspect)
        return replace(asked, aspects=(_aspect_of(catalog, top.fact), *asked.aspects))
    return asked


def _strong(matches: list[FactMatch]) -> list[FactMatch]:
    """Matches that count: a high score on at least two of the question's words (one
    shared word is as often a coincidence as the point)."""
    return [m for m in matches if m.score >= LEXICAL_MIN]


def _aspect_of(catalog: Catalog, fact: AspectFact) -> Aspect:
    """The aspect a fact answers best: one an editor listed on it before one its place
    implies, the most specific first (the aspects file's `order`)."""
    listed = set(fact.item.aspects) if isinstance(fact.item, Fact) else set()
    order = list(catalog.aspect_words.order) if catalog.aspect_words is not None else []

    def key(aspect: Aspect) -> tuple[int, int, str]:
        rank = order.index(aspect) if aspect in order else len(order)
        return (0 if aspect in listed else 1, rank, aspect.value)

    return min(fact.aspects, key=key)


def _target_by_facts(
    catalog: Catalog, index: SearchIndex, result: SearchResult, asked: AskedAspects,
    question: str,
) -> tuple[CardRef | None, list[FactMatch]]:
    """A question that names a platform, but whose issue search could not place: the
    card of the fact of that platform that matches its words best, if one does."""
    assert result.platform is not None
    platform = catalog.platform(result.platform)
    if platform is None:
        return None, []
    matches = _strong(index.facts.match(question, platform.id, role=result.role,
                                        site=result.site, exclude=asked.words,
                                        asked=asked.words_of(asked.first)))
    if not matches:
        return None, []
    role_ids = [r.id for r in platform.roles]
    fact = matches[0].fact
    if result.role is None and SHOPPER in role_ids:
        # no role said: a shopper's question more often than a seller's, as search weighs
        # it ("tiktok shop order problem - who do i contact first")
        fact = max(matches, key=lambda m: m.score * (
            ROLE_UNSAID if m.fact.roles and SHOPPER not in m.fact.roles else 1.0)).fact
    role_id = result.role if result.role in role_ids else next(
        (r for r in fact.roles if r in role_ids), role_ids[0])
    best = _best_by_role(result, platform.id)
    searched = next(iter(best), None)
    if (result.role is None and searched is not None and searched != role_id
            and best[searched] >= SEARCH_ROLE * best.get(role_id, 0.0)):
        # no role said, and search's cards of one role match far better than any of the
        # other's: that role's question, whichever role's fact shares most words ("Amazon
        # payment issue, weird charge on my card — chat or phone?" is a shopper's)
        role_id = searched
        fact = next((m.fact for m in matches if not m.fact.roles or role_id in m.fact.roles),
                    fact)
    role = catalog.role(platform.id, role_id)
    assert role is not None
    issue_ids = [i.id for i in role.issues]
    issue = fact.issue if fact.issue in issue_ids else (
        GENERAL_ISSUE if GENERAL_ISSUE in issue_ids else issue_ids[0])
    if fact.issue is None and fact.channel is not None:
        # a way's own fact ("the shop's service also changes addresses"): of the cards
        # search found alike (two or more at the top), the first that recommends that
        # way, rather than none
        top = result.matches[0].score if result.matches else 0.0
        tied = [m.ref for m in result.matches if m.score >= top]
        issue = next((r.issue for r in tied if len(tied) > 1 and r.platform == platform.id
                      and r.role == role_id and _recommends(catalog, r, fact.channel)), issue)
    site = result.site if catalog.site(platform.id, result.site or "") else None
    return CardRef(platform.id, role_id, issue, site), matches


def _best_by_role(result: SearchResult, platform_id: str) -> dict[str, float]:
    """Search's best score for each role of the platform, the best role first."""
    best: dict[str, float] = {}
    for m in result.matches:
        if m.ref.platform == platform_id:
            best.setdefault(m.ref.role, m.score)
    return best


def _recommends(catalog: Catalog, ref: CardRef, channel: str) -> bool:
    """Whether the card lists the channel among the ways it recommends."""
    issue = catalog.issue(ref.platform, ref.role, ref.issue)
    return issue is not None and any(r.channel == channel for r in issue.recommended)


def answer_about(
    catalog: Catalog,
    ref: CardRef | None,
    asked: AskedAspects,
    *,
    question: str = "",
    lang: Lang,
    user_zone: ZoneInfo,
    now: datetime,
    personal: bool = True,
    from_search: bool = True,
    lexical: Sequence[FactMatch] = (),
    channels: Sequence[str] = (),
    lead: AspectFact | None = None,
    shown: Sequence[str] = (),
) -> DirectAnswer:
    """The answer for a known card and aspect (a button "this, for another site" asks it).

    `channels` are channels the question names ("店铺客服"): their facts answer it.
    `shown` are facts (paths) the conversation showed already: asked for more, they are
    left out where others remain.

    `lexical` are the facts whose own words match the question (knowledge.factindex),
    best first: they lead among the facts of the aspect, and stand in for them where
    the aspect has none.
    """
    empty = DirectAnswer(question, lang, ref, asked.first, asked.aspects, "", (), (), None,
                         elapsed=asked.elapsed, from_search=from_search)
    if ref is None:
        return empty
    heading = recommendation_of(catalog, ref, lang=lang, user_zone=user_zone, now=now)
    platform = catalog.platform(ref.platform)
    if heading is None or platform is None:  # a stale ref, or the index and catalog differ
        return replace(empty, ref=None)
    title, recommended = heading
    rec_line = (Line((Span(_label("answer.recommended", lang), "bold"), *recommended[0].spans))
                if recommended else None)
    if asked.first is None:
        return DirectAnswer(question, lang, ref, None, (), title, (), (), rec_line,
                            from_search=from_search)
    writer = _Writer(catalog, platform, ref, asked, lang, user_zone, now, personal, lexical,
                     channels, lead, question, shown)
    lines, sites, narrow = writer.write()
    sources = tuple(catalog.sources[s] for s in writer.cited if s in catalog.sources)
    note, note_once = writer.shared_note(sources)
    answer = DirectAnswer(
        question, lang, ref, asked.first, asked.aspects, writer.headline(), tuple(lines),
        sources, rec_line, sites=tuple(sites), narrow=narrow,
        elapsed=asked.elapsed, from_search=from_search, facts=tuple(writer.drawn),
        note=note, note_once=note_once,
    )
    return _fit(answer)


def _fit(answer: DirectAnswer) -> DirectAnswer:
    """Drop trailing lines until the whole text is within MAX_CHARS (rarely needed)."""
    while len(answer.plain_text()) > MAX_CHARS and len(answer.lines) > 1:
        answer = replace(answer, lines=answer.lines[:-1])
    if len(answer.plain_text()) > MAX_CHARS:
        answer = replace(answer, recommendation=None)
    return answer


# --- which card ----------------------------------------------------------------------------


def _target(
    catalog: Catalog, result: SearchResult, asked: AskedAspects,
    context: Conversation | None = None,
) -> tuple[CardRef | None, bool]:
    """The card the answer is about, and whether search itself was sure of it."""
    best = result.matches[0].ref if result.matches else None
    aspect = asked.first
    # search's card, unless the question names a role that card is not for and asks
    # for a fact the named role's cards can answer ("卖家有没有客服电话")
    role_differs = best is not None and result.role is not None and best.role != result.role
    if (best is not None and context is not None and best.issue == GENERAL_ISSUE
            and context.ref.issue != GENERAL_ISSUE
            and (best.platform, best.role) == (context.ref.platform, context.ref.role)
            and not (asked.reach and _SUPPORT in result.terms)):
        # a follow-up whose words find only the role's general card ("what do I attach
        # to the case" after an FBA shipment problem) stays on the conversation's issue;
        # how to reach support itself ("客服怎么联系") is the general card's
        return replace(best, issue=context.ref.issue), False
    if best is not None and context is not None and role_differs \
            and result.role == context.ref.role:
        # a follow-up that names no side stays on the conversation's ("and if i miss the
        # 48 hours?" after the sellers' help requests: the buyers' card matched its words)
        best = next((m.ref for m in result.matches if m.ref.role == result.role
                     and m.ref.platform == best.platform), None)
        role_differs = False
    if best is not None and result.confident and not (role_differs and aspect is not None):
        return best, True
    tie = _general_tie(result)
    if tie is not None and aspect is None and context is None:
        # "TikTok Shop怎么联系官方客服": no role said, nothing asked but the platform's
        # service, and its general cards for both roles match about as well: the
        # shoppers', as with an aspect asked (`_target_by_aspect`), not a card that a
        # coincidence of 联系, 官方 and 客服 in one fact would pick
        return tie, False
    # a follow-up that names no issue stays on the conversation's, where it can
    kept = _kept_issue(catalog, result, context)
    if aspect is None and context is not None:
        aspect = context.aspect
    ref = _target_by_aspect(catalog, result, aspect, kept) if aspect is not None else None
    if ref is None and kept is not None and result.platform is not None and result.role:
        site = result.site if catalog.site(result.platform, result.site or "") else None
        return CardRef(result.platform, result.role, kept, site), False
    if ref is None and best is not None and result.confident:
        return best, True
    return ref, False


def _role_by_facts(catalog: Catalog, index: SearchIndex, question: str, asked: AskedAspects,
                   ref: CardRef, result: SearchResult) -> CardRef:
    """The other role's card, where the asker does not say their side and a fact of the
    other role matches the question's words ROLE_BY_FACTS times better than any of the
    card's role ("越南站tiktok卖家 买家的退款申请要多快处理" names the shopper, but asks
    the sellers' deadline)."""
    if not index.facts.says_more(question, (*asked.words, *index.reaching_words)):
        return ref  # "TikTok Shop怎么联系官方客服": the service asked for, no fact
    matches = index.facts.match(question, ref.platform, site=ref.site, exclude=asked.words,
                                asked=asked.words_of(asked.first))
    top = next((m for m in matches if m.telling), None)
    if top is None or top.shared < 2 or not top.fact.roles or ref.role in top.fact.roles:
        return ref
    own = max((m.score for m in matches if not m.fact.roles or ref.role in m.fact.roles),
              default=0.0)
    if top.score < ROLE_BY_FACTS * own:
        return ref
    role = catalog.role(ref.platform, sorted(top.fact.roles)[0])
    if role is None or not any(m.ref.role == role.id and m.ref.issue != GENERAL_ISSUE
                               for m in result.matches):
        # (search's words must find a topic of that role too: "found an amazon support
        # number online, safe to call?" shares "support number" with the sellers'
        # warning, but names no sellers' matter)
        return ref
    issues = [i.id for i in role.issues]
    issue = top.fact.issue if top.fact.issue in issues else (
        GENERAL_ISSUE if GENERAL_ISSUE in issues else issues[0])
    return CardRef(ref.platform, role.id, issue, ref.site)


def _issue_by_facts(result: SearchResult, aspect: Aspect, ref: CardRef | None,
                    lexical: Sequence[FactMatch]) -> CardRef | None:
    """Search's card rather than the role's general one, where search was not sure and
    the fact of the aspect the question's words match best is on that card ("amazon
    refund still not in my bank, what should I have ready": the returns card's
    transaction details, not the general card's order number)."""
    if ref is None or ref.issue != GENERAL_ISSUE:
        return ref
    top = next((m for m in lexical if aspect in m.fact.aspects), None)
    searched = [m.ref.issue for m in result.matches
                if (m.ref.platform, m.ref.role) == (ref.platform, ref.role)]
    if (top is None or top.fact.issue in (None, GENERAL_ISSUE) or not searched
            or top.fact.issue != searched[0]):
        return ref
    return replace(ref, issue=top.fact.issue)


def _general_tie(result: SearchResult) -> CardRef | None:
    """The shoppers' general card, where the question names a platform and no role, and
    search's two best cards are its general cards for two roles, about as good
    (`ROLE_TIE`)."""
    if result.role is not None or result.platform is None or len(result.matches) < 2:
        return None
    first, second = result.matches[0], result.matches[1]
    refs = (first.ref, second.ref)
    if (any(r.issue != GENERAL_ISSUE or r.platform != result.platform for r in refs)
            or SHOPPER not in {r.role for r in refs} or first.ref.role == second.ref.role
            or second.score < ROLE_TIE * first.score):
        return None
    return first.ref if first.ref.role == SHOPPER else second.ref


def _kept_issue(
    catalog: Catalog, result: SearchResult, context: Conversation | None
) -> str | None:
    """The conversation's issue, if the platform and role it belongs to still stand."""
    if context is None or result.platform is None or result.role is None:
        return None
    if catalog.issue(result.platform, result.role, context.ref.issue) is None:
        return None
    return context.ref.issue


def _target_by_aspect(
    catalog: Catalog, result: SearchResult, aspect: Aspect, kept: str | None = None
) -> CardRef | None:
    """The card for a fact asked about a platform (and maybe a role or site), no issue;
    `kept` is the conversation's issue, tried first."""
    platform_id = result.platform or _implied_platform(catalog, result, aspect)
    platform = catalog.platform(platform_id) if platform_id else None
    if platform is None:
        return None
    facts = _facts_of(platform)
    role_ids = [r.id for r in platform.roles]
    role_id = result.role if result.role in role_ids else None
    if role_id is None:
        with_facts = [r for r in role_ids
                      if any(aspect in f.aspects and _for_role(f, r) for f in facts)]
        searched = [m.ref.role for m in result.matches if m.ref.platform == platform.id]
        best = _best_by_role(result, platform.id)
        if len(with_facts) == 1:
            role_id = with_facts[0]
        elif (searched and searched[0] != SHOPPER and SHOPPER in with_facts
              and best.get(SHOPPER, 0.0) >= ROLE_TIE * best[searched[0]]):
            # no role said, and search's cards of both roles match about as well: a
            # shopper, as search leans ("亚马逊邮件客服多久回复")
            role_id = SHOPPER
        elif searched:
            role_id = searched[0]
        else:
            role_id = role_ids[0]
    role = catalog.role(platform.id, role_id)
    if role is None:
        return None
    site = result.site if catalog.site(platform.id, result.site or "") else None
    searched_issues = [m.ref.issue for m in result.matches
                       if m.ref.platform == platform.id and m.ref.role == role.id]
    ordered = [kept] if kept is not None and catalog.issue(platform.id, role.id, kept) else []
    scores = {m.ref.issue: m.score for m in reversed(result.matches)
              if m.ref.platform == platform.id and m.ref.role == role.id}
    if kept is None and searched_issues and searched_issues[0] != GENERAL_ISSUE \
            and scores.get(GENERAL_ISSUE, 0.0) * MATTER_AHEAD <= scores[searched_issues[0]]:
        # search's best guess at the matter, unsure as it is, before the general card, where
        # it matches far better: "天猫退货纠纷 要准备什么" is the matter's evidence, though
        # the dispute and after-sales cards both match it (not "how do i request a call
        # back from amazon": two matters by one word, the general card nearly as well)
        ordered.append(searched_issues[0])
    ordered += [i.id for i in role.issues if i.id == GENERAL_ISSUE and i.id not in ordered]
    ordered += [i for i in searched_issues if i not in ordered]
    ordered += [i.id for i in role.issues if i.id not in ordered]
    for issue_id in ordered:
        ref = CardRef(platform.id, role.id, issue_id)
        if any(aspect in f.aspects for f in _card_facts(catalog, facts, ref)):
            return CardRef(platform.id, role.id, issue_id, site)
    return CardRef(platform.id, role.id, ordered[0], site)


def _implied_platform(catalog: Catalog, result: SearchResult, aspect: Aspect) -> str | None:
    """The platform a question that names none is about: among those that have the named
    site and role and facts for the aspect, the most asked (catalog order is `rank`).

    "个人卖家能用电话支持吗" names no platform; the answer's headline names the one chosen,
    so the asker sees which platform it is about."""
    having = []
    for platform in catalog.platforms.values():
        if result.site is not None and result.site not in {s.id for s in platform.sites}:
            continue
        if result.role is not None and result.role not in {r.id for r in platform.roles}:
            continue
        if any(aspect in f.aspects for f in _facts_of(platform)):
            having.append(platform.id)
    return having[0] if having else None


_FACTS: dict[int, tuple[Platform, list[AspectFact]]] = {}
_FACTS_KEPT = 16  # platforms whose facts stay listed (a /reload brings new objects)


def _facts_of(platform: Platform) -> list[AspectFact]:
    """`platform_facts`, listed once per loaded platform: every answer reads them."""
    found = _FACTS.get(id(platform))
    if found is not None and found[0] is platform:
        return found[1]
    facts = list(platform_facts(platform))
    if len(_FACTS) >= _FACTS_KEPT:
        _FACTS.clear()
    _FACTS[id(platform)] = (platform, facts)
    return facts


# what a channel states of itself: its number, hours, reply time, or what it is
_CHANNEL_FIGURES = frozenset({"phone", "hours", "response", "channel"})


def focused(catalog: Catalog, answer: DirectAnswer) -> CardRef | None:
    """The target a follow-up inherits: the answer's, narrowed to the issue of the fact
    that led it where the answer was on the role's general card ("my listing got taken
    down, which category?" was answered from the listing card's path: "what should i
    attach" asks what that card says to prepare)."""
    ref = answer.ref
    platform = catalog.platform(ref.platform) if ref is not None else None
    if ref is None or platform is None or ref.issue != GENERAL_ISSUE or not answer.facts:
        return ref
    if answer.elapsed is not None:
        # (a time waited answered: the follow-up playbook is the role's, whichever card
        # the line put before it came from)
        return ref
    led = answer.facts[:FOCUS_LINES]
    shown = sorted((f for f in _facts_of(platform) if f.path in led),
                   key=lambda f: led.index(f.path))
    if shown and shown[0].kind in _CHANNEL_FIGURES:
        # a channel's figure led ("邮件反馈 · 回复时间 24–72 小时"): the answer was about
        # that channel, and a matter's tip said after it ("广告设置这类普通咨询通常走邮件")
        # is no matter of the conversation (a step does not say so: "which category"
        # answered with the case form's step, then the listing card's path)
        return ref
    issues = [f.issue for f in shown if f.issue is not None and _for_role(f, ref.role)
              and catalog.issue(ref.platform, ref.role, f.issue) is not None]
    return replace(ref, issue=issues[0]) if issues else ref


# channels one writes to that are no chat, phone or e-mail line of the platform's own:
# "message the shop", "message them on wechat" ask how to reach that channel
_MESSAGED = frozenset({ChannelKind.merchant, ChannelKind.social})
# the channel kinds an aspect asks for by name; phone has its own way of saying there is
# none (Writer.unlisted: the platform's warning about numbers found online)
_KIND_ASKED = {Aspect.email: ChannelKind.email, Aspect.chat: ChannelKind.chat,
               Aspect.callback: ChannelKind.callback}


def _channel_tells(catalog: Catalog, result: SearchResult, named: tuple[str, ...],
                   aspect: Aspect) -> bool:
    """Whether the channels named have facts of `aspect`, or are other than the shop's
    or social media: "message the shop" asks how to reach the shop, whose own service is
    the messaging; "天猫官方客服电话" asks for a phone the platform lists elsewhere."""
    platform = catalog.platform(result.platform or "")
    if platform is None:
        return True
    kinds = {c.kind for c in platform.channels if c.id in named}
    return not kinds <= _MESSAGED or any(
        f.channel in named and aspect in f.aspects for f in _facts_of(platform))


def _for_role(fact: AspectFact, role: str) -> bool:
    return not fact.roles or role in fact.roles


def _card_facts(catalog: Catalog, facts: Iterable[AspectFact], ref: CardRef) -> list[AspectFact]:
    """The facts a card itself shows: its issue's and its channels'."""
    issue = catalog.issue(ref.platform, ref.role, ref.issue)
    if issue is None:
        return []
    channels = {c.id for c in catalog.issue_channels(ref.platform, issue)}
    return [f for f in facts
            if (f.issue == ref.issue and ref.role in f.roles)
            or (f.channel in channels and f.issue is None)]


# --- which facts, in which words -------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    """Lines that stay together, the channel to name on them, the sites they cover."""

    channel: Channel | None
    sites: list[str]
    lines: list[Line]
    hours_order: tuple[int, int] | None = None  # (round-the-clock?, first site) for hours
    lead: bool = False  # states a fact whose own words the question uses


class _Writer(FactLines):
    def __init__(
        self,
        catalog: Catalog,
        platform: Platform,
        ref: CardRef,
        asked: AskedAspects,
        lang: Lang,
        user_zone: ZoneInfo,
        now: datetime,
        personal: bool,
        lexical: Sequence[FactMatch] = (),
        channels: Sequence[str] = (),
        lead: AspectFact | None = None,
        question: str = "",
        shown: Sequence[str] = (),
    ) -> None:
        super().__init__(catalog, platform, lang, user_zone, now, personal)
        self.question = question  # its words pick which items of a long list to show
        self.asks_days = bool(_DAYS.search(to_simplified(question)))
        self.shown = frozenset(shown)  # asked for more: what the last answer showed
        self.lead = lead  # the fact the question's words match best: it comes first
        self.called = frozenset(channels)  # channels the question calls by name
        card = catalog.issue(ref.platform, ref.role, ref.issue)
        self.recommended = frozenset(r.channel for r in card.recommended) if card else \
            frozenset()
        self.ref = ref
        self.asked = asked
        self.aspect = asked.aspects[0]
        self.titled = self.aspect  # the aspect the headline names
        # the facts whose own words the question uses: path → score
        self.lexical = {m.fact.path: m.score for m in lexical}
        # leading: as good as the best match among the facts of the aspect (a better
        # match of another aspect would make none of them lead)
        tagged = [m.score for m in lexical if self.aspect in m.fact.aspects]
        best = max(tagged or [m.score for m in lexical] or [0.0])
        self.leading = {p for p, score in self.lexical.items() if score >= best * LEXICAL_LEAD}
        issue = catalog.issue(ref.platform, ref.role, ref.issue)
        self.channel_order = [c.id for c in catalog.issue_channels(platform.id, issue)] if issue \
            else []
        self.described: set[str | None] = set()  # channels that are what was asked
        self.drawn: list[str] = []  # paths of the facts the lines are drawn from
        self.unlisted = False  # asked for a phone number, and the facts list none

    def headline(self) -> str:
        parts = [self.t(self.platform.name)]
        role = self.catalog.role(self.platform.id, self.ref.role)
        if role is not None and len(self.platform.roles) > 1:
            parts.append(self.t(role.name))
        if self.ref.site:
            parts.append(self.site_name(self.ref.site))
        asked = self.label(f"answer.aspect.{self.titled.value}")
        channel = self.headline_channel()
        if channel is not None:  # "天猫 · 商家客服": the shop's, not the platform's
            parts.append(self.t(channel.name))
        return " · ".join(parts) + " — " + asked

    def headline_channel(self) -> Channel | None:
        """The one channel the question calls by name, when the headline names it."""
        if len(self.called) != 1:
            return None
        channel = self.catalog.channel(self.platform.id, next(iter(self.called)))
        asked = self.label(f"answer.aspect.{self.titled.value}")
        if channel is None or asked in self.t(channel.name) or self.t(channel.name) in asked:
            return None
        return channel

    # --- choosing ----------------------------------------------------------------------

    def chosen(self) -> list[AspectFact]:
        """The facts for the aspect, nearest tier first, for the card's role and site."""
        role = self.ref.role
        facts = [f for f in _facts_of(self.platform)
                 if self.aspect in f.aspects and _for_role(f, role) and self._here(f)]
        if not facts:
            # nothing tagged with the aspect: the facts whose words match stand in
            # (say "the guide has nothing" only when none of the target's does)
            stand_ins = sorted((f for f in _facts_of(self.platform)
                                if f.path in self.leading and _for_role(f, role)),
                               key=lambda f: -self.lexical[f.path])[:MAX_LINES]
            if stand_ins:  # the headline says what the answer is about, not what was missed
                self.titled = _aspect_of(self.catalog, stand_ins[0])
            return stand_ins
        if len(self.called) > 1 and _COMPARE.search(to_simplified(self.question)):
            # two channels set side by side ("商家客服和官方客服有啥区别", "the shop vs
            # Tmall itself"): what each is, and nothing of one alone before it
            each = [f for f in _facts_of(self.platform) if f.kind == "channel"
                    and f.channel in self.called and _for_role(f, role)]
            if len(each) > 1:
                return each
        if len(self.called) > 1:
            # two channels named ("A跟B有啥区别"): what each is answers it too
            facts += [f for f in _facts_of(self.platform) if f.kind == "channel"
                      and f.channel in self.called and f not in facts and _for_role(f, role)]
        # a channel named ("店铺客服怎么联系") keeps its own facts, where it has any; one
        # the card recommends anyway narrows nothing ("seller appeal" on the appeal card)
        of_named = [f for f in facts if f.channel in self.called - self.recommended]
        if of_named:
            facts = of_named
        # a channel asked for alongside ("邮件多久回复") keeps only that channel's facts
        # (only for an aspect that is no channel itself: "call me back … what number will
        # they ring me from" asks about the call-back, not the phone line's facts)
        for extra in self.asked.aspects[1:]:
            if extra not in CHANNEL_ASPECTS or extra == self.aspect \
                    or self.aspect in CHANNEL_ASPECTS:
                continue
            # the channels of that kind; else those with any fact about it (Amazon's
            # seller phone support is a call-back channel with notes about phoning)
            tagged = [f for f in _facts_of(self.platform)
                      if extra in f.aspects and f.channel is not None and _for_role(f, role)]
            kinds = {f.channel for f in tagged if f.kind == "channel"}
            narrowed = [f for f in facts if f.channel in kinds]
            if not narrowed:
                narrowed = [f for f in facts if f.channel in {t.channel for t in tagged}]
            if narrowed:
                # a note outside any channel that is about both stays: "卖家电话支持每天
                # 美东时间 5:00–20:00" is the site's phone hours
                narrowed += [f for f in facts if f.channel is None and extra in f.aspects]
            if narrowed:
                facts = narrowed
                break
        if self.aspect in _DESCRIBED:
            # "卖家邮件": the email channels' steps and reply times answer it too
            described = {f.channel for f in facts if f.kind == "channel"}
            facts += [f for f in _facts_of(self.platform)
                      if f.channel in described and self.aspect not in f.aspects
                      and _for_role(f, role)
                      and (f.kind in ("response", "hours")
                           or _field(f) in _STEPS)]
        medium = self.asked.medium
        if medium is not None:
            # "在手机上": a channel's app steps, not its web steps as well (where it has any)
            on = {f.channel for f in facts if _field(f) == f"steps_{medium}"}
            facts = [f for f in facts if f.channel not in on
                     or _field(f) not in _STEPS
                     or _field(f) == f"steps_{medium}"]
        self.described = {f.channel for f in facts if f.kind == "channel"}
        card = _card_facts(self.catalog, facts, CardRef(self.ref.platform, role, self.ref.issue))
        in_card = {id(f) for f in card}
        # what every card of the role shares: platform-wide facts, and the site's own
        # (all sites' when the question is about languages, which differ per site)
        shared = [f for f in facts if f.channel is None and f.issue is None
                  and (f.site is None or f.site == self.ref.site
                       or self.aspect == Aspect.languages)]
        near = card + [f for f in shared if id(f) not in in_card]
        taken = {id(f) for f in near}
        rest = [f for f in facts if id(f) not in taken and f.issue is None]
        other_issues = [f for f in facts if id(f) not in taken and f.issue is not None]
        # a fact whose own words the question uses is near, wherever it sits (and a
        # number so lifted brings its line's other numbers: "报警热线" matches the police
        # lines' notes, and the national scam line, 997, is one of them)
        lifted = [f for f in rest + other_issues if f.path in self.leading]
        lines = {(f.channel, f.site) for f in lifted if f.kind == "phone"}
        lifted += [f for f in rest + other_issues if f.kind == "phone"
                   and (f.channel, f.site) in lines and f.path not in self.leading]
        near += lifted
        taken |= {id(f) for f in lifted}
        rest = [f for f in rest if id(f) not in taken]
        other_issues = [f for f in other_issues if id(f) not in taken]
        # asked for a number the platform does not list: its warning that numbers found
        # online may be scams answers first (the bot never hands out a number it lacks)
        # (also when trust comes first: "网上搜到的temu客服电话能打吗" asks for a number too)
        self.unlisted = (self.aspect == Aspect.phone and not any(f.kind == "phone" for f in facts)
                         ) or (self.aspect == Aspect.safety and Aspect.phone in self.asked.aspects
                               and not any(f.kind == "phone" and _for_role(f, role)
                                           for f in _facts_of(self.platform)))
        tiers = [sorted(t, key=self.rank) for t in (near, rest, other_issues) if t]
        if not tiers:
            return []
        # one lone fact is a thin answer: the next tier's facts follow it
        out = tiers[0] + tiers[1] if len(tiers[0]) < 2 and len(tiers) > 1 else tiers[0]
        lead = self.lead
        if lead is not None and _for_role(lead, role) and lead.site in (None, self.ref.site):
            # whatever its aspect: the sentence the question was asked about comes first
            # (the facts' index lists its own copies: the same fact is the same path)
            others = [f for f in out if f.path != lead.path]
            # (after the warning that answers a number the platform does not list)
            warned = [f for f in others if self.unlisted and Aspect.safety in f.aspects
                      and Aspect.safety not in lead.aspects][:1]
            out = [*warned, lead, *(f for f in others if f not in warned)]
        reason = self.reason()
        if reason is not None:
            # the card's own reason for the way asked about comes first ("回款没到账 可以
            # 直接打电话吗": 付款异常属于高优先级问题，电话更快)
            out = [reason, *out]
        fresh = [f for f in out if f.path not in self.shown]
        return fresh or out

    def reason(self) -> AspectFact | None:
        """Why the card recommends a way of the kind asked about (phone, chat, e-mail,
        call-back), or a way whose reason names the language asked about ("这个类别支持
        中文客服"), as a fact of the card."""
        if self.aspect in CHANNEL_ASPECTS:
            wanted = {f.channel for f in _facts_of(self.platform) if f.kind == "channel"
                      and self.aspect in f.aspects and _for_role(f, self.ref.role)}
            return _card_reason(self.platform, self.ref, wanted, self.aspect)
        # (of a channel named, its hours or its way in are asked, not why; a language
        # named is what is asked about, as content: 中文, "japanese")
        if self.aspect is not Aspect.languages:
            return None
        words = [w.casefold() for w in self.asked.words_of(self.aspect)
                 if not _GENERIC_LANGUAGE.search(w)]
        issue = self.catalog.issue(self.ref.platform, self.ref.role, self.ref.issue)
        if not words or issue is None:
            return None
        telling = [r.channel for r in issue.recommended
                   if any(w in r.why.zh.casefold() or w in r.why.en.casefold() for w in words)]
        return _card_reason(self.platform, self.ref, telling[:1], self.aspect)

    def aside(self) -> frozenset[str]:
        """The terms of the words read as the aspect answered: every fact of it says them."""
        return frozenset(t for w in self.asked.words_of(self.aspect) for t in terms(w))

    def _here(self, fact: AspectFact) -> bool:
        """Whether a fact may speak for the site named: one whose words name only other
        sites ("美国、欧洲和日本站 7×24 小时") is not about India."""
        site = self.ref.site
        return site is None or not fact.names_sites or site in fact.names_sites

    def rank(self, fact: AspectFact) -> tuple[int | float, ...]:
        """The site's own facts first; asked for a number the platform does not list,
        its warnings next; then those of the one channel the question names; then
        those whose own words the question uses;
        then those about two of the things asked ("虾皮被骗了要准备啥资料": what a scam
        report needs); then by place for the aspect; then channel order;
        then by kind (figures before notes, or the channel itself first when the channel
        is what was asked); then, with no site named, the general figure first; and of
        facts alike in all that, the one the question's words match better first (steps
        and lists to prepare keep their order)."""
        site = self.ref.site
        site_rank = 0 if site is not None and fact.site == site else 1
        general = 0 if site is not None or fact.site is None else 1
        if fact.channel is not None:
            place = "channel"
        elif fact.issue is not None:
            place = "issue"
        elif fact.site is not None:
            place = "site"
        else:
            place = "platform"
        order = _PLACES.get(self.aspect, _ISSUE_FIRST)
        if self.aspect is Aspect.entry and self.ref.issue == GENERAL_ISSUE:
            order = _WAY_IN
        channel = len(self.channel_order)
        if fact.channel in self.channel_order:
            channel = self.channel_order.index(fact.channel)
        if self.aspect in _DESCRIBED and fact.channel not in self.described:
            channel += 100  # "卖家邮件": the email channels before others that mention email
        if self.aspect in _DESCRIBED:
            steps = _field(fact) in _STEPS
            how = Aspect.entry in self.asked.aspects
            kind = {"channel": 0, "response": 1 + how, "hours": 1 + how}.get(
                fact.kind, (1 if how else 2) if steps else 3)
        else:
            kind = {"channel": 2, "fact": 1}.get(fact.kind, 0)
        lexical = 0 if fact.path in self.leading else 1
        both = 0 if len(fact.aspects & set(self.asked.aspects)) > 1 else 1
        # (the platform's own warning first: numbers found online are its to warn of)
        warned = 2
        if self.unlisted and Aspect.safety in fact.aspects:
            warned = 0 if fact.issue is None and fact.channel is None else 1
        medium = self.asked.medium
        on = 0 if medium is not None and _field(fact) == f"steps_{medium}" else 1
        # two channels named ("A跟B有啥区别"): what each is comes first
        compared = 0 if len(self.called) > 1 and fact.kind == "channel" else 1
        better = 0.0 if _field(fact) in _JOINED else -self.lexical.get(fact.path, 0.0)
        # one channel named ("TK上的东西怎么联络卖家"): its own facts first, though the
        # card recommends it (a channel it recommends is not narrowed to, above), so the
        # platform's way in never answers under the channel's headline
        named = 0 if len(self.called) == 1 and fact.channel in self.called else 1
        return (site_rank, warned, named, lexical, both, on, compared, order.index(place),
                channel, kind, general, better)

    # --- writing -----------------------------------------------------------------------

    def shared_note(self, sources: Sequence[Source]) -> tuple[str, str]:
        """The strength note of every figure when all the answer's sources are of one
        kind and not the platform's own, and the line that says it once; else ("", "").
        Where any source is official (or guides and users' reports mix), each note
        stays on its line: a line said once must not make an official figure look
        unconfirmed, nor an unconfirmed one official."""
        kinds = {source.kind for source in sources}
        if len(kinds) != 1:
            return "", ""
        kind = kinds.pop()
        if kind is SourceKind.official:
            return "", ""
        return self.note_text(kind), self.label(f"answer.unconfirmed.{kind.value}",
                                                name=self.t(self.platform.name))

    def write(self) -> tuple[list[Line], list[str], bool]:
        """Fact lines, the other sites with facts (for buttons), and whether to narrow."""
        if self.aspect == Aspect.followup and self.asked.elapsed is not None:
            waited = self.waited()
            if waited:
                return waited, [], False
        facts = self.chosen()
        # "what about email?" where the files list no e-mail channel: said first; what
        # follows is what they do say about e-mail (a phishing warning, say)
        lines: list[Line] = self.unlisted_channel()
        if self.asked.untimed:
            lines.append(Line.of(self.label("answer.untimed"), indent=1))
        if not facts:
            return lines or [Line.of(self.label("answer.none"), indent=1)], [], False
        site = self.ref.site
        matching = self.distinct([f for f in facts if site is None or f.site in (None, site)])
        self.drawn = [f.path for f in matching]
        all_sites = [s.id for s in self.platform.sites
                     if any(f.site == s.id for f in facts)]
        if site is not None and not any(f.site == site or site in f.names_sites
                                        for f in facts) and all_sites and not self.shown:
            # the site named has nothing of its own (nor does a fact name it in its words,
            # "马来西亚为 @shopee.com.my"): say so, name those that have (not where more is
            # asked: what the site has was shown, "还有呢" after Singapore's number)
            lines.append(Line.of(self.label("answer.no_site", site=self.site_name(site),
                                            sites=self._names(all_sites)), indent=1))
        blocks = self.blocks(matching)
        head = list(lines)
        capacity = MAX_LINES
        # a note every line may share is said once (DirectAnswer.shown_lines): it takes
        # no room on the lines
        shared, _ = self.shared_note([self.catalog.sources[s] for s in self.cited
                                      if s in self.catalog.sources])
        lines, missing = self.fill(head, blocks, capacity, shared)
        if missing and site is None and len(lines) >= capacity:
            # make room for the line that names the sites left out
            lines, missing = self.fill(head, blocks, capacity - 1, shared)
        narrow = bool(missing) and site is None
        if narrow:
            lines.append(Line.of(self.label("answer.pick_site", sites=self._names(missing)),
                                 indent=1))
        others = [s for s in all_sites if s != site]
        return [_capped(line, self.notes(), self.question, self.aside()) for line in lines], \
            others, narrow

    def unlisted_channel(self) -> list[Line]:
        """The line that says the files list no channel of the kind asked for the role,
        where they list none; else nothing."""
        kind = _KIND_ASKED.get(self.aspect)
        if kind is None or any(c.kind == kind and self.ref.role in c.roles
                               for c in self.platform.channels):
            return []
        return [Line.of(self.label("answer.no_channel",
                                   kind=self.label(f"answer.kind.{kind.value}"),
                                   platform=self.t(self.platform.name)), indent=1)]

    def distinct(self, facts: list[AspectFact]) -> list[AspectFact]:
        """Facts without those that say what an earlier one says (the knowledge files
        repeat a fact where it applies: a channel's note and an issue's tip); of two, the
        one whose words the question uses more stands in the earlier place."""
        kept: list[AspectFact] = []
        for fact in facts:
            same = next((k for k in kept if _same_fact(k, fact)), None)
            if same is None:
                kept.append(fact)
            elif self.lexical.get(fact.path, 0.0) > self.lexical.get(same.path, 0.0):
                kept[kept.index(same)] = fact
        return kept

    @staticmethod
    def fill(
        head: list[Line], blocks: list[tuple[list[str], list[Line]]], capacity: int,
        shared: str = "",
    ) -> tuple[list[Line], list[str]]:
        """Blocks in order while they fit; and the sites of those left out, not shown.
        A `shared` note (said once after the lines) does not count as room used."""

        def size_of(line: Line) -> int:
            return len(line.text) - sum(len(s.text) for s in line.spans if s.text == shared)

        lines = list(head)
        used = sum(size_of(line) for line in lines)
        shown: set[str] = set()
        dropped: list[str] = []
        for block_sites, block in blocks:
            size = sum(size_of(line) for line in block)
            if lines and used + size > LINE_BUDGET and len(lines) < capacity:
                # a site's numbers on one line: the first of them that fit, rather than
                # none ("997 (NSRC, 8:00 AM to 8:00 PM) / …" after a short note)
                block = _first_items(block, LINE_BUDGET - used)
                size = sum(size_of(line) for line in block)
            if len(lines) + len(block) > capacity or (lines and used + size > LINE_BUDGET):
                dropped += [s for s in block_sites if s not in dropped]
                continue
            lines += block
            used += size
            shown.update(block_sites)
        return lines, [s for s in dropped if s not in shown]

    def _names(self, sites: Sequence[str]) -> str:
        sep = "、" if self.lang == "zh" else ", "
        return sep.join(self.site_name(s) for s in sites)

    def blocks(self, facts: list[AspectFact]) -> list[tuple[list[str], list[Line]]]:
        """Facts → blocks of lines that stay together, each with the sites it covers.

        A block said already (the same 24/7 line for chat and phone) is not repeated;
        the first block of each channel carries the channel's name. Asked for hours,
        fixed windows come before round-the-clock lines, in the platform's site order.
        """
        worded: list[_Block] = []
        i = 0
        while i < len(facts):
            fact = facts[i]
            # runs of the same kind from one place are worded together
            j = i + 1
            while j < len(facts) and self._same_run(fact, facts[j]):
                j += 1
            lead = any(f.path in self.leading for f in facts[i:j])
            worded += [replace(b, lead=lead) for b in self.word(facts[i:j])]
            i = j
        if self.aspect == Aspect.hours:
            # round-the-clock schedules last, unless round the clock is what is asked
            # ("is seller support open 24/7": the lines that are, first)
            asked_all_day = any(_ALL_DAY.search(w) for w in self.asked.words)
            timed = sorted((b for b in worded if b.hours_order is not None),
                           key=lambda b: ((1 - b.hours_order[0], b.hours_order[1])
                                          if asked_all_day and b.hours_order
                                          else b.hours_order or (0, 0)))
            worded = timed + [b for b in worded if b.hours_order is None]
        # what the question's own words point at comes first, whatever its kind (but
        # not before the named site's own facts)
        site = self.ref.site
        first = [b for b in worded if b.lead and (site is None or site in b.sites)]
        if self.aspect is Aspect.entry and self.asked.identifies:
            # the link itself asked ("contact us page link pls", 网址): a line that gives
            # one comes first
            first = [b for b in worded if any(span.url for line in b.lines
                                               for span in line.spans)][:1] or first
        worded = first + [b for b in worded if not any(b is f for f in first)]
        out: list[tuple[list[str], list[Line]]] = []
        seen: set[str] = set()
        named: set[str] = set()
        for block in worded:
            key = "\n".join(line.text for line in block.lines)
            if key in seen or not block.lines:
                continue
            seen.add(key)
            lines = block.lines
            if block.channel is not None and block.channel.id not in named:
                named.add(block.channel.id)
                lines = self.named(block.channel, lines)
            out.append((block.sites, lines))
        return out

    @staticmethod
    def _same_run(a: AspectFact, b: AspectFact) -> bool:
        if a.kind != b.kind or a.channel != b.channel:
            return False
        if a.kind in ("hours", "phone"):
            return True
        if a.kind == "response":
            return a.site == b.site
        if a.kind == "fact":
            same_list = a.path.rsplit(".", 1)[0] == b.path.rsplit(".", 1)[0]
            return same_list and _field(a) in _JOINED and _field(b) in _JOINED
        return False

    def word(self, run: list[AspectFact]) -> list[_Block]:
        """A run of facts in words: one or more blocks."""
        first = run[0]
        channel = self.catalog.channel(self.platform.id, first.channel) if first.channel else None
        if first.kind == "phone" and channel is not None:
            # (a line's numbers in the file's order: the editor's first is the line's own —
            # Malaysia's national scam line, 997, before the police's)
            run = sorted(run, key=_position)
            return self.word_phones(channel, [f.item for f in run if isinstance(f.item, Phone)])
        if first.kind == "hours" and channel is not None:
            items = [f.item for f in run if isinstance(f.item, Hours)]
            site_order = [s.id for s in self.platform.sites]
            blocks = []
            for same, lines in self.schedule_groups(channel, items, notes=False):
                sites = [h.site for h in same if h.site]
                where = min((site_order.index(x) for x in sites if x in site_order), default=0)
                always = 1 if same[0].schedule.always_open else 0
                if same[0].schedule.note and (always or self.asks_days):
                    # "open all day" is one short line: the schedule's own caveat fits
                    # ("一般全天在线，但高峰时段可能需要排队"); asked which days, the note
                    # says them
                    lines = [*lines, Line.of(self.t(same[0].schedule.note), indent=2)]
                blocks.append(_Block(channel, sites, lines, (always, where)))
            return blocks
        if first.kind == "response" and channel is not None:
            # one channel's reply times together, each figure on its own line
            responses = [f.item for f in run if isinstance(f.item, Response)]
            lines = [self.response_line(channel, responses[0])]
            for response in responses[1:]:
                self.cite(response.sources or channel.sources)
                lines.append(Line.of(self.t(response.text), indent=2))
            return [_Block(channel, [f.site for f in run if f.site], lines)]
        if first.kind == "fact" and (len(run) > 1 or _field(first) in _STEPS):
            return [_Block(None, [], [self.joined(run)])]
        out: list[_Block] = []
        for fact in run:
            self.cite(fact.sources)
            sites = [fact.site] if fact.site else []
            item = fact.item
            if isinstance(item, Channel):
                named = self.headline_channel()
                # (the headline names it already: its summary alone)
                lines = [Line.of(self.t(item.summary), indent=1) if named is item else
                         Line.of(Span(self.t(item.name), "bold"), " — ", self.t(item.summary),
                                 indent=1)]
                if item.url:  # "where do I report it": the page itself, as the card gives it
                    lines.append(Line.of(Span(item.url, "plain", url=item.url), indent=2))
                out.append(_Block(None, sites, lines))
            elif isinstance(item, Site) and item.languages is not None:
                out.append(_Block(None, sites, [Line.of(f"{self.t(item.name)}: ",
                                                        self.t(item.languages), indent=1)]))
            elif isinstance(item, Holiday):
                out.append(_Block(None, sites, [self.holiday_line(item)]))
            elif isinstance(item, Fact):
                text = self.t(item.text)
                name = self.site_name(fact.site) if fact.site else ""
                # "马来西亚：…" says its site already: no "马来西亚站: " before it
                site = self.catalog.site(self.platform.id, fact.site) if fact.site else None
                said = (name, *site.keywords) if site is not None else (name,)
                prefix = f"{name}: " if name and not _names_site(text, said) else ""
                note = self.fact_note(item, fact.sources)
                out.append(_Block(None, sites, [Line.of(prefix + text, *note, indent=1)]))
        return out

    def word_phones(self, channel: Channel, phones: list[Phone]) -> list[_Block]:
        """One line per site: '中国大陆: 400-810-5666 (…) / 400-820-8686 (…)'."""
        by_site: dict[str | None, list[Phone]] = {}
        for phone in phones:
            by_site.setdefault(phone.site, []).append(phone)
        out: list[_Block] = []
        for site, same in by_site.items():
            lines = self.phone_lines(channel, same)
            spans: list[Span] = list(lines[0].spans)
            for extra in lines[1:]:
                rest = extra.spans[1:] if site else extra.spans
                spans += [Span(_ITEM_SEP), *rest]
            spans = self.one_note(spans)  # one strength note for the site's numbers
            out.append(_Block(None, [site] if site else [], [Line(tuple(spans), indent=1)]))
        return out

    def named(self, channel: Channel, lines: list[Line]) -> list[Line]:
        """Prefix a channel's first line with its name when the card has several."""
        if not lines or len(self.channel_order) <= 1:
            return lines
        head = Line((Span(self.t(channel.name), "bold"), Span(" · "), *lines[0].spans),
                    lines[0].indent)
        return [head, *lines[1:]]

    def joined(self, run: list[AspectFact]) -> Line:
        """Short list items on one line: '订单号；账号信息；…' or 'Web: a → b → c' — steps
        in the file's order, whichever of them led; things to prepare, those the question's
        words match first ("what proof do they want": the proof), then the file's order."""
        run = sorted(run, key=_position)
        if _field(run[0]) == "prepare":
            run = sorted(run, key=lambda f: -self.lexical.get(f.path, 0.0))
        for fact in run:
            self.cite(fact.sources)
        texts = [self.t(f.item.text) for f in run if isinstance(f.item, Fact)]
        field = _field(run[0])
        if field in _STEPS:
            key = "card.steps_web" if field == "steps_web" else "card.steps_app"
            # a later step the question asks for ("how do I submit it") that the line's cap
            # would cut: the steps from the one before it, the earlier ones left out
            asked_for = [i for i, f in enumerate(run) if f.path in self.leading]
            led = next((i for i, f in enumerate(run) if self.lead is not None
                        and f.path == self.lead.path),
                       max(asked_for, key=lambda i: self.lexical[run[i].path], default=0))
            if led > 1 and len(" → ".join(texts[:led + 1])) > LINE_CAP:
                # (the one before it for context, where both fit)
                start = led - 1 if len(" → ".join(texts[led - 1:led + 1])) < LINE_CAP else led
                texts = ["…", *texts[start:]]
            return Line.of(Span(self.label(key), "bold"), " → ".join(texts), indent=1)
        return Line.of(("；" if self.lang == "zh" else "; ").join(texts), indent=1)

    def holiday_line(self, holiday: Holiday) -> Line:
        today = self.now.astimezone(self.zone).date()
        busy = holiday in active_holidays(self.platform.holidays, today)
        name = self.t(holiday.name) + (self.label("answer.holiday_now") if busy else "")
        return Line.of(Span(name, "bold"), ": ", self.t(holiday.effect), indent=1)

    def waited_lead(self, elapsed: timedelta) -> AspectFact | None:
        """The fact about a reply awaited that the question's words ask about, of a wait
        no longer than the one said: after a day, "超过 72 小时没回复…" is still to come.
        Of those the words match nearly as well, the one whose time came last ("after 72
        hours" once three days have passed, not "after 24 hours" again)."""
        lead = self.lead
        if lead is None or not (_for_role(lead, self.ref.role) and lead.aspects & _WAITED
                                and lead.site in (None, self.ref.site)):
            return None
        limit = _limit_of(lead)
        if limit is None:
            return lead
        # path → (the wait it speaks of, the fact), of those whose wait has come
        passed = {f.path: (wait, f) for f in _facts_of(self.platform)
                  if f.path in self.lexical and f.aspects & _WAITED and _for_role(f, self.ref.role)
                  and f.site in (None, self.ref.site)
                  and (wait := _limit_of(f)) is not None and wait <= elapsed}
        near = [p for p in passed
                if self.lexical[p] >= LEXICAL_LEAD * self.lexical.get(lead.path, 0.0)]
        if not near:
            return None
        return passed[max(near, key=lambda p: (passed[p][0], p == lead.path))][1]

    def waited(self) -> list[Line]:
        """Time already waited → the response window and that round's playbook steps."""
        elapsed = self.asked.elapsed
        assert elapsed is not None
        hours = elapsed.total_seconds() / 3600
        # (in the unit a person would say: "about 9 weeks", not "about 1440 h")
        shown = format_timedelta(elapsed, threshold=3,
                                 locale="zh_Hans_CN" if self.lang == "zh" else "en")
        role = self.ref.role
        rounds = max_rounds(self.catalog, self.platform.id, role)
        window = None
        channel: Channel | None = None
        for channel_id in self.channel_order:
            window = response_window(self.catalog, self.platform.id, channel_id, self.ref.site)
            if window is not None:
                channel = self.catalog.channel(self.platform.id, channel_id)
                break
        round_ = round_after(hours, window.hours if window else None, rounds)
        lines: list[Line] = []
        if window is not None and channel is not None:
            self.cite(window.sources)
            name = self.t(channel.name)
            if round_ == 0:
                lines.append(Line.of(self.label("answer.waited_within", waited=shown,
                                                channel=name, text=self.t(window.text)),
                                     indent=1))
                return lines
            lines.append(Line.of(self.label("answer.waited_over", waited=shown, channel=name,
                                            window=window.hours, round=round_), indent=1))
        elif round_ == 0:
            return []
        else:
            lines.append(Line.of(self.label("answer.waited", waited=shown, round=round_),
                                 indent=1))
        step = playbook(self.catalog, self.platform.id, role, round_)
        if step is None:
            return []
        # (the round's steps are what the answer drew on: "still nothing" asks the next)
        number = self.platform.followups.index(step)
        self.drawn = [f"followups.{number}.steps.{k}" for k in range(len(step.steps))]
        lines += [Line(line.spans, 2) for line in self.facts(step.steps, step.sources)]
        lead = self.waited_lead(elapsed)
        if lead is not None and isinstance(lead.item, Fact) and not any(
                self.t(lead.item.text) == self.t(s.text) for s in step.steps):
            # the sentence the question's own words ask about first ("case 24小时没人理 要不要
            # 重新提交": resubmit under another category), then the round's steps (unless
            # it is one of them)
            lines = [*self.facts([lead.item], lead.sources), *lines]
            self.drawn = [lead.path, *self.drawn]
        return [_capped(line, self.notes(), self.question, self.aside())
                for line in lines[:MAX_LINES]]


_DIGITS = re.compile(r"\d+")
# what a fact that leads an answer about a reply waited for must be about
_WAITED = frozenset({Aspect.followup, Aspect.escalation})


def _limit_of(fact: AspectFact) -> timedelta | None:
    """The wait a fact speaks of first ("超过 72 小时没回复…": 72 hours), if any."""
    texts = said_by(fact)
    return parse_elapsed(texts[0].zh) if texts else None


def _names_site(text: str, names: Sequence[str]) -> bool:
    """Whether a fact's text opens with one of its site's names ("Malaysia: …", "越南：…",
    "US: …")."""
    return any(text.lower().startswith(name.removesuffix("站").lower() + colon)
               for name in names for colon in (":", "："))


def _same_fact(a: AspectFact, b: AspectFact) -> bool:
    """Two statements of one fact: same place, same figures, mostly the same words."""
    if not (isinstance(a.item, Fact) and isinstance(b.item, Fact)) or a.site != b.site:
        return False
    return _same_text(a.item.text.zh, b.item.text.zh)


@lru_cache(maxsize=65536)
def _same_text(ta: str, tb: str) -> bool:
    """(Of two texts of the knowledge files: each answer compares its facts pairwise.)"""
    (da, pa), (db, pb) = _figures_and_pairs(ta), _figures_and_pairs(tb)
    if da != db or not (pa and pb):
        return False
    both = len(pa & pb)
    return both / (len(pa) + len(pb) - both) >= SAME_FACT


@lru_cache(maxsize=8192)
def _figures_and_pairs(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(Of the knowledge files' texts: a few thousand, compared again for every answer.)"""
    compact = "".join(text.split())
    return (frozenset(_DIGITS.findall(text)),
            frozenset(compact[i:i + 2] for i in range(len(compact) - 1)))


def _position(fact: AspectFact) -> int:
    """Where a fact stands in its list in the file ("channels.4.phones.2": 2)."""
    return int(fact.path.rsplit(".", 1)[1])


def _field(fact: AspectFact) -> str:
    """The list a fact sits in: "prepare" for roles.1.issues.0.prepare.2."""
    parts = fact.path.split(".")
    return parts[-2] if len(parts) >= 2 else ""


_ITEM_SEP = " / "  # between a site's numbers on their one line (`_Writer.word_phones`)


def _first_items(block: list[Line], room: int) -> list[Line]:
    """A one-line block of items joined by " / ", cut after the last whole item that
    fits in `room` (with " / …" to say more follow); as it is where none fits or it is
    no such block."""
    if len(block) != 1:
        return block
    spans = block[0].spans
    cuts = [i for i, span in enumerate(spans) if span.text == _ITEM_SEP]
    for cut in reversed(cuts):
        kept = (*spans[:cut], Span(_ITEM_SEP + "…"))
        if sum(len(span.text) for span in kept) <= room:
            return [Line(kept, block[0].indent)]
    return block


def _capped(line: Line, notes: Iterable[str] = (), question: str = "",
            aside: Iterable[str] = ()) -> Line:
    """A line longer than LINE_CAP is cut at a span boundary or inside the last span.

    A strength note at its end (one of `notes`) is not counted and is kept whole: a
    figure must not lose the note that says only a guide states it, and the fact's own
    words keep their room when the answer says the note once below its lines. A list
    ("Report it to Temu if: a; b; c; d") keeps the items that use the `question`'s words
    (the part-time job offer asked about may be its fourth item), and a last clause that
    says one of them, beyond the terms `aside` (the aspect's own words: every fact of it
    says "call"), where the cut would drop it."""
    kept = line.spans[-1:] if line.spans and line.spans[-1].text in set(notes) else ()
    if len(line.text) - sum(len(span.text) for span in kept) <= LINE_CAP:
        return line
    spans: list[Span] = []
    room = LINE_CAP - 1
    body = line.spans[:len(line.spans) - len(kept)]
    words = frozenset(terms(question))  # (read only for a line too long to show whole)
    if words:
        body = tuple(Span(items_asked(span.text, words, room), span.style, span.url)
                     for span in body)
    beyond = words - frozenset(aside)
    for span in body:
        if len(span.text) > room and beyond:
            # (a qualifier at the end that says what was asked: the head, "…", the end)
            span = Span(tail_asked(span.text, beyond, room), span.style, span.url)
        if len(span.text) <= room:
            spans.append(span)
            room -= len(span.text)
            continue
        spans.append(Span(span.text[:room].rstrip() + "…", span.style, span.url))
        break
    return Line((*spans, *kept), line.indent)
