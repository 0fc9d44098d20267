"""The filters features combine: which chats, and new messages only (never edits)."""

from __future__ import annotations

from telegram.ext import filters

PRIVATE = filters.ChatType.PRIVATE
IN_GROUP = filters.ChatType.GROUPS
# commands and questions react to new messages only: an edit must not run them again
NEW_MESSAGE = filters.UpdateType.MESSAGE
