"""Screens and cards → Telegram HTML (everything escaped, ≤ 4096) and inline keyboards."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.callbacks import encode
from bot.core.ui import Row, Screen
from knowledge.card import Card, Line, Section, Span

MAX_TEXT = 4096  # Telegram's limit for a message's text, counted after entity parsing
# the markup itself is limited too (links' addresses and tags): Telegram answers
# "Entities_too_long" from about 9,500 characters of raw text
MAX_MARKUP = 9000
MAX_LINE = 1000  # no single line may crowd out a whole card
ELLIPSIS = "…"
_BULLETS = {0: "", 1: "• ", 2: "   – "}
_TAGS = {"bold": "b", "italic": "i", "code": "code"}
_SAFE_SCHEMES = ("https://", "http://", "tg://")
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Rendered:
    text: str
    keyboard: InlineKeyboardMarkup | None


def text_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units): an emoji is two."""
    return len(text.encode("utf-16-le")) // 2


def visible_length(html_text: str) -> int:
    """What Telegram holds to its limit: the text after entity parsing, not the markup
    (a link's address costs nothing)."""
    return text_length(html.unescape(_TAG.sub("", html_text)))


def fits(text: str, limit: int = MAX_TEXT) -> bool:
    return visible_length(text) <= limit and text_length(text) <= MAX_MARKUP


def escape(text: str) -> str:
    """Text content: only <, > and & are special to Telegram outside attributes."""
    return html.escape(text, quote=False)


def escape_attribute(value: str) -> str:
    return html.escape(value, quote=True)


def _bold(text: str) -> str:
    return f"<b>{escape(text)}</b>" if text else ""


def render_span(span: Span) -> str:
    if not span.text:
        return ""  # Telegram refuses empty entities
    text = escape(span.text)
    tag = _TAGS.get(span.style)
    linked = span.url is not None and span.url.lower().startswith(_SAFE_SCHEMES)
    if linked and tag == "code":
        tag = None  # Telegram allows no entity inside or around code: the link wins
    if tag:
        text = f"<{tag}>{text}</{tag}>"
    if linked and span.url is not None:
        text = f'<a href="{escape_attribute(span.url)}">{text}</a>'
    return text


def _clip(line: Line, limit: int = MAX_LINE) -> Line:
    """The line cut to `limit` characters of text (spans kept whole while they fit)."""
    if len(line.text) <= limit:
        return line
    spans: list[Span] = []
    room = limit - 1
    for span in line.spans:
        if room <= 0:
            break
        spans.append(Span(span.text[:room], span.style, span.url))
        room -= len(span.text)
    spans.append(Span(ELLIPSIS))
    return Line(tuple(spans), line.indent)


def render_line(line: Line) -> str:
    line = _clip(line)
    bullet = _BULLETS.get(line.indent, _BULLETS[2])
    return bullet + "".join(render_span(s) for s in line.spans)


def _section_lines(section: Section) -> list[str]:
    """A section as HTML lines, each balanced on its own (so it can be cut between lines)."""
    heading = [_bold(section.heading)] if section.heading else []
    if section.preformatted:
        body = "\n".join(_clip(line).text for line in section.lines)
        return [*heading, f"<pre>{escape(body)}</pre>"] if body else heading
    return [*heading, *(render_line(line) for line in section.lines)]


def _head(title: str, notes: Sequence[str]) -> list[str]:
    # an empty title (a short reply that needs none) leaves no blank line behind
    return [line for line in (_bold(title), *(f"<i>{escape(n)}</i>" for n in notes if n))
            if line]


def _join(blocks: Sequence[Sequence[str]]) -> str:
    return "\n\n".join("\n".join(block) for block in blocks if block)


def _cut(blocks: list[list[str]], keep_last: bool, limit: int) -> str:
    """Drop whole lines from the end (sparing the last block if asked) until it fits."""
    tail = blocks[-1] if keep_last and len(blocks) > 1 else []
    body = blocks[:-1] if tail else blocks
    positions = [(b, i) for b, block in enumerate(body) for i in range(len(block))]
    for b, i in reversed(positions):
        text = _join([*body[:b], [*body[b][:i], ELLIPSIS], tail])
        if fits(text, limit):
            return text
    # not even the title and the footer fit: plain text, cut hard (escaping grows a
    # character to at most six)
    plain = html.unescape(_TAG.sub("", _join(blocks)))
    return escape(plain[: limit // 6 - 1]) + ELLIPSIS


@dataclass(frozen=True)
class FittedCard:
    text: str
    dropped: tuple[Section, ...]  # left out for space, in card order


def fit_card(card: Card, notes: Sequence[str] = (), limit: int = MAX_TEXT) -> FittedCard:
    """The card as HTML within `limit`, and the sections that had to be left out.

    Sections with the highest `priority` numbers go first (among equals, the one further
    down); then those that fit again are put back, most important first, so one long
    section does not push out several short ones. Priority-0 sections (official entry,
    recommendation, sources) are never dropped; if they alone are too long, lines are cut.
    """
    head = _head(card.title, notes)
    sections = card.sections
    rendered = [_section_lines(s) for s in sections]
    kept = set(range(len(sections)))

    def compose(indices: set[int]) -> str:
        return _join([head, *(rendered[i] for i in sorted(indices))])

    text = compose(kept)
    if fits(text, limit):
        return FittedCard(text, ())
    drop_order = sorted(
        (i for i, s in enumerate(sections) if s.priority > 0),
        key=lambda i: (sections[i].priority, i),
        reverse=True,
    )
    dropped: list[int] = []
    for index in drop_order:
        kept.discard(index)
        dropped.append(index)
        text = compose(kept)
        if fits(text, limit):
            break
    for index in reversed(dropped):
        candidate = compose(kept | {index})
        if fits(candidate, limit):
            kept.add(index)
            text = candidate
    left_out = tuple(sections[i] for i in range(len(sections)) if i not in kept)
    if fits(text, limit):
        return FittedCard(text, left_out)
    last = len(sections) - 1
    footer_kept = last >= 0 and sections[last].key == "sources" and last in kept
    blocks = [head, *(rendered[i] for i in sorted(kept))]
    return FittedCard(_cut(blocks, keep_last=footer_kept, limit=limit), left_out)


def render_card(card: Card, notes: Sequence[str] = (), limit: int = MAX_TEXT) -> str:
    return fit_card(card, notes, limit).text


def render_text(screen: Screen, limit: int = MAX_TEXT) -> str:
    blocks = [_head(screen.title, screen.notes), [render_line(line) for line in screen.lines]]
    text = _join(blocks)
    return text if fits(text, limit) else _cut(blocks, keep_last=False, limit=limit)


def render_keyboard(rows: Sequence[Row]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    keyboard = []
    for row in rows:
        buttons = []
        for button in row:
            if button.action is not None:
                buttons.append(
                    InlineKeyboardButton(button.label, callback_data=encode(button.action))
                )
            elif button.url is not None:
                buttons.append(InlineKeyboardButton(button.label, url=button.url))
        if buttons:
            keyboard.append(buttons)
    return InlineKeyboardMarkup(keyboard) if keyboard else None


def render_screen(screen: Screen) -> Rendered:
    """Text and keyboard; a card too long for one message gets buttons for what was left out."""
    if screen.card is None:
        return Rendered(render_text(screen), render_keyboard(screen.buttons))
    fitted = fit_card(screen.card, screen.notes)
    screen = screen.with_more(fitted.dropped)
    return Rendered(fitted.text, render_keyboard(screen.buttons))
