"""The catalog as screens: platforms → roles → issues → an answer card, and a card's sections.

Every feature shows these (the menu, answers to questions, groups wrap them in their own
buttons), so they sit in the core.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from itertools import islice

from bot.core.callbacks import CallbackData
from bot.core.nav import (
    AllPlatforms,
    Home,
    OpenCard,
    OpenGuide,
    OpenMenu,
    OpenSection,
    OpenSettings,
    TrackCase,
)
from bot.core.ui import Button, Row, Screen, Viewer, crumbs, in_rows, msg, nav_row
from knowledge.card import Card, Line, Span, build_card, title_for
from knowledge.catalog import CardRef, Catalog
from knowledge.schema import Lang, Platform

# buttons per row: names of platforms and roles are short, sites shorter still
PLATFORMS_PER_ROW = 2
ROLES_PER_ROW = 2
SITES_PER_ROW = 4
RELATED_LIMIT = 3


def platform_rows(catalog: Catalog, lang: Lang, opens: Callable[[str], CallbackData],
                  more: CallbackData | None) -> tuple[Row, ...]:
    """The most asked platforms in one row, then "more platforms" (`more`) if there are more;
    with `more` None, every platform."""
    platforms = list(catalog.platforms.values())  # most asked first (`rank`)
    shown = platforms if more is None else platforms[:PLATFORMS_PER_ROW]
    rows = in_rows([Button(p.name.get(lang), opens(p.id)) for p in shown], PLATFORMS_PER_ROW)
    if more is not None and len(platforms) > len(shown):
        rows = (*rows, (Button(msg("button.more_platforms", lang), more),))
    return rows


def home_screen(catalog: Catalog, lang: Lang) -> Screen:
    """Choose a platform (or type a question)."""
    settings = (
        Button(msg("button.lang", lang), OpenSettings("lang")),
        Button(msg("button.tz", lang), OpenSettings("tz")),
    )
    lines = [Line.of(msg("home.prompt", lang))]
    if catalog.smalltalk is not None:  # what the bot is, and is not (smalltalk.yaml)
        lines.append(Line.of(Span(catalog.smalltalk.identity.get(lang), "italic")))
    return Screen(
        title=msg("home.title", lang),
        lines=tuple(lines),
        buttons=(*platform_rows(catalog, lang, OpenMenu, AllPlatforms()), settings),
    )


def all_platforms_screen(catalog: Catalog, lang: Lang) -> Screen:
    """Every platform the knowledge files cover."""
    return Screen(
        title=msg("platforms.title", lang),
        lines=(Line.of(msg("home.prompt", lang)),),
        buttons=(*platform_rows(catalog, lang, OpenMenu, None), nav_row(lang, None)),
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
        lines=(Line.of(msg("platform.prompt", lang)),),
        buttons=(*in_rows(roles, ROLES_PER_ROW), nav_row(lang, Home())),
    )


def _role_back(platform: Platform) -> CallbackData:
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
        title=crumbs(platform.name.get(lang), role.name.get(lang)),
        lines=(Line.of(msg("role.prompt", lang)),),
        buttons=(*issues, nav_row(lang, _role_back(platform))),
    )


SECTIONS_PER_ROW = 2


def _site_rows(platform: Platform, ref: CardRef, lang: Lang,
               opens: type[OpenCard] | type[OpenGuide]) -> list[Row]:
    """A button per site (the current one ticked), and "all sites" once one is chosen."""
    if not platform.sites:
        return []
    sites = []
    for site in platform.sites:
        label = site.name.get(lang)
        if site.id == ref.site:
            label = msg("button.selected", lang, label=label)
        sites.append(Button(label, opens(replace(ref, site=site.id))))
    rows = list(in_rows(sites, SITES_PER_ROW))
    if ref.site is not None:
        rows.append((Button(msg("button.all_sites", lang), opens(replace(ref, site=None))),))
    return rows


def _related_rows(catalog: Catalog, ref: CardRef, related: Sequence[CardRef], lang: Lang
                  ) -> list[Row]:
    rows: list[Row] = []
    for other in islice((r for r in related if r != ref), RELATED_LIMIT):
        title = title_for(catalog, other, lang)
        rows.append((Button(msg("button.related", lang, title=title), OpenCard(other)),))
    return rows


def section_buttons(card: Card) -> tuple[Row, ...]:
    """A button for every section of a card: each part one tap away."""
    buttons = [
        Button(msg("button.section", card.lang, heading=s.heading), OpenSection(card.ref, s.key))
        for s in card.sections
    ]
    return in_rows(buttons, SECTIONS_PER_ROW)


def card_screen(
    catalog: Catalog,
    ref: CardRef,
    viewer: Viewer,
    related: Sequence[CardRef] = (),
) -> Screen | None:
    """A card's summary (channel, number and hours, one tip, the source), every section a
    button away: the first screen of a card fits a phone's screen."""
    card = build_card(catalog, ref, lang=viewer.lang, user_zone=viewer.zone, now=viewer.now)
    platform = catalog.platform(ref.platform)
    if card is None or platform is None:
        return None
    lang = viewer.lang
    keyboard: list[Row] = [
        (Button(msg("button.guide", lang), OpenGuide(ref)),),
        *section_buttons(card),
        *_site_rows(platform, ref, lang, OpenCard),
        *_related_rows(catalog, ref, related, lang),
        (Button(msg("button.track", lang), TrackCase(ref)),),
        nav_row(lang, OpenMenu(ref.platform, ref.role)),
    ]
    hint = Line.of(Span(msg("card.summary_hint", lang), "italic"))
    return Screen(title=card.title, lines=(*card.short, hint), buttons=tuple(keyboard))


def guide_screen(
    catalog: Catalog,
    ref: CardRef,
    viewer: Viewer,
    related: Sequence[CardRef] = (),
) -> Screen | None:
    """A card in full, with buttons: narrow by site, related cards, track, back, home.

    Sections that do not fit one message get a button each (nothing is dropped silently).
    """
    card = build_card(catalog, ref, lang=viewer.lang, user_zone=viewer.zone, now=viewer.now)
    platform = catalog.platform(ref.platform)
    if card is None or platform is None:
        return None
    lang = viewer.lang
    keyboard = [*_site_rows(platform, ref, lang, OpenGuide),
                *_related_rows(catalog, ref, related, lang)]
    more_at = len(keyboard)
    keyboard.append((Button(msg("button.track", lang), TrackCase(ref)),))
    keyboard.append(nav_row(lang, OpenCard(ref)))
    return Screen(title=card.title, buttons=tuple(keyboard), card=card, more_at=more_at)


def section_screen(catalog: Catalog, ref: CardRef, key: str, viewer: Viewer) -> Screen | None:
    """One section of a card on its own; back goes to the card's summary."""
    card = build_card(catalog, ref, lang=viewer.lang, user_zone=viewer.zone, now=viewer.now)
    if card is None:
        return None
    section = next((s for s in card.sections if s.key == key), None)
    if section is None:
        return None
    alone = replace(card, sections=(section,))
    return Screen(title=card.title, buttons=(nav_row(viewer.lang, OpenCard(ref)),), card=alone)
