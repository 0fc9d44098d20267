"""`python -m bot` as a process: SIGTERM in the middle of a send, /healthz in polling mode,
and the database lock seen by `restore`, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import concurrent.futures
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bench.fakeapi_http import parse_form
from tests.bot.exposition import sample
from tests.bot.harness import TOKEN, ZH_USER
from tests.bot.test_webhook import SECRET, free_port

REPO = Path(__file__).resolve().parents[2]
BOT_USER = {"id": 7000000001, "is_bot": True, "first_name": "客服直达",
            "username": "kefu_test_bot", "can_join_groups": True,
            "can_read_all_group_messages": False, "supports_inline_queries": False}
# generous: a loaded CI machine starts Python slowly; the 10 s shutdown limit is separate
START_TIMEOUT = 60.0
STOP_LIMIT = 10.0
START_UPDATE = {"update_id": 1, "message": {
    "message_id": 1, "from": ZH_USER.json(), "chat": ZH_USER.private_chat(),
    "date": 1795399200, "text": "/start",
    "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}


class SlowBotApi:
    """The Bot API over HTTP; sendMessage is held until `release` is set."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.send_started = threading.Event()
        self.send_answered = threading.Event()
        self.release = threading.Event()
        self.stopping = threading.Event()

    def answer(self, method: str, params: dict[str, Any]) -> Any:
        self.calls.append(method)
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            self.stopping.wait(min(float(params.get("timeout", 0)), 1.0))
            return []
        if method == "sendMessage":
            self.send_started.set()
            self.release.wait(START_TIMEOUT)
            return {"message_id": 2, "from": BOT_USER, "chat": ZH_USER.private_chat(),
                    "date": 1795399200, "text": params.get("text", "")}
        return True


@pytest.fixture
def slow_api() -> Iterator[tuple[SlowBotApi, str]]:
    api = SlowBotApi()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            # JSON (the bot's client) or a form (PTB's own), as Telegram accepts both
            params = parse_form(body, self.headers.get("Content-Type", ""))
            method = self.path.rsplit("/", 1)[-1]
            payload = json.dumps({"ok": True, "result": api.answer(method, params)}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            if method == "sendMessage":
                api.send_answered.set()

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api, f"http://127.0.0.1:{server.server_address[1]}/bot"
    finally:
        api.stopping.set()
        api.release.set()
        server.shutdown()
        server.server_close()


@dataclass
class BotProcess:
    process: subprocess.Popen[str]
    port: int
    env: dict[str, str]

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def post_update(
        self, update: dict[str, Any], secret: str = SECRET, timeout: float = 5
    ) -> int:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/telegram", data=json.dumps(update).encode(),
            headers={"Content-Type": "application/json",
                     "X-Telegram-Bot-Api-Secret-Token": secret},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return exc.code

    def wait_for_health(self, status: int) -> dict[str, Any]:
        """Poll /healthz until it answers `status` (the process starting or stopping)."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.process.communicate()[1]
            try:
                code, body = self.get("/healthz")
            except OSError:
                code, body = 0, ""
            if code == status:
                return dict(json.loads(body))
            time.sleep(0.05)
        raise AssertionError(f"/healthz never answered {status}")

    def command(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args], env=self.env, capture_output=True,
            text=True, timeout=60, check=False,
        )


def launch(tmp_path: Path, base_url: str, **env_vars: str) -> BotProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    port = free_port()
    env.update({
        "PYTHONPATH": str(REPO),
        "BOT_TOKEN": TOKEN,
        "BOT_API_BASE_URL": base_url,
        "BOT_DB": str(tmp_path / "kefu.sqlite3"),
        "BOT_WEBHOOK_LISTEN": "127.0.0.1",
        **{k: v.replace("{port}", str(port)) for k, v in env_vars.items()},
    })
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    return BotProcess(process, port, env)


@pytest.fixture
def running(tmp_path: Path) -> Iterator[list[BotProcess]]:
    started: list[BotProcess] = []
    yield started
    for bot in started:
        if bot.process.poll() is None:
            bot.process.kill()
            bot.process.communicate()


def test_sigterm_during_a_send_finishes_it_and_exits_0_within_10_s(
    slow_api: tuple[SlowBotApi, str], tmp_path: Path, running: list[BotProcess]
) -> None:
    api, base_url = slow_api
    bot = launch(tmp_path, base_url, BOT_WEBHOOK_URL="https://bot.example.test/telegram",
                 BOT_WEBHOOK_SECRET=SECRET, BOT_WEBHOOK_PORT="{port}")
    running.append(bot)
    bot.wait_for_health(200)
    assert "setWebhook" in api.calls

    # Telegram's request is answered once the update is handled: it waits meanwhile
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        posted = pool.submit(bot.post_update, START_UPDATE, timeout=START_TIMEOUT)
        assert api.send_started.wait(START_TIMEOUT), "the bot never answered /start"
        _sigterm_mid_send(bot, api)
        assert posted.result(START_TIMEOUT) == 200  # handled, then acknowledged


def _sigterm_mid_send(bot: BotProcess, api: SlowBotApi) -> None:
    bot.process.send_signal(signal.SIGTERM)
    signalled = time.monotonic()
    # the signal is taken while the answer is still on its way
    report = bot.wait_for_health(503)
    assert report["status"] == "stopping"
    assert not api.send_answered.is_set()
    # an update arriving now is refused: Telegram delivers it again after the restart
    assert bot.post_update({**START_UPDATE, "update_id": 2}) == 503
    api.release.set()
    _, stderr = bot.process.communicate(timeout=START_TIMEOUT)
    assert time.monotonic() - signalled < STOP_LIMIT
    assert bot.process.returncode == 0, stderr
    assert api.send_answered.is_set()  # the send completed, it was not cut off
    assert api.calls.count("sendMessage") == 1
    assert "update failed" not in stderr and "abandoned" not in stderr
    assert "msg=stopped" in stderr
    assert TOKEN not in stderr and SECRET not in stderr
    assert "deleteWebhook" not in api.calls  # Telegram keeps the updates for the next start


def test_polling_serves_healthz_and_metrics_and_holds_the_database(
    slow_api: tuple[SlowBotApi, str], tmp_path: Path, running: list[BotProcess]
) -> None:
    api, base_url = slow_api
    api.release.set()
    bot = launch(tmp_path, base_url, BOT_HTTP_PORT="{port}", BOT_LOG_FORMAT="json")
    running.append(bot)
    report = bot.wait_for_health(200)
    assert report["mode"] == "polling" and report["polling"] == "running"
    status, metrics = bot.get("/metrics")
    assert status == 200 and sample(metrics, "kefu_open_cases") == 0
    # the webhook route does not exist in polling mode
    assert bot.post_update(START_UPDATE) == 404

    health = bot.command("health")
    assert health.returncode == 0, health.stderr
    assert json.loads(health.stdout)["status"] == "ready"
    (tmp_path / "backups").mkdir()
    backup = bot.command("backup", str(tmp_path / "backups"))
    assert backup.returncode == 0, backup.stderr
    [copy] = (tmp_path / "backups").iterdir()
    restore = bot.command("restore", str(copy))
    assert restore.returncode == 1
    assert "restore refused" in restore.stderr and "stop the bot first" in restore.stderr
    second = bot.command()  # a second bot on the same database does not start
    assert second.returncode == 1 and "in use" in second.stderr

    bot.process.send_signal(signal.SIGTERM)
    api.stopping.set()
    _, stderr = bot.process.communicate(timeout=START_TIMEOUT)
    assert bot.process.returncode == 0, stderr
    lines = [json.loads(line) for line in stderr.splitlines()]
    assert {"ready", "serving", "stopping", "stopped"} <= {line["msg"] for line in lines}
    restore = bot.command("restore", str(copy))  # the bot is gone: now it may
    assert restore.returncode == 0, restore.stderr
