"""Buttons every feature may show: home, menus, a card and its sections, track, settings.

They name the catalog's own ids, so a button stays meaningful across restarts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Self

from bot.core.callbacks import CallbackData, callback_data, parse_ids
from knowledge.catalog import CardRef

_CHANNEL = "channel:"
SettingsPage = Literal["lang", "tz"]
_PAGES: dict[str, SettingsPage] = {"lang": "lang", "tz": "tz"}


@callback_data("h")
@dataclass(frozen=True)
class Home(CallbackData):
    """The home screen: choose a platform."""


@callback_data("p")
@dataclass(frozen=True)
class AllPlatforms(CallbackData):
    """Every platform (the home screen shows the most asked ones and "more platforms")."""


@callback_data("m")
@dataclass(frozen=True)
class OpenMenu(CallbackData):
    """A platform's roles, or (with `role`) a role's issues."""

    platform: str
    role: str | None = None

    def argument(self) -> str:
        return self.platform if self.role is None else f"{self.platform}.{self.role}"

    @classmethod
    def from_argument(cls, argument: str | None) -> Self | None:
        ids = parse_ids(argument, 1, 2) if argument else None
        if ids is None:
            return None
        return cls(ids[0], ids[1] if len(ids) == 2 else None)


def _card_ref(argument: str | None) -> CardRef | None:
    ids = parse_ids(argument, 3, 4) if argument else None
    return None if ids is None else CardRef(*ids)


@dataclass(frozen=True)
class _OnCard(CallbackData):
    """A button about one card: its data is the card's key."""

    ref: CardRef

    def argument(self) -> str:
        return self.ref.key

    @classmethod
    def from_argument(cls, argument: str | None) -> Self | None:
        ref = _card_ref(argument)
        return None if ref is None else cls(ref)


@callback_data("c")
@dataclass(frozen=True)
class OpenCard(_OnCard):
    """A card's summary, every section a button."""


@callback_data("f")
@dataclass(frozen=True)
class OpenGuide(_OnCard):
    """A card in full (the summary is `OpenCard`)."""


@callback_data("x")
@dataclass(frozen=True)
class OpenSection(CallbackData):
    """One section of a card on its own."""

    ref: CardRef
    section: str  # the card's section key, e.g. "prepare" or "channel:seller_phone"

    def argument(self) -> str:
        # "channel:" is most of a section key's length: "@" says the same in one byte
        short = self.section
        if short.startswith(_CHANNEL):
            short = "@" + short.removeprefix(_CHANNEL)
        return f"{self.ref.key}:{short}"

    @classmethod
    def from_argument(cls, argument: str | None) -> Self | None:
        if not argument:
            return None
        ref_key, _, short = argument.partition(":")
        ref = _card_ref(ref_key)
        name = short.removeprefix("@")
        if ref is None or parse_ids(name, 1, 1) is None:
            return None
        return cls(ref, _CHANNEL + name if short.startswith("@") else short)


@callback_data("t")
@dataclass(frozen=True)
class TrackCase(_OnCard):
    """"Track a case for this" on a card (the cases feature picks it up)."""


@callback_data("s")
@dataclass(frozen=True)
class OpenSettings(CallbackData):
    """The language or the time-zone page (the home screen offers both)."""

    page: SettingsPage

    def argument(self) -> str:
        return self.page

    @classmethod
    def from_argument(cls, argument: str | None) -> Self | None:
        page = _PAGES.get(argument or "")
        return None if page is None else cls(page)
