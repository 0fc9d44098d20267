"""Menus and answers as plain data: a screen is text lines plus rows of buttons.

Telegram-free, so the same screens can be tested directly and drive other front ends;
bot/core/render.py turns a Screen into HTML and an inline keyboard.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import islice
from zoneinfo import ZoneInfo

from bot.core.callbacks import (
    Action,
    Home,
    OpenCard,
    OpenMenu,
    OpenSection,
    OpenSettings,
    SetLang,
    SetZone,
    TrackCase,
)
from bot.core.texts import MESSAGES
from bot.core.zones import COMMON_ZONES
from knowledge.card import Card, Line, Section, Span, build_card, title_for
from knowledge.catalog import CardRef, Catalog
from knowledge.schema import LANGS, Lang, Platform
from knowledge.search import SearchResult

# buttons per row: names of platforms and roles are short, sites shorter still
PLATFORMS_PER_ROW = 2
ROLES_PER_ROW = 2
SITES_PER_ROW = 4
ZONES_PER_ROW = 2
MORE_PER_ROW = 2
RELATED_LIMIT = 3


@dataclass(frozen=True)
class Button:
    label: str
    action: Action | None = None
    url: str | None = None


Row = tuple[Button, ...]


@dataclass(frozen=True)
class Screen:
    """What one message shows: a bold title (the breadcrumb), lines, an optional card, buttons."""

    title: str
    lines: tuple[Line, ...] = ()
    buttons: tuple[Row, ...] = ()
    card: Card | None = None
    notes: tuple[str, ...] = field(default=())  # short remarks shown under the title
    # where buttons for card sections left out for space go (a card screen only)
    more_at: int | None = None

    def actions(self) -> list[Action]:
        return [b.action for row in self.buttons for b in row if b.action is not None]

    def with_note(self, note: str) -> Screen:
        return replace(self, notes=(*self.notes, note))

    def with_more(self, sections: Sequence[Section]) -> Screen:
        """The screen with a button for each card section the message had no room for."""
        if self.card is None or self.more_at is None or not sections:
            return self
        lang = self.card.lang
        buttons = [
            Button(_msg("button.more", lang, heading=s.heading), OpenSection(self.card.ref, s.key))
            for s in sections
        ]
        rows = _rows(buttons, MORE_PER_ROW)
        at = self.more_at
        return replace(self, buttons=(*self.buttons[:at], *rows, *self.buttons[at:]), more_at=None)


@dataclass(frozen=True)
class Viewer:
    """Who looks at a screen: their language, time zone and the current moment."""

    lang: Lang
    zone: ZoneInfo
    now: datetime


def _msg(key: str, lang: Lang, **values: object) -> str:
    return MESSAGES.get(key, lang, **values)


def _rows(buttons: Sequence[Button], per_row: int) -> tuple[Row, ...]:
    it = iter(buttons)
    rows: list[Row] = []
    while chunk := tuple(islice(it, per_row)):
        rows.append(chunk)
    return tuple(rows)


def _nav(lang: Lang, back: Action | None) -> Row:
    home = Button(_msg("button.home", lang), Home())
    if back is None:
        return (home,)
    return (Button(_msg("button.back", lang), back), home)


def _crumbs(*names: str) -> str:
    return " · ".join(names)


# --- navigation ------------------------------------------------------------------------


def home_screen(catalog: Catalog, lang: Lang) -> Screen:
    """Choose a platform (or type a question)."""
    platforms = [
        Button(p.name.get(lang), OpenMenu(p.id)) for p in catalog.platforms.values()
    ]
    settings = (
        Button(_msg("button.lang", lang), OpenSettings("lang")),
        Button(_msg("button.tz", lang), OpenSettings("tz")),
    )
    return Screen(
        title=_msg("home.title", lang),
        lines=(Line.of(_msg("home.prompt", lang)),),
        buttons=(*_rows(platforms, PLATFORMS_PER_ROW), settings),
    )


def platform_screen(catalog: Catalog, platform_id: str, lang: Lang) -> Screen | None:
    """Choose a role; a platform with a single role goes straight to its issues."""
    platform = catalog.platform(platform_id)
    if platform is None:
        return None
    if len(platform.roles) == 1:
        return role_screen(catalog, platform_id, platform.roles[0].id, lang)
    roles = [Button(r.name.get(lang), OpenMenu(platform.id, r.id)) for r in platform.roles]
    return Screen(
        title=platform.name.get(lang),
        lines=(Line.of(_msg("platform.prompt", lang)),),
        buttons=(*_rows(roles, ROLES_PER_ROW), _nav(lang, Home())),
    )


def _role_back(platform: Platform) -> Action:
    # a single-role platform has no role screen to go back to
    return Home() if len(platform.roles) == 1 else OpenMenu(platform.id)


def role_screen(catalog: Catalog, platform_id: str, role_id: str, lang: Lang) -> Screen | None:
    """Choose an issue: one per row, their names are sentences."""
    platform = catalog.platform(platform_id)
    role = catalog.role(platform_id, role_id)
    if platform is None or role is None:
        return None
    issues = [
        (Button(i.name.get(lang), OpenCard(CardRef(platform.id, role.id, i.id))),)
        for i in role.issues
    ]
    return Screen(
        title=_crumbs(platform.name.get(lang), role.name.get(lang)),
        lines=(Line.of(_msg("role.prompt", lang)),),
        buttons=(*issues, _nav(lang, _role_back(platform))),
    )


def card_screen(
    catalog: Catalog,
    ref: CardRef,
    viewer: Viewer,
    related: Sequence[CardRef] = (),
) -> Screen | None:
    """An answer card with buttons: narrow by site, related cards, track, back, home."""
    card = build_card(catalog, ref, lang=viewer.lang, user_zone=viewer.zone, now=viewer.now)
    platform = catalog.platform(ref.platform)
    if card is None or platform is None:
        return None
    lang = viewer.lang
    rows: list[Row] = []
    if platform.sites:
        sites = []
        for site in platform.sites:
            label = site.name.get(lang)
            if site.id == ref.site:
                label = _msg("button.selected", lang, label=label)
            sites.append(Button(label, OpenCard(replace(ref, site=site.id))))
        rows.extend(_rows(sites, SITES_PER_ROW))
        if ref.site is not None:
            every_site = OpenCard(replace(ref, site=None))
            rows.append((Button(_msg("button.all_sites", lang), every_site),))
    for other in islice((r for r in related if r != ref), RELATED_LIMIT):
        title = title_for(catalog, other, lang)
        rows.append((Button(_msg("button.related", lang, title=title), OpenCard(other)),))
    more_at = len(rows)
    rows.append((Button(_msg("button.track", lang), TrackCase(ref)),))
    rows.append(_nav(lang, OpenMenu(ref.platform, ref.role)))
    return Screen(title=card.title, buttons=tuple(rows), card=card, more_at=more_at)


def section_screen(catalog: Catalog, ref: CardRef, key: str, viewer: Viewer) -> Screen | None:
    """One section of a card on its own (it did not fit in the card's message)."""
    card = build_card(catalog, ref, lang=viewer.lang, user_zone=viewer.zone, now=viewer.now)
    if card is None:
        return None
    section = next((s for s in card.sections if s.key == key), None)
    if section is None:
        return None
    alone = replace(card, sections=(section,))
    return Screen(title=card.title, buttons=(_nav(viewer.lang, OpenCard(ref)),), card=alone)


def screen_for(catalog: Catalog, action: Action, viewer: Viewer) -> Screen | None:
    """The navigation screen an action opens; None when it names nothing (stale or forged)."""
    match action:
        case Home():
            return home_screen(catalog, viewer.lang)
        case OpenMenu(platform=platform, role=None):
            return platform_screen(catalog, platform, viewer.lang)
        case OpenMenu(platform=platform, role=str(role)):
            return role_screen(catalog, platform, role, viewer.lang)
        case OpenCard(ref=ref):
            return card_screen(catalog, ref, viewer)
        case OpenSection(ref=ref, section=key):
            return section_screen(catalog, ref, key, viewer)
        case OpenSettings(page="lang"):
            return lang_screen(viewer.lang)
        case OpenSettings(page="tz"):
            return zone_screen(viewer)
    return None


# --- answers to typed questions --------------------------------------------------------


def answer_screen(catalog: Catalog, result: SearchResult, viewer: Viewer) -> Screen:
    """The best card for a question, with the next best as buttons; or 'not sure'."""
    refs = [m.ref for m in result.matches]
    if result.confident and refs:
        screen = card_screen(catalog, refs[0], viewer, related=refs[1:])
        if screen is not None:
            return screen
    return not_sure_screen(catalog, refs, viewer.lang)


def not_sure_screen(catalog: Catalog, suggestions: Sequence[CardRef], lang: Lang) -> Screen:
    """Suggestions to tap, and the menu to fall back on."""
    known = [r for r in suggestions if catalog.resolve(r) is not None]
    rows = [(Button(title_for(catalog, ref, lang), OpenCard(ref)),) for ref in known]
    prompt = _msg("notsure.suggest" if known else "notsure.none", lang)
    home = home_screen(catalog, lang)
    return Screen(
        title=_msg("notsure.title", lang),
        lines=(Line.of(prompt),),
        buttons=(*rows, *home.buttons),
    )


def nothing_to_search_screen(catalog: Catalog, lang: Lang) -> Screen:
    """A message with no words in it (emoji, punctuation): how to ask, and the menu."""
    return Screen(
        title=_msg("notsure.title", lang),
        lines=(Line.of(_msg("question.nothing", lang)),),
        buttons=home_screen(catalog, lang).buttons,
    )


# --- settings, help, about -------------------------------------------------------------


def lang_screen(lang: Lang) -> Screen:
    buttons = []
    for option in LANGS:
        label = _msg(f"lang.name.{option}", lang)
        if option == lang:
            label = _msg("button.selected", lang, label=label)
        buttons.append(Button(label, SetLang(option)))
    return Screen(
        title=_msg("lang.title", lang),
        lines=(Line.of(_msg("lang.current", lang)),),
        buttons=(tuple(buttons), _nav(lang, None)),
    )


def zone_label(zone: str, lang: Lang) -> str:
    labelled = MESSAGES.keys()
    return _msg(f"zone.{zone}", lang) if f"zone.{zone}" in labelled else zone


def zone_screen(viewer: Viewer) -> Screen:
    lang = viewer.lang
    current = viewer.zone.key
    local = viewer.now.astimezone(viewer.zone)
    buttons = []
    for index, zone in enumerate(COMMON_ZONES):
        label = zone_label(zone, lang)
        if zone == current:
            label = _msg("button.selected", lang, label=label)
        buttons.append(Button(label, SetZone(index)))
    return Screen(
        title=_msg("tz.title", lang),
        lines=(
            Line.of(_msg("tz.current", lang, zone=current, time=f"{local:%H:%M}")),
            Line.of(Span(_msg("tz.hint", lang), "italic")),
        ),
        buttons=(*_rows(buttons, ZONES_PER_ROW), _nav(lang, None)),
    )


def help_screen(catalog: Catalog, lang: Lang) -> Screen:
    lines = tuple(Line.of(text) for text in _msg("help.body", lang).splitlines())
    menu = home_screen(catalog, lang).buttons
    return Screen(title=_msg("help.title", lang), lines=lines, buttons=menu)


def about_screen(catalog: Catalog, lang: Lang) -> Screen:
    """Every source with where it is and when it was last checked."""
    lines = [Line.of(_msg("about.intro", lang))]
    for source in sorted(catalog.sources.values(), key=lambda s: s.id):
        where = Span(source.url, url=source.url) if source.url else Span(source.file or "", "code")
        checked = _msg("about.checked", lang, date=source.checked.isoformat())
        lines.append(Line.of(source.title.get(lang), " — ", where, checked, indent=1))
    return Screen(title=_msg("about.title", lang), lines=tuple(lines), buttons=(_nav(lang, None),))
