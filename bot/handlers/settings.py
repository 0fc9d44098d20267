"""/lang and /tz, and their buttons: the user's language and time zone, stored."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.callbacks import OpenSettings, SetLang, SetZone, parse_callback
from bot.handlers.fallback import answer_expired
from bot.replies import show
from bot.sanitize import quote_input
from bot.screens import lang_screen, zone_screen
from bot.services import services_of
from bot.texts import MESSAGES
from bot.viewer import viewer_for
from bot.zones import parse_zone


async def lang_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer 中文 / English."""
    user = update.effective_user
    if user is None:
        return
    viewer = await viewer_for(services_of(context), user)
    await show(update, lang_screen(viewer.lang))


async def tz_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/tz` offers common zones; `/tz Europe/Paris` sets one directly."""
    user = update.effective_user
    if user is None:
        return
    services = services_of(context)
    viewer = await viewer_for(services, user)
    typed = " ".join(context.args or ())
    if not typed:
        await show(update, zone_screen(viewer))
        return
    zone = parse_zone(typed)
    if zone is None:
        note = MESSAGES.get("tz.invalid", viewer.lang, zone=quote_input(typed, 64))
        await show(update, zone_screen(viewer).with_note(note))
        return
    await services.users.set_timezone(user.id, zone)
    viewer = await viewer_for(services, user)
    note = MESSAGES.get("tz.set", viewer.lang, zone=zone)
    await show(update, zone_screen(viewer).with_note(note))


async def on_settings_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The language and zone buttons: answer first, store, then redraw in place."""
    query = update.callback_query
    if query is None:
        return
    services = services_of(context)
    user = query.from_user
    action = parse_callback(query.data)
    match action:
        case OpenSettings(page="lang"):
            viewer = await viewer_for(services, user)
            await query.answer()
            await show(update, lang_screen(viewer.lang))
        case OpenSettings(page="tz"):
            viewer = await viewer_for(services, user)
            await query.answer()
            await show(update, zone_screen(viewer))
        case SetLang(lang=lang):
            await query.answer()
            await services.users.set_lang(user.id, lang)
            await show(update, lang_screen(lang).with_note(MESSAGES.get("lang.set", lang)))
        case SetZone() as choice:
            await query.answer()
            await services.users.set_timezone(user.id, choice.zone)
            viewer = await viewer_for(services, user)
            note = MESSAGES.get("tz.set", viewer.lang, zone=choice.zone)
            await show(update, zone_screen(viewer).with_note(note))
        case _:
            await answer_expired(update, services, await viewer_for(services, user))
