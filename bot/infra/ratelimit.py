"""PTB's AIORateLimiter, holding to a group's 20 a minute only what Telegram counts there.

AIORateLimiter puts every call that names a group's chat id into that group's bucket:
`getChatMember` too, so a member pressing an admin-only button 60 times made the next
member's answer wait two minutes behind 60 admin checks. Telegram's per-group limit is on
messages the bot posts or changes (send*, edit*, copy, forward, polls); a look-up
(`getChatMember`, `getChat`) and a reply to a button press (`answerCallbackQuery`, which
names no chat) post nothing there, so they are passed on outside the group's bucket.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.ext import AIORateLimiter

# the methods that post or change a message in a chat: a group's bucket counts these
MESSAGE_PREFIXES = ("send", "edit", "copyMessage", "forwardMessage", "stopPoll")


def counts_in_group(endpoint: str) -> bool:
    """Whether Telegram counts a call of `endpoint` against a group's messages a minute."""
    return endpoint.startswith(MESSAGE_PREFIXES)


class GroupAwareRateLimiter(AIORateLimiter):
    """AIORateLimiter whose group buckets hold messages only (see the module docstring)."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        if not counts_in_group(endpoint) and "chat_id" in data:
            # `data` only steers the limiter; the request itself is in `args`
            data = {key: value for key, value in data.items() if key != "chat_id"}
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
