"""Take what could identify someone out of a question before it is stored for operators.

Why: the questions the bot misses are kept 30 days so operators see what to add, and
nothing in them may point back at the asker. Phone numbers, order and case ids, e-mail
addresses, links and @handles are replaced by placeholders; what stays is the wording
("京东客服电话 <n>"), which is what operators need. The stores call this themselves, so
no caller can forget it.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MAX_REDACTED_CHARS", "redact"]

MAX_REDACTED_CHARS = 200
_MAX_INPUT = 2000

EMAIL = "<email>"
LINK = "<link>"
USER = "<user>"
ID = "<id>"
NUMBER = "<n>"

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL_RE = re.compile(r"(?i)\b(?:https?|hxxps?|ftp)://\S+|\bwww\.\S+")
# a bare host name: labels and a top-level domain of letters (amazon-help.xyz, t.me/x)
_HOST_RE = re.compile(
    r"(?i)(?<![\w.@-])(?:[a-z0-9\u00c0-\u04ff-]+\.)+(?:[a-z]{2,24}|xn--[a-z0-9-]+)(?:/\S*)?"
    r"(?![\w-])"
)
_HANDLE_RE = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{3,}")
# a token mixing letters and digits: tracking, ASIN and case ids (digits alone: below)
_ID_RE = re.compile(
    r"(?<![A-Za-z0-9-])(?=[A-Za-z0-9-]*[A-Za-z])(?=[A-Za-z0-9-]*\d[A-Za-z0-9-]*\d)"
    r"[A-Za-z0-9-]{6,}"
)
# digits, possibly split by spaces, dashes, dots, slashes or brackets: "400-810-5666"
_DIGITS_RE = re.compile(r"\+?\d(?:[\s\-./()]*\d)*")
_HAN_DIGITS_RE = re.compile(r"[〇零一二三四五六七八九幺]{6,}")
_SPACES_RE = re.compile(r"\s+")


def _digit_run(match: re.Match[str]) -> str:
    run = match.group()
    # one or two digits say nothing about anyone ("7天无理由", "24小时") and keep meaning
    return NUMBER if sum(ch.isdigit() for ch in run) >= 3 else run


def redact(text: str) -> str:
    """The text with digit runs, ids, e-mail addresses, links and handles replaced.

    Full-width characters are folded first (NFKC), so "４００８１０" is a digit run too;
    control characters become spaces, whitespace is collapsed, and the result is capped
    at MAX_REDACTED_CHARS.
    """
    text = unicodedata.normalize("NFKC", text[:_MAX_INPUT])
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    text = _EMAIL_RE.sub(EMAIL, text)
    text = _URL_RE.sub(LINK, text)
    text = _HOST_RE.sub(LINK, text)
    text = _HANDLE_RE.sub(USER, text)
    text = _ID_RE.sub(ID, text)
    text = _DIGITS_RE.sub(_digit_run, text)
    text = _HAN_DIGITS_RE.sub(NUMBER, text)
    text = _SPACES_RE.sub(" ", text).strip()
    return text[:MAX_REDACTED_CHARS].rstrip()
