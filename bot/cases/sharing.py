"""/share and its buttons: whether the waits of the user's replied cases add, anonymously,
to the reply times other users see (asked once, when a first case is marked replied)."""

from __future__ import annotations

import logging

from telegram import Update

from bot.cases.callbacks import ShareTimes
from bot.cases.handlers import private_button
from bot.cases.screens import case_screen, share_screen
from bot.core.context import BotContext
from bot.core.feedback import record_reply_time
from bot.core.replies import answer_expired, show
from bot.core.texts import MESSAGES
from storage.cases import CaseStatus

logger = logging.getLogger(__name__)


async def share_command(update: Update, context: BotContext) -> None:
    """The choice as it stands, with buttons to change it."""
    share = await context.services.feedback.sharing(context.user.id)
    await show(update, share_screen(share, context.viewer.lang))


async def on_share_button(update: Update, context: BotContext) -> None:
    """Store the presser's choice. Answering the first-time question with yes also adds
    the case that prompted it (once: a stale button finds the choice already made)."""
    button = await private_button(update, context)
    if button is None:
        return
    query, services, viewer, action = button
    if not isinstance(action, ShareTimes):
        await answer_expired(update, context)
        return
    user_id = query.from_user.id
    await query.answer()
    before = await services.feedback.set_sharing(user_id, action.share)
    logger.info("reply-time sharing set", extra={"user_id": user_id, "share": action.share})
    note = MESSAGES.get("share.saved.yes" if action.share else "share.saved.no", viewer.lang)
    if action.case_id is None:
        await show(update, share_screen(action.share, viewer.lang, (note,)))
        return
    case = await services.cases.get(action.case_id, user_id)
    if case is None:
        await show(update, share_screen(action.share, viewer.lang, (note,)))
        return
    if action.share and before is None and case.status is CaseStatus.ANSWERED:
        await record_reply_time(services, case, case.updated_at)
    await show(update, case_screen(services.catalog, case, viewer, (note,)))
