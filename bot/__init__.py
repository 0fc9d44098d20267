"""Telegram layer: handlers, rendering, the application, reminders, CLI."""

import os

# python-telegram-bot 22 reports time periods (RetryAfter.retry_after) as timedelta once
# this is set, as its next major version will by default; without it each flood-control
# error warns that it is deprecated. The code reads both (bot/cases/reminders.py).
os.environ.setdefault("PTB_TIMEDELTA", "true")
