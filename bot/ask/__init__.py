"""Questions typed in the private chat (and `/faq <question>` there)."""

from __future__ import annotations

from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.ask.callbacks import AnswerFor, Vote
from bot.ask.handlers import faq_command, on_answer_button, on_question, on_vote
from bot.core.filters import NEW_MESSAGE, PRIVATE
from bot.core.services import AnyApplication


def register(app: AnyApplication) -> None:
    # /faq is how groups ask; in the private chat it is a question like any typed text
    app.add_handler(CommandHandler("faq", faq_command, filters=PRIVATE & NEW_MESSAGE))
    app.add_handler(
        MessageHandler(PRIVATE & NEW_MESSAGE & filters.TEXT & ~filters.COMMAND, on_question)
    )
    app.add_handler(CallbackQueryHandler(on_answer_button, pattern=AnswerFor.pattern()))
    # 👍 / 👎 under answers: private chats only (groups show none; a forged one is refused)
    app.add_handler(CallbackQueryHandler(on_vote, pattern=Vote.pattern()))
