"""The bot's own user-facing texts (bot/locale/messages.yaml), in Chinese and English."""

from __future__ import annotations

from pathlib import Path

from knowledge.i18n import Messages

MESSAGES_FILE = Path(__file__).parent.parent / "locale" / "messages.yaml"

MESSAGES = Messages.load(MESSAGES_FILE)
