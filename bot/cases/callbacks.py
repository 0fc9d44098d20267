"""Callback data of the case-tracking buttons; bot/core/callbacks.py folds them into its codec.

Kinds (after the codec's `1:`):
  `k:<flow>:<step>[:<value>]`  a step of the /track form; `<flow>` names the form it belongs
                               to, so a button of a finished or older form is stale
  `k:new`                      start a new /track form
  `a:<op>:<case id>[:<arg>]`   an action on one case (the handler checks its owner)
  `a:l:<view>[:<page>]`        the list of cases: `o` open, `d` answered and closed
  `d:y` / `d:n`                /forget confirmed or cancelled
Anything that does not parse is None, never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

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


@dataclass(frozen=True)
class TrackStep:
    """A button of the /track form `flow`."""

    flow: str
    step: TrackStepKind
    value: str | None = None


@dataclass(frozen=True)
class StartTrack:
    """Start a new /track form."""


@dataclass(frozen=True)
class CaseAction:
    """Something done to one case; `case_id` is our row id, never trusted on its own."""

    op: CaseOp
    case_id: int
    arg: str | None = None


@dataclass(frozen=True)
class ListCases:
    done: bool = False  # answered and closed cases instead of open ones
    page: int = 0


@dataclass(frozen=True)
class ForgetData:
    confirm: bool


CaseCallback = TrackStep | StartTrack | CaseAction | ListCases | ForgetData

# typed loosely so that bot/core/callbacks.py can fold it into its own table
KINDS: Mapping[type[Any], str] = {
    TrackStep: "k",
    StartTrack: "k",
    CaseAction: "a",
    ListCases: "a",
    ForgetData: "d",
}


def case_argument(action: CaseCallback) -> str:
    """What follows `<version>:<kind>:` for one of these actions."""
    match action:
        case TrackStep(flow=flow, step=step, value=value):
            letter = _STEP_LETTERS[step]
            return f"{flow}:{letter}" if value is None else f"{flow}:{letter}:{value}"
        case StartTrack():
            return "new"
        case CaseAction(op=op, case_id=case_id, arg=arg):
            letter = _OP_LETTERS[op]
            return f"{letter}:{case_id}" if arg is None else f"{letter}:{case_id}:{arg}"
        case ListCases(done=done, page=page):
            view = "d" if done else "o"
            return f"l:{view}" if page == 0 else f"l:{view}:{page}"
        case ForgetData(confirm=confirm):
            return "y" if confirm else "n"
    raise TypeError(f"not a case action: {action!r}")


def parse_case_callback(kind: str, argument: str) -> CaseCallback | None:
    """The action for a kind of this module and its argument; None if malformed."""
    if kind == "k":
        return _parse_track(argument)
    if kind == "a":
        return _parse_case(argument)
    if kind == "d":
        return {"y": ForgetData(True), "n": ForgetData(False)}.get(argument)
    return None


def _parse_track(argument: str) -> TrackStep | StartTrack | None:
    if argument == "new":
        return StartTrack()
    parts = argument.split(":")
    if len(parts) not in (2, 3) or not _FLOW_RE.fullmatch(parts[0]):
        return None
    step = _STEPS_BY_LETTER.get(parts[1])
    if step is None:
        return None
    if step in _STEPS_WITH_VALUE:
        if len(parts) != 3 or not _VALUE_RE.fullmatch(parts[2]):
            return None
        return TrackStep(parts[0], step, parts[2])
    return TrackStep(parts[0], step) if len(parts) == 2 else None


def _parse_case(argument: str) -> CaseAction | ListCases | None:
    parts = argument.split(":")
    if parts[0] == "l":
        if len(parts) not in (2, 3) or parts[1] not in ("o", "d"):
            return None
        page = 0
        if len(parts) == 3:
            if not _PAGE_RE.fullmatch(parts[2]) or parts[2] == "0":
                return None
            page = int(parts[2])
        return ListCases(done=parts[1] == "d", page=page)
    op = _OPS_BY_LETTER.get(parts[0])
    if op is None or len(parts) not in (2, 3) or not _CASE_ID_RE.fullmatch(parts[1]):
        return None
    case_id = int(parts[1])
    if len(parts) == 2:
        return None if op in _OPS_WITH_ARG else CaseAction(op, case_id)
    if op in _OPS_WITHOUT_ARG:
        return None
    arg = parts[2]
    if op == "window":
        return CaseAction(op, case_id, arg) if _WINDOW_RE.fullmatch(arg) else None
    return CaseAction(op, case_id, arg) if arg in _ARGS[op] else None
