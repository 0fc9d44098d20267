"""The error handler: log with context, tell the user in their language, never raise.

A write the database refused (`storage.errors.WriteFailed`: read-only or full disk) is
not a bug: the user hears that what they did was not saved and to try again later, and
the log line is a WARNING with the reason, without a traceback. It is counted like any
error (`kefu_errors_total{error="WriteFailed"}`) and by reason in the database's own
`kefu_db_write_failures_total`."""

from __future__ import annotations

import contextlib
import html
import logging
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, TypeHandler

from bot.core.context import BotContext
from bot.core.services import Services, services_of
from bot.core.texts import MESSAGES
from bot.infra.logs import Redactor
from knowledge.i18n import normalize_lang
from knowledge.schema import Lang
from storage.errors import WriteFailed

logger = logging.getLogger(__name__)

MAX_ADMIN_DETAIL = 300


def handler_names(application: Application[Any, Any, Any, Any, Any, Any], update: object) -> str:
    """Which handlers an update goes to (PTB does not tell the error handler).

    The TypeHandlers every update passes (reading who asks) are left out: they say nothing.
    """
    names = []
    for _group, handlers in sorted(application.handlers.items()):
        for handler in handlers:
            if isinstance(handler, TypeHandler):
                continue
            try:
                check = handler.check_update(update)
            except Exception:  # a handler's own check failing is not worth a second error
                continue
            if check is not None and check is not False:
                callback = handler.callback
                names.append(getattr(callback, "__qualname__", type(callback).__name__))
                break
    return ",".join(names) or "-"


async def on_error(update: object, context: BotContext) -> None:
    """Log what failed and where; tell the user something went wrong — never a traceback."""
    error = context.error
    tg_update = update if isinstance(update, Update) else None
    user = tg_update.effective_user if tg_update else None
    chat = tg_update.effective_chat if tg_update else None
    fields: dict[str, object] = {
        "update_id": tg_update.update_id if tg_update else None,
        "user_id": user.id if user else None,
        "handler": handler_names(context.application, update) if tg_update else "-",
        "error": type(error).__name__,
    }
    services = _services(context)
    if isinstance(error, Forbidden) and user and chat and chat.type == ChatType.PRIVATE:
        # the user blocked the bot (or deleted their account): stop writing to them
        if services is not None:
            with contextlib.suppress(Exception):
                await services.users.set_active(user.id, False)
        logger.info("user unreachable, marked inactive", extra=fields)
        return
    not_saved = isinstance(error, WriteFailed)
    if isinstance(error, WriteFailed):
        # the disk, not a bug: no traceback; /healthz, /metrics and storage's count say more
        logger.warning("update not saved: database write failed",
                       extra=fields | {"reason": error.reason})
    else:
        logger.error("update failed", exc_info=error, extra=fields)
    if tg_update is None:
        return
    lang = await _lang(services, tg_update)
    if tg_update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await tg_update.callback_query.answer()  # it may have been answered already
    if chat is not None:
        # a refused write is said as such: what the user did is not saved, try later
        text = MESSAGES.get("error.not_saved" if not_saved else "error", lang)
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(chat.id, html.escape(text))
    if services is not None and not isinstance(error, TelegramError | WriteFailed):
        # not for a refused write: on a read-only disk every user's action would write
        # to every admin; /healthz turns 503 and says why
        await _tell_admins(context, services, fields, error)


def _services(context: BotContext) -> Services | None:
    try:
        return services_of(context)
    except RuntimeError:
        return None


async def _lang(services: Services | None, update: Update) -> Lang:
    user = update.effective_user
    code = user.language_code if user else None
    if services is not None and user is not None:
        # the database may be what failed: then the app's language will do
        with contextlib.suppress(Exception):
            stored = await services.users.get(user.id)
            if stored is not None and stored.lang:
                code = stored.lang
    return normalize_lang(code)


async def _tell_admins(
    context: BotContext,
    services: Services,
    fields: dict[str, object],
    error: BaseException | None,
) -> None:
    """A one-line note to each admin: which handler, which error (never the user's text)."""
    redact = Redactor(services.settings.secrets())
    detail = html.escape(redact(f"{type(error).__name__}: {error}")[:MAX_ADMIN_DETAIL])
    where = f"update {fields['update_id']} · {fields['handler']}"
    text = html.escape(MESSAGES.get("admin.error", "en", where=where))
    text += f"\n<code>{detail}</code>"
    for admin in sorted(services.settings.admins):
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(admin, text)
