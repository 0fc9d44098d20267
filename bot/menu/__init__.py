"""The private chat's menu: /start and deep links, the catalog's buttons, settings, help.

Also the fallbacks (`register_fallbacks`): what no feature took, registered last.
"""

from __future__ import annotations

from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.core.callbacks import pattern
from bot.core.filters import NEW_MESSAGE, PRIVATE
from bot.core.nav import (
    AllPlatforms,
    Home,
    OpenCard,
    OpenGuide,
    OpenMenu,
    OpenSection,
    OpenSettings,
)
from bot.core.services import AnyApplication
from bot.menu import deeplinks, fallback, handlers, info, settings
from bot.menu.callbacks import SetLang, SetZone


def register(app: AnyApplication) -> None:
    # a deep link (`/start <payload>`, from a group or an inline result) before plain /start
    app.add_handler(
        CommandHandler("start", deeplinks.start_with_payload, filters=PRIVATE & NEW_MESSAGE,
                       has_args=True)
    )
    for names, callback in (
        (("start", "menu"), handlers.start),
        ("help", info.help_command),
        ("about", info.about_command),
        ("lang", settings.lang_command),
        ("tz", settings.tz_command),
    ):
        app.add_handler(CommandHandler(names, callback, filters=PRIVATE & NEW_MESSAGE))
    navigation = pattern(Home, AllPlatforms, OpenMenu, OpenCard, OpenGuide, OpenSection)
    app.add_handler(CallbackQueryHandler(handlers.on_menu_button, pattern=navigation))
    app.add_handler(CallbackQueryHandler(
        settings.on_settings_button, pattern=pattern(OpenSettings, SetLang, SetZone)
    ))


def register_fallbacks(app: AnyApplication) -> None:
    """After every feature: buttons and commands none of them took, edits, non-text."""
    # any other data (old version, forged) is an expired menu
    app.add_handler(CallbackQueryHandler(fallback.on_unknown_button))
    app.add_handler(MessageHandler(PRIVATE & NEW_MESSAGE & filters.COMMAND,
                                   fallback.on_unknown_command))
    app.add_handler(MessageHandler(PRIVATE & filters.UpdateType.EDITED_MESSAGE,
                                   fallback.on_edited))
    not_text = ~filters.TEXT & ~filters.StatusUpdate.ALL
    app.add_handler(MessageHandler(PRIVATE & NEW_MESSAGE & not_text, fallback.on_not_text))
