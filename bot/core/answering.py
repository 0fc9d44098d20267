"""The answering path as the bot runs it: the reply (knowledge.reply) and, when the bot
could not help, an anonymous note of it for the operators (bot/core/misses.py).

In a private chat the answer follows the conversation: what the chat was last about
(knowledge.conversation) is kept in the user's PTB `user_data`, in memory only, for 30
minutes, and passed with the next message, so "那德国呢" is understood. /forget drops it.
"""

from __future__ import annotations

from collections.abc import MutableMapping

from bot.core.misses import record_miss
from bot.core.services import Services
from bot.core.ui import Viewer
from knowledge.conversation import Conversation
from knowledge.platforms import UncoveredPlatform
from knowledge.reply import NotSure, Reply
from storage.misses import MissKind

CONVERSATION_KEY = "conversation"  # user_data key: the Conversation of the private chat


async def respond(services: Services, question: str, viewer: Viewer, *,
                  personal: bool = True,
                  memory: MutableMapping[str, object] | None = None) -> Reply:
    """The reply every front end lays out; a question it could not place is counted.

    `memory` is where the conversation is kept (a private chat's user_data); without
    it, the question is answered on its own.
    """
    kept = memory.get(CONVERSATION_KEY) if memory is not None else None
    state = kept if isinstance(kept, Conversation) else None
    turn = services.responder.converse(question, state, lang=viewer.lang,
                                       user_zone=viewer.zone, now=viewer.now,
                                       personal=personal)
    if memory is not None:
        if turn.state is None:
            memory.pop(CONVERSATION_KEY, None)
        else:
            memory[CONVERSATION_KEY] = turn.state
    reply = turn.reply
    match reply:
        case NotSure():
            await record_miss(services, MissKind.NOT_SURE, question, sender=viewer.user_id)
        case UncoveredPlatform():
            await record_miss(services, MissKind.UNCOVERED, question, platform=reply.first.id,
                              sender=viewer.user_id)
    return reply


def forget_conversation(memory: MutableMapping[str, object] | None) -> None:
    if memory is not None:
        memory.pop(CONVERSATION_KEY, None)
