"""`/start <payload>` in the private chat: a deep link from a group or an inline result."""

from __future__ import annotations

import logging

from telegram import Update

from bot.core.context import BotContext
from bot.core.deeplinks import COMMAND_LINKS, CardLink, CommandLink, parse_payload
from bot.core.replies import show
from bot.core.screens import card_screen
from bot.menu.handlers import start

logger = logging.getLogger(__name__)


async def start_with_payload(update: Update, context: BotContext) -> None:
    """Open what the link names (a full card, or run a case command); else the menu."""
    link = parse_payload(context.args[0] if context.args else None)
    logger.debug("deep link", extra={"user_id": context.user.id, "kind": type(link).__name__})
    match link:
        case CommandLink(command=command) if command in COMMAND_LINKS:
            await COMMAND_LINKS[command](update, context)
            return
        case CardLink(ref=ref):
            screen = card_screen(context.services.catalog, ref, context.viewer)
            if screen is not None:
                await show(update, screen)
                return
    # a forged, mangled or outdated link (or `menu`): the home menu, as plain /start
    await start(update, context)
