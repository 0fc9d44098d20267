"""Running the Application for real: polling or webhook, the HTTP server, graceful stop.

One life cycle for both modes (what PTB's run_polling/run_webhook do, plus our server):
bind the HTTP server (it answers 503 until ready) → initialize (getMe, with retries) →
post_init (services) → start (handlers, JobQueue) → polling, or setWebhook → ready.
Stopping reverses it: refuse new webhook updates (Telegram redelivers them later) and
stop polling → handle every update already taken, finish running jobs and sends →
confirm to Telegram the polled updates that were handled → close the services (the
database) → close the server. A stop that overruns its grace period abandons what is
left, so the process still exits in time; an abandoned update is not confirmed (polling:
bot/infra/polling.py; webhook: its request is not answered), so Telegram sends it again
to the next process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
from collections.abc import Awaitable, Callable
from typing import TypeVar
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import NetworkError

from bot.core.config import ConfigError, Settings
from bot.core.services import AnyApplication
from bot.infra.http import HEALTH_PATH, METRICS_PATH, HttpServer, Lifecycle, ServerState
from bot.infra.polling import ConfirmingPoller
from bot.infra.updates import PerChatUpdateProcessor

logger = logging.getLogger(__name__)

T = TypeVar("T")

# a Bot API briefly unreachable at start-up is tried this many more times, backing off
BOOTSTRAP_RETRIES = 3
BOOTSTRAP_FIRST_DELAY = 1.0
# SIGTERM → exit within 10 s (Docker's default before SIGKILL): in-flight work gets this
# long, closing the database and the server the rest
STOP_GRACE = 6.5
CONFIRM_GRACE = 0.5
CLOSE_GRACE = 2.0
# Telegram's rule for setWebhook's secret_token
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


def check_webhook(settings: Settings) -> None:
    """Webhook mode needs an https URL and a secret Telegram accepts; ConfigError if not."""
    if settings.webhook_url is None:
        return
    if settings.webhook_secret is None:
        raise ConfigError("BOT_WEBHOOK_SECRET must be set when BOT_WEBHOOK_URL is")
    if not SECRET_TOKEN.fullmatch(settings.webhook_secret.get_secret_value()):
        raise ConfigError(
            "BOT_WEBHOOK_SECRET: use 1-256 characters from A-Z, a-z, 0-9, _ and - "
            "(Telegram's rule), e.g. the output of: python3 -c "
            "'import secrets; print(secrets.token_urlsafe(32))'"
        )
    url = urlsplit(settings.webhook_url)
    if url.scheme != "https" or not url.hostname:
        raise ConfigError(
            "BOT_WEBHOOK_URL must be an https:// URL that Telegram can reach, "
            "e.g. https://bot.example.com/telegram"
        )
    if webhook_path(settings) in (HEALTH_PATH, METRICS_PATH):
        raise ConfigError(f"BOT_WEBHOOK_URL: the path {url.path} is taken by the bot itself")


def webhook_path(settings: Settings) -> str:
    """Where the webhook is served: the path of BOT_WEBHOOK_URL (a proxy must keep it)."""
    return urlsplit(settings.webhook_url or "").path or "/"


class BotRuntime:
    """One running bot: `await start()`, then `await stop()` (also after a failed start)."""

    def __init__(self, application: AnyApplication, settings: Settings) -> None:
        self.application = application
        self.settings = settings
        self.mode = "webhook" if settings.webhook_mode else "polling"
        self.state = ServerState(application, self.mode)
        self.http: HttpServer | None = None
        self._stopping = asyncio.Event()
        self.poller: ConfirmingPoller | None = None
        self._started = False
        self._stopped = False
        # False when stopping overran its grace period and left work (or the database) open
        self.stopped_cleanly = True

    @property
    def http_port(self) -> int | None:
        return None if self.http is None else self.http.port

    async def start(self) -> None:
        """Start everything; raises what prevents it (the caller still calls stop)."""
        app = self.application
        settings = self.settings
        if settings.webhook_mode:
            secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
            self.http = HttpServer(self.state, webhook_path=webhook_path(settings), secret=secret)
            await self.http.start(settings.webhook_listen, settings.webhook_port)
        elif settings.http_port is not None:
            self.http = HttpServer(self.state)
            await self.http.start(settings.webhook_listen, settings.http_port)
        await self._retrying("initialize", app.initialize)
        self._started = True
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        if settings.webhook_mode and settings.webhook_url and settings.webhook_secret:
            url = settings.webhook_url
            secret_token = settings.webhook_secret.get_secret_value()
            await self._retrying(
                "setWebhook",
                lambda: app.bot.set_webhook(
                    url, secret_token=secret_token, allowed_updates=Update.ALL_TYPES
                ),
            )
        else:
            processor = app.update_processor
            if not isinstance(processor, PerChatUpdateProcessor):
                raise RuntimeError("polling needs an update processor that reports handled "
                                   "updates (bot/infra/updates.py)")
            # a webhook a previous webhook-mode run left behind would refuse getUpdates
            await self._retrying("deleteWebhook", app.bot.delete_webhook)
            poller = self.poller = ConfirmingPoller(app, processor)
            self.state.polling = lambda: poller.running
            poller.start()
        self.state.lifecycle = Lifecycle.READY
        logger.info("serving", extra={"mode": self.mode, "http_port": self.http_port})

    async def stop(self) -> None:
        """Finish in-flight work within STOP_GRACE, then close; safe after a failed start."""
        if self._stopped:
            return
        self._stopped = True
        self._stopping.set()
        self.state.lifecycle = Lifecycle.STOPPING
        app = self.application
        try:
            await asyncio.wait_for(self._stop_application(), STOP_GRACE)
        except TimeoutError:
            self.stopped_cleanly = False
            logger.error(
                "stop took too long: unfinished updates and sends are abandoned",
                extra={"grace_seconds": STOP_GRACE},
            )
        except Exception:
            logger.exception("error while stopping")
        if self.poller is not None:
            try:
                await asyncio.wait_for(self.poller.confirm(), CONFIRM_GRACE)
            except TimeoutError:
                logger.warning("confirming handled updates took too long: sent again later")
        try:
            if self._started:
                await asyncio.wait_for(self._close_application(), CLOSE_GRACE)
        except TimeoutError:
            self.stopped_cleanly = False
            logger.error("closing took too long", extra={"grace_seconds": CLOSE_GRACE})
        except Exception:
            logger.exception("error while closing")
        finally:
            if self.http is not None:
                await self.http.stop()
        logger.debug("runtime stopped", extra={"running": app.running})

    async def _stop_application(self) -> None:
        app = self.application
        if self.poller is not None:
            await self.poller.stop()
        if app.running:
            # handles every update already queued, waits for jobs and create_task tasks
            await app.stop()
            if app.post_stop is not None:
                await app.post_stop(app)

    async def _close_application(self) -> None:
        app = self.application
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)  # closes the database

    async def _retrying(self, what: str, action: Callable[[], Awaitable[T]]) -> T:
        """Run `action`, retrying network failures with back-off (not a rejected token)."""
        delay = BOOTSTRAP_FIRST_DELAY
        attempt = 0
        while True:
            try:
                return await action()
            except NetworkError as exc:
                attempt += 1
                if attempt > BOOTSTRAP_RETRIES or self._stopping.is_set():
                    raise
                logger.warning(
                    "Bot API unreachable, retrying",
                    extra={"call": what, "attempt": attempt, "error": exc.message},
                )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), delay)
                delay *= 2


async def serve(application: AnyApplication, settings: Settings) -> bool:
    """Run until SIGINT or SIGTERM, then stop gracefully; raises what prevents starting.

    Returns whether the stop was clean: False means work was abandoned, and threads
    (the database's) may still be busy, so the caller should exit without waiting.
    """
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    signals = (signal.SIGINT, signal.SIGTERM)

    def on_signal(signum: int) -> None:
        if not stop.is_set():
            logger.info("stopping", extra={"signal": signal.Signals(signum).name})
        stop.set()

    for signum in signals:
        loop.add_signal_handler(signum, on_signal, signum)
    runtime = BotRuntime(application, settings)
    try:
        starting = asyncio.create_task(runtime.start())
        waiting = asyncio.create_task(stop.wait())
        await asyncio.wait({starting, waiting}, return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():  # a signal while starting: give up starting
            starting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await starting  # raises what prevented the start
        await waiting
    finally:
        waiting.cancel()
        await runtime.stop()
        for signum in signals:
            loop.remove_signal_handler(signum)
    return runtime.stopped_cleanly
