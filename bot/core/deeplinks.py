"""Deep links into the private chat: `https://t.me/<bot>?start=<payload>`, and their payloads.

Telegram passes the payload to `/start` (≤ 64 characters of A-Z, a-z, 0-9, _ and -).
Formats:
  `c-<platform>-<role>-<issue>[-<site>]`  a card, e.g. `c-amazon-seller-suspension-us`
                                          (catalog ids are [a-z0-9_], so '-' separates)
  `cases`, `track`, `mydata`, …           a case command used in a group, run here (see
                                          CASE_COMMANDS)
  `menu`                                  the home menu
Anything else parses to None (the home menu is shown); never an exception.
Telegram-free: the handlers turn a payload into a screen.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from knowledge.catalog import CardRef
from knowledge.schema import ID_PATTERN

MAX_PAYLOAD = 64  # Telegram's limit for a start parameter
_PAYLOAD_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_ID_RE = re.compile(ID_PATTERN)
CARD_PREFIX = "c"
MENU = "menu"
# the case commands: in a group they answer only with a link to the private chat, where
# `/start <command>` runs the command itself
CASE_COMMANDS = ("track", "cases", "mydata", "forget", "quiet")

# what `/start <command>` runs in the private chat: each feature links its own commands
# (bot/cases/__init__.py); a test checks every CASE_COMMANDS name has one
CommandCallback = Callable[[Any, Any], Coroutine[Any, Any, None]]
COMMAND_LINKS: dict[str, CommandCallback] = {}


def link_command(command: str, callback: CommandCallback) -> None:
    """`/start <command>` from a group's link runs `callback` as if `/<command>` was sent."""
    if command not in CASE_COMMANDS:
        raise ValueError(f"{command!r} is not a command a deep link may carry")
    COMMAND_LINKS[command] = callback


@dataclass(frozen=True)
class CardLink:
    ref: CardRef


@dataclass(frozen=True)
class CommandLink:
    """A case command someone tried in a group: continue it here."""

    command: str


@dataclass(frozen=True)
class MenuLink:
    """The home menu."""


DeepLink = CardLink | CommandLink | MenuLink


def card_payload(ref: CardRef) -> str | None:
    """The payload for a card; None when the ids would not fit (the link opens the menu)."""
    payload = "-".join((CARD_PREFIX, ref.platform, ref.role, ref.issue, *filter(None, [ref.site])))
    return payload if _PAYLOAD_RE.fullmatch(payload) else None


def payload_for(link: DeepLink) -> str | None:
    match link:
        case CardLink(ref=ref):
            return card_payload(ref)
        case CommandLink(command=command):
            return command if command in CASE_COMMANDS else None
        case MenuLink():
            return MENU
    return None


def parse_payload(payload: str | None) -> DeepLink | None:
    """What a `/start` payload asks for, or None when it is malformed or unknown."""
    if not payload or not _PAYLOAD_RE.fullmatch(payload):
        return None
    if payload == MENU:
        return MenuLink()
    if payload in CASE_COMMANDS:
        return CommandLink(payload)
    kind, _, rest = payload.partition("-")
    if kind != CARD_PREFIX:
        return None
    ids = rest.split("-")
    if not 3 <= len(ids) <= 4 or not all(_ID_RE.fullmatch(i) for i in ids):
        return None
    return CardLink(CardRef(*ids))


def start_url(bot_username: str, link: DeepLink) -> str:
    """The t.me link that opens the private chat with `link` (plain /start if it cannot)."""
    payload = payload_for(link)
    base = f"https://t.me/{bot_username}"
    return base if payload is None else f"{base}?start={payload}"
