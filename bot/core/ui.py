"""The screen model every feature draws with: text lines, an optional card, rows of buttons.

Telegram-free, so screens can be tested directly and drive other front ends;
bot/core/render.py turns a Screen into HTML and an inline keyboard.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import islice
from zoneinfo import ZoneInfo

from bot.core.callbacks import CallbackData
from bot.core.nav import Home, OpenSection
from bot.core.texts import MESSAGES
from knowledge.card import Card, Line, Section
from knowledge.schema import Lang

MORE_PER_ROW = 2  # buttons for card sections left out for space



@dataclass(frozen=True)
class Button:
    label: str
    action: CallbackData | None = None
    url: str | None = None


Row = tuple[Button, ...]


@dataclass(frozen=True)
class Screen:
    """What one message shows: a bold title (the breadcrumb), lines, an optional card, buttons."""

    title: str
    lines: tuple[Line, ...] = ()
    buttons: tuple[Row, ...] = ()
    card: Card | None = None
    notes: tuple[str, ...] = field(default=())  # short remarks shown under the title
    # where buttons for card sections left out for space go (a card screen only)
    more_at: int | None = None

    def actions(self) -> list[CallbackData]:
        return [b.action for row in self.buttons for b in row if b.action is not None]

    def with_note(self, note: str) -> Screen:
        return replace(self, notes=(*self.notes, note))

    def with_more(self, sections: Sequence[Section]) -> Screen:
        """The screen with a button for each card section the message had no room for."""
        if self.card is None or self.more_at is None or not sections:
            return self
        lang = self.card.lang
        buttons = [
            Button(msg("button.more", lang, heading=s.heading), OpenSection(self.card.ref, s.key))
            for s in sections
        ]
        more = in_rows(buttons, MORE_PER_ROW)
        at = self.more_at
        return replace(self, buttons=(*self.buttons[:at], *more, *self.buttons[at:]), more_at=None)


@dataclass(frozen=True)
class Viewer:
    """Who looks at a screen: their language, time zone and the current moment."""

    lang: Lang
    zone: ZoneInfo
    now: datetime
    # who asks: the misses store counts each sender once per text and day (by a keyed
    # hash; never stored); not part of equality, two people see the same screens
    user_id: int | None = field(default=None, compare=False, repr=False)


def msg(key: str, lang: Lang, **values: object) -> str:
    return MESSAGES.get(key, lang, **values)


def in_rows(buttons: Sequence[Button], per_row: int) -> tuple[Row, ...]:
    it = iter(buttons)
    rows: list[Row] = []
    while chunk := tuple(islice(it, per_row)):
        rows.append(chunk)
    return tuple(rows)


def nav_row(lang: Lang, back: CallbackData | None) -> Row:
    home = Button(msg("button.home", lang), Home())
    if back is None:
        return (home,)
    return (Button(msg("button.back", lang), back), home)


def crumbs(*names: str) -> str:
    return " · ".join(names)
