"""Case tracking in the private chat: /track, /cases, reminders, /quiet, /share, /mydata,
/forget."""

from __future__ import annotations

from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.cases import data, handlers, quiet, sharing, track
from bot.cases.callbacks import (
    CaseAction,
    ForgetData,
    ListCases,
    ShareTimes,
    StartTrack,
    TrackStep,
)
from bot.core.callbacks import pattern
from bot.core.deeplinks import CommandCallback, link_command
from bot.core.filters import NEW_MESSAGE, PRIVATE
from bot.core.nav import TrackCase
from bot.core.services import AnyApplication

# what a case command's link from a group runs here: the command itself, with no argument
# (each reads its argument from `/<command> …`, which `/start <command>` is not)
DEEP_LINKED: dict[str, CommandCallback] = {
    "track": track.track_command,
    "cases": handlers.cases_command,
    "mydata": data.mydata_command,
    "forget": data.forget_command,
    "quiet": quiet.quiet_command,
}


def register_form_input(app: AnyApplication) -> None:
    """Group -1, before what users do: text typed into a /track form or a case edit.

    It is taken here (ApplicationHandlerStop), so it is not answered as a question in
    group 0; another command abandons the form and carries on to its own handler.
    """
    typing_for_form = track.PendingInput(app, typed_only=True)
    form_open = track.PendingInput(app, typed_only=False)
    app.add_handler(
        MessageHandler(PRIVATE & NEW_MESSAGE & filters.TEXT & ~filters.COMMAND & typing_for_form,
                       track.on_typed_text),
        group=-1,
    )
    app.add_handler(
        MessageHandler(PRIVATE & NEW_MESSAGE & filters.COMMAND & form_open, track.on_any_command),
        group=-1,
    )


def register(app: AnyApplication) -> None:
    # cases are private: in a group these commands get a link to the private chat instead
    for name, callback in DEEP_LINKED.items():
        app.add_handler(CommandHandler(name, callback, filters=PRIVATE & NEW_MESSAGE))
        link_command(name, callback)
    app.add_handler(CommandHandler("share", sharing.share_command, filters=PRIVATE & NEW_MESSAGE))
    for callback, kinds in (
        (track.on_track_card, (TrackCase,)),
        (track.on_track_button, (TrackStep, StartTrack)),
        (handlers.on_case_button, (CaseAction, ListCases)),
        (data.on_forget_button, (ForgetData,)),
        (sharing.on_share_button, (ShareTimes,)),
    ):
        app.add_handler(CallbackQueryHandler(callback, pattern=pattern(*kinds)))
