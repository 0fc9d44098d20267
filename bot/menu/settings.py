"""/lang and /tz, and their buttons: the user's language and time zone, stored."""

from __future__ import annotations

from telegram import Update

from bot.core.callbacks import parse_callback
from bot.core.context import BotContext
from bot.core.nav import OpenSettings
from bot.core.replies import answer_expired, show
from bot.core.sanitize import quote_input
from bot.core.texts import MESSAGES
from bot.core.zones import parse_zone
from bot.menu.callbacks import SetLang, SetZone
from bot.menu.screens import lang_screen, zone_screen


async def lang_command(update: Update, context: BotContext) -> None:
    """Offer 中文 / English."""
    await show(update, lang_screen(context.viewer.lang))


async def tz_command(update: Update, context: BotContext) -> None:
    """`/tz` offers common zones; `/tz Europe/Paris` sets one directly."""
    viewer = context.viewer
    typed = " ".join(context.args or ())
    if not typed:
        await show(update, zone_screen(viewer))
        return
    zone = parse_zone(typed)
    if zone is None:
        note = MESSAGES.get("tz.invalid", viewer.lang, zone=quote_input(typed, 64))
        await show(update, zone_screen(viewer).with_note(note))
        return
    viewer = context.settings_changed(
        await context.services.users.set_timezone(context.user.id, zone)
    )
    note = MESSAGES.get("tz.set", viewer.lang, zone=zone)
    await show(update, zone_screen(viewer).with_note(note))


async def on_settings_button(update: Update, context: BotContext) -> None:
    """The language and zone buttons: answer first, store, then redraw in place."""
    query = update.callback_query
    if query is None:
        return
    users = context.services.users
    match parse_callback(query.data):
        case OpenSettings(page="lang"):
            await query.answer()
            await show(update, lang_screen(context.viewer.lang))
        case OpenSettings(page="tz"):
            await query.answer()
            await show(update, zone_screen(context.viewer))
        case SetLang(lang=lang):
            await query.answer()
            await users.set_lang(context.user.id, lang)
            await show(update, lang_screen(lang).with_note(MESSAGES.get("lang.set", lang)))
        case SetZone() as choice:
            await query.answer()
            viewer = context.settings_changed(
                await users.set_timezone(context.user.id, choice.zone)
            )
            note = MESSAGES.get("tz.set", viewer.lang, zone=choice.zone)
            await show(update, zone_screen(viewer).with_note(note))
        case _:
            await answer_expired(update, context)
