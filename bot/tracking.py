"""The rules of tracking a case, Telegram-free: the /track form, what users may type, windows.

The form's state (TrackDraft) lives in the user's PTB `user_data`, in memory: a restart
forgets half-filled forms, and their buttons then answer "expired". Cases themselves are
only ever in the database.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.sanitize import CONTROL
from knowledge.catalog import CardRef, Catalog
from knowledge.followup import (
    ResponseWindow,
    max_rounds,
    response_window,
    sites_with_own_window,
    trackable_channels,
)
from knowledge.schema import Fact, Site
from storage.cases import MAX_EXTERNAL_ID_LEN, MAX_NOTE_LEN, Case

# where a user's half-filled /track form is kept in their PTB user_data
DRAFT_KEY = "track_draft"
# a form nobody touched for this long is forgotten; its buttons answer "expired"
FORM_TTL = timedelta(hours=1)
# the windows a user may choose when the knowledge gives none, or to override it
WINDOW_CHOICES = (24, 48, 72)
# between two reminders of the same case: its window, but never less than this
MIN_ROUND_GAP = timedelta(hours=24)

Step = Literal["platform", "role", "channel", "site", "opened", "case_id", "note", "confirm"]

_CONTROL = CONTROL  # the characters bot.sanitize never quotes back
_CONTROL_IN_NOTE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def new_flow_token() -> str:
    """A short token naming one /track form; lower-case hex, so never the word "new"."""
    return f"{secrets.randbits(32):x}"


@dataclass
class TrackDraft:
    """A /track form being filled in; `flow` is the token its buttons carry."""

    flow: str
    touched: datetime
    platform: str | None = None
    role: str | None = None
    channel: str | None = None
    issue: str | None = None  # known when started from a card
    site: str | None = None  # from a card, or asked: a site's own response window comes first
    site_done: bool = False  # the site is known, or would not change the window
    opened_at: datetime | None = None
    external_id: str | None = None
    note: str | None = None
    note_done: bool = False
    window_hours: int | None = None  # the user's choice; None: the knowledge's figure
    same_issue_ok: bool = False

    def step(self) -> Step:
        """The first thing still to fill in."""
        if self.platform is None:
            return "platform"
        if self.role is None:
            return "role"
        if self.channel is None:
            return "channel"
        if not self.site_done:
            return "site"
        if self.opened_at is None:
            return "opened"
        if self.external_id is None:
            return "case_id"
        if not self.note_done:
            return "note"
        return "confirm"

    def choose_channel(self, catalog: Catalog, channel_id: str | None) -> None:
        """Set the channel; the site is then asked only if it changes the channel's window.

        A site the form already has (from a card) is kept, whatever the channel.
        """
        self.channel = channel_id
        self.site_done = self.site is not None or not self.site_choices(catalog)

    def site_choices(self, catalog: Catalog) -> list[Site]:
        """The sites worth a button: those with a response window of their own."""
        if self.platform is None or self.channel is None:
            return []
        return sites_with_own_window(catalog, self.platform, self.channel)

    def expired(self, now: datetime) -> bool:
        return now - self.touched > FORM_TTL

    def knowledge_window(self, catalog: Catalog) -> ResponseWindow | None:
        if self.platform is None or self.channel is None:
            return None
        return response_window(catalog, self.platform, self.channel, self.site)

    def hours(self, catalog: Catalog) -> int | None:
        """The window the case will be tracked with; None until the user picks one."""
        if self.window_hours is not None:
            return self.window_hours
        known = self.knowledge_window(catalog)
        return None if known is None else known.hours

    def due_at(self, catalog: Catalog) -> datetime | None:
        hours = self.hours(catalog)
        if hours is None or self.opened_at is None:
            return None
        return self.opened_at + timedelta(hours=hours)


def draft_from_card(
    catalog: Catalog, ref: CardRef, flow: str, now: datetime
) -> TrackDraft | None:
    """A form pre-filled from a card: platform, role, issue, site and its best channel."""
    issue = catalog.resolve(ref)
    if issue is None:
        return None
    trackable = {c.id for c in trackable_channels(catalog, ref.platform, ref.role)}
    channel = next(
        (c.id for c in catalog.issue_channels(ref.platform, issue) if c.id in trackable), None
    )
    draft = TrackDraft(
        flow=flow,
        touched=now,
        platform=ref.platform,
        role=ref.role,
        issue=issue.id,
        site=ref.site,
    )
    draft.choose_channel(catalog, channel)
    return draft


def window_choices(known: ResponseWindow | None) -> tuple[int, ...]:
    """The windows offered as buttons: the usual three and the knowledge's own figure."""
    offered = set(WINDOW_CHOICES)
    if known is not None:
        offered.add(known.hours)
    return tuple(sorted(offered))


# --- what users type -------------------------------------------------------------------


Problem = Literal[
    "id_empty", "id_lines", "id_long", "id_control", "id_no_alnum", "note_long", "note_control"
]


class InputProblem(ValueError):
    """Typed input we refuse: why, and for a too long one its length and the limit."""

    def __init__(self, problem: Problem, length: int = 0, limit: int = 0) -> None:
        super().__init__(problem)
        self.problem: Problem = problem
        self.length = length
        self.limit = limit


def check_case_id(text: str) -> str:
    """A platform case id as typed: one line, 1-64 characters, with a letter or digit in it.

    Amazon Case IDs are numbers and Tmall refund/dispute numbers long digit strings, but
    users also paste order numbers with dashes: anything readable on one line is kept as
    typed (HTML and all; it is escaped when shown).
    """
    cleaned = text.strip()
    if not cleaned:
        raise InputProblem("id_empty")
    if "\n" in cleaned or "\r" in cleaned:
        raise InputProblem("id_lines")
    if len(cleaned) > MAX_EXTERNAL_ID_LEN:
        raise InputProblem("id_long", len(cleaned), MAX_EXTERNAL_ID_LEN)
    if _CONTROL.search(cleaned):
        raise InputProblem("id_control")
    if not any(ch.isalnum() for ch in cleaned):
        raise InputProblem("id_no_alnum")
    return cleaned


def check_note(text: str) -> str:
    """A note as typed, at most 500 characters (lines allowed)."""
    cleaned = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(cleaned) > MAX_NOTE_LEN:
        raise InputProblem("note_long", len(cleaned), MAX_NOTE_LEN)
    if _CONTROL_IN_NOTE.search(cleaned):
        raise InputProblem("note_control")
    return cleaned


# --- windows and rounds of a stored case -----------------------------------------------


@dataclass(frozen=True)
class CaseWindow:
    hours: int
    known: ResponseWindow | None  # the knowledge's figure, when the window is one of them


def case_knowledge_window(catalog: Catalog, case: Case) -> ResponseWindow | None:
    """The knowledge's window for a case: its site's own figure first, else the channel's."""
    return response_window(catalog, case.platform, case.channel, case.site)


def case_window(catalog: Catalog, case: Case) -> CaseWindow | None:
    """The window a case was registered with, and the knowledge behind it if it is that.

    Only the figure for the case's own site (or, without one, the channel's general
    figure) is recognised: a window the user chose is shown as a bare number of hours
    rather than credited to a source that may not have said it.
    """
    if case.due_at is None:
        return None
    hours = max(1, round((case.due_at - case.opened_at) / timedelta(hours=1)))
    known = case_knowledge_window(catalog, case)
    return CaseWindow(hours, known if known is not None and known.hours == hours else None)


def round_gap(case: Case) -> timedelta:
    """How long after a reminder the next round comes: the case's window, at least a day."""
    if case.due_at is None:
        return MIN_ROUND_GAP
    return max(case.due_at - case.opened_at, MIN_ROUND_GAP)


def last_round(catalog: Catalog, case: Case) -> int:
    """The number of reminders a case gets: the playbook's rounds (at least one)."""
    return max(max_rounds(catalog, case.platform, case.role), 1)


def append_advice(
    catalog: Catalog, platform_id: str, role_id: str
) -> list[tuple[Fact, tuple[str, ...]]]:
    """The guides' advice against a second case for the same problem, with its sources.

    Empty when the knowledge gives none for this platform and role (Amazon buyers): the
    bot then says nothing in the guides' name.
    """
    role = catalog.role(platform_id, role_id)
    if role is None or role.one_case_advice is None:
        return []
    advice = role.one_case_advice
    return [(advice, tuple(advice.sources or role.sources))]


def command_argument(text: str | None, command: str) -> str:
    """What follows `/command` (or `/command@bot`) in a message; "" for any other text.

    The raw rest of the line, not PTB's whitespace-split args: a case id may hold spaces.
    A case command reached another way (a `/start track` deep link) has no argument.
    """
    if not text:
        return ""
    # the command ends at any whitespace: `/faq` then a new line is a question too
    parts = text.strip().split(maxsplit=1)
    head = parts[0] if parts else ""
    name = head.removeprefix("/").split("@", 1)[0].lower()
    if not head.startswith("/") or name != command:
        return ""
    return parts[1].strip() if len(parts) > 1 else ""
