"""The context every handler gets: the services, and who is asking in which language and zone.

`BotContext` is PTB's CallbackContext with typed properties (PTB's contexttypesbot
example). PTB builds one context per update and shares it across handler groups, so one
early handler (`load_user`, group -2) reads the user's stored settings once, and every
handler after it asks `context.viewer` instead of repeating that opening.

In a private chat that handler also records the user (first seen, last seen, active
again after a block), as the first thing: a user who blocks the bot during the update or
asks to be forgotten must not be written back afterwards. The write is best effort: if
the database refuses it, that costs a log line, and answering from the knowledge files
never depends on it.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import timedelta
from typing import Any

from telegram import Chat, Update, User
from telegram.ext import Application, CallbackContext, ExtBot

from bot.core.services import Services, services_of
from bot.core.ui import Viewer
from bot.core.viewer import question_lang, zone_or_default
from knowledge.i18n import normalize_lang
from knowledge.schema import Lang
from storage.errors import WriteFailed
from storage.users import UserSettings

logger = logging.getLogger(__name__)

# `last_seen_at` is written again only once it is this old (a user's every update wrote
# it, a third of the database's work per update: issue #21); new, blocked and forgotten
# users are written at once, whatever this says
SEEN_PRECISION = timedelta(minutes=5)

# what a failing database raises: a write it refused, SQLite's errors, and aiosqlite's
# ValueError once the connection is gone
DATABASE_FAILURES = (WriteFailed, sqlite3.Error, ValueError)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's context, with `services`, the user's stored settings and their viewer."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any],
                 chat_id: int | None = None, user_id: int | None = None) -> None:
        super().__init__(application, chat_id, user_id)
        self._user: User | None = None
        self._stored: UserSettings | None = None

    @property
    def services(self) -> Services:
        return services_of(self)

    @property
    def user(self) -> User:
        """Who sent the update (every handler that uses this runs for updates with a user)."""
        if self._user is None:
            raise RuntimeError("no user: load_user has not run for this update")
        return self._user

    @property
    def stored(self) -> UserSettings | None:
        """The user's stored settings; None for someone the bot has not stored (yet)."""
        return self._stored

    @property
    def viewer(self) -> Viewer:
        """The user's language (chosen with /lang, else their app's) and zone, at this moment."""
        return self.viewer_asking(None)

    def viewer_asking(self, question: str | None) -> Viewer:
        """As `viewer`, but a user who chose no language is answered in the question's."""
        stored = self._stored
        lang: Lang
        if stored is not None and stored.lang is not None:
            lang = normalize_lang(stored.lang)
        else:
            lang = (question_lang(question) if question else None) or normalize_lang(
                self.user.language_code
            )
        return self._viewer(lang)

    def guest_viewer(
        self, question: str | None = None, lang: Lang | None = None
    ) -> tuple[Viewer, bool]:
        """A viewer for someone met in a group or inline mode (stored nowhere if they are new).

        Language: `lang` (a group's own setting) if given; then as `viewer_asking`. The flag
        is True when the result depends on who they are (their settings or app language),
        so an answer built for them must not be shared with others (inline `is_personal`).
        """
        stored = self._stored
        personal = stored is not None and (stored.lang is not None or stored.timezone is not None)
        chosen = lang
        if chosen is None and stored is not None and stored.lang is not None:
            chosen = normalize_lang(stored.lang)
        if chosen is None and question:
            chosen = question_lang(question)
        if chosen is None:
            chosen = normalize_lang(self.user.language_code)
            personal = True
        return self._viewer(chosen), personal

    def settings_changed(self, stored: UserSettings) -> Viewer:
        """The settings the handler just stored (the store returns the row); the new viewer."""
        self._stored = stored
        return self.viewer

    def _viewer(self, lang: Lang) -> Viewer:
        services = self.services
        stored = self._stored
        zone = zone_or_default(stored.timezone if stored else None, services.settings.zone)
        return Viewer(lang=lang, zone=zone, now=services.clock.now(), user_id=self.user.id)

    async def load(self, user: User) -> None:
        """Read the user's settings; an unreadable database leaves them unknown."""
        self._user = user
        try:
            self._stored = await self.services.users.get(user.id)
        except DATABASE_FAILURES as exc:
            # an unreadable database must not keep the bot from answering questions
            logger.warning("user settings unreadable", extra={"error": str(exc)})
            self._stored = None

    async def record(self, user: User) -> None:
        """The user wrote to us: known, active (again) and seen (`SEEN_PRECISION`); their
        settings.

        Best effort: a database that refuses the write (disk full, read-only) is logged
        and the update is answered all the same.
        """
        self._user = user
        try:
            self._stored = await self.services.users.seen(user.id, SEEN_PRECISION)
        except DATABASE_FAILURES as exc:
            logger.warning("user not recorded", extra={"error": str(exc)})
            await self.load(user)


async def load_user(update: Update, context: BotContext) -> None:
    """Group -2, before every handler: who is asking, read (and in a private chat, recorded)
    once for the whole update."""
    user = update.effective_user
    if user is None:
        return
    if in_private_chat(update) and (update.effective_message or update.callback_query):
        await context.record(user)
    else:
        await context.load(user)


def in_private_chat(update: Update) -> bool:
    """The update comes from the user's own chat with the bot (not a group, not inline)."""
    chat = update.effective_chat
    return chat is not None and chat.type == Chat.PRIVATE
