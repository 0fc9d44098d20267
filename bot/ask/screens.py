"""Answers to typed questions as screens: the best card, or suggestions and the menu."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.nav import OpenCard
from bot.core.screens import card_screen, home_screen
from bot.core.ui import Button, Screen, Viewer, msg
from knowledge.card import Line, title_for
from knowledge.catalog import CardRef, Catalog
from knowledge.schema import Lang
from knowledge.search import SearchResult


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
