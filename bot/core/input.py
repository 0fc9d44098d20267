"""What users type, read one way everywhere: commands' arguments, questions' length."""

from __future__ import annotations

from telegram import Message, MessageEntity

# a question is a sentence; beyond this, the rest is noise for the search
MAX_QUESTION = 300
# a pasted message is checked whole (every number and link in it), up to Telegram's limit
MAX_MESSAGE = 4096


def command_argument(text: str | None, command: str) -> str:
    """What follows `/command` (or `/command@bot`) in a message; "" for any other text.

    The raw rest of the line, not PTB's whitespace-split args: a case id may hold spaces.
    A case command reached another way (a `/start track` deep link) has no argument.
    """
    if not text:
        return ""
    # the command ends at any whitespace: `/faq` then a new line is a question too
    parts = text.strip().split(maxsplit=1)
    head = parts[0] if parts else ""
    name = head.removeprefix("/").split("@", 1)[0].lower()
    if not head.startswith("/") or name != command:
        return ""
    return parts[1].strip() if len(parts) > 1 else ""


def hidden_links(message: Message) -> tuple[str, ...]:
    """The addresses behind linked words ("amazon.com" that opens evil.com): a forwarded
    scam can hide its link in a text link, which is not in `message.text`."""
    return tuple(
        entity.url
        for entity in (message.entities or ())
        if entity.type == MessageEntity.TEXT_LINK and entity.url
    )
