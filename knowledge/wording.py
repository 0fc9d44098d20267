"""How the answering path's replies read: a title and plain lines, in either language.

`knowledge.reply` decides what to answer; this module words it, so the private chat,
groups, inline mode and the terminal say the same thing and only add their own buttons.
Every platform fact here comes from the reply's data (the knowledge files, with their
sources); the rest are the bot's own words from knowledge/locale/labels.yaml.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from knowledge.answer import DirectAnswer
from knowledge.card import FactLines, Line, Span, build_card, title_for
from knowledge.catalog import Catalog
from knowledge.checks import MessageCheck
from knowledge.i18n import LABELS
from knowledge.links import MAX_LINKS, LinkKind, LinkVerdict, LookAlike
from knowledge.numbers import (
    MAX_NUMBERS,
    NumberVerdict,
    OfficialNumber,
    PlatformAdvice,
)
from knowledge.platforms import SourcedText, UncoveredPlatform
from knowledge.reply import CheckedAnswer, Nothing, NotSure, Reply
from knowledge.scam import ScamAlert
from knowledge.schema import Lang, ScamSign
from knowledge.smalltalk import SmallTalk

__all__ = ["MAX_ADVICE", "Worded", "coverage_notices", "word_reply"]

MAX_ADVICE = 2  # platforms whose entries a check lists; more: "which platform?"


@dataclass(frozen=True)
class Worded:
    title: str
    lines: tuple[Line, ...]

    def plain_text(self) -> str:
        prefix = {0: "", 1: "• ", 2: "   – "}
        head = [self.title] if self.title else []  # small talk needs no title
        return "\n".join([*head, *(prefix.get(x.indent, "   – ") + x.text
                                    for x in self.lines)]) + "\n"


def word_reply(
    reply: Reply,
    catalog: Catalog,
    *,
    lang: Lang,
    user_zone: ZoneInfo,
    now: datetime,
    personal: bool = True,
) -> Worded:
    """The reply as a title and lines (plain text; renderers escape it)."""
    return _Wording(catalog, lang, user_zone, now, personal).word(reply)


def coverage_notices(catalog: Catalog, answer: DirectAnswer, lang: Lang) -> tuple[Line, ...]:
    """What the answer's platform's files do not cover, of what the question said: a
    site, or the asker's side ("我是卖家" on Shopee) — said before anything; and, before
    a card's summary, that the platform was a guess (a fact answer says so after its
    facts: what is asked comes first there)."""
    notices = (_site_notice(catalog, answer, lang), _role_notice(catalog, answer, lang),
               _guess_notice(catalog, answer, lang))
    return tuple(n for n in notices if n is not None)


def _guess_notice(catalog: Catalog, answer: DirectAnswer, lang: Lang) -> Line | None:
    """"No platform named, so here is Amazon's", before the card a question with no
    platform was placed on ("账号被封了怎么申诉" has an answer on several platforms)."""
    platform = catalog.platform(answer.ref.platform) if answer.ref is not None else None
    if answer.aspect is not None or not answer.platform_guessed or platform is None:
        return None
    return Line.of(Span(LABELS.get("answer.platform_guessed_first", lang,
                                   platform=platform.name.get(lang)), "italic"))


def _role_notice(catalog: Catalog, answer: DirectAnswer, lang: Lang) -> Line | None:
    """"Our Shopee guide covers shoppers only; nothing for sellers", where the asker said
    they are on a side the platform's files have no role for: what follows is the other
    side's, and the user should know it."""
    platform = catalog.platform(answer.ref.platform) if answer.ref is not None else None
    if answer.uncovered_role is None or platform is None:
        return None
    sep = LABELS.get("reply.list_separator", lang)
    return Line.of(Span(LABELS.get("answer.role_not_covered", lang,
                                   platform=platform.name.get(lang),
                                   covered=sep.join(LABELS.get(f"answer.side.{r.id}", lang)
                                                    for r in platform.roles),
                                   asked=LABELS.get(f"answer.side.{answer.uncovered_role}",
                                                    lang)),
                        "italic"))


def _site_notice(catalog: Catalog, answer: DirectAnswer, lang: Lang) -> Line | None:
    """"Shopee's guide covers Singapore, Malaysia and the Philippines, not Vietnam", where
    the question named a site the answer's platform has nothing for: what follows is
    what applies anywhere, and the user should know it is not Vietnam's own."""
    site = answer.uncovered_site
    platform = catalog.platform(answer.ref.platform) if answer.ref is not None else None
    if site is None or platform is None:
        return None
    named = next((s.name for p in catalog.platforms.values() for s in p.sites if s.id == site),
                 None)
    if named is None:
        return None
    sep = LABELS.get("reply.list_separator", lang)
    return Line.of(Span(LABELS.get("answer.site_not_covered", lang,
                                   platform=platform.name.get(lang), site=named.get(lang),
                                   sites=sep.join(s.name.get(lang) for s in platform.sites)),
                        "italic"))


class _Wording:
    def __init__(self, catalog: Catalog, lang: Lang, zone: ZoneInfo, now: datetime,
                 personal: bool) -> None:
        self.catalog = catalog
        self.lang = lang
        self.zone = zone
        self.now = now
        self.personal = personal
        self.cited: list[str] = []
        self.quoted: tuple[str, ...] = ()  # sources an answer already names (its own line)

    def label(self, key: str, **values: object) -> str:
        return LABELS.get(key, self.lang, **values)

    def word(self, reply: Reply) -> Worded:
        match reply:
            case DirectAnswer():
                return self.answer(reply)
            case NotSure(suggestions=suggestions):
                lines = [Line.of(LABELS.get("search.not_sure", self.lang))]
                lines += [Line.of(title_for(self.catalog, ref, self.lang), indent=1)
                          for ref in suggestions]
                return Worded(self.label("reply.not_sure"), tuple(lines))
            case Nothing():
                return Worded(self.label("reply.not_sure"), ())
            case UncoveredPlatform():
                return self.uncovered(reply)
            case MessageCheck():
                return self.check(reply)
            case CheckedAnswer(answer=answer, check=check):
                worded = self.answer(answer)
                return Worded(worded.title, (*worded.lines, *self.check_after(check)))
            case SmallTalk():
                return self.smalltalk(reply)
        raise TypeError(f"not a reply: {reply!r}")

    # --- the parts ------------------------------------------------------------------

    def answer(self, answer: DirectAnswer) -> Worded:
        if answer.ref is None:
            return Worded(self.label("reply.not_sure"), ())
        first = coverage_notices(self.catalog, answer, self.lang)
        if answer.aspect is None:
            # nothing in particular asked: the card's short form
            card = build_card(self.catalog, answer.ref, lang=self.lang, user_zone=self.zone,
                              now=self.now, personal=self.personal)
            if card is not None:
                return Worded(card.title, (*first, *card.short))
        lines = [*first, *answer.shown_lines()]
        platform = self.catalog.platform(answer.ref.platform)
        if answer.platform_guessed and answer.lines and platform is not None:
            # after the facts: what is asked first, that it is a guess right after
            lines.append(Line.of(Span(self.label("answer.platform_guessed",
                                                 platform=platform.name.get(self.lang)),
                                      "italic")))
        if answer.lines and (source := answer.source_line()):
            lines.append(Line.of(Span(source, "italic")))
            self.quoted = tuple(s.id for s in answer.sources)
        if answer.recommendation is not None:
            lines.append(answer.recommendation)
        return Worded(answer.headline, tuple(lines))

    def uncovered(self, reply: UncoveredPlatform) -> Worded:
        name = reply.first.name.get(self.lang)
        covered = self.label("reply.list_separator").join(
            p.name.get(self.lang) for p in reply.covered)
        lines = [
            Line.of(self.label("reply.uncovered.body", name=name)),
            Line.of(self.label("reply.uncovered.covered", names=covered)),
            *self.safety(reply.safe_path, reply.advice),
        ]
        return Worded(self.label("reply.uncovered.title", name=name), self.cite_end(lines))

    def check(self, check: MessageCheck) -> Worded:
        """The scam warning and the safe way first, then every verdict, worst first."""
        lines: list[Line] = []
        # a fake address is what an alert is about first: its own verdict says whose site
        # it imitates, better than any sign ("is amazon-help.net amazon's?")
        fakes = [link for link in check.links if link.severity == 2] if (
            check.scam is not None and ScamSign.fake_site in check.scam.signs) else []
        if check.scam is not None:
            for link in fakes:
                self.cited.extend(link.sources)
                lines.append(Line.of(self.link(link)))
            verdict, general = self.scam(check.scam)
            # the platform's own word on what the message is about, before the signs and
            # what every platform says ("Amazon never asks for a code" before "never tell
            # anyone"): its words are sourced and specific
            for item in check.advice:
                if item.pertinent and not item.real_request:
                    self.cited.extend(item.warnings[0].sources)
                    lines.append(Line.of("⚠️ ", item.warnings[0].text.get(self.lang)))
            if verdict is not None:
                lines.append(verdict)
            # (the platform does ask this itself: after the signs, that the request may be
            # real, and to answer it only by going in yourself; first, it read as a reason
            # to do what the message says)
            for item in check.advice:
                if item.pertinent and item.real_request:
                    self.cited.extend(item.warnings[0].sources)
                    lines.append(Line.of("⚠️ ", self.label(
                        "reply.scam.real_request", text=item.warnings[0].text.get(self.lang),
                        name=item.name.get(self.lang))))
            lines.extend(general)
            # the safe way: the platform's own official entry, or the general one
            if check.advice:
                for item in check.advice:
                    self.cited.extend(item.official_entry.sources)
                    lines.append(Line.of(Span(self.label("reply.safe_path"), "bold"),
                                         self.label("reply.scam.entry",
                                                    name=item.name.get(self.lang),
                                                    entry=item.official_entry.text.get(self.lang))))
            else:
                lines.extend(self.safety(check.safe_path, ()))
        if check.relayed is not None:
            # before the ✅ of the address: what was checked is only what the asker saw
            self.cited.extend(check.relayed.sources)
            lines.append(Line.of("⚠️ ", check.relayed.text.get(self.lang)))
        lines.extend(self.verdicts(check, hours=check.scam is None, shown=fakes))
        if check.spoofing is not None and check.scam is None:
            self.cited.extend(check.spoofing.sources)
            lines.append(Line.of("⚠️ ", check.spoofing.text.get(self.lang)))
        if check.scam is None and not check.all_confirmed:
            lines.extend(self.advice(check.advice))
            lines.extend(self.safety(check.safe_path, check.general))
        if check.scam is not None:
            title = self.label("reply.scam.title")
        elif check.numbers and check.links:
            title = self.label("reply.check.title")
        else:
            title = self.label("reply.links.title" if check.links else "reply.numbers.title")
        return Worded(title, self.cite_end(lines))

    def check_after(self, check: MessageCheck) -> list[Line]:
        """The check of what an answered question held: a line or two after the fact."""
        lines = self.verdicts(check, hours=False)
        if check.spoofing is not None:
            self.cited.extend(check.spoofing.sources)
            lines.append(Line.of("⚠️ ", check.spoofing.text.get(self.lang)))
        if not check.all_confirmed:
            for item in check.advice[:1]:
                self.cited.extend(item.official_entry.sources)
                lines.append(Line.of(self.label(
                    "reply.numbers.where", name=item.name.get(self.lang),
                    entry=item.official_entry.text.get(self.lang))))
        self.cited = [s for s in self.cited if s not in self.quoted]
        return list(self.cite_end(lines))

    def scam(self, alert: ScamAlert) -> tuple[Line | None, list[Line]]:
        """What the message asks or claims that marks a scam (None where a fake address
        is all: its own verdict says so), and the warnings every platform gives."""
        named = [sign for sign in alert.signs if sign is not ScamSign.fake_site]
        verdict = None
        if named:
            signs = self.label("reply.scam.and").join(
                self.label(f"reply.scam.sign.{sign.value}") for sign in named)
            said = self.label("reply.scam.signs", signs=signs)
            verdict = Line.of(Span(said[:1].upper() + said[1:], "bold"))
        lines = []
        for fact in (alert.never_asks, alert.spoofing):
            if fact is not None:
                self.cited.extend(fact.sources)
                lines.append(Line.of("⚠️ ", fact.text.get(self.lang)))
        return verdict, lines

    def verdicts(self, check: MessageCheck, *, hours: bool,
                 shown: Sequence[LinkVerdict] = ()) -> list[Line]:
        """Each number and link (but those `shown` already), the worst first (message
        order among equals), then what was not checked: a fake must never sit below
        three ✅."""
        rated: list[tuple[int, list[Line]]] = []
        for verdict in check.numbers:
            rated.append((_number_severity(verdict), self.number(verdict, hours=hours)))
        for link in check.links:
            if link in shown:
                continue
            self.cited.extend(link.sources)
            rated.append((link.severity, [Line.of(self.link(link))]))
        lines = [line for _, group in sorted(rated, key=lambda r: -r[0]) for line in group]
        if check.unchecked_links:
            lines.append(Line.of(self.label("reply.links.skipped", count=check.unchecked_links,
                                            limit=MAX_LINKS)))
        if check.unchecked_numbers:
            lines.append(Line.of(self.label("reply.numbers.skipped",
                                            count=check.unchecked_numbers, limit=MAX_NUMBERS)))
        return lines

    def number(self, verdict: NumberVerdict, *, hours: bool = True) -> list[Line]:
        """The verdict on one number, in words (the one place they are chosen)."""
        if verdict.is_official:
            lines = []
            for official in verdict.official:
                self.cited.extend(official.sources)
                # only a number an official source lists is called official
                key = "reply.numbers.official" if official.confirmed else "reply.numbers.listed"
                text = self.label(key, number=verdict.text, what=self.line_of(official))
                lines.append(Line.of(text))
                if hours:
                    lines.extend(self.hours_of(official))
            return lines
        key = "reply.numbers.unknown" if verdict.is_valid else "reply.numbers.invalid"
        lines = [Line.of(self.label(key, number=verdict.text))]
        for near in verdict.near[:1]:
            self.cited.extend(near.sources)
            lines.append(Line.of(self.label("reply.numbers.near", official=near.number,
                                            what=self.line_of(near)), indent=1))
        return lines

    def line_of(self, number: OfficialNumber) -> str:
        """'亚马逊 · 买家 · 日本站 · 客服电话'."""
        platform = self.catalog.platform(number.platform)
        if platform is None:
            return number.platform
        parts = [platform.name.get(self.lang)]
        for role_id in number.roles:
            role = self.catalog.role(platform.id, role_id)
            if role is not None:
                parts.append(role.name.get(self.lang))
        site = self.catalog.site(platform.id, number.site) if number.site else None
        if site is not None:
            parts.append(site.name.get(self.lang))
        channel = self.catalog.channel(platform.id, number.channel)
        if channel is not None:
            parts.append(channel.name.get(self.lang))
        return " · ".join(parts)

    def hours_of(self, number: OfficialNumber) -> list[Line]:
        platform = self.catalog.platform(number.platform)
        channel = self.catalog.channel(number.platform, number.channel)
        if platform is None or channel is None or not number.hours:
            return []
        facts = FactLines(self.catalog, platform, self.lang, self.zone, self.now, self.personal)
        lines = facts.schedule_lines(channel, number.hours, notes=False)
        self.cited.extend(facts.cited)
        return lines

    def link(self, verdict: LinkVerdict) -> str:
        """The verdict on one link, in words: the host a browser opens, never the disguise."""
        platform = self.catalog.platform(verdict.platform) if verdict.platform else None
        name = platform.name.get(self.lang) if platform is not None else (verdict.platform or "")
        if verdict.disguise and verdict.kind is not LinkKind.official:
            return self.label("reply.links.disguised", shown=verdict.disguise, host=verdict.host)
        if verdict.how is LookAlike.mixed:
            return self.label("reply.links.mixed", host=verdict.host)
        match verdict.kind:
            case LinkKind.official:
                return self.label("reply.links.official", host=verdict.host, name=name)
            case LinkKind.listed:
                return self.label("reply.links.listed", host=verdict.host, name=name)
            case LinkKind.look_alike:
                return self.label("reply.links.look_alike", host=verdict.host, name=name,
                                  domain=verdict.domain or "")
        if name:
            return self.label("reply.links.uses_name", host=verdict.host, name=name)
        return self.label("reply.links.unknown", host=verdict.host)

    def smalltalk(self, talk: SmallTalk) -> Worded:
        lines = [Line.of(talk.reply.get(self.lang))]
        addressed = talk.platform is not None and talk.kind in ("greeting", "thanks")
        if talk.kind in ("are_you_human", "act_for_me") or addressed:
            # "亚马逊客服你好": said to a platform, so say what the bot is
            lines.append(Line.of(Span(talk.identity.get(self.lang), "italic")))
        if talk.official_entry is not None and talk.platform is not None:
            self.cited.extend(talk.official_entry.sources)
            lines.append(Line.of(self.label(
                "reply.smalltalk.entry", name=talk.platform.name.get(self.lang),
                entry=talk.official_entry.text.get(self.lang))))
        elif talk.kind not in ("greeting", "thanks"):
            lines.extend(self.safety(talk.safe_path, ()))
        return Worded("", self.cite_end(lines))

    # --- shared ---------------------------------------------------------------------

    def advice(self, advice: Sequence[PlatformAdvice], *, warnings: bool = True) -> list[Line]:
        """Each platform's official entry (and first warning); with more than
        MAX_ADVICE platforms (none named), a line asking which one instead."""
        if len(advice) > MAX_ADVICE:
            names = self.label("reply.list_separator").join(a.name.get(self.lang)
                                                            for a in advice)
            return [Line.of(self.label("reply.check.which", names=names))]
        lines = []
        for item in advice:
            self.cited.extend(item.official_entry.sources)
            lines.append(Line.of(self.label(
                "reply.numbers.where", name=item.name.get(self.lang),
                entry=item.official_entry.text.get(self.lang))))
            for warning in item.warnings[:1 if warnings else 0]:
                self.cited.extend(warning.sources)
                lines.append(Line.of("⚠️ ", self.label(
                    "reply.scam.real_request", text=warning.text.get(self.lang),
                    name=item.name.get(self.lang)) if item.real_request
                    else warning.text.get(self.lang)))
        return lines

    def safety(self, path: SourcedText | None, advice: Iterable[SourcedText]) -> list[Line]:
        lines = []
        if path is not None:
            self.cited.extend(path.sources)
            lines.append(Line.of(Span(self.label("reply.safe_path"), "bold"),
                                 path.text.get(self.lang)))
        for item in advice:
            self.cited.extend(item.sources)
            lines.append(Line.of(item.text.get(self.lang), indent=1))
        return lines

    def cite_end(self, lines: list[Line]) -> tuple[Line, ...]:
        """The lines with one closing line naming the sources they quote."""
        titles = []
        for sid in dict.fromkeys(self.cited):
            source = self.catalog.sources.get(sid)
            if source is not None:
                titles.append((source.short or source.title).get(self.lang))
        if titles:
            lines = [*lines, Line.of(Span(self.label("answer.source",
                                                     titles=" · ".join(dict.fromkeys(titles))),
                                          "italic"))]
        return tuple(lines)


def _number_severity(verdict: NumberVerdict) -> int:
    """0 official, 1 not one the bot knows, 2 a fake: invalid, or one digit off an official."""
    if verdict.is_official:
        return 0
    return 2 if verdict.near or not verdict.is_valid else 1
