"""The catalog as screens: platforms → roles → issues → an answer card, and a card's sections.

Every feature shows these (the menu, answers to questions, groups wrap them in their own
buttons), so they sit in the core.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from itertools import islice

from bot.core.callbacks import CallbackData
from bot.core.nav import Home, OpenCard, OpenMenu, OpenSettings, TrackCase
from bot.core.ui import Button, Row, Screen, Viewer, crumbs, in_rows, msg, nav_row
from knowledge.card import Line, build_card, title_for
from knowledge.catalog import CardRef, Catalog
from knowledge.schema import Lang, Platform

# buttons per row: names of platforms and roles are short, sites shorter still
PLATFORMS_PER_ROW = 2
ROLES_PER_ROW = 2
SITES_PER_ROW = 4
RELATED_LIMIT = 3


def home_screen(catalog: Catalog, lang: Lang) -> Screen:
    """Choose a platform (or type a question)."""
    platforms = [
        Button(p.name.get(lang), OpenMenu(p.id)) for p in catalog.platforms.values()
    ]
    settings = (
        Button(msg("button.lang", lang), OpenSettings("lang")),
        Button(msg("button.tz", lang), OpenSettings("tz")),
    )
    return Screen(
        title=msg("home.title", lang),
        lines=(Line.of(msg("home.prompt", lang)),),
        buttons=(*in_rows(platforms, PLATFORMS_PER_ROW), settings),
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
    keyboard: list[Row] = []
    if platform.sites:
        sites = []
        for site in platform.sites:
            label = site.name.get(lang)
            if site.id == ref.site:
                label = msg("button.selected", lang, label=label)
            sites.append(Button(label, OpenCard(replace(ref, site=site.id))))
        keyboard.extend(in_rows(sites, SITES_PER_ROW))
        if ref.site is not None:
            every_site = OpenCard(replace(ref, site=None))
            keyboard.append((Button(msg("button.all_sites", lang), every_site),))
    for other in islice((r for r in related if r != ref), RELATED_LIMIT):
        title = title_for(catalog, other, lang)
        keyboard.append((Button(msg("button.related", lang, title=title), OpenCard(other)),))
    more_at = len(keyboard)
    keyboard.append((Button(msg("button.track", lang), TrackCase(ref)),))
    keyboard.append(nav_row(lang, OpenMenu(ref.platform, ref.role)))
    return Screen(title=card.title, buttons=tuple(keyboard), card=card, more_at=more_at)


def section_screen(catalog: Catalog, ref: CardRef, key: str, viewer: Viewer) -> Screen | None:
    """One section of a card on its own (it did not fit in the card's message)."""
    card = build_card(catalog, ref, lang=viewer.lang, user_zone=viewer.zone, now=viewer.now)
    if card is None:
        return None
    section = next((s for s in card.sections if s.key == key), None)
    if section is None:
        return None
    alone = replace(card, sections=(section,))
    return Screen(title=card.title, buttons=(nav_row(viewer.lang, OpenCard(ref)),), card=alone)
