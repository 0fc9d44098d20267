"""The answer card as data: what to show for one platform · role · issue, in any front end.

The card is built once per (ref, language, time zone, moment) from the catalog; the
terminal prints it as plain text and the Telegram layer renders the same data as HTML.
Texts are plain (never markup): every renderer escapes them for its own format.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo

from knowledge.catalog import CardRef, Catalog, labelled_site
from knowledge.hours import (
    OpenStatus,
    active_holidays,
    format_time_range,
    open_status,
    zone_name,
)
from knowledge.i18n import LABELS
from knowledge.schema import (
    Aspect,
    Channel,
    Fact,
    Hours,
    Issue,
    Lang,
    Phone,
    Platform,
    Response,
    Schedule,
    Source,
    SourceKind,
    Text,
)
from knowledge.sourcing import needs_quote, strength_of

Style = Literal["plain", "bold", "italic", "code"]
_T = TypeVar("_T", Hours, Response)
# free-text facts whose figure says where a strength note belongs (issue: a number, e-mail,
# hours, reply time or deadline that only guides state is shown as such)
_NOTED_ASPECTS = frozenset(
    {Aspect.phone, Aspect.email, Aspect.hours, Aspect.response_time, Aspect.deadline}
)


@dataclass(frozen=True)
class Span:
    text: str
    style: Style = "plain"
    url: str | None = None


@dataclass(frozen=True)
class Line:
    """One line of a card; `indent` 0 is a paragraph, 1 a bullet, 2 a sub-bullet."""

    spans: tuple[Span, ...]
    indent: int = 0

    @classmethod
    def of(cls, *parts: str | Span, indent: int = 0) -> Line:
        return cls(tuple(p if isinstance(p, Span) else Span(p) for p in parts), indent)

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True)
class Section:
    """A titled block; renderers drop the highest `priority` numbers first when space runs out."""

    key: str
    heading: str
    lines: tuple[Line, ...]
    priority: int = 5
    preformatted: bool = False  # e.g. a letter template: keep line breaks, monospace


@dataclass(frozen=True)
class Card:
    ref: CardRef
    lang: Lang
    title: str
    summary: str  # one line, for inline results and suggestion buttons
    sections: tuple[Section, ...]
    short: tuple[Line, ...]  # the group-chat form: channel, number/hours, one tip, source
    sources: tuple[Source, ...]
    last_checked: date | None

    def plain_text(self) -> str:
        """The whole card as plain text (the terminal's `ask`, tests, search checks)."""
        out = [self.title, ""]
        for section in self.sections:
            out.append(f"【{section.heading}】" if self.lang == "zh" else f"[{section.heading}]")
            out.extend(_plain(line) for line in section.lines)
            out.append("")
        return "\n".join(out).rstrip() + "\n"

    def short_text(self) -> str:
        return "\n".join([self.title, *(_plain(line) for line in self.short)]) + "\n"


def _plain(line: Line) -> str:
    prefix = {0: "", 1: "• ", 2: "   – "}.get(line.indent, "   – ")
    return prefix + line.text


def title_for(catalog: Catalog, ref: CardRef, lang: Lang) -> str:
    """'亚马逊 · 卖家 · 账号被封 · 美国' — also the breadcrumb of the menus."""
    platform = catalog.platform(ref.platform)
    role = catalog.role(ref.platform, ref.role)
    issue = catalog.issue(ref.platform, ref.role, ref.issue)
    parts = [x.name.get(lang) for x in (platform, role, issue) if x is not None]
    if ref.site and (site := catalog.site(ref.platform, ref.site)) is not None:
        parts.append(site.name.get(lang))
    return " · ".join(parts)


def build_card(
    catalog: Catalog,
    ref: CardRef,
    *,
    lang: Lang,
    user_zone: ZoneInfo,
    now: datetime,
    personal: bool = True,
) -> Card | None:
    """The card for `ref`, or None when the ref names nothing (stale or forged).

    `personal` is False where others read the card too (groups, shared inline results):
    times then name their zone instead of saying "your time".
    """
    builder = _CardBuilder.of(catalog, ref, lang, user_zone, now, personal)
    return builder.build() if builder is not None else None


def recommendation_of(
    catalog: Catalog, ref: CardRef, *, lang: Lang, user_zone: ZoneInfo, now: datetime
) -> tuple[str, tuple[Line, ...]] | None:
    """The card's title and its recommendation lines, or None when the ref names nothing:
    all a direct answer shows of the card, without building its other sections (hours,
    phones and notes of every channel: most of a card's cost)."""
    builder = _CardBuilder.of(catalog, ref, lang, user_zone, now, True)
    if builder is None:
        return None
    return title_for(catalog, ref, lang), builder.recommendation().lines


class FactLines:
    """Facts → card lines for one platform, language, zone and moment, citing as it goes.

    The card and the direct answer (knowledge.answer) both state phone numbers, hours
    with open-now and reply times; this is the one place that words them, so a number or
    an opening time reads the same in both.
    """

    def __init__(
        self,
        catalog: Catalog,
        platform: Platform,
        lang: Lang,
        user_zone: ZoneInfo,
        now: datetime,
        personal: bool,
    ) -> None:
        self.catalog = catalog
        self.platform = platform
        self.lang = lang
        self.zone = user_zone
        self.now = now
        self.where = LABELS.get("hours.your_time", lang) if personal else user_zone.key
        self.cited: list[str] = []

    def t(self, text: Text) -> str:
        return text.get(self.lang)

    def label(self, key: str, **values: object) -> str:
        return LABELS.get(key, self.lang, **values)

    def cite(self, *groups: Iterable[str]) -> None:
        for group in groups:
            for sid in group:
                if sid not in self.cited:
                    self.cited.append(sid)

    def facts(
        self, facts: Sequence[Fact], owner_sources: Sequence[str], indent: int = 1
    ) -> list[Line]:
        lines = []
        for fact in facts:
            self.cite(fact.sources or owner_sources)
            lines.append(Line.of(self.t(fact.text), *self.fact_note(fact, owner_sources),
                                 indent=indent))
        return lines

    # --- how sure a figure is (knowledge.sourcing) -----------------------------------------

    def strength_note(self, sources: Sequence[str]) -> list[Span]:
        """'（第三方指南，未在亚马逊官网核实）' after a figure whose sources are all guides
        (or all community); nothing when an official source states it."""
        kind = strength_of(self.catalog, sources)
        if kind is None or kind is SourceKind.official:
            return []
        return [Span(self.note_text(kind), "italic")]

    def note_text(self, kind: SourceKind) -> str:
        """The words of the strength note for a figure whose strongest source is `kind`."""
        return self.label(f"card.unconfirmed.{kind.value}", name=self.t(self.platform.name))

    def fact_note(self, fact: Fact, owner_sources: Sequence[str]) -> list[Span]:
        """The strength note for a free-text fact that states a phone number, an e-mail
        address, hours, a reply time or a deadline (a figure, by the quote rule)."""
        if not _NOTED_ASPECTS.intersection(fact.aspects) or not needs_quote(fact):
            return []
        return self.strength_note(fact.sources or owner_sources)

    def notes(self) -> set[str]:
        """The words of every strength note this platform's lines may carry."""
        return {self.note_text(k) for k in SourceKind if k is not SourceKind.official}

    def one_note(self, spans: Sequence[Span]) -> list[Span]:
        """Spans joined from several lines keep each strength note once, at its last place."""
        notes = self.notes()
        last = {span.text: i for i, span in enumerate(spans) if span.text in notes}
        return [span for i, span in enumerate(spans)
                if span.text not in notes or last[span.text] == i]

    def site_name(self, site_id: str | None) -> str:
        site = self.catalog.site(self.platform.id, site_id) if site_id else None
        return self.t(site.name) if site is not None else ""

    def phone_lines(self, channel: Channel, phones: Sequence[Phone]) -> list[Line]:
        """One line per number: '日本站: 050-…  (note)'."""
        lines = []
        for phone in phones:
            self.cite(phone.sources or channel.sources)
            name = self.site_name(phone.site)
            parts: list[str | Span] = [f"{name}: " if name else "", Span(phone.number, "code")]
            if phone.note:
                parts.append(f" ({self.t(phone.note)})")
            parts += self.strength_note(phone.sources or channel.sources)
            lines.append(Line.of(*parts, indent=1))
        return lines

    def response_line(self, channel: Channel, response: Response) -> Line:
        self.cite(response.sources or channel.sources)
        text = self.label("card.response", text=self.t(response.text))
        if response.follow_up_hours:
            text += self.label("card.follow_up", hours=response.follow_up_hours)
        return Line.of(text, *self.strength_note(response.sources or channel.sources), indent=1)

    def schedule_lines(
        self, channel: Channel, items: Sequence[Hours], *, notes: bool = True
    ) -> list[Line]:
        """Hours per site, with sites that share a schedule folded into one line."""
        return [line for _, lines in self.schedule_groups(channel, items, notes=notes)
                for line in lines]

    def schedule_groups(
        self, channel: Channel, items: Sequence[Hours], *, notes: bool = True
    ) -> list[tuple[list[Hours], list[Line]]]:
        """Sites that share a schedule, each group with its lines.

        A group: where and open/closed now (in the user's zone), then today's hours;
        `notes` adds the schedule's own note (the card has room, a direct answer not).
        Round-the-clock schedules fold whatever their zone: it changes nothing.
        """
        groups: dict[str, list[Hours]] = {}
        for hours in items:
            applies = self.t(hours.applies_to) if hours.applies_to else ""
            exclude = {"timezone"} if hours.schedule.always_open else set()
            key = applies + hours.schedule.model_dump_json(exclude=exclude)
            groups.setdefault(key, []).append(hours)
        out = []
        for same in groups.values():
            first = same[0]
            schedule = first.schedule
            for hours in same:
                self.cite(schedule.sources or hours.sources or channel.sources)
            names = [n for n in (self.site_name(h.site) for h in same if h.site) if n]
            sites = len(names)
            if first.applies_to:
                names.append(f"({self.t(first.applies_to)})")
            prefix = " ".join(filter(None, ["/".join(names[:sites]), *names[sites:]]))
            status = open_status(schedule, self.now, self.zone)
            note = self.strength_note(schedule.sources or first.sources or channel.sources)
            lines = [Line.of(f"{prefix} " if prefix else "", self.status_text(status), *note,
                             indent=1)]
            if not schedule.always_open:
                lines.append(Line.of(self.schedule_text(schedule, status), indent=2))
            if notes and schedule.note:
                lines.append(Line.of(self.t(schedule.note), indent=2))
            out.append((same, lines))
        return out

    def status_text(self, status: OpenStatus) -> str:
        if status.always_open:
            return self.label("hours.always_open")
        if status.is_open and status.closes_at is not None:
            return self.label(
                "hours.open_until", time=self.when(status.closes_at), where=self.where
            )
        if status.opens_at is not None:
            return self.label(
                "hours.closed_opens", time=self.when(status.opens_at), where=self.where
            )
        return self.label("hours.closed")

    def when(self, moment: datetime) -> str:
        """A time in the user's zone, with the weekday when it is not today."""
        local = moment.astimezone(self.zone)
        today = self.now.astimezone(self.zone).date()
        clock = local.strftime("%H:%M")
        days = (local.date() - today).days
        if days == 0:
            return clock
        if days == 1:
            return self.label("time.tomorrow", time=clock)
        weekday = self.label(f"weekday.{local.weekday()}")
        return self.label("time.weekday", weekday=weekday, time=clock)

    def schedule_text(self, schedule: Schedule, status: OpenStatus) -> str:
        """Today's hours in the user's zone, and the service's own day in its zone: a
        seller in Shanghai sees "00:00–09:00, 18:00–24:00" and the "05:00–20:00" the
        platform publishes."""
        service = ZoneInfo(schedule.timezone)
        local = ""
        if service.key != self.zone.key:
            own = open_status(schedule, self.now, service).today
            name = zone_name(service, self.lang)
            local = (self.label("hours.local", zone=name, ranges=", ".join(
                format_time_range(i, self.lang) for i in own)) if own
                else self.label("hours.local_none", zone=name))
        if not status.today:
            return self.label("hours.none_today", zone=self.zone.key) + local
        ranges = ", ".join(format_time_range(i, self.lang) for i in status.today)
        return self.label("hours.today", ranges=ranges, zone=self.zone.key) + local


class _CardBuilder(FactLines):
    def __init__(
        self,
        catalog: Catalog,
        platform: Platform,
        issue: Issue,
        ref: CardRef,
        lang: Lang,
        user_zone: ZoneInfo,
        now: datetime,
        personal: bool,
    ) -> None:
        super().__init__(catalog, platform, lang, user_zone, now, personal)
        self.issue = issue
        self.ref = ref
        self.channels = catalog.issue_channels(platform.id, issue)
        self.recommended = {r.channel for r in issue.recommended}

    @classmethod
    def of(cls, catalog: Catalog, ref: CardRef, lang: Lang, user_zone: ZoneInfo,
           now: datetime, personal: bool) -> _CardBuilder | None:
        """The builder for `ref`, or None when the ref names nothing (stale or forged)."""
        issue = catalog.resolve(ref)
        platform = catalog.platform(ref.platform)
        if issue is None or platform is None:
            return None
        return cls(catalog, platform, issue, ref, lang, user_zone, now, personal)

    # --- helpers -------------------------------------------------------------------

    def for_site(self, items: Sequence[_T]) -> list[_T]:
        """Items for the card's site (plus site-less ones); all of them when no site is set."""
        if self.ref.site is None:
            return list(items)
        return [i for i in items if i.site in (None, self.ref.site)]

    # --- sections ------------------------------------------------------------------

    def build(self) -> Card:
        sections = [
            self.official(),
            self.recommendation(),
            *self.channel_sections(),
            self.fact_section("path", self.issue.path, priority=4),
            self.fact_section("prepare", self.issue.prepare, priority=3),
            self.fact_section("escalation", self.issue.escalation, priority=4),
            self.fact_section("tips", self.issue.tips, priority=6),
            self.site_section(),
            self.holiday_section(),
            self.warnings(),
            self.template_section(),
        ]
        self.cite(self.issue.sources)
        kept = tuple(s for s in sections if s is not None and s.lines)
        sources = tuple(self.catalog.sources[s] for s in self.cited if s in self.catalog.sources)
        checked = max((s.checked for s in sources), default=None)
        footer = self.source_section(sources, checked)
        title = title_for(self.catalog, self.ref, self.lang)
        return Card(
            ref=self.ref,
            lang=self.lang,
            title=title,
            summary=self.summary(),
            sections=(*kept, footer),
            short=self.short(footer),
            sources=sources,
            last_checked=checked,
        )

    def official(self) -> Section:
        role = self.catalog.role(self.platform.id, self.ref.role)
        entry = (role.official_entry if role else None) or self.platform.official_entry
        self.cite(entry.sources or (role.sources if role else []) or self.platform.sources)
        return Section(
            "official",
            self.label("card.official"),
            (Line.of(self.t(entry.text)), Line.of(Span(self.label("card.confirm"), "italic"))),
            priority=0,
        )

    def recommendation(self) -> Section:
        lines = []
        for rec in self.issue.recommended:
            channel = self.catalog.channel(self.platform.id, rec.channel)
            if channel is None:
                continue
            self.cite(rec.sources or self.issue.sources)
            lines.append(
                Line.of(Span(self.t(channel.name), "bold"), " — ", self.t(rec.why), indent=1)
            )
        return Section("recommended", self.label("card.recommended"), tuple(lines), priority=0)

    def channel_sections(self) -> list[Section]:
        """Recommended channels in detail, each its own section; the others in one short list."""
        out = []
        others: list[Line] = []
        for index, channel in enumerate(self.channels):
            if channel.id not in self.recommended:
                others.extend(self.other_channel_lines(channel))
                continue
            # the first recommendation matters most; later ones give way sooner
            priority = 1 if index == 0 else 3
            lines = tuple(self.channel_lines(channel))
            out.append(Section(f"channel:{channel.id}", self.t(channel.name), lines, priority))
        if others:
            out.append(Section("others", self.label("card.others"), tuple(others), priority=6))
        return out

    def other_channel_lines(self, channel: Channel) -> list[Line]:
        self.cite(channel.sources)
        head = Line.of(Span(self.t(channel.name), "bold"), " — ", self.t(channel.summary), indent=1)
        details = [*self.phones(channel), *self.hours_lines(channel)]
        if channel.url:
            details.append(Line.of(Span(channel.url, "plain", url=channel.url)))
        return [head, *(Line(d.spans, indent=2) for d in details)]

    def channel_lines(self, channel: Channel) -> list[Line]:
        self.cite(channel.sources)
        lines = [Line.of(self.t(channel.summary))]
        if channel.human != "mixed":
            lines.append(Line.of(self.label(f"card.human.{channel.human}"), indent=1))
        lines.extend(self.phones(channel))
        lines.extend(self.hours_lines(channel))
        lines.extend(self.response_lines(channel))
        if channel.steps_web:
            lines.append(self.steps_line("card.steps_web", channel.steps_web, channel))
        if channel.steps_app:
            lines.append(self.steps_line("card.steps_app", channel.steps_app, channel))
        if channel.url:
            lines.append(Line.of(Span(channel.url, "plain", url=channel.url), indent=1))
        lines.extend(self.facts(channel.notes, channel.sources))
        return lines

    def response_lines(self, channel: Channel) -> list[Line]:
        """Response times: the general figures, plus the card's site's own when it has one.

        Without a site, per-site figures would bury the general one; a hint says they exist.
        """
        responses = self.for_site(channel.responses)
        hidden = False
        if self.ref.site is None:
            general = [r for r in responses if r.site is None]
            hidden = bool(general) and len(general) < len(responses)
            responses = general or responses
        lines = [self.response_line(channel, response) for response in responses]
        if hidden:
            lines.append(Line.of(Span(self.label("card.pick_site"), "italic"), indent=2))
        return lines

    def steps_line(self, key: str, steps: Sequence[Fact], channel: Channel) -> Line:
        for step in steps:
            self.cite(step.sources or channel.sources)
        path = " → ".join(self.t(s.text) for s in steps)
        return Line.of(Span(self.label(key), "bold"), path, indent=1)

    def phones(self, channel: Channel) -> list[Line]:
        phones = channel.phones
        if self.ref.site is not None:
            matching = [p for p in phones if p.site in (None, self.ref.site)]
            # a site without its own number still shows the others rather than nothing
            phones = matching or phones
        return self.phone_lines(channel, phones)

    def hours_lines(self, channel: Channel) -> list[Line]:
        return self.schedule_lines(channel, self.for_site(channel.hours))

    def fact_section(self, key: str, facts: Sequence[Fact], priority: int) -> Section | None:
        if not facts:
            return None
        return Section(
            key,
            self.label(f"card.{key}"),
            tuple(self.facts(facts, self.issue.sources)),
            priority=priority,
        )

    def site_section(self) -> Section | None:
        if self.ref.site is None:
            return None
        site = self.catalog.site(self.platform.id, self.ref.site)
        if site is None:
            return None
        self.cite(site.sources)
        lines = []
        if site.languages:
            lines.append(
                Line.of(self.label("card.languages", text=self.t(site.languages)), indent=1)
            )
        lines.extend(self.facts(site.notes, site.sources))
        return Section("site", self.t(site.name), tuple(lines), priority=4)

    def holiday_section(self) -> Section | None:
        today = self.now.astimezone(self.zone).date()
        busy = active_holidays(self.platform.holidays, today)
        lines = []
        for holiday in busy:
            self.cite(holiday.sources or self.platform.sources)
            lines.append(
                Line.of(Span(self.t(holiday.name), "bold"), ": ", self.t(holiday.effect), indent=1)
            )
        return Section("holiday", self.label("card.holiday"), tuple(lines), priority=2)

    def warnings(self) -> Section:
        lines = self.facts(self.issue.warnings, self.issue.sources)
        lines += self.facts(self.platform.warnings, self.platform.sources)
        return Section("warnings", self.label("card.warnings"), tuple(lines), priority=2)

    def template_section(self) -> Section | None:
        if self.issue.template is None:
            return None
        template = self.catalog.template(self.platform.id, self.issue.template)
        if template is None:
            return None
        self.cite(template.sources)
        lines = tuple(Line.of(row) for row in template.body.splitlines())
        return Section("template", self.t(template.name), lines, priority=7, preformatted=True)

    def source_section(self, sources: Sequence[Source], checked: date | None) -> Section:
        lines = [Line.of(self.t(s.title), f" ({s.file or s.url})", indent=1) for s in sources]
        if checked is not None:
            lines.append(
                Line.of(Span(self.label("card.last_checked", date=checked.isoformat()), "italic"))
            )
        return Section("sources", self.label("card.sources"), tuple(lines), priority=0)

    # --- short forms ---------------------------------------------------------------

    def primary(self) -> Channel | None:
        return self.channels[0] if self.channels else None

    def summary(self) -> str:
        channel = self.primary()
        if channel is None:
            return self.t(self.issue.name)
        extra = ""
        phones = self.phones(channel)
        if phones:
            extra = " · " + phones[0].text
        return f"{self.t(channel.name)}{extra}"

    def short(self, footer: Section) -> tuple[Line, ...]:
        """Channel, number/hours, one tip, the source: what fits a reply in a group."""
        lines: list[Line] = []
        channel = self.primary()
        first = self.issue.recommended[0]
        if channel is not None:
            lines.append(
                Line.of(
                    Span(self.label("card.short_channel"), "bold"),
                    Span(self.t(channel.name), "bold"),
                    " — ",
                    self.t(first.why),
                )
            )
            lines.extend(self.phones(channel)[:2])
            lines.extend(self.hours_lines(channel)[:1])
            # a phone question deserves a number even when the best channel has none
            dialled = next((c for c in self.channels if c.phones), None)
            if not channel.phones and dialled is not None:
                lines.append(Line.of(Span(self.t(dialled.name), "bold")))
                lines.extend(self.phones(dialled)[:2])
        # escalation first: a tip may point at parts of the full card (a template) not shown
        # (one that speaks for another site than the card's is no tip here, "越南：…" on
        # the US card; the card's own site's first)
        sited = [(labelled_site(self.platform, t.text), t)
                 for t in (*self.issue.escalation, *self.issue.tips, *self.issue.prepare)]
        tips = ([t for s, t in sited if s is not None and s == self.ref.site]
                + [t for s, t in sited if s is None])
        if tips:
            tip = tips[0]
            lines.append(Line.of(Span(self.label("card.short_tip"), "bold"), self.t(tip.text)))
        if self.platform.warnings:
            lines.append(Line.of("⚠️ ", self.t(self.platform.warnings[0].text)))
        # the source of the recommendation this short form leads with
        cited = first.sources or self.issue.sources
        source = self.catalog.sources.get(cited[0]) if cited else None
        if source is not None:
            lines.append(Line.of(self.label("card.short_source", title=self.t(source.title))))
        lines.extend(line for line in footer.lines if line.indent == 0)
        return tuple(lines)
