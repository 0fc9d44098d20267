"""Callback data of inline buttons: classes that pack and parse themselves (≤ 64 bytes).

Format: `<version>:<kind>[:<argument>]`, e.g. `1:m:amazon.seller` (a menu), `1:c:amazon.
seller.suspension.us` (a card). Each feature declares its buttons as frozen dataclasses
registered with `@callback_data("<kind letter>")`; a class writes its own argument
(`argument`) and reads it back (`from_argument`). Several classes may share a kind: the
first whose `from_argument` accepts the text wins. The core knows no feature's buttons.

Ids are the catalog's own (a-z, 0-9, _), so a button stays meaningful across restarts;
one that names something the catalog no longer has is stale, and the handler says so.
Anything unparseable, of another version, of an unknown kind or too long parses to
None — never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import ClassVar, Self, TypeVar

from knowledge.schema import ID_PATTERN

VERSION = "1"
MAX_BYTES = 64  # Telegram's limit for callback_data

ID_RE = re.compile(ID_PATTERN)
_KIND_RE = re.compile(r"[A-Za-z]")


class CallbackTooLong(ValueError):
    """A button's data would not fit Telegram's 64 bytes: ids in the catalog are too long."""


class CallbackData:
    """A button's action. Subclasses are frozen dataclasses registered with `callback_data`."""

    kind: ClassVar[str]

    def argument(self) -> str | None:
        """What follows `<version>:<kind>:` (None: nothing follows)."""
        return None

    @classmethod
    def from_argument(cls, argument: str | None) -> Self | None:
        """The action for `argument` (None when the data had none); None if it is not ours."""
        return cls() if argument is None else None

    def pack(self) -> str:
        """The callback data; CallbackTooLong if it exceeds 64 bytes."""
        argument = self.argument()
        data = f"{VERSION}:{self.kind}" if argument is None else f"{VERSION}:{self.kind}:{argument}"
        if len(data.encode("utf-8")) > MAX_BYTES:
            raise CallbackTooLong(f"callback data {data!r} is longer than {MAX_BYTES} bytes")
        return data

    @classmethod
    def pattern(cls) -> re.Pattern[str]:
        """Current-version data of this class's kind (for a CallbackQueryHandler)."""
        return pattern(cls)


_REGISTRY: dict[str, list[type[CallbackData]]] = {}
C = TypeVar("C", bound=type[CallbackData])


def callback_data(kind: str) -> Callable[[C], C]:
    """Register a CallbackData class under a one-letter kind (several may share one)."""
    if not _KIND_RE.fullmatch(kind):
        raise ValueError(f"a callback kind is one ASCII letter, not {kind!r}")

    def register(cls: C) -> C:
        cls.kind = kind
        classes = _REGISTRY.setdefault(kind, [])
        if cls not in classes:
            classes.append(cls)
        return cls

    return register


def encode(action: CallbackData) -> str:
    return action.pack()


def pattern(*classes: type[CallbackData]) -> re.Pattern[str]:
    """A regex matching current-version data of these classes' kinds."""
    letters = "".join(sorted({c.kind for c in classes}))
    return re.compile(rf"^{VERSION}:[{letters}](?::|$)")


def parse_callback(data: str | None) -> CallbackData | None:
    """The action a button carries, or None when it is malformed, forged or of another version."""
    if not data or len(data.encode("utf-8")) > MAX_BYTES:
        return None
    version, _, rest = data.partition(":")
    if version != VERSION:
        return None
    kind, sep, argument = rest.partition(":")
    if sep and not argument:
        return None
    for cls in _REGISTRY.get(kind, ()):
        action = cls.from_argument(argument if sep else None)
        if action is not None:
            return action
    return None


def parse_ids(argument: str, least: int, most: int) -> list[str] | None:
    """`a.b.c` → catalog ids, when there are `least`..`most` of them and each is an id."""
    parts = argument.split(".")
    if not least <= len(parts) <= most:
        return None
    if not all(ID_RE.fullmatch(p) for p in parts):
        return None
    return parts
