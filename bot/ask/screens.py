"""Replies to typed questions as screens: the fact asked first, and what else to tap.

The answering path (`knowledge.reply`) decides what to say and `knowledge.wording` words
it; this module only adds the private chat's buttons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.ask.callbacks import AnswerFor
from bot.core.nav import Home, OpenCard, OpenGuide, OpenMenu, TrackCase
from bot.core.screens import SITES_PER_ROW, card_screen, home_screen, platform_rows
from bot.core.ui import Button, Row, Screen, Viewer, in_rows, msg
from knowledge.answer import DirectAnswer
from knowledge.card import Line, title_for
from knowledge.catalog import CardRef, Catalog
from knowledge.platforms import UncoveredPlatform
from knowledge.reply import CheckedAnswer, Nothing, NotSure, Reply
from knowledge.schema import Lang
from knowledge.wording import word_reply


def reply_screen(catalog: Catalog, reply: Reply, viewer: Viewer) -> Screen:
    """Whatever the answering path replied, as the private chat shows it."""
    lang = viewer.lang
    match reply:
        case Nothing():
            return nothing_to_search_screen(catalog, lang)
        case NotSure(suggestions=suggestions):
            return not_sure_screen(catalog, suggestions, lang)
        case DirectAnswer(ref=ref, aspect=None) if ref is not None:
            screen = card_screen(catalog, ref, viewer, related=reply.suggestions[1:])
            return screen or not_sure_screen(catalog, reply.suggestions, lang)
        case DirectAnswer():
            return answer_screen(catalog, reply, viewer)
        case CheckedAnswer(answer=answer):
            return answer_screen(catalog, answer, viewer, reply)
        case UncoveredPlatform():
            # every platform that is covered, as buttons
            return _worded(catalog, reply, viewer, platform_rows(catalog, lang, OpenMenu, None))
    return _worded(catalog, reply, viewer, home_screen(catalog, lang).buttons)


def answer_screen(catalog: Catalog, answer: DirectAnswer, viewer: Viewer,
                  reply: Reply | None = None) -> Screen:
    """The fact asked, in a few lines; the full guide, every part, other sites, track.

    `reply` is what to word when it is more than the answer (the answer and the check of
    a number or link in the question)."""
    ref = answer.ref
    if ref is None:
        return not_sure_screen(catalog, answer.suggestions, viewer.lang)
    lang = viewer.lang
    worded = word_reply(reply or answer, catalog, lang=lang, user_zone=viewer.zone,
                        now=viewer.now)
    rows: list[Row] = [(Button(msg("button.guide", lang), OpenGuide(ref)),
                        Button(msg("button.parts", lang), OpenCard(ref)))]
    platform = catalog.platform(ref.platform)
    if answer.aspect is not None and platform is not None and answer.sites:
        names = {s.id: s.name.get(lang) for s in platform.sites}
        sites = [Button(names[s], AnswerFor(replace(ref, site=s), answer.aspect))
                 for s in answer.sites if s in names]
        rows.extend(in_rows(sites, SITES_PER_ROW))
    rows.append((Button(msg("button.track", lang), TrackCase(ref)),))
    rows.append((Button(msg("button.home", lang), Home()),))
    return Screen(title=worded.title, lines=worded.lines, buttons=tuple(rows))


def _worded(catalog: Catalog, reply: Reply, viewer: Viewer, buttons: Sequence[Row]) -> Screen:
    worded = word_reply(reply, catalog, lang=viewer.lang, user_zone=viewer.zone, now=viewer.now)
    title = worded.title or msg("home.title", viewer.lang)
    return Screen(title=title, lines=worded.lines, buttons=tuple(buttons))


def not_sure_screen(catalog: Catalog, suggestions: Sequence[CardRef], lang: Lang) -> Screen:
    """Suggestions to tap, and the menu to fall back on."""
    known = [r for r in suggestions if catalog.resolve(r) is not None]
    rows = [(Button(title_for(catalog, ref, lang), OpenCard(ref)),) for ref in known]
    prompt = msg("notsure.suggest" if known else "notsure.none", lang)
    home = home_screen(catalog, lang)
    return Screen(
        title=msg("notsure.title", lang),
        lines=(Line.of(prompt),),
        buttons=(*rows, *home.buttons),
    )


def nothing_to_search_screen(catalog: Catalog, lang: Lang) -> Screen:
    """A message with no words in it (emoji, punctuation): how to ask, and the menu."""
    return Screen(
        title=msg("notsure.title", lang),
        lines=(Line.of(msg("question.nothing", lang)),),
        buttons=home_screen(catalog, lang).buttons,
    )
