"""User input shown back to the user: one sanitiser for every reply that quotes it.

A reply that quotes what was typed ("I can't read “…” as a time") must not carry
control characters into the chat: NUL and other C0/C1 controls, and the bidirectional
overrides that reorder the text around the quote. Case ids refuse the same characters
(`storage.cases.CONTROL_IN_ID`) instead of quoting them.
"""

from __future__ import annotations

import re

# shown as one U+FFFD per run when quoting; line breaks and tabs become spaces instead
_UNSHOWN = re.compile(
    r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]+"
)
REPLACEMENT = "\ufffd"
ELLIPSIS = "…"


def quote_input(text: str, limit: int) -> str:
    """`text` fit to quote in a reply: one line, controls shown as �, its first `limit`
    characters (and … if there was more). The caller still escapes it for HTML."""
    shown = " ".join(_UNSHOWN.sub(REPLACEMENT, text).split())
    if len(shown) > limit:
        shown = shown[:limit] + ELLIPSIS
    return shown
