"""`python -m bot` as an operator runs it: real HTTP to a local Bot API, polling, SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bench.fakeapi_http import parse_form
from tests.bot.harness import TOKEN, ZH_USER

REPO = Path(__file__).resolve().parents[2]
BOT_USER = {"id": 7000000001, "is_bot": True, "first_name": "客服直达",
            "username": "kefu_test_bot", "can_join_groups": True,
            "can_read_all_group_messages": False, "supports_inline_queries": False}


class LocalBotApi:
    """Just enough of the Bot API over HTTP for one /start: getUpdates hands it out once."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.sent = threading.Event()
        self.stopping = threading.Event()
        self.paths: set[str] = set()
        self._delivered = False

    def answer(self, path: str, params: dict[str, Any]) -> Any:
        self.paths.add(path.rsplit("/", 1)[0])
        method = path.rsplit("/", 1)[-1]
        self.calls.append((method, params))
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            if not self._delivered:
                self._delivered = True
                return [{"update_id": 1, "message": {
                    "message_id": 1, "from": ZH_USER.json(), "chat": ZH_USER.private_chat(),
                    "date": 1795399200, "text": "/start",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}]
            # a long poll: hold the request like Telegram does, until stopped or timed out
            self.stopping.wait(min(float(params.get("timeout", 0)), 2.0))
            return []
        if method == "sendMessage":
            self.sent.set()
            return {"message_id": 2, "from": BOT_USER, "chat": ZH_USER.private_chat(),
                    "date": 1795399200, "text": params.get("text", "")}
        return True


@pytest.fixture
def local_api() -> Iterator[tuple[LocalBotApi, str]]:
    api = LocalBotApi()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            # JSON (the bot's client) or a form (PTB's own), as Telegram accepts both
            params = parse_form(self.rfile.read(length), self.headers.get("Content-Type", ""))
            payload = json.dumps({"ok": True, "result": api.answer(self.path, params)}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api, f"http://127.0.0.1:{server.server_address[1]}/bot"
    finally:
        api.stopping.set()
        server.shutdown()
        server.server_close()


def test_runs_answers_and_stops_cleanly_on_sigterm(
    local_api: tuple[LocalBotApi, str], tmp_path: Path
) -> None:
    api, base_url = local_api
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update({
        "PYTHONPATH": str(REPO),
        "BOT_TOKEN": TOKEN,
        "BOT_API_BASE_URL": base_url,
        "BOT_DB": str(tmp_path / "kefu.sqlite3"),
        "BOT_LOG_LEVEL": "DEBUG",
    })
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert api.sent.wait(60), "the bot never answered /start"
        process.send_signal(signal.SIGTERM)
        api.stopping.set()
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    methods = [method for method, _ in api.calls]
    assert methods[0] == "getMe"
    # private (default), groups and group admins, each in three languages
    assert methods.count("setMyCommands") == 9
    text = next(params["text"] for method, params in api.calls if method == "sendMessage")
    assert "客服直达" in text
    assert api.paths == {f"/bot{TOKEN}"}  # the configured base URL, with the token
    assert 'msg=ready' in stderr and "msg=stopped" in stderr
    assert TOKEN not in stderr
    assert (tmp_path / "kefu.sqlite3").is_file()
