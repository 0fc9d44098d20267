"""Group-chat and inline screens as plain data: short answers, menus for one asker, settings.

Telegram-free like bot/core/screens.py. A group answer is the card's short form (channel,
number/hours, one tip, source) with a link to the full card in the private chat; its
menu buttons carry the asker's id (bot/groups/callbacks.py). No screen here shows
anything about a user: no case data, no names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.core.callbacks import CallbackData
from bot.core.deeplinks import CardLink, CommandLink, DeepLink, MenuLink, start_url
from bot.core.nav import Home, OpenCard, OpenMenu
from bot.core.screens import SITES_PER_ROW, platform_rows, platform_screen, role_screen
from bot.core.ui import Button, Row, Screen, Viewer, in_rows, msg
from bot.groups.callbacks import (
    GroupCard,
    GroupHome,
    GroupMenu,
    GroupNarrow,
    GroupNav,
    GroupOption,
    GroupPlatforms,
    GroupTarget,
)
from knowledge.answer import DirectAnswer
from knowledge.card import Card, Line, build_card, title_for
from knowledge.catalog import CardRef, Catalog
from knowledge.reply import CheckedAnswer, Nothing, NotSure, Reply
from knowledge.schema import Lang
from knowledge.wording import coverage_notices, word_reply
from storage.groups import GroupSettings

# an empty inline query offers each role's catch-all card (platforms most asked first, as
# search does for a vague question), then the issues the files mark `popular`
INLINE_LIMIT = 20  # results per inline answer (Telegram allows 50)




def _link(label: str, bot: str, link: DeepLink) -> Button:
    return Button(label, url=start_url(bot, link))


def _nav(asker: int, target: GroupTarget) -> GroupNav:
    return GroupNav(asker, target)


# --- answers ---------------------------------------------------------------------------


def short_card_screen(card: Card, bot: str, asker: int | None = None) -> Screen:
    """A card's short form; with `asker`, a narrow button only they may use (groups)."""
    lang = card.lang
    buttons = [_link(msg("group.button.details", lang), bot, CardLink(card.ref))]
    if asker is not None:
        narrow = _nav(asker, GroupNarrow(card.ref))
        buttons.append(Button(msg("group.button.narrow", lang), narrow))
    return Screen(title=card.title, lines=card.short, buttons=(tuple(buttons),))


def group_card_screen(
    catalog: Catalog, ref: CardRef, viewer: Viewer, bot: str, asker: int | None = None
) -> Screen | None:
    """The short card for `ref`, or None when the ref names nothing (stale or forged)."""
    # the whole group reads it: times name their zone, not "your time"
    card = build_card(
        catalog, ref, lang=viewer.lang, user_zone=viewer.zone, now=viewer.now, personal=False
    )
    return None if card is None else short_card_screen(card, bot, asker)


def group_reply_screen(
    catalog: Catalog, reply: Reply, viewer: Viewer, bot: str, asker: int
) -> Screen | None:
    """A reply of the answering path laid out for a group; None: nothing worth saying.

    The fact asked comes first with a link to the full card in the private chat; a
    number, a link, a platform we do not cover or small talk get their short reply.
    """
    match reply:
        case DirectAnswer(ref=ref, aspect=None) if ref is not None:
            screen = group_card_screen(catalog, ref, viewer, bot, asker)
            # what the files do not cover, of what was said (a site, the asker's side)
            notices = coverage_notices(catalog, reply, viewer.lang)
            if screen is None or not notices:
                return screen
            return replace(screen, lines=(*notices, *screen.lines))
        case DirectAnswer(ref=ref) | CheckedAnswer(answer=DirectAnswer(ref=ref)) if (
            ref is not None
        ):
            # the fact asked (and, after it, the check of a number or link it held)
            worded = word_reply(reply, catalog, lang=viewer.lang, user_zone=viewer.zone,
                                now=viewer.now, personal=False)
            buttons = (_link(msg("group.button.details", viewer.lang), bot, CardLink(ref)),
                       Button(msg("group.button.narrow", viewer.lang),
                              _nav(asker, GroupNarrow(ref))))
            return Screen(title=worded.title, lines=worded.lines, buttons=(buttons,))
        case NotSure(suggestions=suggestions):
            return not_sure_screen(catalog, suggestions, viewer, asker)
        case Nothing() | DirectAnswer():
            return nothing_to_search_screen(catalog, viewer, asker)
    worded = word_reply(reply, catalog, lang=viewer.lang, user_zone=viewer.zone,
                        now=viewer.now, personal=False)
    return Screen(title=worded.title, lines=worded.lines,
                  buttons=_platform_rows(catalog, viewer, asker))


def repeat_screen(catalog: Catalog, ref: CardRef | None, viewer: Viewer, bot: str) -> Screen:
    """A pointer to the answer given a few minutes ago (sent as a reply to it)."""
    lang = viewer.lang
    title = title_for(catalog, ref, lang) if ref else msg("notsure.title", lang)
    link: DeepLink = CardLink(ref) if ref else MenuLink()
    return Screen(
        title=title,
        lines=(Line.of(msg("group.repeat", lang)),),
        buttons=((_link(msg("group.button.details", lang), bot, link),),),
    )


def narrow_screen(catalog: Catalog, ref: CardRef, viewer: Viewer, asker: int) -> Screen | None:
    """Narrowing an answer: the platform's sites, the role's other issues, other platforms."""
    platform = catalog.platform(ref.platform)
    if platform is None or catalog.resolve(ref) is None:
        return None
    lang = viewer.lang
    rows: list[Row] = []
    sites = []
    for site in platform.sites:
        label = site.name.get(lang)
        if site.id == ref.site:
            label = msg("button.selected", lang, label=label)
        sites.append(Button(label, _nav(asker, GroupCard(replace(ref, site=site.id)))))
    rows.extend(in_rows(sites, SITES_PER_ROW))
    if ref.site is not None:
        every_site = GroupCard(replace(ref, site=None))
        rows.append((Button(msg("button.all_sites", lang), _nav(asker, every_site)),))
    other_issues = _nav(asker, GroupMenu(ref.platform, ref.role))
    rows.append(
        (
            Button(msg("group.button.other_issues", lang), other_issues),
            Button(msg("group.button.platforms", lang), _nav(asker, GroupHome())),
        )
    )
    rows.append((Button(msg("group.button.answer", lang), _nav(asker, GroupCard(ref))),))
    prompt = msg("group.narrow.sites" if platform.sites else "group.narrow.prompt", lang)
    title = title_for(catalog, ref, lang)
    return Screen(title=title, lines=(Line.of(prompt),), buttons=tuple(rows))


def not_sure_screen(
    catalog: Catalog, suggestions: Sequence[CardRef], viewer: Viewer, asker: int
) -> Screen:
    """A question we could not place: likely cards and the platforms, for the asker."""
    lang = viewer.lang
    known = [r for r in suggestions if catalog.resolve(r) is not None]
    rows: list[Row] = [
        (Button(title_for(catalog, ref, lang), _nav(asker, GroupCard(ref))),) for ref in known
    ]
    prompt = msg("group.notsure.suggest" if known else "group.notsure.none", lang)
    return Screen(
        title=msg("notsure.title", lang),
        lines=(Line.of(prompt),),
        buttons=(*rows, *_platform_rows(catalog, viewer, asker)),
    )


def nothing_to_search_screen(catalog: Catalog, viewer: Viewer, asker: int) -> Screen:
    """A mention or /faq with nothing to search in it: how to ask, and the platforms."""
    lang = viewer.lang
    return Screen(
        title=msg("notsure.title", lang),
        lines=(Line.of(msg("group.nothing", lang)),),
        buttons=_platform_rows(catalog, viewer, asker),
    )


# --- menus -----------------------------------------------------------------------------


def _platform_rows(catalog: Catalog, viewer: Viewer, asker: int, every: bool = False
                   ) -> tuple[Row, ...]:
    """The most asked platforms and "more platforms" (or, `every`, all of them)."""
    more = None if every else _nav(asker, GroupPlatforms())
    return platform_rows(catalog, viewer.lang, lambda pid: _nav(asker, GroupMenu(pid)), more)


def group_home_screen(catalog: Catalog, viewer: Viewer, asker: int) -> Screen:
    """`/faq` alone: choose a platform (or ask with /faq and a question)."""
    return Screen(
        title=msg("home.title", viewer.lang),
        lines=(Line.of(msg("group.home.prompt", viewer.lang)),),
        buttons=_platform_rows(catalog, viewer, asker),
    )


def _in_group(action: CallbackData | None, asker: int) -> GroupNav | None:
    """A private-chat menu action as the same step of a group menu; None if it has none."""
    match action:
        case Home():
            return _nav(asker, GroupHome())
        case OpenMenu(platform=platform, role=role):
            return _nav(asker, GroupMenu(platform, role))
        case OpenCard(ref=ref):
            return _nav(asker, GroupCard(ref))
    return None


def _for_group(screen: Screen, asker: int) -> Screen:
    """The private menu's screen with every button a group-menu button for `asker`."""
    rows = []
    for row in screen.buttons:
        buttons = tuple(
            Button(b.label, nav)
            for b in row
            if (nav := _in_group(b.action, asker)) is not None
        )
        if buttons:
            rows.append(buttons)
    return replace(screen, buttons=tuple(rows))


def group_menu_screen(
    catalog: Catalog, platform: str, role: str | None, viewer: Viewer, asker: int
) -> Screen | None:
    """A platform's roles or a role's issues, as the private menu shows them."""
    if role is None:
        screen = platform_screen(catalog, platform, viewer.lang)
    else:
        screen = role_screen(catalog, platform, role, viewer.lang)
    return None if screen is None else _for_group(screen, asker)


def group_screen_for(
    catalog: Catalog, target: GroupTarget, viewer: Viewer, bot: str, asker: int
) -> Screen | None:
    """The screen a group-menu button opens; None when it names nothing (stale or forged)."""
    match target:
        case GroupHome():
            return group_home_screen(catalog, viewer, asker)
        case GroupPlatforms():
            return Screen(title=msg("platforms.title", viewer.lang),
                          lines=(Line.of(msg("group.home.prompt", viewer.lang)),),
                          buttons=_platform_rows(catalog, viewer, asker, every=True))
        case GroupMenu(platform=platform, role=role):
            return group_menu_screen(catalog, platform, role, viewer, asker)
        case GroupCard(ref=ref):
            return group_card_screen(catalog, ref, viewer, bot, asker)
        case GroupNarrow(ref=ref):
            return narrow_screen(catalog, ref, viewer, asker)
    return None


# --- case commands, settings, help -----------------------------------------------------


def private_only_screen(command: str, lang: Lang, bot: str) -> Screen:
    """A case command used in a group: cases are only ever shown in the private chat."""
    return Screen(
        title=msg("group.private.title", lang),
        lines=(Line.of(msg("group.private.body", lang)),),
        buttons=((_link(msg("group.button.private", lang), bot, CommandLink(command)),),),
    )


def group_help_screen(catalog: Catalog, viewer: Viewer, bot: str, asker: int) -> Screen:
    lang = viewer.lang
    lines = tuple(Line.of(text) for text in msg("group.help.body", lang, bot=bot).splitlines())
    return Screen(
        title=msg("help.title", lang),
        lines=lines,
        buttons=(
            *_platform_rows(catalog, viewer, asker),
            (_link(msg("group.button.private", lang), bot, MenuLink()),),
        ),
    )


def group_settings_screen(settings: GroupSettings, lang: Lang) -> Screen:
    """The group's answer language and whether mentions and replies get answers."""
    current = settings.lang or "auto"
    names = {
        "zh": msg("lang.name.zh", lang),
        "en": msg("lang.name.en", lang),
        "auto": msg("group.settings.auto", lang),
    }
    langs = []
    for value, name in names.items():
        label = msg("button.selected", lang, label=name) if value == current else name
        langs.append(Button(label, GroupOption("lang", value)))
    on = settings.reply_to_mentions
    mentions = (
        Button(
            msg("button.selected", lang, label=msg("group.settings.on", lang)) if on
            else msg("group.settings.on", lang),
            GroupOption("mentions", "on"),
        ),
        Button(
            msg("group.settings.off", lang) if on
            else msg("button.selected", lang, label=msg("group.settings.off", lang)),
            GroupOption("mentions", "off"),
        ),
    )
    state = msg("group.settings.on" if on else "group.settings.off", lang)
    return Screen(
        title=msg("group.settings.title", lang),
        lines=(
            Line.of(msg("group.settings.lang", lang, name=names[current])),
            Line.of(msg("group.settings.mentions", lang, state=state)),
        ),
        buttons=(tuple(langs), mentions),
    )


def most_asked(catalog: Catalog) -> list[CardRef]:
    """The cards an empty inline query lists: catch-all cards, then the common problems."""
    general = [r for r in catalog.card_refs() if r.issue == "general"]
    popular = sorted(
        (r for r in catalog.card_refs() if (i := catalog.resolve(r)) and i.popular is not None),
        key=lambda r: _popularity(catalog, r),
    )
    refs = [*general, *popular]
    return list(dict.fromkeys(refs))[:INLINE_LIMIT]


def _popularity(catalog: Catalog, ref: CardRef) -> int:
    issue = catalog.resolve(ref)
    return issue.popular if issue is not None and issue.popular is not None else 0
