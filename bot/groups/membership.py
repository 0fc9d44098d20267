"""The bot's own membership: a user who blocks it gets no more messages; a group that
removes it is forgotten."""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.constants import ChatType

from bot.core.context import BotContext

logger = logging.getLogger(__name__)

GROUP_TYPES = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})
# the bot is no longer in the chat: it left, or was removed (banned)
GONE = frozenset({ChatMember.LEFT, ChatMember.BANNED})


async def on_my_chat_member(update: Update, context: BotContext) -> None:
    """Private chats: blocked → inactive (reminders stop), unblocked → active again.
    Groups: removed → its settings and everything remembered about it are deleted."""
    change = update.my_chat_member
    if change is None:
        return
    status = change.new_chat_member.status
    if change.chat.type in GROUP_TYPES:
        if status in GONE:
            await _forget_group(context, change.chat.id, status)
        return
    if change.chat.type != ChatType.PRIVATE:
        return  # channels: the bot keeps nothing about them
    users = context.services.users
    user_id = change.from_user.id
    if status in GONE:
        await users.ensure(user_id)  # a row to mark, even for someone we never met
        await users.set_active(user_id, False)
        logger.info("user blocked the bot", extra={"user_id": user_id})
    elif status == ChatMember.MEMBER:
        await users.ensure(user_id)
        logger.info("user unblocked the bot", extra={"user_id": user_id})


async def _forget_group(context: BotContext, chat_id: int, status: str) -> None:
    """Nothing about a group outlives the bot's membership: its settings and flood memory.

    Logged by id only: never the group's title or who removed the bot.
    """
    services = context.services
    had_settings = await services.groups.forget(chat_id)
    services.flood.forget_chat(chat_id)
    logger.info("removed from a group: its data deleted",
                extra={"chat_id": chat_id, "status": str(status),
                       "had_settings": had_settings})
