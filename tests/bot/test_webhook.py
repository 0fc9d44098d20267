"""Webhook mode end to end: the real Application and HTTP server on 127.0.0.1, a fake Bot API."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.openmetrics.parser import (
    text_string_to_metric_families as openmetrics_families,
)

from bot.app import build_application
from bot.core.clock import ManualClock
from bot.core.config import ConfigError
from bot.core.services import services_of
from bot.infra import runtime as runtime_module
from bot.infra.http import SECRET_HEADER
from bot.infra.metrics import metrics_of
from bot.infra.runtime import BotRuntime, check_webhook
from tests.bot.exposition import kind, sample, samples
from tests.bot.fakeapi import Failure, FakeBotApi
from tests.bot.harness import ZH_USER, TgUser, make_settings

SECRET = "s3cret_webhook-token_0123456789"
WEBHOOK_URL = "https://bot.example.test/telegram"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class GatedBotApi(FakeBotApi):
    """The fake Bot API; calls of the methods in `held` wait until the gate opens."""

    def __init__(self, clock: ManualClock) -> None:
        super().__init__(clock)
        self.held = {"getMe"}
        self.entered = asyncio.Event()  # a held call is waiting
        self.gate = asyncio.Event()
        self.gate.set()

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        if url.rsplit("/", 1)[-1] in self.held and not self.gate.is_set():
            self.entered.set()
            await self.gate.wait()
        return await super().do_request(url, method, *args, **kwargs)


@dataclass
class WebhookBot:
    runtime: BotRuntime
    api: GatedBotApi
    client: httpx.AsyncClient
    _ids: Any = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.runtime.http_port}"

    def update(self, text: str, user: TgUser = ZH_USER) -> dict[str, Any]:
        if self._ids is None:
            self._ids = itertools.count(1)
        n = next(self._ids)
        message: dict[str, Any] = {
            "message_id": 100 + n, "from": user.json(), "chat": user.private_chat(),
            "date": 1795399200, "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        return {"update_id": 5000 + n, "message": message}

    async def post(self, body: Any, secret: str | None = SECRET,
                   content_type: str = "application/json") -> httpx.Response:
        headers = {"Content-Type": content_type}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        return await self.client.post(f"{self.base}/telegram", content=data, headers=headers)

    async def get(self, path: str) -> httpx.Response:
        return await self.client.get(f"{self.base}{path}")

    async def processed(self) -> None:
        """Every update the server accepted has been handled by the Application."""
        await self.runtime.application.update_queue.join()


@pytest.fixture
async def webhook_bot(db_path: Path, clock: ManualClock) -> AsyncIterator[WebhookBot]:
    api = GatedBotApi(clock)
    settings = make_settings(
        db_path, webhook_url=WEBHOOK_URL, webhook_secret=SECRET,
        webhook_listen="127.0.0.1", webhook_port=free_port(),
    )
    check_webhook(settings)
    app = build_application(settings, clock=clock, request=api, updates_request=api)
    runtime = BotRuntime(app, settings)
    async with httpx.AsyncClient(timeout=10) as client:
        bot = WebhookBot(runtime, api, client)
        try:
            yield bot
        finally:
            await runtime.stop()
    assert api.violations == []


async def start(bot: WebhookBot) -> None:
    await bot.runtime.start()


async def test_healthz_is_503_while_starting_and_200_when_ready(webhook_bot: WebhookBot) -> None:
    bot = webhook_bot
    bot.api.gate.clear()
    starting = asyncio.create_task(bot.runtime.start())
    await bot.api.entered.wait()  # the server is bound, the Application not started

    response = await bot.get("/healthz")
    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "starting" and report["mode"] == "webhook"
    assert report["database"] == "not open" and report["scheduler"] == "stopped"
    # an update now is refused, so Telegram delivers it again once we are up
    assert (await bot.post(bot.update("/start"))).status_code == 503

    bot.api.gate.set()
    await starting
    response = await bot.get("/healthz")
    assert response.status_code == 200, response.text
    assert response.json() | {"uptime_seconds": 0} == {
        "status": "ready", "mode": "webhook", "database": "ok", "scheduler": "running",
        "uptime_seconds": 0,
    }
    assert response.headers["Content-Type"].startswith("application/json")
    [call] = bot.api.calls_of("setWebhook")
    assert call.params["url"] == WEBHOOK_URL
    assert call.params["secret_token"] == SECRET
    assert "callback_query" in call.params["allowed_updates"]


async def test_a_wrong_or_missing_secret_is_403_and_nothing_is_processed(
    webhook_bot: WebhookBot,
) -> None:
    bot = webhook_bot
    await start(bot)
    before = len(bot.api.calls)
    for secret in (None, "", "wrong-secret", SECRET + "x", SECRET[:-1]):
        response = await bot.post(bot.update("/start"), secret=secret)
        assert response.status_code == 403, secret
    assert bot.runtime.application.update_queue.qsize() == 0
    await bot.processed()
    assert bot.api.calls[before:] == []
    assert sum(metrics_of(bot.runtime.application).updates.values()) == 0
    # the secret is checked before anything else: garbage with a wrong one is also 403
    assert (await bot.post(b"not json", secret="nope")).status_code == 403


async def test_the_right_secret_gets_an_answer_through_the_bot_api(
    webhook_bot: WebhookBot,
) -> None:
    bot = webhook_bot
    await start(bot)
    response = await bot.post(bot.update("/start"))
    assert response.status_code == 200
    await bot.processed()
    sent = bot.api.last_message(ZH_USER.id)
    assert "客服直达" in sent.plain
    # a question, answered with a card
    assert (await bot.post(bot.update("卖家账号被封怎么办"))).status_code == 200
    await bot.processed()
    assert "封号" in bot.api.last_message(ZH_USER.id).plain


async def test_bodies_that_are_not_updates_are_refused(webhook_bot: WebhookBot) -> None:
    bot = webhook_bot
    await start(bot)
    assert (await bot.post(b"{not json")).status_code == 400
    assert (await bot.post(bot.update("/start"), content_type="text/plain")).status_code == 415
    assert (await bot.client.get(f"{bot.base}/telegram")).status_code == 405
    missing = await bot.get("/nothing-here")
    assert missing.status_code == 404 and missing.json() == {"error": "Not Found"}
    await bot.processed()
    assert bot.api.calls_of("sendMessage") == []


async def test_metrics_move_with_updates_reminders_and_errors(webhook_bot: WebhookBot) -> None:
    bot = webhook_bot
    await start(bot)
    response = await bot.get("/metrics")
    assert response.status_code == 200
    # what prometheus-client pairs with its text format when nothing else is asked for
    assert response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    text = response.text
    assert kind(text, "kefu_updates") == "counter"
    assert kind(text, "kefu_update_duration_seconds") == "histogram"
    assert sample(text, "kefu_reminders_sent_total") == 0
    assert sample(text, "kefu_open_cases") == 0
    assert sample(text, "kefu_ready") == 1

    for text_in in ("/start", "/help", "卖家账号被封怎么办"):
        await bot.post(bot.update(text_in))
    await bot.processed()
    # what the reminders engine calls
    metrics = metrics_of(bot.runtime.application)
    metrics.reminder_sent()
    metrics.reminder_sent()
    metrics.reminder_failed()
    text = (await bot.get("/metrics")).text
    assert sample(text, "kefu_updates_total", type="message") == 3
    assert sample(text, "kefu_update_duration_seconds_count", type="message") == 3
    assert sample(text, "kefu_update_duration_seconds_bucket", type="message", le="+Inf") == 3
    assert sample(text, "kefu_reminders_sent_total") == 2
    assert sample(text, "kefu_reminders_failed_total") == 1

    # an error while handling: counted by type
    bot.api.fail("sendMessage", Failure.server_error())
    await bot.post(bot.update("/help"))
    await bot.processed()
    text = (await bot.get("/metrics")).text
    assert sum(samples(text, "kefu_errors_total").values()) == 1
    assert sample(text, "kefu_updates_total", type="message") == 4


async def test_metrics_speak_openmetrics_to_a_scraper_that_asks(webhook_bot: WebhookBot) -> None:
    bot = webhook_bot
    await start(bot)
    await bot.post(bot.update("/start"))
    await bot.processed()
    # what Prometheus sends: OpenMetrics first, the text format as a fallback
    accept = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"
    response = await bot.client.get(f"{bot.base}/metrics", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/openmetrics-text")
    found = {f.name: f for f in openmetrics_families(response.text)}
    [updates] = [s for s in found["kefu_updates"].samples if s.name == "kefu_updates_total"]
    assert updates.labels == {"type": "message"} and updates.value == 1
    assert found["kefu_ready"].samples[0].value == 1


async def test_stop_finishes_a_send_in_flight(webhook_bot: WebhookBot) -> None:
    bot = webhook_bot
    await start(bot)
    bot.api.held, bot.api.entered = {"sendMessage"}, asyncio.Event()
    bot.api.gate.clear()
    # Telegram's request waits while the update is handled
    posting = asyncio.create_task(bot.post(bot.update("/start")))
    await bot.api.entered.wait()  # the answer is on its way
    stopping = asyncio.create_task(bot.runtime.stop())
    response = await bot.get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "stopping"
    assert (await bot.post(bot.update("/help"))).status_code == 503
    bot.api.gate.set()
    await stopping
    assert (await posting).status_code == 200  # handled, then acknowledged
    assert bot.runtime.stopped_cleanly
    assert "客服直达" in bot.api.last_message(ZH_USER.id).plain
    assert not bot.runtime.application.running


async def test_a_stop_that_overruns_its_grace_abandons_what_is_left(
    webhook_bot: WebhookBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = webhook_bot
    monkeypatch.setattr(runtime_module, "STOP_GRACE", 0.05)
    await start(bot)
    bot.api.held, bot.api.entered = {"sendMessage"}, asyncio.Event()
    bot.api.gate.clear()
    posting = asyncio.create_task(bot.post(bot.update("/start")))
    await bot.api.entered.wait()
    await bot.runtime.stop()  # returns although the send never completes
    assert not bot.runtime.stopped_cleanly
    # not acknowledged: Telegram delivers the update again to the next process
    try:
        status = (await posting).status_code
    except httpx.HTTPError:  # or the connection was closed under it
        status = 0
    assert status != 200
    bot.api.gate.set()


async def test_healthz_reports_a_database_that_fails(webhook_bot: WebhookBot) -> None:
    bot = webhook_bot
    await start(bot)
    services = services_of(bot.runtime.application)
    await services.db.close()  # the connection is gone: the next query fails
    response = await bot.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"].startswith("error")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"webhook_url": WEBHOOK_URL}, "BOT_WEBHOOK_SECRET must be set"),
        ({"webhook_url": WEBHOOK_URL, "webhook_secret": "has spaces in it"},
         "BOT_WEBHOOK_SECRET: use 1-256 characters"),
        ({"webhook_url": "http://bot.example.test/telegram", "webhook_secret": SECRET},
         "BOT_WEBHOOK_URL must be an https:// URL"),
        ({"webhook_url": "https://bot.example.test/healthz", "webhook_secret": SECRET},
         "BOT_WEBHOOK_URL: the path /healthz is taken"),
    ],
)
def test_webhook_settings_are_checked_before_starting(
    tmp_path: Path, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        check_webhook(make_settings(tmp_path / "k.sqlite3", **overrides))


def test_polling_needs_no_webhook_settings(tmp_path: Path) -> None:
    check_webhook(make_settings(tmp_path / "k.sqlite3"))
