"""Long polling that confirms an update to Telegram only once it has been handled.

Telegram forgets an update when getUpdates is called with an offset above its id. PTB's
Updater passes that offset with the very next poll, while the batch is still being
handled, and once more when it stops (`Updater.stop` confirms everything fetched before
`Application.stop` has handled it). A stop that overran its grace then lost what was still
in the works. Here the offset stays at the oldest update not yet handled: after a stop
that abandoned work, Telegram sends those updates again to the next process (and the
handled ones after them too: a confirmation is a prefix). Updates sent again while this
process still has them are skipped by id.

getUpdates returns at most 100 updates from the offset on, so one stuck update must not
hold the offset for ever: it never lags more than WINDOW updates behind the newest one
fetched (an update with WINDOW newer ones after it is confirmed, handled or not, and logged).
While only updates still in the works come back, the next poll waits for one of them to be
done, or POLL_PAUSE, so that a slow chat neither spins the loop nor holds up the others'
new updates for long.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Protocol

from telegram import Update
from telegram.error import TelegramError

from bot.core.services import AnyApplication

logger = logging.getLogger(__name__)

POLL_TIMEOUT = 10  # seconds Telegram holds a long poll open when nothing is new
WINDOW = 50
POLL_PAUSE = 1.0
RETRY_FIRST = 1.0  # seconds before polling again after a failure, doubling up to
RETRY_MAX = 30.0


class Watchable(Protocol):
    """What tells the poller that an update has been handled (PerChatUpdateProcessor)."""

    def when_done(self, callback: Callable[[object], None]) -> None: ...


class ConfirmingPoller:
    """`start()` fetches updates into the application's queue; `stop()` stops fetching;
    `confirm()` tells Telegram which ones are handled (call it last)."""

    def __init__(
        self, application: AnyApplication, processor: Watchable, *,
        timeout: int = POLL_TIMEOUT, window: int = WINDOW, pause: float = POLL_PAUSE,
    ) -> None:
        self._app = application
        self._timeout = timeout
        self._window = window
        self._pause = pause
        self._fetched = 0  # the newest update id handed to the application (0: none yet)
        self._unfinished: set[int] = set()
        self._progress = asyncio.Event()  # set when an update is done
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        processor.when_done(self._done)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def unfinished(self) -> int:
        """How many fetched updates are not handled yet."""
        return len(self._unfinished)

    def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name="ConfirmingPoller")

    async def stop(self) -> None:
        """Stop fetching. An update in the poll cut short is not confirmed: sent again."""
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def confirm(self) -> None:
        """Confirm every handled update up to the oldest one not handled (a last,
        short poll whose result is left to the next process)."""
        if not self._fetched:
            return
        offset = self.offset()
        try:
            await self._app.bot.get_updates(offset=offset, timeout=0, limit=1)
        except TelegramError as exc:  # the next process gets them again: handled twice
            logger.warning("could not confirm handled updates", extra={"error": exc.message})
            return
        if self._unfinished:
            logger.warning("updates not handled before the stop: Telegram sends them again",
                           extra={"updates": len(self._unfinished), "offset": offset})

    def offset(self) -> int:
        """getUpdates' offset: the oldest update not handled, at most WINDOW behind."""
        if not self._fetched:
            return 0
        floor = self._fetched + 1 - self._window
        stuck = {update_id for update_id in self._unfinished if update_id < floor}
        if stuck:
            self._unfinished -= stuck
            logger.warning("updates still in the works confirmed to Telegram",
                           extra={"updates": len(stuck)})
        return min(self._unfinished, default=self._fetched + 1)

    def _done(self, update: object) -> None:
        if isinstance(update, Update):
            self._unfinished.discard(update.update_id)
            self._progress.set()

    async def _run(self) -> None:
        delay = RETRY_FIRST
        while not self._stopping.is_set():
            self._progress.clear()  # from here on, an update done counts for the wait below
            try:
                updates = await self._app.bot.get_updates(
                    offset=self.offset(), timeout=self._timeout,
                    allowed_updates=Update.ALL_TYPES,
                )
            except TelegramError as exc:
                logger.warning("polling failed, retrying",
                               extra={"error": exc.message, "retry_seconds": delay})
                await self._wait(None, delay)
                delay = min(delay * 2, RETRY_MAX)
                continue
            except Exception:  # a reply PTB could not read: polling must go on
                logger.exception("polling failed unexpectedly, retrying",
                                 extra={"retry_seconds": delay})
                await self._wait(None, delay)
                delay = min(delay * 2, RETRY_MAX)
                continue
            delay = RETRY_FIRST
            fresh = [update for update in updates if update.update_id > self._fetched]
            for update in fresh:
                self._unfinished.add(update.update_id)
                self._fetched = update.update_id
                await self._app.update_queue.put(update)
            if updates and not fresh:
                # only updates in the works came back: poll again when one is done
                await self._wait(self._progress, self._pause)

    async def _wait(self, event: asyncio.Event | None, seconds: float) -> None:
        """Until `event` (if any) is set, a stop, or `seconds` pass."""
        waits = [asyncio.ensure_future(self._stopping.wait())]
        if event is not None:
            waits.append(asyncio.ensure_future(event.wait()))
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()
