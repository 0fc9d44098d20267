"""Callback data of inline buttons: a small, versioned, validated codec (≤ 64 bytes).

Format: `<version>:<kind>[:<argument>]`, e.g. `1:m:amazon.seller` (menu), `1:c:amazon.seller.
suspension.us` (card), `1:l:zh` (language), `1:z:3` (time zone by index). Ids are the
catalog's own (a-z, 0-9, _), so a button stays meaningful across restarts; one that names
something the catalog no longer has is stale, and the handler says so.
Anything unparseable, of another version or too long parses to None — never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.cases.callbacks import KINDS as _CASE_KINDS
from bot.cases.callbacks import (
    CaseAction,
    ForgetData,
    ListCases,
    StartTrack,
    TrackStep,
    case_argument,
    parse_case_callback,
)
from bot.core.zones import COMMON_ZONES
from bot.groups.callbacks import KINDS as _GROUP_KINDS
from bot.groups.callbacks import GroupNav, GroupOption, group_argument, parse_group_callback
from knowledge.catalog import CardRef
from knowledge.schema import LANGS, Lang

VERSION = "1"
MAX_BYTES = 64  # Telegram's limit for callback_data

_ID = r"[a-z][a-z0-9_]{0,23}"
_ID_RE = re.compile(_ID)
_SECTION_RE = re.compile(rf"@?{_ID}")
_CHANNEL = "channel:"
_INDEX_RE = re.compile(r"0|[1-9][0-9]{0,2}")  # ASCII digits only: str.isdigit takes "٣" too
SettingsPage = Literal["lang", "tz"]
_PAGES: dict[str, SettingsPage] = {"lang": "lang", "tz": "tz"}
_LANGS: dict[str, Lang] = {lang: lang for lang in LANGS}


@dataclass(frozen=True)
class Home:
    """The home screen: choose a platform."""


@dataclass(frozen=True)
class OpenMenu:
    """A platform's roles, or (with `role`) a role's issues."""

    platform: str
    role: str | None = None


@dataclass(frozen=True)
class OpenCard:
    ref: CardRef


@dataclass(frozen=True)
class OpenSection:
    """One section of a card that did not fit in the card's message."""

    ref: CardRef
    section: str  # the card's section key, e.g. "prepare" or "channel:seller_phone"


@dataclass(frozen=True)
class TrackCase:
    """"Track a case for this" on a card (the cases feature picks it up)."""

    ref: CardRef


@dataclass(frozen=True)
class OpenSettings:
    page: SettingsPage


@dataclass(frozen=True)
class SetLang:
    lang: Lang


@dataclass(frozen=True)
class SetZone:
    index: int  # into COMMON_ZONES

    @property
    def zone(self) -> str:
        return COMMON_ZONES[self.index]


Action = (
    Home | OpenMenu | OpenCard | OpenSection | TrackCase | OpenSettings | SetLang | SetZone
    # case tracking (bot/cases/callbacks.py): kinds k, a, d
    | TrackStep | StartTrack | CaseAction | ListCases | ForgetData
    # group chats (bot/groups/callbacks.py): kind g
    | GroupNav | GroupOption
)

_KINDS: dict[type[Action], str] = {
    Home: "h",
    OpenMenu: "m",
    OpenCard: "c",
    OpenSection: "x",
    TrackCase: "t",
    OpenSettings: "s",
    SetLang: "l",
    SetZone: "z",
    **_CASE_KINDS,
    **_GROUP_KINDS,
}


class CallbackTooLong(ValueError):
    """An action would not fit Telegram's 64 bytes: ids in the catalog are too long."""


def encode(action: Action) -> str:
    """The callback data for `action`; CallbackTooLong if it exceeds 64 bytes."""
    kind = _KINDS[type(action)]
    match action:
        case Home():
            argument = None
        case OpenMenu(platform=platform, role=role):
            argument = platform if role is None else f"{platform}.{role}"
        case OpenCard(ref=ref) | TrackCase(ref=ref):
            argument = ref.key
        case OpenSection(ref=ref, section=section):
            # "channel:" is most of a section key's length: "@" says the same in one byte
            short = section
            if section.startswith(_CHANNEL):
                short = "@" + section.removeprefix(_CHANNEL)
            argument = f"{ref.key}:{short}"
        case OpenSettings(page=page):
            argument = page
        case SetLang(lang=lang):
            argument = lang
        case SetZone(index=index):
            argument = str(index)
        case TrackStep() | StartTrack() | CaseAction() | ListCases() | ForgetData():
            argument = case_argument(action)
        case GroupNav() | GroupOption():
            argument = group_argument(action)
    data = f"{VERSION}:{kind}" if argument is None else f"{VERSION}:{kind}:{argument}"
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise CallbackTooLong(f"callback data {data!r} is longer than {MAX_BYTES} bytes")
    return data


def pattern(*kinds: type[Action]) -> re.Pattern[str]:
    """A regex matching current-version data of these kinds (for CallbackQueryHandler)."""
    letters = "".join(_KINDS[k] for k in kinds)
    return re.compile(rf"^{VERSION}:[{letters}](?::|$)")


def parse_callback(data: str | None) -> Action | None:
    """The action a button carries, or None when it is malformed, forged or of another version."""
    if not data or len(data.encode("utf-8")) > MAX_BYTES:
        return None
    version, _, rest = data.partition(":")
    if version != VERSION:
        return None
    kind, sep, argument = rest.partition(":")
    if kind == "h":
        return Home() if not sep else None
    if not argument:
        return None
    match kind:
        case "m":
            ids = _ids(argument, 1, 2)
            if ids is None:
                return None
            return OpenMenu(ids[0], ids[1] if len(ids) == 2 else None)
        case "c" | "t":
            ids = _ids(argument, 3, 4)
            if ids is None:
                return None
            ref = CardRef(*ids)
            return OpenCard(ref) if kind == "c" else TrackCase(ref)
        case "x":
            ref_key, _, short = argument.partition(":")
            ids = _ids(ref_key, 3, 4)
            if ids is None or not _SECTION_RE.fullmatch(short):
                return None
            section = _CHANNEL + short[1:] if short.startswith("@") else short
            return OpenSection(CardRef(*ids), section)
        case "s":
            page = _PAGES.get(argument)
            return None if page is None else OpenSettings(page)
        case "l":
            lang = _LANGS.get(argument)
            return None if lang is None else SetLang(lang)
        case "z":
            if not _INDEX_RE.fullmatch(argument):
                return None
            index = int(argument)
            return SetZone(index) if index < len(COMMON_ZONES) else None
        case "k" | "a" | "d":
            return parse_case_callback(kind, argument)
        case "g":
            return parse_group_callback(argument)
    return None


def _ids(argument: str, least: int, most: int) -> list[str] | None:
    parts = argument.split(".")
    if not least <= len(parts) <= most:
        return None
    if not all(_ID_RE.fullmatch(p) for p in parts):
        return None
    return parts
