"""/mydata sends the user everything we keep about them (JSON); /forget deletes it all."""

from __future__ import annotations

import io
import json
import logging

from telegram import Update

from bot.cases.callbacks import ForgetData
from bot.cases.handlers import drop_pending_edit, private_button
from bot.cases.screens import forget_result_screen, forget_screen
from bot.cases.tracking import DRAFT_KEY
from bot.core.answering import forget_conversation
from bot.core.context import BotContext
from bot.core.feedback import chat_part, vote_secret
from bot.core.replies import answer_expired, show
from bot.core.texts import MESSAGES
from storage.cases import CaseStatus
from storage.feedback import RETENTION_DAYS as FEEDBACK_DAYS
from storage.misses import RETENTION_DAYS

logger = logging.getLogger(__name__)

EXPORT_FILE = "kefu-bot-my-data.json"
EXPORT_FORMAT = 2  # bump when the file's shape changes (2: share_reply_times)


async def mydata_command(update: Update, context: BotContext) -> None:
    """The user's settings and every case of theirs, as a JSON document."""
    user = context.user
    message = update.effective_message
    if message is None:
        return
    services = context.services
    viewer = context.viewer
    stored = await services.users.get(user.id)
    cases = await services.cases.export_for_owner(user.id)
    export = {
        "format": EXPORT_FORMAT,
        "exported_at": viewer.now.isoformat(),
        "user": None if stored is None else stored.to_dict(),
        # true / false: the choice made (/share); null: not asked yet
        "share_reply_times": await services.feedback.sharing(user.id),
        "cases": cases,
    }
    body = json.dumps(export, ensure_ascii=False, indent=2).encode("utf-8")
    logger.info("data export", extra={"user_id": user.id, "cases": len(cases)})
    await message.reply_document(
        document=io.BytesIO(body),
        filename=EXPORT_FILE,
        caption=MESSAGES.get("data.export", viewer.lang, count=len(cases))
        + "\n\n"
        + MESSAGES.get("data.export.misses", viewer.lang, days=RETENTION_DAYS)
        + "\n\n"
        + MESSAGES.get("data.export.feedback", viewer.lang, days=FEEDBACK_DAYS),
    )


async def forget_command(update: Update, context: BotContext) -> None:
    """Ask before deleting: a button confirms."""
    user = context.user
    services = context.services
    viewer = context.viewer
    every = (CaseStatus.OPEN, CaseStatus.ANSWERED, CaseStatus.CLOSED)
    count = await services.cases.count_for_owner(user.id, every)
    await show(update, forget_screen(viewer.lang, count))


async def on_forget_button(update: Update, context: BotContext) -> None:
    """Delete the presser's own data (never anyone else's: the id is the presser's)."""
    # reads the language before the data goes: afterwards we must not create the user again
    button = await private_button(update, context)
    if button is None:
        return
    query, services, viewer, action = button
    user = query.from_user
    if not isinstance(action, ForgetData):
        await answer_expired(update, context)
        return
    await query.answer()
    if action.confirm:
        # the choice to share reply times goes with the user's row; the keys that kept
        # their votes to one per answer are cleared (the votes stay, naming no one)
        await services.users.forget(user.id)
        await services.feedback.forget_chat(
            chat_part(vote_secret(services.settings.require_token()), user.id))
        if context.user_data is not None:
            context.user_data.pop(DRAFT_KEY, None)
        forget_conversation(context.user_data)
        drop_pending_edit(context)
        logger.info("user data deleted", extra={"user_id": user.id})
    await show(update, forget_result_screen(viewer.lang, action.confirm))
