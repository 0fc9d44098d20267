"""Callback data of the group-chat buttons; bot/core/callbacks.py folds them into its codec.

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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from knowledge.catalog import CardRef

_ID_RE = re.compile(r"[a-z][a-z0-9_]{0,23}")
_ASKER_RE = re.compile(r"[1-9][0-9]{0,15}")  # Telegram user ids fit in 52 bits
_SETTINGS = "set"

GroupOptionName = Literal["lang", "mentions"]
GROUP_OPTIONS: dict[GroupOptionName, tuple[str, ...]] = {
    "lang": ("zh", "en", "auto"),  # auto: each asker's own language
    "mentions": ("on", "off"),
}


@dataclass(frozen=True)
class GroupHome:
    """The platforms."""


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


GroupTarget = GroupHome | GroupMenu | GroupCard | GroupNarrow


@dataclass(frozen=True)
class GroupNav:
    """A menu button on a bot message in a group: only `asker` may press it."""

    asker: int
    target: GroupTarget


@dataclass(frozen=True)
class GroupOption:
    """A group setting an admin chose (the handler checks that the presser is one)."""

    name: GroupOptionName
    value: str


GroupCallback = GroupNav | GroupOption

# typed loosely so that bot/core/callbacks.py can fold it into its own table
KINDS: Mapping[type[Any], str] = {GroupNav: "g", GroupOption: "g"}


def group_argument(action: GroupCallback) -> str:
    """What follows `<version>:g:` for one of these actions."""
    match action:
        case GroupOption(name=name, value=value):
            return f"{_SETTINGS}:{name}:{value}"
        case GroupNav(asker=asker, target=target):
            return f"{asker}:{_target(target)}"
    raise TypeError(f"not a group action: {action!r}")


def _target(target: GroupTarget) -> str:
    match target:
        case GroupHome():
            return "h"
        case GroupMenu(platform=platform, role=role):
            return f"m:{platform}" if role is None else f"m:{platform}.{role}"
        case GroupCard(ref=ref):
            return f"c:{ref.key}"
        case GroupNarrow(ref=ref):
            return f"n:{ref.key}"
    raise TypeError(f"not a group target: {target!r}")


def parse_group_callback(argument: str) -> GroupCallback | None:
    """The action for the argument of kind `g`; None if malformed."""
    head, _, rest = argument.partition(":")
    if head == _SETTINGS:
        name, _, value = rest.partition(":")
        for option, values in GROUP_OPTIONS.items():
            if name == option and value in values:
                return GroupOption(option, value)
        return None
    if not _ASKER_RE.fullmatch(head):
        return None
    target = _parse_target(rest)
    return None if target is None else GroupNav(int(head), target)


def _parse_target(text: str) -> GroupTarget | None:
    letter, sep, argument = text.partition(":")
    if letter == "h":
        return GroupHome() if not sep else None
    ids = _ids(argument)
    if ids is None:
        return None
    if letter == "m" and len(ids) <= 2:
        return GroupMenu(ids[0], ids[1] if len(ids) == 2 else None)
    if letter in ("c", "n") and len(ids) >= 3:
        ref = CardRef(*ids)
        return GroupCard(ref) if letter == "c" else GroupNarrow(ref)
    return None


def _ids(argument: str) -> list[str] | None:
    parts = argument.split(".")
    if not 1 <= len(parts) <= 4 or not all(_ID_RE.fullmatch(p) for p in parts):
        return None
    return parts
