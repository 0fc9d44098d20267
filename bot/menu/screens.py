"""The menu's own screens: settings (language, time zone), help and about; and what a
navigation button opens."""

from __future__ import annotations

from bot.core.callbacks import CallbackData
from bot.core.nav import (
    AllPlatforms,
    Home,
    OpenCard,
    OpenGuide,
    OpenMenu,
    OpenSection,
    OpenSettings,
)
from bot.core.screens import (
    all_platforms_screen,
    card_screen,
    guide_screen,
    home_screen,
    platform_screen,
    role_screen,
    section_screen,
)
from bot.core.texts import MESSAGES
from bot.core.ui import Button, Screen, Viewer, in_rows, msg, nav_row
from bot.core.zones import COMMON_ZONES
from bot.menu.callbacks import SetLang, SetZone
from knowledge.card import Line, Span
from knowledge.catalog import Catalog
from knowledge.schema import LANGS, Lang, Source

ZONES_PER_ROW = 2


def screen_for(catalog: Catalog, action: CallbackData, viewer: Viewer) -> Screen | None:
    """The navigation screen an action opens; None when it names nothing (stale or forged)."""
    match action:
        case Home():
            return home_screen(catalog, viewer.lang)
        case OpenMenu(platform=platform, role=None):
            return platform_screen(catalog, platform, viewer.lang)
        case OpenMenu(platform=platform, role=str(role)):
            return role_screen(catalog, platform, role, viewer.lang)
        case AllPlatforms():
            return all_platforms_screen(catalog, viewer.lang)
        case OpenCard(ref=ref):
            return card_screen(catalog, ref, viewer)
        case OpenGuide(ref=ref):
            return guide_screen(catalog, ref, viewer)
        case OpenSection(ref=ref, section=key):
            return section_screen(catalog, ref, key, viewer)
        case OpenSettings(page="lang"):
            return lang_screen(viewer.lang)
        case OpenSettings(page="tz"):
            return zone_screen(viewer)
    return None


def lang_screen(lang: Lang) -> Screen:
    buttons = []
    for option in LANGS:
        label = msg(f"lang.name.{option}", lang)
        if option == lang:
            label = msg("button.selected", lang, label=label)
        buttons.append(Button(label, SetLang(option)))
    return Screen(
        title=msg("lang.title", lang),
        lines=(Line.of(msg("lang.current", lang)),),
        buttons=(tuple(buttons), nav_row(lang, None)),
    )


def zone_label(zone: str, lang: Lang) -> str:
    labelled = MESSAGES.keys()
    return msg(f"zone.{zone}", lang) if f"zone.{zone}" in labelled else zone


def zone_screen(viewer: Viewer) -> Screen:
    lang = viewer.lang
    current = viewer.zone.key
    local = viewer.now.astimezone(viewer.zone)
    buttons = []
    for index, zone in enumerate(COMMON_ZONES):
        label = zone_label(zone, lang)
        if zone == current:
            label = msg("button.selected", lang, label=label)
        buttons.append(Button(label, SetZone(index)))
    return Screen(
        title=msg("tz.title", lang),
        lines=(
            Line.of(msg("tz.current", lang, zone=current, time=f"{local:%H:%M}")),
            Line.of(Span(msg("tz.hint", lang), "italic")),
        ),
        buttons=(*in_rows(buttons, ZONES_PER_ROW), nav_row(lang, None)),
    )


def help_screen(catalog: Catalog, lang: Lang) -> Screen:
    lines = tuple(Line.of(text) for text in msg("help.body", lang).splitlines())
    menu = home_screen(catalog, lang).buttons
    return Screen(title=msg("help.title", lang), lines=lines, buttons=menu)


def about_screen(catalog: Catalog, lang: Lang) -> Screen:
    """What the bot is, then every source by title and kind (a guide, or a web page linked),
    grouped by when they were last checked."""
    lines = [Line.of(msg("about.intro", lang))]
    if catalog.smalltalk is not None:  # what the bot is (knowledge/data/smalltalk.yaml)
        lines.insert(0, Line.of(Span(catalog.smalltalk.identity.get(lang), "bold")))
    groups: dict[tuple[bool, str], list[Source]] = {}
    for source in sorted(catalog.sources.values(), key=lambda s: s.id):
        groups.setdefault((source.url is not None, source.checked.isoformat()), []).append(source)
    for (is_page, checked), sources in sorted(groups.items()):
        kind = msg("about.kind.page" if is_page else "about.kind.guide", lang)
        lines.append(Line.of(Span(kind + msg("about.checked", lang, date=checked), "bold")))
        for source in sources:
            title = source.title.get(lang)
            lines.append(Line.of(Span(title, url=source.url), indent=1))
    title = msg("about.title", lang)
    return Screen(title=title, lines=tuple(lines), buttons=(nav_row(lang, None),))
