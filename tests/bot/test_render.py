"""Rendering: everything escaped, only Telegram's tags, within 4096, least important first out."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.core.render import (
    MAX_TEXT,
    fit_card,
    render_line,
    render_screen,
    text_length,
    visible_length,
)
from bot.core.screens import card_screen
from bot.core.ui import Viewer
from knowledge.card import Card, Line, Section, Span, build_card
from knowledge.catalog import CardRef, Catalog
from knowledge.schema import LANGS
from tests.bot.telegram_rules import check_markup, check_text, parse_html

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def make_card(*sections: Section, title: str = "亚马逊 · 卖家 · 账号被封") -> Card:
    return Card(
        ref=CardRef("amazon", "seller", "suspension"),
        lang="zh",
        title=title,
        summary="",
        sections=sections,
        short=(),
        sources=(),
        last_checked=date(2026, 11, 21),
    )


def section(key: str, priority: int, chars: int, line: str = "x") -> Section:
    lines = tuple(Line.of(line * 99, indent=1) for _ in range(chars // 100))
    return Section(key, key.title(), lines, priority=priority)


def test_spans_are_escaped_and_styled() -> None:
    line = Line.of(
        Span("<b>&"),
        Span("bold", "bold"),
        Span("i", "italic"),
        Span("+1 888 280 4331", "code"),
        Span('Seller "Central"', url="https://sellercentral.amazon.com/?a=1&b=<2>"),
        Span("click", url="javascript:alert(1)"),
        indent=1,
    )
    html = render_line(line)
    assert html == (
        "• &lt;b&gt;&amp;<b>bold</b><i>i</i><code>+1 888 280 4331</code>"
        '<a href="https://sellercentral.amazon.com/?a=1&amp;b=&lt;2&gt;">'
        "Seller \"Central\"</a>click"
    )
    assert parse_html(html)[1] == []


def test_preformatted_sections_keep_their_lines_in_pre() -> None:
    template = Section("template", "Template", (Line.of("Dear <team>,"), Line.of("Case & ID")),
                       priority=7, preformatted=True)
    text = fit_card(make_card(template)).text
    assert "<pre>Dear &lt;team&gt;,\nCase &amp; ID</pre>" in text
    assert check_text(text, "HTML") == []


def test_highest_priority_numbers_are_dropped_first_and_what_fits_comes_back() -> None:
    card = make_card(
        section("official", 0, 500),
        section("recommended", 0, 500),
        section("prepare", 3, 1000),
        section("tips", 6, 200),   # small: comes back once the template is out
        section("template", 7, 2500),
        section("sources", 0, 200),
    )
    fitted = fit_card(card)
    assert [s.key for s in fitted.dropped] == ["template"]
    for kept in ("Official", "Recommended", "Prepare", "Tips", "Sources"):
        assert f"<b>{kept}</b>" in fitted.text
    assert visible_length(fitted.text) <= MAX_TEXT


def test_among_equal_priorities_the_lower_section_goes_first() -> None:
    card = make_card(section("a", 5, 2100), section("b", 5, 2100), section("sources", 0, 100))
    assert [s.key for s in fit_card(card).dropped] == ["b"]


def test_lines_are_cut_when_the_essential_sections_alone_are_too_long() -> None:
    card = make_card(
        section("official", 0, 3000), section("recommended", 0, 3000), section("sources", 0, 300)
    )
    fitted = fit_card(card)
    assert fitted.dropped == ()
    assert visible_length(fitted.text) <= MAX_TEXT
    assert "…" in fitted.text
    assert "<b>Sources</b>" in fitted.text  # the footer is spared
    assert check_text(fitted.text, "HTML") == []


def test_a_huge_single_line_is_clipped() -> None:
    card = make_card(Section("official", "Official", (Line.of("长" * 20_000),), priority=0))
    text = fit_card(card).text
    assert visible_length(text) <= MAX_TEXT
    assert check_text(text, "HTML") == []


def test_emoji_count_twice_towards_the_limit() -> None:
    card = make_card(section("a", 0, 3000, line="😀"))
    assert text_length(fit_card(card).text) <= MAX_TEXT


styles = st.sampled_from(["plain", "bold", "italic", "code"])
urls = st.one_of(st.none(), st.just("https://example.com/?q=<&>"), st.text(max_size=20))
spans = st.builds(Span, st.text(max_size=300), styles, urls)
lines = st.builds(lambda s, i: Line(tuple(s), i), st.lists(spans, max_size=4),
                  st.integers(0, 3))
sections_strategy = st.builds(
    Section,
    st.sampled_from(["official", "tips", "prepare", "channel:x", "sources"]),
    st.text(max_size=40),
    st.lists(lines, max_size=30).map(tuple),
    st.integers(0, 9),
    st.booleans(),
)


@given(st.lists(sections_strategy, max_size=8), st.text(max_size=200),
       st.lists(st.text(max_size=100), max_size=2))
def test_any_card_renders_to_valid_telegram_html(
    sections: list[Section], title: str, notes: list[str]
) -> None:
    text = fit_card(make_card(*sections, title=title), notes).text
    _plain, problems = parse_html(text)
    assert problems == []
    assert visible_length(text) <= MAX_TEXT


def test_every_card_of_the_catalog_fits_in_both_languages_at_every_site(catalog: Catalog) -> None:
    zone = ZoneInfo("America/Los_Angeles")
    for lang in LANGS:
        viewer = Viewer(lang, zone, NOW)
        for base in catalog.card_refs():
            platform = catalog.platform(base.platform)
            assert platform is not None
            for site in [None, *(s.id for s in platform.sites)]:
                ref = CardRef(base.platform, base.role, base.issue, site)
                screen = card_screen(catalog, ref, viewer)
                assert screen is not None
                rendered = render_screen(screen)
                assert check_text(rendered.text, "HTML") == [], ref
                keyboard = rendered.keyboard.to_dict() if rendered.keyboard else None
                assert check_markup(keyboard) == [], ref
                # whatever did not fit is one tap away
                card = build_card(catalog, ref, lang=lang, user_zone=zone, now=NOW)
                assert card is not None
                labels = [button["text"] for row in (keyboard or {}).get("inline_keyboard", [])
                          for button in row]
                for left_out in fit_card(card).dropped:
                    assert any(left_out.heading in label for label in labels), (ref, left_out.key)
