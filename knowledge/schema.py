"""Typed schema of the human-edited knowledge files, so a broken file fails loudly at load."""

from __future__ import annotations

import re
from datetime import date, time
from enum import StrEnum
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

# the catalog's ids: short and plain, since they travel in callback data and deep links
ID_PATTERN = r"[a-z][a-z0-9_]{0,23}"
_ID_RE = re.compile(ID_PATTERN)


def _check_id(value: str) -> str:
    # ids travel in Telegram callback data (64 bytes), so they stay short and plain
    if not _ID_RE.fullmatch(value):
        raise ValueError(f"{value!r} is not a valid id (a-z, 0-9, _; starts with a letter; ≤ 24)")
    return value


def _check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{value!r} is not an IANA time zone") from exc
    return value


Id = Annotated[str, AfterValidator(_check_id)]
SourceId = Annotated[str, Field(min_length=1)]
Zone = Annotated[str, AfterValidator(_check_zone)]
NonEmpty = Annotated[str, Field(min_length=1)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Text(Model):
    """A user-visible string in both languages; neither may be missing."""

    zh: NonEmpty
    en: NonEmpty

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


# a quote is one sentence of a source, not a page: long enough to find it again
QUOTE_MAX = 300


class Quote(Model):
    """The words of a source a fact rests on, verbatim and in the source's language.

    `source` names which of the fact's sources says it; it may be left out where the
    fact has one source, or where the words occur in only one of its seed guides.
    Written in a file as a plain string, or as `{source: …, text: …}`.
    """

    text: Annotated[str, Field(min_length=1, max_length=QUOTE_MAX)]
    source: SourceId | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: object) -> object:
        return {"text": value} if isinstance(value, str) else value


class Sourced(Model):
    """Anything that states a fact: it names where the fact comes from.

    `sources` may be left empty only where the enclosing object's sources cover it;
    the catalog resolves that inheritance and `check` counts what stays unsourced.
    A fact that states a figure (a number, a duration, an address, a domain, a click
    path) also keeps its `quote`, so a changed page can be noticed (knowledge.sourcing).
    """

    sources: list[SourceId] = Field(default_factory=list)
    quote: Quote | None = None


class Aspect(StrEnum):
    """What a question wants to know about its target; facts say which they answer."""

    phone = "phone"  # a phone number
    hours = "hours"  # service hours, open now
    response_time = "response_time"  # how long a reply takes
    email = "email"
    chat = "chat"  # live chat
    callback = "callback"  # the platform calls you back
    entry = "entry"  # where to click: entry path, link
    prepare = "prepare"  # what to have ready
    escalation = "escalation"  # supervisor, escalating
    followup = "followup"  # what to do after N hours or days without a reply
    languages = "languages"
    eligibility = "eligibility"  # who may use a channel (selling plan, role)
    deadline = "deadline"  # e.g. a plan of action within 72 h
    retention = "retention"  # how long message logs are kept
    holiday = "holiday"  # holiday delays
    human = "human"  # reaching a person (转人工)
    intervene = "intervene"  # asking the platform to step in (客服介入)
    safety = "safety"  # scams, privacy


# aspects that name a way to reach them: in a question often the topic, not what is asked
# ("电话啥时候打好" asks for hours)
CHANNEL_ASPECTS = (Aspect.phone, Aspect.email, Aspect.chat, Aspect.callback)


class Fact(Sourced):
    text: Text
    # what the fact answers, besides what the catalog derives from where the fact sits
    # (a step is an entry, a prepare item is prepare, …): `knowledge.aspects_of` adds both;
    # free-text facts (notes, tips) must name at least one, or `check` fails
    aspects: list[Aspect] = Field(default_factory=list)
    # whose fact it is where its place does not say (a site's note about sellers only)
    roles: list[Id] = Field(default_factory=list)
    # says what follows once a limit passes, or a step is missed or done wrong ("or
    # Walmart refunds the customer automatically", "duplicates reset the queue"): what
    # "and if I miss it?" and "what if I open another?" ask
    after: bool = False
    # says the platform itself asks this of its users ("Walmart may ask you to verify your
    # business information … by e-mail"): a message asking it may be real, so a scam alert
    # about one says so, and to answer it only by going in yourself, not by its link
    real_request: bool = False


class SourceKind(StrEnum):
    """How far a source can be trusted, strongest first; a fact is as strong as its
    strongest source."""

    official = "official"  # the platform's own help pages, policies, press releases
    guide = "guide"  # a third-party guide (the five seeds are guides)
    community = "community"  # forums, sellers' reports


class Source(Model):
    """Where facts come from: a seed guide or a URL, what kind of source it is, and when
    it was last checked."""

    id: Id
    kind: SourceKind
    title: Text
    short: Text | None = None  # a few words, for the one-line citation of a direct answer
    file: str | None = None
    url: str | None = None
    checked: date
    note: str | None = None

    @model_validator(mode="after")
    def _one_location(self) -> Source:
        if (self.file is None) == (self.url is None):
            raise ValueError("a source needs exactly one of `file` or `url`")
        return self


class Weekday(StrEnum):
    mon = "mon"
    tue = "tue"
    wed = "wed"
    thu = "thu"
    fri = "fri"
    sat = "sat"
    sun = "sun"


class Window(Model):
    """Opening hours on some weekdays, local to the schedule's zone.

    `close` ≤ `open` means the window runs past midnight into the next day;
    `close` of 00:00 with `open` 00:00 means the whole day.
    """

    days: list[Weekday] = Field(min_length=1)
    open: time
    close: time


class Schedule(Sourced):
    """When a channel is staffed, in the zone where the service runs (never pre-converted)."""

    timezone: Zone
    always_open: bool = False
    windows: list[Window] = Field(default_factory=list)
    # dates on which the service is closed all day, in the schedule's zone
    closed_on: list[date] = Field(default_factory=list)
    note: Text | None = None

    @model_validator(mode="after")
    def _open_somehow(self) -> Schedule:
        if self.always_open == bool(self.windows):
            raise ValueError("a schedule is either `always_open: true` or has `windows`, not both")
        return self


class ChannelKind(StrEnum):
    phone = "phone"
    callback = "callback"
    chat = "chat"
    email = "email"
    case = "case"  # ticket / Seller Central case
    app = "app"
    social = "social"
    robot = "robot"
    merchant = "merchant"  # the shop's own customer service (Tmall)
    appeal = "appeal"  # performance notification appeal / POA
    self_service = "self_service"


class Phone(Sourced):
    site: Id | None = None  # None: applies everywhere the channel does
    number: NonEmpty
    note: Text | None = None


class Hours(Sourced):
    """A channel's schedule at one site (or everywhere, when `site` is None)."""

    site: Id | None = None
    schedule: Schedule
    applies_to: Text | None = None  # e.g. "high-priority issues only"


class Response(Sourced):
    """How fast a channel answers, and when a user should follow up.

    Minutes are the range the sources support; the card shows a range, never a false
    precision. `follow_up_hours` is the window after which a tracked case is overdue.
    """

    min_minutes: int | None = Field(default=None, ge=0)
    max_minutes: int | None = Field(default=None, ge=0)
    text: Text
    follow_up_hours: int | None = Field(default=None, ge=1)
    site: Id | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Response:
        if (
            self.min_minutes is not None
            and self.max_minutes is not None
            and self.min_minutes > self.max_minutes
        ):
            raise ValueError("min_minutes is greater than max_minutes")
        return self


class Channel(Sourced):
    id: Id
    kind: ChannelKind
    roles: list[Id] = Field(min_length=1)
    name: Text
    # what people call this channel besides its name ("店铺客服" for Tmall's shop
    # service): a question that names it is about this channel, not the platform's
    keywords: list[NonEmpty] = Field(default_factory=list)
    summary: Text  # what it is good for
    human: Literal["yes", "no", "mixed"] = "mixed"
    url: str | None = None
    steps_web: list[Fact] = Field(default_factory=list)
    steps_app: list[Fact] = Field(default_factory=list)
    phones: list[Phone] = Field(default_factory=list)
    hours: list[Hours] = Field(default_factory=list)
    responses: list[Response] = Field(default_factory=list)
    notes: list[Fact] = Field(default_factory=list)
    # what the channel itself answers, besides what its kind implies (an email channel
    # answers "email"): e.g. Tmall's intervention button answers "intervene"
    aspects: list[Aspect] = Field(default_factory=list)


class Recommendation(Sourced):
    channel: Id
    why: Text


class Issue(Sourced):
    id: Id
    name: Text
    keywords: list[NonEmpty] = Field(default_factory=list)
    recommended: list[Recommendation] = Field(min_length=1)
    channels: list[Id] = Field(default_factory=list)  # further channels, in order
    path: list[Fact] = Field(default_factory=list)  # where the issue lives in the menus
    prepare: list[Fact] = Field(default_factory=list)
    escalation: list[Fact] = Field(default_factory=list)
    tips: list[Fact] = Field(default_factory=list)
    warnings: list[Fact] = Field(default_factory=list)
    template: Id | None = None
    # among the most asked problems (an empty inline query lists them, lowest first)
    popular: int | None = Field(default=None, ge=1)


class Role(Sourced):
    id: Id
    name: Text
    keywords: list[NonEmpty] = Field(default_factory=list)
    official_entry: Fact | None = None  # overrides the platform's for this role
    # what to say when someone opens a second case for a problem already open
    one_case_advice: Fact | None = None
    issues: list[Issue] = Field(min_length=1)


class Site(Sourced):
    id: Id
    name: Text
    timezone: Zone
    # ISO 3166 country whose national phone format the site's numbers are written in
    # ("GB" for a site "uk"); where absent, a site id that is a country code is used
    region: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None
    keywords: list[NonEmpty] = Field(default_factory=list)
    languages: Text | None = None
    notes: list[Fact] = Field(default_factory=list)


class Template(Sourced):
    id: Id
    name: Text
    body: NonEmpty  # kept in the language the platform expects (English for Amazon)


class Discrepancy(Sourced):
    """Where sources disagree or are wrong: what we keep and why (for editors)."""

    topic: NonEmpty
    kept: NonEmpty
    why: NonEmpty


class Holiday(Sourced):
    """A named busy period during which replies are slower."""

    id: Id
    name: Text
    rule: Literal["black_friday", "christmas"]
    effect: Text


class FollowUp(Sourced):
    """What to do when a tracked case is still unanswered, by reminder round (1 = first).

    Later rounds escalate rather than repeat; after the last round the bot stops reminding.
    """

    round: int = Field(ge=1, le=10)
    roles: list[Id] = Field(min_length=1)
    steps: list[Fact] = Field(min_length=1)


class Domain(Sourced):
    """A host name the platform officially uses (the link check matches it and its subdomains)."""

    domain: Annotated[str, Field(pattern=r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$")]


class Platform(Sourced):
    id: Id
    name: Text
    # the order platforms are offered in, most asked first: the home menu shows the first
    # row, the rest behind "more platforms"; ties keep file order
    rank: int = Field(default=100, ge=1)
    keywords: list[NonEmpty] = Field(default_factory=list)
    official_entry: Fact  # the official place to start and to confirm numbers
    sites: list[Site] = Field(default_factory=list)
    channels: list[Channel] = Field(min_length=1)
    roles: list[Role] = Field(min_length=1)
    warnings: list[Fact] = Field(default_factory=list)  # anti-scam and privacy
    templates: list[Template] = Field(default_factory=list)
    holidays: list[Holiday] = Field(default_factory=list)
    followups: list[FollowUp] = Field(default_factory=list)
    discrepancies: list[Discrepancy] = Field(default_factory=list)
    domains: list[Domain] = Field(default_factory=list)  # official domains, for the link check
    # true while the file's figures are still being given their quotes: `check` then
    # lists the facts still without one instead of failing on them
    quotes_pending: bool = False


class KnownPlatform(Model):
    """A platform people ask about, by the names they use, whether or not it is covered.

    Names are matched like search keywords: Chinese as substrings (simplified and
    traditional meet via textnorm), Latin as whole words, case-insensitively.
    """

    id: Id
    name: Text
    names: list[NonEmpty] = Field(min_length=1)
    # Latin names that are also ordinary English words ("wish"): they count only when
    # typed as a name (Wish, WISH, wish客服) or next to one of `context`
    ambiguous: list[NonEmpty] = Field(default_factory=list)
    context: list[NonEmpty] = Field(default_factory=list)
    # longer words a Chinese name occurs inside without naming the platform (北京东路)
    not_inside: list[NonEmpty] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ambiguous_are_names(self) -> KnownPlatform:
        missing = [a for a in self.ambiguous if a not in self.names]
        if missing:
            raise ValueError(f"ambiguous names {missing} are not in `names`")
        return self


class PlatformNamesFile(Model):
    platforms: list[KnownPlatform] = Field(min_length=1)


class ScamSign(StrEnum):
    """What a scam message asks for or claims (knowledge/data/safety.yaml `scam.signs`)."""

    pay = "pay"  # pay, transfer, a fee to unlock
    code = "code"  # a verification code (OTP, 验证码)
    password = "password"
    frozen = "frozen"  # the account is frozen, suspended, banned (冻结, 封号)
    prize = "prize"  # a prize won (中奖)
    personal = "personal"  # personal information to "verify" (核实个人信息)
    elsewhere = "elsewhere"  # to go to another app: add a QQ, install an app, share a screen
    callback = "callback"  # to call a number the message gives (请致电 400-…)
    charge = "charge"  # a charge or a membership the asker never made (开通了会员要取消)
    job = "job"  # paid tasks or a job "for the platform" (刷好评日赚, a product tester)
    police = "police"  # the police, customs or a bank "investigating" (涉嫌洗钱, 配合调查)
    # paying outside the platform (私下交易, "pay outside etsy"): a sign by itself — the
    # platforms' protection ends there, whoever asks
    outside = "outside"
    # a link made to look like a platform's address (amazon-verify.com): told by the link
    # check, not by words (safety.yaml lists none for it)
    fake_site = "fake_site"


class Words(Model):
    """Words in each language: Chinese as substrings (simplified and traditional both
    listed; matching also folds traditional to simplified), English as whole words.
    A Chinese entry "A…B" means A, then B within a few characters ("是…吗")."""

    zh: list[NonEmpty] = Field(default_factory=list)
    en: list[NonEmpty] = Field(default_factory=list)


class ScamAdvice(Model):
    """How the bot tells a scam: the words that mark one, and what to say about it."""

    signs: dict[ScamSign, Words]
    # a call, a text or a message the asker received ("打电话给我", "texted me", "【亚马逊】")
    contact: Words
    # asks whether something is genuine ("是真的吗", "is this legit"): a pasted number or
    # link with these words is a check, not a question about the platform
    verify: Words
    # the asker has done it already ("我把验证码给了他", "i already paid"): what to do now
    # is the question, not whether it is a scam
    done: Words = Field(default_factory=Words)
    # asks where to enter a code the platform itself sent ("亚马逊发来验证码 在哪输入"):
    # signing in, not a scam, where nothing else a scam asks for is there
    enter: Words = Field(default_factory=Words)
    # asks how to report someone ("怎么检举他", "how do I report a buyer"): the asker has
    # seen the offer for what it is (the `outside` sign needs a message received then)
    report: Words = Field(default_factory=Words)
    # tells of a link read off a message received, or of what a link shows ("短信里的链接
    # 显示是 amazon.cn", "the link in the text says amazon.com"): the address typed is what
    # the asker saw, not where the link opens
    relayed: Words = Field(default_factory=Words)
    # ... what to say then: a link can show one address and open another (sourced)
    relayed_link: Fact | None = None
    # a greeting that introduces its writer ("Hi, I'm …"): a message received where it
    # speaks to its reader ("Hi, I'm Jessica from support, your account …"); the asker's
    # own opener where it does not ("Hi, I'm new to all of this, acct frozen …")
    greeting: Words = Field(default_factory=Words)
    # the platforms never ask for these by phone, text or e-mail (sourced)
    never_asks: Fact
    # a call or text can show an official number and still be a scam (sourced)
    spoofing: Fact


class SafetyFile(Model):
    """Advice that holds on any platform: where to find the real customer service."""

    # the path to take on any platform: the official app's or website's help centre
    safe_path: Fact
    # platform-independent warnings (fake support numbers, codes, passwords)
    advice: list[Fact] = Field(min_length=1)
    scam: ScamAdvice | None = None


class SmallTalkKind(StrEnum):
    """Messages that are not questions about a platform, each answered with a short text."""

    greeting = "greeting"  # 你好, hi
    thanks = "thanks"  # 谢谢, thanks
    are_you_official = "are_you_official"  # are you Amazon / the official service?
    are_you_human = "are_you_human"  # are you a real person?
    act_for_me = "act_for_me"  # contact Tmall for me, refund my order


class SmallTalkPhrases(Model):
    kind: SmallTalkKind
    # whole messages (besides fillers); `<platform>` stands for any platform's name
    phrases: list[NonEmpty] = Field(min_length=1)
    reply: Text  # short and honest; about the bot itself, so it needs no source
    # the phrases may also be said to a platform, before or after its name ("亚马逊客服
    # 你好", "thanks walmart support"): the bot then says what it is
    addressable: bool = False


class PlacesFile(Model):
    """Cities by the site id of their country (knowledge/data/places.yaml)."""

    places: dict[Id, list[NonEmpty]] = Field(min_length=1)


class Example(Model):
    """A question people asked, and the facts that answered it (knowledge/data/examples.json)."""

    q: NonEmpty
    platform: Id
    role: Id
    # the facts that answer it (AspectFact.path), in file order
    facts: list[NonEmpty] = Field(min_length=1)
    # the set it came from (a tuned-on blind split): an evaluation leaves its own set out
    set: NonEmpty
    # its words as knowledge.examples.words_of reads them, space-separated: written with the
    # file, so the start-up does not read 3,000 questions again (about 0.3 s)
    words: str = ""


class ExamplesFile(Model):
    about: str = ""  # what the file is and how it is written
    examples: list[Example] = Field(default_factory=list)


class SmallTalkFile(Model):
    # words that may come before or after a phrase without changing it (啊, please, bot)
    fillers: list[NonEmpty] = Field(default_factory=list)
    # words around a platform's name that address it ("客服", "support", "the real"):
    # "亚马逊官方客服" in "你是亚马逊官方客服吗" still names Amazon
    addressing: list[NonEmpty] = Field(default_factory=list)
    # what people add to a question that asks nothing (急, 在线等, "asap"): a clause of
    # these, greetings, thanks and fillers before or after the question is set aside
    asides: list[NonEmpty] = Field(default_factory=list)
    kinds: list[SmallTalkPhrases] = Field(min_length=1)
    # one line on what the bot is and is not, for /start and /about
    identity: Text

    @model_validator(mode="after")
    def _each_kind_once(self) -> SmallTalkFile:
        kinds = [k.kind for k in self.kinds]
        if len(set(kinds)) != len(kinds):
            raise ValueError("a kind is listed twice")
        return self


class SourcesFile(Model):
    sources: list[Source] = Field(min_length=1)


class AspectWords(Model):
    """The words that ask for one aspect; Chinese is simplified (traditional is converted).

    `weak` words (zh or en) count only when no other aspect is asked: "时间" alone asks for
    hours, but in "回复时间" the stronger "回复时间" decides.
    """

    zh: list[NonEmpty] = Field(default_factory=list)
    en: list[NonEmpty] = Field(default_factory=list)
    weak: list[NonEmpty] = Field(default_factory=list)


class PartyWords(Model):
    """How a role word names the other party of an order, not the asker (knowledge/parties.py).

    `buyers` and `sellers` are the words that name a person of either side (卖家, shop,
    buyer), never a place or a tool (卖家后台, seller central); `towards` words stand
    just before the one addressed (联系卖家, "message the seller"), except after one of
    `not_towards` (请问卖家 is "may I ask, as a seller"; "what about sellers?" asks the
    same of them); `by` just before and `acts` just after the one reported on
    (被卖家拒了, 卖家不理, "buyer refused"), `between` words aside (卖家一直不同意, "seller
    still hasn't replied"); `me` a few
    words after, the asker acted on (卖家没理我, "buyer sent me"), unless another person
    stands between (卖家能不能让买家加我) or 我 owns a noun (卖家怎么给我的买家退款).
    `self_marks` before a role word make it the asker's (我是卖家, "as a seller"), and
    `self_after` just after it ("seller here");
    `buying` and `selling` words put the asker on a side with no role word at all (买的,
    "my listings", 开店).
    """

    buyers: AspectWords
    sellers: AspectWords
    towards: AspectWords
    not_towards: list[NonEmpty] = Field(default_factory=list)
    # acted against, just before (投诉卖家, "complain about a shop"): reported on to the
    # platform, not written to
    against: AspectWords = Field(default_factory=AspectWords)
    by: AspectWords
    acts: AspectWords
    between: AspectWords
    me: AspectWords
    # acts of filing (申请了, 开了 case): a buyer files against the asker; a seller who
    # files is the asker ("亚马逊卖家开了case")
    files: AspectWords = Field(default_factory=AspectWords)
    self_marks: AspectWords = Field(default_factory=AspectWords)
    self_after: AspectWords = Field(default_factory=AspectWords)
    buying: AspectWords = Field(default_factory=AspectWords)
    selling: AspectWords = Field(default_factory=AspectWords)


class AspectsFile(Model):
    """How questions ask for aspects (knowledge/data/aspects.yaml).

    `order` ranks aspects when a question asks for several: the first one found is what
    the answer leads with ("黑五回复慢吗" is about the holiday, not reply times in general).
    `elapsed` words mark a duration as time already waited ("48小时没回", "after 3 days");
    `reach` words ask how to reach them at all ("how do i reach them then"); `idioms`
    hold an aspect word but ask for none ("第一时间" is "at once"); `app` and `web` words
    say where the asker is ("在手机上", "on the website"): that one's steps answer;
    `consequence` words after a time said ask what missing the limit means ("超过48小时
    没回会怎样"), not what to do while waiting; `awaited` words name a thing waited for
    that is no reply ("一周了钱还没到账"): no reply window to chase; `identifiers` name a
    channel's number or address ("号码呢" after the hours asks the number, not the phone
    line's hours as "电话呢" does); `choose` words ask which way to reach them is best
    ("用啥方式联系最快", "email or call?"): the card's recommendation, and why; `first`
    words ask what to do first ("第一步干嘛", "what do I do first"): the fact that says so;
    `more` words ask for more of what was just answered ("还有呢", "anything else I should
    do?"): what the last answer did not show; `follows` words ask what follows once a
    limit passes or a step is missed ("超时了会怎样", "and if I miss it?"): the fact that
    says so (`Fact.after`); `next` words ask for the step after those just shown ("然后
    呢", "ok what next").
    """

    order: list[Aspect]
    aspects: dict[Aspect, AspectWords]
    elapsed: AspectWords
    reach: AspectWords | None = None
    idioms: AspectWords | None = None
    app: AspectWords | None = None
    web: AspectWords | None = None
    consequence: AspectWords | None = None
    awaited: AspectWords | None = None
    identifiers: AspectWords | None = None
    choose: AspectWords | None = None
    first: AspectWords | None = None
    more: AspectWords | None = None
    follows: AspectWords | None = None
    next: AspectWords | None = None
    still: AspectWords | None = None
    template: AspectWords | None = None
    parties: PartyWords | None = None

    @model_validator(mode="after")
    def _complete(self) -> AspectsFile:
        missing = [a.value for a in Aspect if a not in self.order]
        if missing:
            raise ValueError(f"`order` misses aspects: {', '.join(missing)}")
        if len(set(self.order)) != len(self.order):
            raise ValueError("`order` lists an aspect twice")
        return self


class SynonymsFile(Model):
    """Groups of words that mean the same to a searcher; the first is the canonical one."""

    groups: list[list[NonEmpty]] = Field(min_length=1)
