"""Updates of different chats at once, one chat's updates strictly in the order they came."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Enough to overlap the waits of one update (Bot API round trips, the database thread)
# with the work of others; the database connection serialises its own use anyway.
MAX_CONCURRENT_UPDATES = 32


def order_key(update: object) -> int | str | None:
    """What must see its updates in order: the chat, else the user; None for neither."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return f"user:{update.effective_user.id}"
    return None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Processes up to `max_concurrent_updates` updates concurrently, per chat in order.

    PTB's default processes one update at a time, so every update waits for the previous
    one's Bot API round trips and database writes; its `concurrent_updates(True)` gives
    up ordering, which a user pressing two buttons or typing /lang then a question
    depends on. Here an update waits only for the earlier updates of its own chat.

    PTB starts one task per update in arrival order and admits them through a FIFO
    semaphore before `do_process_update`, whose synchronous start takes the chat's place
    in line; an update waiting for its chat holds a slot, but the chain always ends in
    one that runs, so nothing deadlocks.

    `when_done` callbacks hear of each update once it is handled (or failed): the poller
    confirms an update to Telegram only then (bot/infra/polling.py).
    """

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        # chat → the future the chat's latest update resolves when it is done
        self._last: dict[int | str, asyncio.Future[None]] = {}
        self._done_callbacks: list[Callable[[object], None]] = []

    def when_done(self, callback: Callable[[object], None]) -> None:
        self._done_callbacks.append(callback)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            await self._in_order(update, coroutine)
        finally:
            for callback in self._done_callbacks:
                callback(update)

    async def _in_order(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = order_key(update)
        if key is None:
            await coroutine
            return
        previous = self._last.get(key)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._last[key] = done
        try:
            if previous is not None:
                # shield: a cancelled waiter must not cancel the chat's earlier update
                await asyncio.shield(previous)
            await coroutine
        finally:
            done.set_result(None)
            if self._last.get(key) is done:
                del self._last[key]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
