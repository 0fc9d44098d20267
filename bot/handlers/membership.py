"""The bot's own membership in private chats: a user who blocks it gets no more messages."""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.services import services_of

logger = logging.getLogger(__name__)


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Blocked → inactive (reminders stop); unblocked → active again."""
    change = update.my_chat_member
    if change is None or change.chat.type != ChatType.PRIVATE:
        return  # groups are the group feature's business
    users = services_of(context).users
    user_id = change.from_user.id
    status = change.new_chat_member.status
    if status in (ChatMember.BANNED, ChatMember.LEFT):
        await users.ensure(user_id)  # a row to mark, even for someone we never met
        await users.set_active(user_id, False)
        logger.info("user blocked the bot", extra={"user_id": user_id})
    elif status == ChatMember.MEMBER:
        await users.ensure(user_id)
        logger.info("user unblocked the bot", extra={"user_id": user_id})
