"""The answering path as the bot runs it: the reply (knowledge.reply) and, when the bot
could not help, an anonymous note of it for the operators (bot/core/misses.py)."""

from __future__ import annotations

from bot.core.misses import record_miss
from bot.core.services import Services
from bot.core.ui import Viewer
from knowledge.platforms import UncoveredPlatform
from knowledge.reply import NotSure, Reply
from storage.misses import MissKind


async def respond(services: Services, question: str, viewer: Viewer, *,
                  personal: bool = True) -> Reply:
    """The reply every front end lays out; a question it could not place is counted."""
    reply = services.responder.respond(question, lang=viewer.lang, user_zone=viewer.zone,
                                       now=viewer.now, personal=personal)
    match reply:
        case NotSure():
            await record_miss(services, MissKind.NOT_SURE, question, sender=viewer.user_id)
        case UncoveredPlatform():
            await record_miss(services, MissKind.UNCOVERED, question, platform=reply.first.id,
                              sender=viewer.user_id)
    return reply
