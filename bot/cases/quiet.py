"""/quiet: hours in the user's zone when reminders wait (`/quiet 22:00-08:00`, `/quiet off`)."""

from __future__ import annotations

import re
import unicodedata
from datetime import time

from telegram import Update

from bot.cases.screens import text_screen
from bot.core.context import BotContext
from bot.core.input import command_argument
from bot.core.replies import show
from bot.core.sanitize import quote_input
from bot.core.texts import MESSAGES

OFF_WORDS = frozenset({"off", "none", "no", "0", "关", "关闭", "取消", "不要"})
_RANGE = re.compile(
    r"(?P<h1>\d{1,2})(?:[:点](?P<m1>\d{2}))?点?\s*(?:-|–|—|~|至|到|\s)\s*"
    r"(?P<h2>\d{1,2})(?:[:点](?P<m2>\d{2}))?点?"
)
MAX_TYPED = 40


def parse_quiet(text: str) -> tuple[time, time] | None:
    """(start, end) from "22:00-08:00", "22-8", "22:00 08:00"; None if it is not that."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    match = _RANGE.fullmatch(cleaned)
    if match is None:
        return None
    try:
        start = time(int(match["h1"]), int(match["m1"] or 0))
        end = time(int(match["h2"]), int(match["m2"] or 0))
    except ValueError:
        return None
    return start, end


def _hhmm(value: time) -> str:
    return f"{value:%H:%M}"


async def quiet_command(update: Update, context: BotContext) -> None:
    """Show, set or clear quiet hours."""
    user = context.user
    message = update.effective_message
    if message is None:
        return
    services = context.services
    viewer = context.viewer
    lang = viewer.lang
    title = MESSAGES.get("quiet.title", lang)
    typed = command_argument(message.text, "quiet")
    usage = MESSAGES.get("quiet.usage", lang)
    if not typed:
        stored = await services.users.get(user.id)
        if stored is None or stored.quiet_start is None or stored.quiet_end is None:
            current = MESSAGES.get("quiet.none", lang)
        else:
            current = MESSAGES.get("quiet.current", lang, start=_hhmm(stored.quiet_start),
                                   end=_hhmm(stored.quiet_end), zone=viewer.zone.key)
        await show(update, text_screen(title, current, usage))
        return
    if typed.lower() in OFF_WORDS:
        await services.users.set_quiet_hours(user.id, None, None)
        await show(update, text_screen(title, MESSAGES.get("quiet.cleared", lang)))
        return
    hours = parse_quiet(typed)
    if hours is None:
        problem = MESSAGES.get("quiet.invalid", lang, text=quote_input(typed, MAX_TYPED))
        await show(update, text_screen(title, problem, usage))
        return
    start, end = hours
    if start == end:
        await show(update, text_screen(title, MESSAGES.get("quiet.same", lang), usage))
        return
    await services.users.set_quiet_hours(user.id, start, end)
    done = MESSAGES.get("quiet.set", lang, start=_hhmm(start), end=_hhmm(end),
                        zone=viewer.zone.key)
    await show(update, text_screen(title, done))
