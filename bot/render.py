"""Screens and cards → Telegram HTML (everything escaped, ≤ 4096) and inline keyboards."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import encode
from bot.screens import Row, Screen
from knowledge.card import Card, Line, Section, Span

MAX_TEXT = 4096  # Telegram's limit for a message's text
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


def fits(text: str, limit: int = MAX_TEXT) -> bool:
    return text_length(text) <= limit


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def render_span(span: Span) -> str:
    text = escape(span.text)
    if span.url is not None and span.url.lower().startswith(_SAFE_SCHEMES):
        text = f'<a href="{escape(span.url)}">{text}</a>'
    tag = _TAGS.get(span.style)
    return f"<{tag}>{text}</{tag}>" if tag else text


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
    heading = f"<b>{escape(section.heading)}</b>"
    if section.preformatted:
        body = "\n".join(_clip(line).text for line in section.lines)
        return [heading, f"<pre>{escape(body)}</pre>"]
    return [heading, *(render_line(line) for line in section.lines)]


def _head(title: str, notes: Sequence[str]) -> list[str]:
    return [f"<b>{escape(title)}</b>", *(f"<i>{escape(n)}</i>" for n in notes)]


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


def render_card(card: Card, notes: Sequence[str] = (), limit: int = MAX_TEXT) -> str:
    """The card as HTML within `limit`: the highest `priority` numbers go first, then lines.

    Among sections of equal priority the one further down goes first; priority-0 sections
    (official entry, recommendation, sources) are never dropped whole.
    """
    head = _head(card.title, notes)
    sections = list(card.sections)
    rendered = [_section_lines(s) for s in sections]
    kept = set(range(len(sections)))

    def compose() -> list[list[str]]:
        return [head, *(rendered[i] for i in sorted(kept))]

    text = _join(compose())
    drop_order = sorted(
        (i for i, s in enumerate(sections) if s.priority > 0),
        key=lambda i: (sections[i].priority, i),
        reverse=True,
    )
    for index in drop_order:
        if fits(text, limit):
            return text
        kept.discard(index)
        text = _join(compose())
    if fits(text, limit):
        return text
    footer_kept = bool(sections) and sections[-1].key == "sources" and len(sections) - 1 in kept
    return _cut(compose(), keep_last=footer_kept, limit=limit)


def render_text(screen: Screen, limit: int = MAX_TEXT) -> str:
    if screen.card is not None:
        return render_card(screen.card, screen.notes, limit)
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
    return Rendered(render_text(screen), render_keyboard(screen.buttons))
