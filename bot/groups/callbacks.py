"""Callback data of the group-chat buttons (see bot/core/callbacks.py for the format).

Kind `g` (after the codec's `1:`):
  `g:<asker>:h`                         the platforms
  `g:<asker>:m:<platform>[.<role>]`     a platform's roles, or a role's issues
  `g:<asker>:c:<card key>`              a card's short (group) form
  `g:<asker>:n:<card key>`              narrowing a card: its sites, other issues
  `g:set:<option>:<value>`              a group setting (`lang`: zh/en/auto,
                                        `mentions`: on/off); only admins may press
`<asker>` is the Telegram id of who asked: only their presses change the message, so
nobody can take over another member's answer. Anything malformed is None, never an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Self

from bot.core.callbacks import CallbackData, callback_data, parse_ids
from knowledge.catalog import CardRef

_ASKER_RE = re.compile(r"[1-9][0-9]{0,15}")  # Telegram user ids fit in 52 bits
_SETTINGS = "set"

GroupOptionName = Literal["lang", "mentions"]
GROUP_OPTIONS: dict[GroupOptionName, tuple[str, ...]] = {
    "lang": ("zh", "en", "auto"),  # auto: each asker's own language
    "mentions": ("on", "off"),
}


@dataclass(frozen=True)
class GroupHome:
    """The most asked platforms (and "more platforms")."""


@dataclass(frozen=True)
class GroupPlatforms:
    """Every platform."""


@dataclass(frozen=True)
class GroupMenu:
    platform: str
    role: str | None = None


@dataclass(frozen=True)
class GroupCard:
    ref: CardRef


@dataclass(frozen=True)
class GroupNarrow:
    ref: CardRef


GroupTarget = GroupHome | GroupPlatforms | GroupMenu | GroupCard | GroupNarrow


@callback_data("g")
@dataclass(frozen=True)
class GroupNav(CallbackData):
    """A menu button on a bot message in a group: only `asker` may press it."""

    asker: int
    target: GroupTarget

    def argument(self) -> str:
        return f"{self.asker}:{_target(self.target)}"

    @classmethod
    def from_argument(cls, argument: str | None) -> Self | None:
        head, _, rest = (argument or "").partition(":")
        if not _ASKER_RE.fullmatch(head):
            return None
        target = _parse_target(rest)
        return None if target is None else cls(int(head), target)


@callback_data("g")
@dataclass(frozen=True)
class GroupOption(CallbackData):
    """A group setting an admin chose (the handler checks that the presser is one)."""

    name: GroupOptionName
    value: str

    def argument(self) -> str:
        return f"{_SETTINGS}:{self.name}:{self.value}"

    @classmethod
    def from_argument(cls, argument: str | None) -> Self | None:
        head, _, rest = (argument or "").partition(":")
        if head != _SETTINGS:
            return None
        name, _, value = rest.partition(":")
        for option, values in GROUP_OPTIONS.items():
            if name == option and value in values:
                return cls(option, value)
        return None


def _target(target: GroupTarget) -> str:
    match target:
        case GroupHome():
            return "h"
        case GroupPlatforms():
            return "p"
        case GroupMenu(platform=platform, role=role):
            return f"m:{platform}" if role is None else f"m:{platform}.{role}"
        case GroupCard(ref=ref):
            return f"c:{ref.key}"
        case GroupNarrow(ref=ref):
            return f"n:{ref.key}"
    raise TypeError(f"not a group target: {target!r}")


def _parse_target(text: str) -> GroupTarget | None:
    letter, sep, argument = text.partition(":")
    if letter == "h":
        return GroupHome() if not sep else None
    if letter == "p":
        return GroupPlatforms() if not sep else None
    ids = parse_ids(argument, 1, 4)
    if ids is None:
        return None
    if letter == "m" and len(ids) <= 2:
        return GroupMenu(ids[0], ids[1] if len(ids) == 2 else None)
    if letter in ("c", "n") and len(ids) >= 3:
        ref = CardRef(*ids)
        return GroupCard(ref) if letter == "c" else GroupNarrow(ref)
    return None
