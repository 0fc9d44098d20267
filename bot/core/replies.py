"""Showing a screen: edit the message a button belongs to, or send a new one."""

from __future__ import annotations

import html
import logging
import warnings
from typing import TYPE_CHECKING

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ExtBot
from telegram.warnings import PTBUserWarning

if TYPE_CHECKING:
    from bot.core.context import BotContext

from bot.core.render import render_screen
from bot.core.screens import home_screen
from bot.core.texts import MESSAGES
from bot.core.ui import Screen

logger = logging.getLogger(__name__)

# PTB asks for Bot.edit_message_text instead of do_api_request("editMessageText"); here the
# raw call is the point (`edit_pressed`), so that one notice, from this module only, is off
warnings.filterwarnings(
    "ignore", message=r"Please use 'Bot\.editMessageText'", category=PTBUserWarning,
    module=r"bot\.core\.replies",
)


def is_not_modified(error: BadRequest) -> bool:
    # Telegram has no error code for this; its description is the only signal
    return "message is not modified" in error.message.lower()


async def show(update: Update, screen: Screen) -> None:
    """Replace the pressed button's message with `screen`, or send `screen` as a reply."""
    rendered = render_screen(screen)
    query = update.callback_query
    if query is not None:
        try:
            await edit_pressed(query, rendered.text, rendered.keyboard)
            return
        except BadRequest as exc:
            if is_not_modified(exc):
                return  # the same button pressed twice: nothing to change
            # too old, deleted, or not editable: the user still gets the screen
            logger.info("edit failed, sending instead", extra={"error": exc.message})
        chat_id = query.message.chat.id if query.message is not None else query.from_user.id
        await query.get_bot().send_message(chat_id, rendered.text, reply_markup=rendered.keyboard)
        return
    message = update.effective_message
    if message is not None:
        await message.reply_text(rendered.text, reply_markup=rendered.keyboard)


async def edit_pressed(
    query: CallbackQuery, text: str, keyboard: InlineKeyboardMarkup | None
) -> None:
    """`query.edit_message_text`, without turning Telegram's answer into a Message.

    Nobody reads the edited message PTB would build from the answer (`de_json` of the
    whole card and its keyboard: 6-18 % of the CPU per button press, issue #21), so the
    call goes through PTB's public `do_api_request` with what `edit_message_text` sends:
    the same parameters, the Defaults (HTML, no link previews), the rate limiter, and the
    same errors (BadRequest "message is not modified" …). An inline message or one
    Telegram no longer shows us takes PTB's own path.
    """
    message = query.message
    if query.inline_message_id is not None or not isinstance(message, Message):
        await query.edit_message_text(text, reply_markup=keyboard)
        return
    bot = query.get_bot()
    defaults = bot.defaults if isinstance(bot, ExtBot) else None
    params: dict[str, object] = {"chat_id": message.chat.id, "message_id": message.message_id,
                                 "text": text, "reply_markup": keyboard}
    if defaults is not None:
        params["parse_mode"] = defaults.parse_mode
        params["link_preview_options"] = defaults.link_preview_options
    await bot.do_api_request("editMessageText", api_kwargs=params)


async def answer_expired(update: Update, context: BotContext) -> None:
    """A button we cannot act on: say so on the button, and redraw a fresh home menu."""
    query = update.callback_query
    if query is None:
        return
    lang = context.viewer.lang
    await query.answer(MESSAGES.get("expired.toast", lang))
    screen = home_screen(context.services.catalog, lang).with_note(MESSAGES.get("expired", lang))
    await show(update, screen)


async def reply_message(update: Update, context: BotContext, key: str) -> None:
    """Reply with one of the catalog's messages, in the asker's language."""
    message = update.effective_message
    if message is not None:
        await message.reply_text(html.escape(MESSAGES.get(key, context.viewer.lang)))
