"""/track: a short form — platform → role → channel (→ site) → opened → case id → note → confirm.

The site is asked only where the chosen channel has a site with its own response window
(Amazon Seller Central cases: Europe, Japan), and not when the form came from a card that
names one.

The form (TrackDraft) is kept in the user's `user_data` under a token its buttons carry:
a button of an older, finished, cancelled or forgotten (restart) form answers "expired";
a button of an earlier step of this form answers "that step is done" and shows the
current one. Typed answers (a date, the case id, a note) arrive through `on_typed_text`,
which runs before the question handler and stops it when the text was for the form.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.ext import ApplicationHandlerStop, filters

from bot.cases import handlers as case_handlers
from bot.cases.callbacks import StartTrack, TrackStep
from bot.cases.opened import OpenedAtError, opened_from_choice, parse_opened
from bot.cases.screens import (
    case_screen,
    duplicate_screen,
    form_cancelled_screen,
    form_expired_screen,
    local_time,
    problem_text,
    same_issue_screen,
    track_screen,
)
from bot.cases.tracking import (
    DRAFT_KEY,
    InputProblem,
    TrackDraft,
    check_case_id,
    check_note,
    draft_from_card,
    new_flow_token,
    window_choices,
)
from bot.core.callbacks import parse_callback
from bot.core.context import BotContext
from bot.core.deeplinks import CommandLink, parse_payload
from bot.core.input import command_argument
from bot.core.nav import TrackCase
from bot.core.render import render_screen
from bot.core.replies import answer_expired, show
from bot.core.sanitize import quote_input
from bot.core.services import AnyApplication, Services, services_of
from bot.core.texts import MESSAGES
from bot.core.ui import Screen, Viewer
from knowledge.followup import trackable_channels
from storage.cases import DuplicateCaseError

logger = logging.getLogger(__name__)

# commands that leave a half-filled form alone: settings one may fix in the middle
KEEPS_FORM = frozenset({"track", "tz", "lang", "quiet"})
# how much of a typed date to quote back when it cannot be read
QUOTE = 40
# the steps answered by typing
TYPED_STEPS = frozenset({"opened", "case_id", "note"})


def _draft(context: BotContext, services: Services) -> TrackDraft | None:
    """The user's live form, if any (an abandoned one is dropped here)."""
    data = context.user_data
    if data is None:
        return None
    draft = data.get(DRAFT_KEY)
    if not isinstance(draft, TrackDraft):
        return None
    if draft.expired(services.clock.now()):
        data.pop(DRAFT_KEY, None)
        return None
    return draft


class PendingInput(filters.MessageFilter):
    """Messages from a user with a live /track form (`typed_only`: one waiting for text).

    Lets the group -1 handlers match only when they have something to do, so the error
    handler names the handler that really ran, and no update pays for a lookup it does not
    need. Reads the application's user_data without creating an entry.
    """

    def __init__(self, app: AnyApplication, *, typed_only: bool) -> None:
        super().__init__(name="PendingInput")
        self._app = app
        self._typed_only = typed_only

    def filter(self, message: Message) -> bool:
        user = message.from_user
        if user is None:
            return False
        data = self._app.user_data.get(user.id)
        if not data:
            return False
        try:
            now = services_of(self._app).clock.now()
        except RuntimeError:
            return False
        draft = data.get(DRAFT_KEY)
        live = isinstance(draft, TrackDraft) and not draft.expired(now)
        if live and (not self._typed_only or draft.step() in TYPED_STEPS):
            return True
        return case_handlers.edit_pending(data, now)


def _keep(context: BotContext, draft: TrackDraft | None) -> None:
    if context.user_data is None:
        return
    if draft is None:
        context.user_data.pop(DRAFT_KEY, None)
    else:
        context.user_data[DRAFT_KEY] = draft


async def _start(
    update: Update, context: BotContext, services: Services, viewer: Viewer,
    draft: TrackDraft, notes: list[str],
) -> None:
    case_handlers.drop_pending_edit(context)
    _keep(context, draft)
    await show(update, track_screen(services.catalog, draft, viewer, notes))


async def track_command(update: Update, context: BotContext) -> None:
    """`/track` starts the form; `/track 123456789` fills in the case id first."""
    message = update.effective_message
    if message is None:
        return
    services = context.services
    viewer = context.viewer
    draft = TrackDraft(flow=new_flow_token(), touched=viewer.now)
    notes: list[str] = []
    typed = command_argument(message.text, "track")
    if typed:
        try:
            draft.external_id = check_case_id(typed)
        except InputProblem as problem:
            notes.append(problem_text(problem, viewer.lang))
    await _start(update, context, services, viewer, draft, notes)


async def on_track_card(update: Update, context: BotContext) -> None:
    """"Track a case for this" on a card: a new form under the card, filled in from it."""
    query = update.callback_query
    if query is None:
        return
    services = context.services
    viewer = context.viewer
    action = parse_callback(query.data)
    if not isinstance(action, TrackCase):
        await answer_expired(update, context)
        return
    if not case_handlers.is_private_button(query):
        await case_handlers.answer_private_only(query, viewer.lang)
        return
    draft = draft_from_card(services.catalog, action.ref, new_flow_token(), viewer.now)
    if draft is None:
        await answer_expired(update, context)
        return
    await query.answer()
    case_handlers.drop_pending_edit(context)
    _keep(context, draft)
    # a new message: the card stays readable above the form
    rendered = render_screen(track_screen(services.catalog, draft, viewer))
    await context.bot.send_message(
        query.from_user.id, rendered.text, reply_markup=rendered.keyboard
    )


# which step each button belongs to: pressed at another step, it is from an older screen
_BUTTON_STEP = {
    "platform": "platform",
    "role": "role",
    "channel": "channel",
    "site": "site",
    "any_site": "site",
    "opened": "opened",
    "skip_note": "note",
    "window": "confirm",
    "confirm": "confirm",
    "anyway": "confirm",
    "change_id": "confirm",
}


async def on_track_button(update: Update, context: BotContext) -> None:
    """A button of the form (or "track a new case"): check it belongs to the live form."""
    button = await case_handlers.private_button(update, context)
    if button is None:
        return
    query, services, viewer, action = button
    if isinstance(action, StartTrack):
        await query.answer()
        fresh = TrackDraft(flow=new_flow_token(), touched=viewer.now)
        await _start(update, context, services, viewer, fresh, [])
        return
    draft = _draft(context, services)
    if not isinstance(action, TrackStep) or draft is None or draft.flow != action.flow:
        await query.answer(MESSAGES.get("case.track.expired_toast", viewer.lang))
        await show(update, form_expired_screen(viewer.lang))
        return
    if action.step == "cancel":
        _keep(context, None)
        await query.answer()
        await show(update, form_cancelled_screen(viewer.lang))
        return
    case_handlers.drop_pending_edit(context)
    if _BUTTON_STEP[action.step] != draft.step():
        await query.answer(MESSAGES.get("case.track.stale_toast", viewer.lang))
        await show(update, track_screen(services.catalog, draft, viewer))
        return
    draft.touched = viewer.now
    screen, saved = await _apply(services, draft, action, viewer, query.from_user.id)
    if screen is None:  # a value the form never offered: forged, or the catalog changed
        await query.answer(MESSAGES.get("case.track.expired_toast", viewer.lang))
        screen = track_screen(services.catalog, draft, viewer)
    else:
        await query.answer()
    _keep(context, None if saved else draft)
    await show(update, screen)


async def _apply(
    services: Services, draft: TrackDraft, action: TrackStep, viewer: Viewer, owner_id: int
) -> tuple[Screen | None, bool]:
    """The screen after the pressed button (None: a value never offered), and whether the
    case was saved (the form is then done)."""
    catalog = services.catalog
    value = action.value or ""
    match action.step:
        case "platform":
            platform = catalog.platform(value)
            if platform is None:
                return None, False
            draft.platform = platform.id
            if len(platform.roles) == 1:
                draft.role = platform.roles[0].id
        case "role":
            if catalog.role(draft.platform or "", value) is None:
                return None, False
            draft.role = value
        case "channel":
            offered = trackable_channels(catalog, draft.platform or "", draft.role or "")
            if value not in {c.id for c in offered}:
                return None, False
            draft.choose_channel(catalog, value)
        case "site":
            if value not in {s.id for s in draft.site_choices(catalog)}:
                return None, False
            draft.site, draft.site_done = value, True
        case "any_site":
            draft.site, draft.site_done = None, True
        case "opened":
            opened = opened_from_choice(value, viewer.now, viewer.zone)
            if opened is None:
                return None, False
            draft.opened_at = opened
        case "skip_note":
            draft.note, draft.note_done = None, True
        case "window":
            hours = int(value) if value.isdigit() else 0
            if hours not in window_choices(draft.knowledge_window(catalog)):
                return None, False
            draft.window_hours = hours
        case "change_id":
            draft.external_id = None
        case "anyway":
            draft.same_issue_ok = True
            return await _confirm(services, draft, viewer, owner_id)
        case "confirm":
            return await _confirm(services, draft, viewer, owner_id)
    return track_screen(catalog, draft, viewer), False


async def _confirm(
    services: Services, draft: TrackDraft, viewer: Viewer, owner_id: int
) -> tuple[Screen, bool]:
    """Store the case, unless it repeats one (same id) or another is about the same issue."""
    catalog = services.catalog
    due = draft.due_at(catalog)
    if (
        due is None
        or draft.platform is None
        or draft.role is None
        or draft.channel is None
        or draft.opened_at is None
        or draft.external_id is None
    ):
        return track_screen(catalog, draft, viewer), False
    if draft.issue is not None and not draft.same_issue_ok:
        others = await services.cases.find_open(owner_id, draft.platform, draft.issue)
        if others:
            return same_issue_screen(catalog, draft, others[0], viewer), False
    try:
        case = await services.cases.add(
            owner_id,
            draft.platform,
            draft.role,
            draft.channel,
            draft.issue,
            draft.external_id,
            draft.note,
            draft.opened_at,
            due,
            site=draft.site,
        )
    except DuplicateCaseError as duplicate:
        return duplicate_screen(catalog, draft, duplicate.existing, viewer), False
    stored = await services.users.get(owner_id)
    if stored is not None and stored.lang is None:
        # reminders are written without an update to read the app's language from
        await services.users.set_lang(owner_id, viewer.lang)
    logger.info("case tracked", extra={"case_id": case.id, "user_id": owner_id,
                                       "platform": case.platform, "channel": case.channel,
                                       "site": case.site})
    if due <= viewer.now:
        saved = MESSAGES.get("case.track.saved_overdue", viewer.lang)
    else:
        saved = MESSAGES.get("case.track.saved", viewer.lang, time=local_time(due, viewer))
    return case_screen(catalog, case, viewer, notes=(saved,)), True


async def on_typed_text(update: Update, context: BotContext) -> None:
    """Text for the form or for a case edit; anything else goes on to the question handler."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.text is None:
        return
    services = context.services
    draft = _draft(context, services)
    if draft is not None and draft.step() in TYPED_STEPS:
        viewer = context.viewer
        notes = _take_text(draft, message.text, viewer)
        draft.touched = viewer.now
        _keep(context, draft)
        await show(update, track_screen(services.catalog, draft, viewer, notes))
        raise ApplicationHandlerStop
    if await case_handlers.on_edit_text(update, context):
        raise ApplicationHandlerStop


def _take_text(draft: TrackDraft, text: str, viewer: Viewer) -> list[str]:
    """Put typed text into the form's current step; the problems to show, if refused."""
    lang = viewer.lang
    try:
        match draft.step():
            case "opened":
                draft.opened_at = parse_opened(text, viewer.now, viewer.zone)
            case "case_id":
                draft.external_id = check_case_id(text)
            case "note":
                draft.note = check_note(text) or None
                draft.note_done = True
    except OpenedAtError as error:
        quoted = quote_input(text, QUOTE)
        match error.problem:
            case "future":
                return [MESSAGES.get("case.problem.opened_future", lang, text=quoted)]
            case "too_old":
                return [MESSAGES.get("case.problem.opened_old", lang, text=quoted)]
        return [MESSAGES.get("case.problem.opened_unreadable", lang, text=quoted)]
    except InputProblem as problem:
        return [problem_text(problem, lang)]
    return []


async def on_any_command(update: Update, context: BotContext) -> None:
    """Another command abandons a half-filled form and a pending edit (not /tz and such)."""
    message = update.effective_message
    if message is None or not message.text:
        return
    words = message.text.split()
    name = words[0].removeprefix("/").split("@", 1)[0].lower()
    if name == "start" and len(words) > 1:
        # a case command's deep link (`/start quiet`) runs that command: treated like it
        link = parse_payload(words[1])
        name = link.command if isinstance(link, CommandLink) else name
    if name in KEEPS_FORM:
        return
    _keep(context, None)
    case_handlers.drop_pending_edit(context)
