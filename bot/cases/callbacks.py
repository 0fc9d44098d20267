"""Callback data of the case-tracking buttons (see bot/core/callbacks.py for the format).

Kinds (after the codec's `1:`):
  `k:<flow>:<step>[:<value>]`  a step of the /track form; `<flow>` names the form it belongs
                               to, so a button of a finished or older form is stale
  `k:new`                      start a new /track form
  `a:<op>:<case id>[:<arg>]`   an action on one case (the handler checks its owner)
  `a:l:<view>[:<page>]`        the list of cases: `o` open, `d` answered and closed
  `d:y` / `d:n`                /forget confirmed or cancelled
  `r:y` / `r:n`[`:<case id>`]  share reply times anonymously, or not (/share, or asked
                               once when a case is first marked replied)
Anything that does not parse is None, never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Self

from bot.core.callbacks import CallbackData, callback_data

# a form's token: short lower-case hex (see new_flow_token); "new" can never be one
_FLOW_RE = re.compile(r"[0-9a-f]{1,8}")
_VALUE_RE = re.compile(r"[a-z0-9][a-z0-9_]{0,23}")
_CASE_ID_RE = re.compile(r"[1-9][0-9]{0,17}")  # ASCII digits, below 2**63
_PAGE_RE = re.compile(r"0|[1-9][0-9]?")

TrackStepKind = Literal[
    "platform",  # value: platform id
    "role",  # value: role id
    "channel",  # value: channel id
    "site",  # value: site id (only asked where the site has its own response window)
    "any_site",  # another site, or not sure: the channel's general window
    "opened",  # value: an OPENED_CHOICES key
    "window",  # value: hours
    "skip_note",
    "confirm",
    "anyway",  # track although another open case is about the same issue
    "change_id",  # back to the case id, after a duplicate
    "cancel",
]
_STEP_LETTERS: dict[TrackStepKind, str] = {
    "platform": "p",
    "role": "r",
    "channel": "c",
    "site": "s",
    "any_site": "g",
    "opened": "o",
    "window": "w",
    "skip_note": "n",
    "confirm": "y",
    "anyway": "a",
    "change_id": "i",
    "cancel": "x",
}
_STEPS_BY_LETTER = {letter: step for step, letter in _STEP_LETTERS.items()}
_STEPS_WITH_VALUE = frozenset({"platform", "role", "channel", "site", "opened", "window"})

CaseOp = Literal[
    "open",  # the case's screen
    "reply",  # got a reply: answered
    "close",
    "snooze",  # arg: a SNOOZE_CHOICES key; without: the choices
    "edit",  # arg: an EDIT_FIELDS key; without: the choices
    "window",  # arg: hours
]
_OP_LETTERS: dict[CaseOp, str] = {
    "open": "o",
    "reply": "r",
    "close": "c",
    "snooze": "s",
    "edit": "e",
    "window": "w",
}
_OPS_BY_LETTER = {letter: op for op, letter in _OP_LETTERS.items()}
_OPS_WITH_ARG = frozenset({"window"})
_OPS_WITHOUT_ARG = frozenset({"open", "reply", "close"})

SNOOZE_CHOICES = ("1h", "t9", "24h", "3d")  # 1 hour, tomorrow 09:00, 24 hours, 3 days
EDIT_FIELDS = ("note", "id", "win", "clear")  # note, case id, window; clear the note
OPENED_CHOICES = ("now", "today", "1d", "2d", "3d", "7d")
_ARGS: dict[CaseOp, frozenset[str]] = {
    "snooze": frozenset(SNOOZE_CHOICES),
    "edit": frozenset(EDIT_FIELDS),
}
_WINDOW_RE = re.compile(r"[1-9][0-9]{0,2}")  # hours, 1-999; the handler checks the offer


@callback_data("k")
@dataclass(frozen=True)
class TrackStep(CallbackData):
    """A button of the /track form `flow`."""

    flow: str
    step: TrackStepKind
    value: str | None = None

    def argument(self) -> str:
        letter = _STEP_LETTERS[self.step]
        head = f"{self.flow}:{letter}"
        return head if self.value is None else f"{head}:{self.value}"

    @classmethod
    def from_argument(cls, argument: str | None) -> Self | None:
        parts = (argument or "").split(":")
        if len(parts) not in (2, 3) or not _FLOW_RE.fullmatch(parts[0]):
            return None
        step = _STEPS_BY_LETTER.get(parts[1])
        if step is None:
            return None
        if step in _STEPS_WITH_VALUE:
            if len(parts) != 3 or not _VALUE_RE.fullmatch(parts[2]):
                return None
            return cls(parts[0], step, parts[2])
        return cls(parts[0], step) if len(parts) == 2 else None


@callback_data("k")
@dataclass(frozen=True)
class StartTrack(CallbackData):
    """Start a new /track form."""

    def argument(self) -> str:
        return "new"

    @classmethod
    def from_argument(cls, argument: str | None) -> Self | None:
        return cls() if argument == "new" else None


@callback_data("a")
@dataclass(frozen=True)
class CaseAction(CallbackData):
    """Something done to one case; `case_id` is our row id, never trusted on its own."""

    op: CaseOp
    case_id: int
    arg: str | None = None

    def argument(self) -> str:
        letter = _OP_LETTERS[self.op]
        head = f"{letter}:{self.case_id}"
        return head if self.arg is None else f"{head}:{self.arg}"

    @classmethod
    def from_argument(cls, argument: str | None) -> Self | None:
        parts = (argument or "").split(":")
        op = _OPS_BY_LETTER.get(parts[0])
        if op is None or len(parts) not in (2, 3) or not _CASE_ID_RE.fullmatch(parts[1]):
            return None
        case_id = int(parts[1])
        if len(parts) == 2:
            return None if op in _OPS_WITH_ARG else cls(op, case_id)
        if op in _OPS_WITHOUT_ARG:
            return None
        arg = parts[2]
        if op == "window":
            return cls(op, case_id, arg) if _WINDOW_RE.fullmatch(arg) else None
        return cls(op, case_id, arg) if arg in _ARGS[op] else None


@callback_data("a")
@dataclass(frozen=True)
class ListCases(CallbackData):
    done: bool = False  # answered and closed cases instead of open ones
    page: int = 0

    def argument(self) -> str:
        view = "d" if self.done else "o"
        return f"l:{view}" if self.page == 0 else f"l:{view}:{self.page}"

    @classmethod
    def from_argument(cls, argument: str | None) -> Self | None:
        parts = (argument or "").split(":")
        if parts[0] != "l" or len(parts) not in (2, 3) or parts[1] not in ("o", "d"):
            return None
        page = 0
        if len(parts) == 3:
            if not _PAGE_RE.fullmatch(parts[2]) or parts[2] == "0":
                return None
            page = int(parts[2])
        return cls(done=parts[1] == "d", page=page)


@callback_data("d")
@dataclass(frozen=True)
class ForgetData(CallbackData):
    confirm: bool

    def argument(self) -> str:
        return "y" if self.confirm else "n"

    @classmethod
    def from_argument(cls, argument: str | None) -> Self | None:
        return {"y": cls(True), "n": cls(False)}.get(argument or "")


@callback_data("r")
@dataclass(frozen=True)
class ShareTimes(CallbackData):
    """Share reply times anonymously, yes or no: `r:y` / `r:n` from /share, and with the
    case id (`r:y:<case id>`) when asked right after a case was marked replied."""

    share: bool
    case_id: int | None = None

    def argument(self) -> str:
        choice = "y" if self.share else "n"
        return choice if self.case_id is None else f"{choice}:{self.case_id}"

    @classmethod
    def from_argument(cls, argument: str | None) -> Self | None:
        choice, sep, case_id = (argument or "").partition(":")
        if choice not in ("y", "n"):
            return None
        if not sep:
            return cls(choice == "y")
        if not _CASE_ID_RE.fullmatch(case_id):
            return None
        return cls(choice == "y", int(case_id))
