"""The public webhook path under attack and under a crash: refused requests cannot grow
the log, and an update is acknowledged to Telegram only once it has been handled."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bench.fakeapi_http import Fault, ServerThread
from bot.core.clock import ManualClock
from bot.infra.http import SECRET_HEADER
from tests.bot.conftest import START
from tests.bot.exposition import sample
from tests.bot.harness import TOKEN, ZH_USER, TgUser
from tests.bot.test_webhook import SECRET, WebhookBot, free_port, start, webhook_bot
from tests.faults.conftest import LogRecorder

REPO = Path(__file__).resolve().parents[2]

__all__ = ["webhook_bot"]  # the fixture, used by name below


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "kefu.sqlite3"


@pytest.fixture
def logs() -> Iterator[LogRecorder]:
    recorder = LogRecorder(logging.DEBUG)
    root = logging.getLogger()
    level = root.level
    root.addHandler(recorder)
    root.setLevel(logging.INFO)
    try:
        yield recorder
    finally:
        root.removeHandler(recorder)
        root.setLevel(level)


def lines_about(logs: LogRecorder, route: str = "webhook") -> list[logging.LogRecord]:
    """Records at INFO and above that came from a request to the webhook route."""
    return [r for r in logs.at_least(logging.INFO)
            if r.name == "bot.infra.http" and ("refused" in r.getMessage()
                                         or getattr(r, "route", None) == route)]


# --- 8. refused requests: counted, and logged at most once a minute ------------------


async def test_refused_webhook_requests_are_counted_and_logged_at_a_limited_rate(
    webhook_bot: WebhookBot, clock: ManualClock, logs: LogRecorder
) -> None:
    bot = webhook_bot
    await start(bot)
    logs.clear()
    for n in range(100):
        secret = None if n % 2 else "wrong"
        assert (await bot.post(bot.update("/start"), secret=secret)).status_code == 403
    assert (await bot.post(b"{not json")).status_code == 400
    assert (await bot.client.get(f"{bot.base}/telegram")).status_code == 405
    [line] = lines_about(logs)  # one line for 102 refusals
    assert line.levelno == logging.WARNING and getattr(line, "suppressed", None) == 0

    clock.advance(timedelta(seconds=61))
    assert (await bot.post(bot.update("/start"), secret="wrong")).status_code == 403
    _, second = lines_about(logs)
    assert getattr(second, "suppressed", None) == 101  # the ones not logged in between
    assert SECRET not in second.getMessage()

    text = (await bot.get("/metrics")).text
    assert sample(text, "kefu_webhook_refused_total", reason="wrong secret") == 51
    assert sample(text, "kefu_webhook_refused_total", reason="no secret") == 50
    assert sample(text, "kefu_webhook_refused_total", reason="not an update") == 1
    assert sample(text, "kefu_webhook_refused_total", reason="wrong method") == 1
    assert bot.api.calls_of("sendMessage") == []


# --- 5. acknowledged means handled ---------------------------------------------------


async def test_the_webhook_answers_only_after_the_update_is_handled(
    webhook_bot: WebhookBot,
) -> None:
    bot = webhook_bot
    await start(bot)
    bot.api.held, bot.api.entered = {"sendMessage"}, asyncio.Event()
    bot.api.gate.clear()
    posting = asyncio.create_task(bot.post(bot.update("/start")))
    await bot.api.entered.wait()  # the bot is answering the update
    await asyncio.sleep(0.05)  # room for an early 200, which must not come
    assert not posting.done()
    bot.api.gate.set()
    response = await posting
    assert response.status_code == 200
    # by the time Telegram hears 200, the reply has gone out
    assert "客服直达" in bot.api.last_message(ZH_USER.id).plain


class FakeTelegram:
    """Telegram's side of a webhook: POSTs each update over several connections and
    delivers it again, later, until one POST of it is answered 200."""

    def __init__(self, url: str, updates: list[dict[str, Any]], connections: int) -> None:
        self.url = url
        self.pending: queue.Queue[dict[str, Any]] = queue.Queue()
        for update in updates:
            self.pending.put(update)
        self.total = len(updates)
        self.acknowledged: set[int] = set()
        self.redelivered = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._deliver, daemon=True)
                         for _ in range(connections)]

    def __enter__(self) -> FakeTelegram:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(30)

    def acked(self) -> int:
        with self._lock:
            return len(self.acknowledged)

    def _post(self, update: dict[str, Any]) -> int:
        request = urllib.request.Request(
            self.url, data=json.dumps(update).encode(),
            headers={"Content-Type": "application/json", SECRET_HEADER: SECRET},
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:  # refused, reset, cut off by the kill
            return 0

    def _deliver(self) -> None:
        while not self._stop.is_set():
            try:
                update = self.pending.get(timeout=0.05)
            except queue.Empty:
                continue
            if self._post(update) == 200:
                with self._lock:
                    self.acknowledged.add(update["update_id"])
            else:  # not acknowledged: Telegram tries again a little later
                with self._lock:
                    self.redelivered += 1
                self._stop.wait(0.05)
                self.pending.put(update)


UPDATES = 60
CONNECTIONS = 8


def test_a_bot_killed_mid_stream_loses_no_acknowledged_update(tmp_path: Path) -> None:
    api = ServerThread(record_calls=True)
    try:
        # each answer takes a moment, so the kill lands while updates are being handled
        api.call(api.server.fault, Fault(method="sendMessage", delay=0.02, then_succeed=True,
                                         times=None))
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
        env.update({"PYTHONPATH": str(REPO), "BOT_TOKEN": TOKEN,
                    "BOT_DB": str(tmp_path / "kefu.sqlite3"), "BOT_API_BASE_URL": api.base_url,
                    "BOT_WEBHOOK_URL": "https://bot.example.test/telegram",
                    "BOT_WEBHOOK_SECRET": SECRET, "BOT_WEBHOOK_LISTEN": "127.0.0.1",
                    "BOT_WEBHOOK_PORT": str(port), "BOT_LOG_LEVEL": "WARNING"})
        log_path = tmp_path / "bot.log"

        def launch() -> subprocess.Popen[str]:
            with log_path.open("a", encoding="utf-8") as log:
                return subprocess.Popen([sys.executable, "-m", "bot"], cwd=tmp_path, env=env,
                                        stdout=subprocess.DEVNULL, stderr=log, text=True)

        users = [TgUser(2_000_000 + n, f"u{n}", "en") for n in range(UPDATES)]
        updates = [{"update_id": 9000 + n, "message": {
            "message_id": 1, "from": user.json(), "chat": user.private_chat(),
            "date": 1795399200, "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}
            for n, user in enumerate(users)]

        def answered() -> set[int]:
            def read() -> set[int]:
                return {int(c.params["chat_id"]) for c in api.server.calls
                        if c.method == "sendMessage" and c.status == 200}
            result: set[int] = api.call(read)
            return result

        process = launch()
        try:
            with FakeTelegram(f"http://127.0.0.1:{port}/telegram", updates,
                              CONNECTIONS) as telegram:
                deadline = time.monotonic() + 60
                while telegram.acked() < UPDATES // 3 and time.monotonic() < deadline:
                    time.sleep(0.005)
                assert telegram.acked() >= UPDATES // 3, log_path.read_text()
                process.kill()  # SIGKILL: no stop, no goodbye
                process.wait(30)
                acked_at_kill = telegram.acked()
                process = launch()
                deadline = time.monotonic() + 90
                while telegram.acked() < UPDATES and time.monotonic() < deadline:
                    time.sleep(0.02)
                redelivered = telegram.redelivered
            process.send_signal(signal.SIGTERM)
            process.wait(60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        handled = answered()
        print(f"webhook crash: {acked_at_kill} acknowledged at the kill, "
              f"{redelivered} deliveries repeated, {len(handled)}/{UPDATES} handled")
        assert telegram.acked() == UPDATES, log_path.read_text()[-3000:]
        missing = sorted({u.id for u in users} - handled)
        assert missing == [], f"acknowledged but never handled: {len(missing)}"
        assert process.returncode == 0, log_path.read_text()[-3000:]
    finally:
        api.close()
