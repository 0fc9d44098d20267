"""/cases and the buttons on a case: got a reply, remind me later, edit, close.

Every action names our row id, and every one goes through a CaseStore method that takes
the presser as owner: a forged, stale or someone else's id finds nothing, changes nothing,
and the presser is told so.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal, NamedTuple

from telegram import CallbackQuery, Update
from telegram.constants import ChatType

from bot.cases.callbacks import CaseAction, ListCases
from bot.cases.screens import (
    CASES_PER_PAGE,
    case_gone_screen,
    case_list_screen,
    case_screen,
    edit_screen,
    edit_text_screen,
    edit_window_screen,
    local_time,
    problem_text,
    share_ask_screen,
    snooze_screen,
)
from bot.cases.tracking import (
    DRAFT_KEY,
    FORM_TTL,
    InputProblem,
    case_knowledge_window,
    case_window,
    check_case_id,
    check_note,
    round_gap,
    window_choices,
)
from bot.core.callbacks import CallbackData, parse_callback
from bot.core.context import BotContext
from bot.core.feedback import record_reply_time
from bot.core.replies import answer_expired, show
from bot.core.services import Services
from bot.core.texts import MESSAGES
from bot.core.ui import Screen, Viewer
from knowledge.schema import Lang
from storage.cases import Case, CaseStatus, DuplicateCaseError

logger = logging.getLogger(__name__)

EDIT_KEY = "case_edit"
TOMORROW_AT = time(9, 0)  # "remind me tomorrow" means this time, in the user's zone


@dataclass
class PendingEdit:
    """A case whose note or case id the user is about to type."""

    case_id: int
    field: Literal["note", "id"]
    touched: datetime


def edit_pending(user_data: Mapping[str, object], now: datetime) -> bool:
    """Whether the user is about to type a new note or case id."""
    pending = user_data.get(EDIT_KEY)
    return isinstance(pending, PendingEdit) and now - pending.touched <= FORM_TTL


def drop_pending_edit(context: BotContext) -> None:
    if context.user_data is not None:
        context.user_data.pop(EDIT_KEY, None)


def is_private_button(query: CallbackQuery) -> bool:
    message = query.message
    return message is not None and message.chat.type == ChatType.PRIVATE


async def answer_private_only(query: CallbackQuery, lang: Lang) -> None:
    """A case button pressed outside the private chat (a group, an inline message)."""
    await query.answer(MESSAGES.get("case.private_only", lang), show_alert=True)


class PrivateButton(NamedTuple):
    query: CallbackQuery
    services: Services
    viewer: Viewer
    action: CallbackData | None


async def private_button(
    update: Update, context: BotContext
) -> PrivateButton | None:
    """A case button's parts, read in the presser's language; None (answered) elsewhere.

    Case buttons work in the private chat only: pressed in a group or on an inline
    message they are refused before anything is looked up.
    """
    query = update.callback_query
    if query is None:
        return None
    services = context.services
    viewer = context.viewer
    if not is_private_button(query):
        await answer_private_only(query, viewer.lang)
        return None
    return PrivateButton(query, services, viewer, parse_callback(query.data))


async def _list_screen(services: Services, owner_id: int, viewer: Viewer, done: bool,
                       page: int) -> Screen:
    statuses = (CaseStatus.ANSWERED, CaseStatus.CLOSED) if done else (CaseStatus.OPEN,)
    total = await services.cases.count_for_owner(owner_id, statuses)
    last_page = max((total - 1) // CASES_PER_PAGE, 0)
    page = min(page, last_page)
    cases = await services.cases.list_for_owner(
        owner_id, statuses, limit=CASES_PER_PAGE, offset=page * CASES_PER_PAGE
    )
    return case_list_screen(services.catalog, cases, viewer, done=done, page=page, total=total)


async def cases_command(update: Update, context: BotContext) -> None:
    """The user's open cases, most urgent first."""
    user = context.user
    services = context.services
    viewer = context.viewer
    drop_pending_edit(context)
    await show(update, await _list_screen(services, user.id, viewer, done=False, page=0))


async def on_case_button(update: Update, context: BotContext) -> None:
    """A button on a case, a reminder or the list: check the owner, act, redraw in place."""
    button = await private_button(update, context)
    if button is None:
        return
    query, services, viewer, action = button
    user = query.from_user
    # any other button leaves a pending edit: typed text is a question again
    drop_pending_edit(context)
    if isinstance(action, ListCases):
        await query.answer()
        await show(update, await _list_screen(services, user.id, viewer, action.done,
                                              action.page))
        return
    if not isinstance(action, CaseAction):
        await answer_expired(update, context)
        return
    case = await services.cases.get(action.case_id, user.id)
    if case is None:
        await _gone(query, update, viewer, action)
        return
    if action.op != "open" and case.status is not CaseStatus.OPEN:
        await query.answer(MESSAGES.get("case.not_open_toast", viewer.lang))
        await show(update, case_screen(services.catalog, case, viewer))
        return
    screen = await _act(context, services, case, action, viewer)
    if screen is None:  # the case went away (or stopped being open) under the action
        await _gone(query, update, viewer, action)
        return
    await query.answer()
    await show(update, screen)


async def _gone(query: CallbackQuery, update: Update, viewer: Viewer,
                action: CaseAction) -> None:
    logger.info("case button for a case the presser does not have",
                extra={"user_id": query.from_user.id, "case_id": action.case_id,
                       "op": action.op})
    await query.answer(MESSAGES.get("case.gone_toast", viewer.lang))
    await show(update, case_gone_screen(viewer.lang))


async def _act(
    context: BotContext,
    services: Services,
    case: Case,
    action: CaseAction,
    viewer: Viewer,
) -> Screen | None:
    """Do what the button says to the presser's own `case`; the screen to show after."""
    catalog = services.catalog
    owner = case.owner_id
    lang = viewer.lang
    match action.op, action.arg:
        case "open", _:
            return case_screen(catalog, case, viewer)
        case "reply" | "close", _:
            status = CaseStatus.ANSWERED if action.op == "reply" else CaseStatus.CLOSED
            if not await services.cases.set_status(case.id, owner, status):
                return None
            logger.info("case status", extra={"case_id": case.id, "status": status.value})
            updated = await services.cases.get(case.id, owner)
            note = MESSAGES.get(
                "case.done.reply" if status is CaseStatus.ANSWERED else "case.done.close", lang
            )
            if updated is None:
                return None
            if status is CaseStatus.ANSWERED:
                asking = await _share_reply_time(services, updated, viewer, note)
                if asking is not None:
                    return asking
            return case_screen(catalog, updated, viewer, (note,))
        case "snooze", None:
            return snooze_screen(catalog, case, viewer)
        case "snooze", str(choice):
            until = snooze_until(choice, viewer)
            if not await services.cases.snooze(case.id, owner, until):
                return None
            note = MESSAGES.get("case.done.snooze", lang, time=local_time(until, viewer))
            return await _case_after(services, case, viewer, note)
        case "edit", None:
            return edit_screen(catalog, case, viewer)
        case "edit", "note" | "id":
            field: Literal["note", "id"] = "note" if action.arg == "note" else "id"
            if context.user_data is not None:
                # what the user types next is for this case: a half-filled form is dropped
                context.user_data.pop(DRAFT_KEY, None)
                context.user_data[EDIT_KEY] = PendingEdit(case.id, field, viewer.now)
            return edit_text_screen(catalog, case, viewer, field)
        case "edit", "clear":
            if await services.cases.update(case.id, owner, note="") is None:
                return None
            return await _case_after(services, case, viewer,
                                     MESSAGES.get("case.done.note_cleared", lang))
        case "edit", "win":
            return edit_window_screen(catalog, case, viewer)
        case "window", str(hours_text):
            return await _set_window(services, case, int(hours_text), viewer)
    return None


async def _share_reply_time(
    services: Services, case: Case, viewer: Viewer, note: str
) -> Screen | None:
    """A case just went from open to replied (it counts once: it never reopens): add its
    wait to the anonymous reply times if the owner shares them; the first time, ask."""
    share = await services.feedback.sharing(case.owner_id)
    if share is None:
        return share_ask_screen(services.catalog, case, viewer, (note,))
    if share:
        await record_reply_time(services, case, case.updated_at)
    return None


async def _case_after(services: Services, case: Case, viewer: Viewer, note: str) -> Screen | None:
    updated = await services.cases.get(case.id, case.owner_id)
    if updated is None:
        return None
    return case_screen(services.catalog, updated, viewer, (note,))


def snooze_until(choice: str, viewer: Viewer) -> datetime:
    """When "remind me later" means: 1 hour, tomorrow 09:00 (the user's zone), 24 h, 3 days."""
    match choice:
        case "1h":
            return viewer.now + timedelta(hours=1)
        case "t9":
            tomorrow = viewer.now.astimezone(viewer.zone).date() + timedelta(days=1)
            return datetime.combine(tomorrow, TOMORROW_AT, tzinfo=viewer.zone)
        case "3d":
            return viewer.now + timedelta(days=3)
    return viewer.now + timedelta(hours=24)


async def _set_window(services: Services, case: Case, hours: int, viewer: Viewer) -> Screen | None:
    """A new response window: due again from when the case was opened."""
    window = case_window(services.catalog, case)
    known = window.known if window is not None else None
    known = known or case_knowledge_window(services.catalog, case)
    if hours not in window_choices(known):
        return edit_window_screen(services.catalog, case, viewer)  # not a button we offered
    due = case.opened_at + timedelta(hours=hours)
    updated = await services.cases.update(case.id, case.owner_id, due_at=due)
    if updated is None:
        return None
    remind = due
    if case.last_reminded_at is not None and due <= case.last_reminded_at:
        # a reminder went out after the new due time already: the next round follows it,
        # instead of a second reminder at once
        remind = case.last_reminded_at + round_gap(updated)
        if not await services.cases.snooze(case.id, case.owner_id, remind):
            return None
    note = MESSAGES.get("case.done.window", viewer.lang, hours=hours,
                        time=local_time(max(remind, viewer.now), viewer))
    return await _case_after(services, case, viewer, note)


async def on_edit_text(update: Update, context: BotContext) -> bool:
    """A typed new note or case id for the case being edited; False if none is."""
    message = update.effective_message
    user = update.effective_user
    data = context.user_data
    if message is None or user is None or message.text is None or data is None:
        return False
    pending = data.get(EDIT_KEY)
    if not isinstance(pending, PendingEdit):
        return False
    services = context.services
    viewer = context.viewer
    if viewer.now - pending.touched > FORM_TTL:
        drop_pending_edit(context)
        return False
    case = await services.cases.get(pending.case_id, user.id)
    if case is None or case.status is not CaseStatus.OPEN:
        drop_pending_edit(context)
        await show(update, case_gone_screen(viewer.lang))
        return True
    lang = viewer.lang
    try:
        if pending.field == "note":
            updated = await services.cases.update(case.id, user.id, note=check_note(message.text))
            done = MESSAGES.get("case.done.note", lang)
        else:
            updated = await services.cases.update(
                case.id, user.id, external_id=check_case_id(message.text)
            )
            done = MESSAGES.get("case.done.id", lang)
    except InputProblem as problem:
        note = problem_text(problem, lang)
        await show(update, edit_text_screen(services.catalog, case, viewer, pending.field,
                                            (note,)))
        return True
    except DuplicateCaseError:
        note = MESSAGES.get("case.problem.id_taken", lang)
        await show(update, edit_text_screen(services.catalog, case, viewer, pending.field,
                                            (note,)))
        return True
    drop_pending_edit(context)
    if updated is None:
        await show(update, case_gone_screen(lang))
        return True
    await show(update, case_screen(services.catalog, updated, viewer, (done,)))
    return True
