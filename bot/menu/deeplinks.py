"""`/start <payload>` in the private chat: a deep link from a group or an inline result."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping

from telegram import Update
from telegram.ext import ContextTypes

from bot.cases import data, quiet, track
from bot.cases import handlers as cases
from bot.core.deeplinks import CardLink, CommandLink, parse_payload
from bot.core.replies import show
from bot.core.screens import card_screen
from bot.core.services import services_of
from bot.core.viewer import viewer_for
from bot.menu import handlers as menu

logger = logging.getLogger(__name__)

CommandCallback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]

# what a case command's link from a group runs here: the command itself, with no argument
# (each reads its argument from `/<command> …`, which `/start <command>` is not); one
# entry per CASE_COMMANDS name (a test checks)
COMMAND_LINKS: Mapping[str, CommandCallback] = {
    "track": track.track_command,
    "cases": cases.cases_command,
    "mydata": data.mydata_command,
    "forget": data.forget_command,
    "quiet": quiet.quiet_command,
}


async def start_with_payload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Open what the link names (a full card, or run a case command); else the menu."""
    user = update.effective_user
    if user is None:
        return
    link = parse_payload(context.args[0] if context.args else None)
    logger.debug("deep link", extra={"user_id": user.id, "kind": type(link).__name__})
    match link:
        case CommandLink(command=command) if command in COMMAND_LINKS:
            await COMMAND_LINKS[command](update, context)
            return
        case CardLink(ref=ref):
            services = services_of(context)
            viewer = await viewer_for(services, user)
            screen = card_screen(services.catalog, ref, viewer)
            if screen is not None:
                await show(update, screen)
                return
    # a forged, mangled or outdated link (or `menu`): the home menu, as plain /start
    await menu.start(update, context)
