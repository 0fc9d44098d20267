"""The bot's HTTP server (tornado): Telegram's webhook, `/healthz` and `/metrics`.

PTB's own webhook server serves nothing but the webhook, so in webhook mode this server
takes its place (PTB's "custom webhook" pattern): it checks Telegram's secret-token
header, then has the Application handle the update — through its update processor, as
polled updates are — and only then answers 200. Telegram delivers again whatever was not
answered, so an update whose process dies (even by SIGKILL) before handling it is not
lost; one that dies after handling and before answering is handled twice. In polling
mode it serves only the two operator endpoints (BOT_HTTP_PORT).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from http import HTTPStatus
from pathlib import Path
from typing import Any

import tornado.netutil
import tornado.web
from telegram import Update
from tornado.httpserver import HTTPServer

from bot.core.services import SERVICES_KEY, AnyApplication, Services
from bot.infra.logs import LogLimiter
from bot.infra.metrics import metrics_of
from bot.infra.sourcecheck import read_result
from storage.misses import MissKind

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
# Telegram's updates are small; anything bigger is not from Telegram
MAX_BODY_BYTES = 4 * 1024 * 1024
# a database that does not answer a trivial query this fast is not healthy
HEALTH_DB_TIMEOUT = 2.0
# refused webhook requests: one log line per minute at most (anyone can send them)
REFUSED_LOG_INTERVAL = timedelta(minutes=1)
# what a refusal on the webhook path is, when the handler did not say
REFUSALS = {
    HTTPStatus.BAD_REQUEST: "not an update",
    HTTPStatus.FORBIDDEN: "wrong secret",
    HTTPStatus.METHOD_NOT_ALLOWED: "wrong method",
    HTTPStatus.UNSUPPORTED_MEDIA_TYPE: "not JSON",
}


class Lifecycle(StrEnum):
    STARTING = "starting"
    READY = "ready"
    STOPPING = "stopping"


@dataclass
class ServerState:
    """What the handlers need to know about the running bot; the runtime moves `lifecycle`."""

    application: AnyApplication
    mode: str  # "webhook" or "polling"
    lifecycle: Lifecycle = Lifecycle.STARTING
    # polling mode: whether updates are being fetched (the runtime's poller)
    polling: Callable[[], bool] = lambda: False
    refused_log: LogLimiter = field(default_factory=lambda: LogLimiter(REFUSED_LOG_INTERVAL))

    def refused(self, reason: str, remote: str | None) -> None:
        """Count a refused webhook request; log it unless one was logged this minute."""
        metrics = metrics_of(self.application)
        metrics.webhook_refused(reason)
        suppressed = self.refused_log.allow(metrics.now())
        if suppressed is not None:
            # never the secret header's value: it may be a near-miss of the real secret
            logger.warning(
                "webhook request refused (one line a minute at most; suppressed: "
                "refusals not logged since the last line)",
                extra={"reason": reason, "remote": remote, "suppressed": suppressed},
            )


def _services(application: AnyApplication) -> Services | None:
    services = application.bot_data.get(SERVICES_KEY)
    return services if isinstance(services, Services) else None


async def health_report(state: ServerState) -> tuple[bool, dict[str, object]]:
    """(healthy, the JSON body of /healthz): ready, scheduler running, and the database
    answering and taking writes — still the file at BOT_DB (storage.db.Database.health)."""
    application = state.application
    services = _services(application)
    database = "not open"
    if services is not None:
        try:
            database = await asyncio.wait_for(services.db.health(), HEALTH_DB_TIMEOUT)
        except TimeoutError:
            database = "timeout"
        except Exception as exc:  # any failure is the report, not a 500
            database = f"error: {type(exc).__name__}"
    job_queue = application.job_queue
    scheduler = "running" if job_queue is not None and job_queue.scheduler.running else "stopped"
    body: dict[str, object] = {
        "status": state.lifecycle.value,
        "mode": state.mode,
        "database": database,
        "scheduler": scheduler,
    }
    healthy = (
        state.lifecycle is Lifecycle.READY
        and application.running
        and database == "ok"
        and scheduler == "running"
    )
    if state.mode == "polling":
        polling = state.polling()
        body["polling"] = "running" if polling else "stopped"
        healthy = healthy and polling
    body["uptime_seconds"] = int(metrics_of(application).uptime().total_seconds())
    return healthy, body


async def metrics_exposition(state: ServerState, accept: str | None = None) -> tuple[bytes, str]:
    """(body, content type) of /metrics: the application's registry (prometheus-client),
    with gauges read from the database at each scrape, in the format `accept` asks for."""
    application = state.application
    metrics = metrics_of(application)
    gauges: dict[str, tuple[str, float]] = {
        "ready": ("1 when the bot is ready to handle updates.",
                  1.0 if state.lifecycle is Lifecycle.READY else 0.0),
    }
    services = _services(application)
    if services is not None:
        try:
            open_cases = await asyncio.wait_for(services.cases.count_open(), HEALTH_DB_TIMEOUT)
            overdue = await asyncio.wait_for(
                services.cases.count_overdue(services.clock.now()), HEALTH_DB_TIMEOUT
            )
        except Exception as exc:  # a scrape reports what it can
            logger.warning("metrics: cannot count cases", extra={"error": type(exc).__name__})
        else:
            gauges["open_cases"] = ("Tracked cases that are open.", float(open_cases))
            gauges["overdue_cases"] = (
                "Open cases past their response window.", float(overdue)
            )
    counters: dict[str, tuple[str, str, dict[str, float]]] = {}
    if services is not None:
        counters["db_write_failures"] = (
            "Database writes that failed (read-only, disk full, I/O error), by reason.",
            "reason",
            {reason: float(n) for reason, n in services.db.write_failures.items()},
        )
        counters.update(miss_counters(services))
        gauges.update(source_gauges(services.settings.sources_result))
    return metrics.exposition(gauges, counters, accept)


def source_gauges(path: Path | None) -> dict[str, tuple[str, float]]:
    """The last `sources verify` run (its JSON file), one gauge per result and its time."""
    found = read_result(path) if path is not None else None
    if found is None:
        return {}
    finished, counts = found
    gauges = {
        f"sources_{status}": (f"Cited pages found {status} by the last source check.",
                              float(n))
        for status, n in counts.items()
    }
    gauges["sources_checked_timestamp_seconds"] = (
        "When the last source check finished (Unix time).", finished.timestamp()
    )
    return gauges


def miss_counters(services: Services) -> dict[str, tuple[str, str, dict[str, float]]]:
    """What users missed since the start (bot/core/misses.py), as labelled counters."""
    counts = services.miss_counts
    return {
        "misses": (
            "Questions the bot could not answer, by kind (not_sure, uncovered).",
            "kind",
            {kind.value: float(counts.by_kind[kind.value]) for kind in MissKind},
        ),
        "misses_uncovered": (
            "Questions about a platform the knowledge files do not cover, by platform.",
            "platform",
            {platform: float(n) for platform, n in counts.by_platform.items()},
        ),
    }


class _Handler(tornado.web.RequestHandler):
    """Shared set-up: the server state, and no tornado default page on errors."""

    route = "other"
    # why a webhook request was refused, when the status alone does not say
    refusal: str | None = None

    def initialize(self, state: ServerState, secret: str | None = None) -> None:
        self.state = state
        self.secret = secret

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"error": HTTPStatus(status_code).phrase}))


class HealthHandler(_Handler):
    route = "healthz"

    async def get(self) -> None:
        healthy, body = await health_report(self.state)
        self.set_status(HTTPStatus.OK if healthy else HTTPStatus.SERVICE_UNAVAILABLE)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body))


class MetricsHandler(_Handler):
    route = "metrics"

    async def get(self) -> None:
        body, content_type = await metrics_exposition(
            self.state, self.request.headers.get("Accept")
        )
        self.set_header("Content-Type", content_type)
        self.set_header("Cache-Control", "no-store")
        self.finish(body)


class WebhookHandler(_Handler):
    """Telegram's POSTs: the secret header first, then the update onto the queue."""

    route = "webhook"

    async def post(self) -> None:
        """Answer 200 only once the update has been handled (PTB's own webhook server
        answers as soon as the update is queued: a crash then loses it)."""
        given = self.request.headers.get(SECRET_HEADER, "")
        if not (self.secret and hmac.compare_digest(given.encode(), self.secret.encode())):
            # counted and logged (rate-limited) by _WebApp.log_request
            self.refusal = "wrong secret" if given else "no secret"
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        application = self.state.application
        if self.state.lifecycle is not Lifecycle.READY or not application.running:
            # Telegram delivers it again later, to us once started or to the next process
            raise tornado.web.HTTPError(HTTPStatus.SERVICE_UNAVAILABLE)
        content_type = self.request.headers.get("Content-Type", "").split(";")[0].strip()
        if content_type != "application/json":
            raise tornado.web.HTTPError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE)
        try:
            data = json.loads(self.request.body)
            update = Update.de_json(data, application.bot)
        except Exception as exc:  # not an update: Telegram would not send it, say so
            self.refusal = "not an update"
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from exc
        insert = getattr(application.bot, "insert_callback_data", None)
        if callable(insert):  # arbitrary callback data, when the bot uses it
            insert(update)
        # the update processor keeps one chat's updates in order and bounds concurrency;
        # create_task: Application.stop() waits for it, and an error reaches the error
        # handler — then the update counts as handled (redelivery would fail it again)
        handling = application.create_task(
            application.update_processor.process_update(
                update, application.process_update(update)
            ),
            update=update,
            name="webhook-update",
        )
        try:
            await handling
        except asyncio.CancelledError:
            if not handling.cancelled():
                raise  # this request itself is cancelled
            # abandoned by a stop that overran its grace: Telegram delivers it again
            raise tornado.web.HTTPError(HTTPStatus.SERVICE_UNAVAILABLE) from None
        except Exception:
            pass  # the error handler has seen it: handled, not to be delivered again
        self.set_status(HTTPStatus.OK)
        self.finish()


class NotFoundHandler(_Handler):
    """Any other path: 404, as JSON like every other error here."""

    def prepare(self) -> None:
        raise tornado.web.HTTPError(HTTPStatus.NOT_FOUND)


class _WebApp(tornado.web.Application):
    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """One line per request; the route's name, not its path (the webhook's may be secret)."""
        status = handler.get_status()
        route = getattr(handler, "route", "other")
        level = logging.DEBUG
        refused = route == "webhook" and status in REFUSALS
        if refused and isinstance(handler, _Handler):
            # anyone can send these: counted, and logged at most once a minute
            handler.state.refused(
                handler.refusal or REFUSALS[HTTPStatus(status)], handler.request.remote_ip
            )
        elif status == 503:  # not ready: expected while starting or stopping
            level = logging.INFO
        elif status >= 400:
            level = logging.WARNING
        logger.log(
            level,
            "http request",
            extra={
                "method": handler.request.method,
                "route": route,
                "status": status,
                "ms": round(1000 * handler.request.request_time(), 1),
            },
        )


class HttpServer:
    """Listens on one address and port; `start` binds (OSError if it cannot), `stop` closes."""

    def __init__(
        self,
        state: ServerState,
        *,
        webhook_path: str | None = None,
        secret: str | None = None,
    ) -> None:
        routes: list[Any] = [
            (HEALTH_PATH, HealthHandler, {"state": state}),
            (METRICS_PATH, MetricsHandler, {"state": state}),
        ]
        if webhook_path is not None:
            routes.append((webhook_path, WebhookHandler, {"state": state, "secret": secret}))
        self._app = _WebApp(
            routes, default_handler_class=NotFoundHandler, default_handler_args={"state": state}
        )
        self._server: HTTPServer | None = None
        self._sockets: list[socket.socket] = []
        self.port: int | None = None

    async def start(self, listen: str, port: int) -> None:
        # bind first, so a port in use fails start-up before anything else happens
        self._sockets = tornado.netutil.bind_sockets(port, address=listen)
        self.port = int(self._sockets[0].getsockname()[1])
        self._server = HTTPServer(self._app, max_body_size=MAX_BODY_BYTES)
        self._server.add_sockets(self._sockets)
        logger.info("http listening", extra={"listen": listen, "port": self.port})

    async def stop(self) -> None:
        """Stop accepting, then let open connections finish; safe to call twice."""
        server, self._server = self._server, None
        if server is None:
            return
        started = time.perf_counter()
        server.stop()
        with contextlib.suppress(Exception):
            await server.close_all_connections()
        logger.debug("http stopped", extra={"ms": round(1000 * (time.perf_counter() - started))})
