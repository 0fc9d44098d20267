"""The first reply, as Telegram receives it: the fact asked first, short, every part a tap away.

Each one-fact question of tests/knowledge/questions.yaml (the entries with an `aspect` and
the `fact` the answer must show) goes through the answering path and the private chat's
layout, is rendered to the HTML the bot sends, and is read back as the text a phone shows.
"""

from __future__ import annotations

import statistics
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bot.ask.screens import reply_screen
from bot.core.render import render_screen
from bot.core.screens import card_screen
from bot.core.ui import Viewer
from knowledge.catalog import Catalog
from knowledge.reply import Responder
from knowledge.schema import LANGS, Lang
from knowledge.textnorm import has_han
from tests.bot.telegram_rules import check_markup, check_text, parse_html

QUESTIONS = Path(__file__).resolve().parents[1] / "knowledge" / "questions.yaml"
NOW = datetime(2026, 3, 4, 4, 0, tzinfo=UTC)  # the moment the question set is written for
ZONE = ZoneInfo("Asia/Shanghai")
FIRST = 300  # the asked fact within this many characters of what the phone shows
MEDIAN = 600
MOST = 1000


def one_fact_questions() -> list[dict[str, Any]]:
    loaded = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    return [q for q in loaded if "aspect" in q and "fact" in q]


def shown(responder: Responder, question: str) -> str:
    """The first reply to `question` as the phone shows it (checked against Telegram's rules)."""
    lang: Lang = "zh" if has_han(question) else "en"
    viewer = Viewer(lang, ZONE, NOW)
    reply = responder.respond(question, lang=lang, user_zone=ZONE, now=NOW)
    rendered = render_screen(reply_screen(responder.catalog, reply, viewer))
    assert check_text(rendered.text, "HTML") == [], question
    markup = rendered.keyboard.to_dict() if rendered.keyboard else None
    assert check_markup(markup) == [], question
    return parse_html(rendered.text)[0]


def test_the_asked_fact_comes_first_and_the_reply_is_short(responder: Responder) -> None:
    questions = one_fact_questions()
    assert len(questions) >= 60
    late: list[str] = []
    lengths: list[int] = []
    for question in questions:
        text = shown(responder, question["q"])
        lengths.append(len(text))
        assert len(text) <= MOST, (question["q"], len(text))
        where = text.find(question["fact"])
        if not 0 <= where < FIRST:
            late.append(f"{question['q']!r}: {question['fact']!r} at {where}")
    assert len(late) <= len(questions) * 0.05, late
    assert statistics.median(lengths) <= MEDIAN, statistics.median(lengths)


def test_every_card_from_the_menu_is_summary_first(catalog: Catalog) -> None:
    """At most 1,000 characters on the first screen of any card, every section a button."""
    for lang in LANGS:
        viewer = Viewer(lang, ZONE, NOW)
        for ref in catalog.card_refs():
            platform = catalog.platform(ref.platform)
            assert platform is not None
            for site in (None, *(s.id for s in platform.sites)):
                screen = card_screen(catalog, replace(ref, site=site), viewer)
                assert screen is not None
                rendered = render_screen(screen)
                text = parse_html(rendered.text)[0]
                assert len(text) <= MOST, (ref.key, site, lang, len(text))
                labels = [b.text for row in (rendered.keyboard.inline_keyboard
                                             if rendered.keyboard else ()) for b in row]
                assert any("📖" in label for label in labels), ref.key
