"""`/start <payload>` in the private chat: a deep link from a group or an inline result."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.deeplinks import CardLink, CommandLink, parse_payload
from bot.handlers import menu
from bot.replies import show
from bot.screens import Screen, card_screen, home_screen
from bot.services import services_of
from bot.texts import MESSAGES
from bot.viewer import viewer_for
from knowledge.card import Line

logger = logging.getLogger(__name__)


async def start_with_payload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Open what the link names (a full card, a hint for a case command); else the menu."""
    user = update.effective_user
    if user is None:
        return
    link = parse_payload(context.args[0] if context.args else None)
    services = services_of(context)
    viewer = await viewer_for(services, user)
    screen: Screen | None = None
    match link:
        case CardLink(ref=ref):
            screen = card_screen(services.catalog, ref, viewer)
        case CommandLink(command=command):
            home = home_screen(services.catalog, viewer.lang)
            screen = Screen(
                title=MESSAGES.get("deeplink.command.title", viewer.lang),
                lines=(Line.of(MESSAGES.get("deeplink.command.body", viewer.lang,
                                            command=command)),),
                buttons=home.buttons,
            )
    logger.debug("deep link", extra={"user_id": user.id, "known": screen is not None})
    if screen is None:
        # a forged, mangled or outdated link (or `menu`): the home menu, as plain /start
        await menu.start(update, context)
        return
    await show(update, screen)
