"""Who is asking: the stored settings of a Telegram user, resolved to a language and a zone."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram import User

from bot.core.services import Services
from bot.core.ui import Viewer
from knowledge.i18n import normalize_lang
from knowledge.schema import Lang

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def question_lang(text: str) -> Lang | None:
    """The language a question is written in, when it shows: any Chinese character → zh."""
    if _HAN.search(text):
        return "zh"
    if _LATIN.search(text):
        return "en"
    return None


async def viewer_for(services: Services, user: User, question: str | None = None) -> Viewer:
    """The user's language and zone; records that they talked to us (and so are active).

    Language: the one they chose with /lang; otherwise the language of the question
    they typed; otherwise their Telegram app's language.
    """
    stored = await services.users.ensure(user.id)
    lang: Lang
    if stored.lang is not None:
        lang = normalize_lang(stored.lang)
    else:
        lang = (question_lang(question) if question else None) or normalize_lang(
            user.language_code
        )
    zone = zone_or_default(stored.timezone, services)
    return Viewer(lang=lang, zone=zone, now=services.clock.now())


def zone_or_default(name: str | None, services: Services) -> ZoneInfo:
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass  # a zone dropped from tzdata since it was stored: fall back
    return services.settings.zone


async def guest_viewer(
    services: Services, user: User, question: str | None = None, lang: Lang | None = None
) -> tuple[Viewer, bool]:
    """A viewer for someone met in a group or inline mode, stored nowhere if they are new.

    Language: `lang` (a group's own setting) if given; then as `viewer_for`. The flag is
    True when the result depends on who they are (their settings or app language), so an
    answer built for them must not be shared with others (inline `is_personal`).
    """
    stored = await services.users.get(user.id)
    personal = stored is not None and (stored.lang is not None or stored.timezone is not None)
    chosen = lang
    if chosen is None and stored is not None and stored.lang is not None:
        chosen = normalize_lang(stored.lang)
    if chosen is None and question:
        chosen = question_lang(question)
    if chosen is None:
        chosen = normalize_lang(user.language_code)
        personal = True
    zone = zone_or_default(stored.timezone if stored else None, services)
    return Viewer(lang=chosen, zone=zone, now=services.clock.now()), personal
