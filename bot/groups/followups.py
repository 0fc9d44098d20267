"""A reply to one of the bot's answers in a group follows that answer up.

"那德国呢" under the bot's answer about Amazon Japan's hotline asks for Germany's. Each
answer the bot sends to a group keeps what it was about (knowledge.conversation), in the
group's PTB `chat_data`, in memory only and for the last KEPT answers; a member's reply to
it is asked in that conversation, and the answer to the reply keeps its own. Nothing of
the asker is kept: the conversation is the answer's, whoever replies to it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import MutableMapping

from telegram import Message

from bot.core.answering import CONVERSATION_KEY

ANSWERS_KEY = "answers_about"  # chat_data key: answer message id → its conversation
KEPT = 100  # answers per group whose conversation is kept


def follow_up_memory(chat_data: MutableMapping[object, object] | None, message: Message,
                     bot_id: int) -> dict[str, object]:
    """The conversation a message continues: that of the bot's answer it replies to."""
    replied = message.reply_to_message
    answers = chat_data.get(ANSWERS_KEY) if chat_data is not None else None
    if (replied is None or replied.from_user is None or replied.from_user.id != bot_id
            or not isinstance(answers, OrderedDict)):
        return {}
    state = answers.get(replied.message_id)
    return {CONVERSATION_KEY: state} if state is not None else {}


def remember_answer(chat_data: MutableMapping[object, object] | None, message_id: int,
                    memory: dict[str, object]) -> None:
    """Keep what the answer sent as `message_id` was about, for replies to it."""
    state = memory.get(CONVERSATION_KEY)
    if chat_data is None or state is None:
        return
    answers = chat_data.get(ANSWERS_KEY)
    if not isinstance(answers, OrderedDict):
        answers = OrderedDict()
        chat_data[ANSWERS_KEY] = answers
    answers[message_id] = state
    while len(answers) > KEPT:
        answers.popitem(last=False)
