"""bot.infra.transport over real HTTP on 127.0.0.1: the aiohttp client (and JsonHTTPXRequest,
the httpx alternative) send JSON bodies, uploads stay multipart, failures map exactly as
PTB's own HTTPXRequest maps them, one keep-alive pool is reused, and a proxy is used."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import BaseRequest, HTTPXRequest

from bench.fakeapi_http import Call, Fault, ServerThread
from bot.app import BotApplication, build_application
from bot.infra.transport import AiohttpRequest, JsonHTTPXRequest, bot_requests
from tests.bot.harness import TOKEN, make_settings

USER = {"id": 1001, "is_bot": False, "first_name": "小李", "language_code": "zh-hans"}
CHAT = {"id": 1001, "type": "private", "first_name": "小李"}
CLIENTS = {"aiohttp": AiohttpRequest, "httpx-json": JsonHTTPXRequest}


@pytest.fixture
def api() -> Iterator[ServerThread]:
    runner = ServerThread()
    try:
        yield runner
    finally:
        runner.close()


@pytest.fixture(params=list(CLIENTS))
def client(request: pytest.FixtureRequest) -> type[BaseRequest]:
    chosen: type[BaseRequest] = CLIENTS[request.param]
    return chosen


@pytest.fixture
async def app(api: ServerThread, tmp_path: Path) -> AsyncIterator[BotApplication]:
    """The application as `python -m bot` builds it: its request objects from the settings."""
    application = build_application(make_settings(tmp_path / "kefu.sqlite3",
                                                  api_base_url=api.base_url))
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    try:
        yield application
    finally:
        await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


@pytest.fixture
async def bot(api: ServerThread, client: type[BaseRequest]) -> AsyncIterator[Bot]:
    request = client(read_timeout=1.0)  # type: ignore[call-arg]  # both take it
    async with Bot(TOKEN, base_url=api.base_url, request=request) as tg:
        yield tg


def calls(api: ServerThread, method: str) -> list[Call]:
    found: list[Call] = api.call(api.server.calls_of, method)
    return found


async def test_the_bot_runs_on_aiohttp_with_json_bodies(
    api: ServerThread, app: BotApplication
) -> None:
    assert isinstance(app.bot.request, AiohttpRequest)
    start: dict[str, Any] = {"update_id": 1, "message": {
        "message_id": 1, "from": USER, "chat": CHAT, "date": 1795399200, "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}
    await app.process_update(Update.de_json(start, app.bot))
    [sent] = calls(api, "sendMessage")
    assert sent.content_type == "application/json" and sent.status == 200
    assert sent.params["chat_id"] == 1001  # a number, not a string: real JSON
    assert sent.params["parse_mode"] == "HTML"
    assert sent.params["link_preview_options"] == {"is_disabled": True}
    assert "客服直达" in sent.params["text"]
    keyboard = sent.params["reply_markup"]["inline_keyboard"]
    data = next(b["callback_data"] for row in keyboard for b in row
                if b.get("callback_data", "").startswith("1:m:"))
    menu = api.call(api.server.last_message, 1001)
    press: dict[str, Any] = {"update_id": 2, "callback_query": {
        "id": "q1", "from": USER, "chat_instance": "c", "data": data,
        "message": api.server.message_json(menu)}}
    await app.process_update(Update.de_json(press, app.bot))
    assert [c.status for c in calls(api, "answerCallbackQuery")] == [200]
    [edit] = calls(api, "editMessageText")
    # the unparsed edit (bot/core/replies.py edit_pressed) sends what PTB's would
    assert edit.status == 200 and edit.params["message_id"] == menu.message_id
    assert edit.params["chat_id"] == 1001 and edit.params["parse_mode"] == "HTML"
    assert edit.params["link_preview_options"] == {"is_disabled": True}
    assert edit.params["reply_markup"]["inline_keyboard"]
    assert all(c.content_type == "application/json" for c in api.server.calls
               if c.method != "getMe")


def test_the_setting_switches_back_to_ptbs_own_client(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "kefu.sqlite3", api_client="httpx")
    app = build_application(settings)
    assert type(app.bot.request) is HTTPXRequest
    for request in bot_requests("aiohttp"):
        assert isinstance(request, AiohttpRequest)


async def test_uploads_stay_multipart(api: ServerThread, bot: Bot) -> None:
    with pytest.raises(TelegramError):  # the fake API has no sendDocument: a 404
        await bot.send_document(1001, InputFile(b"{}", filename="export.json"))
    [upload] = calls(api, "sendDocument")
    assert upload.content_type == "multipart/form-data"


async def test_keyboard_markup_round_trips(api: ServerThread, bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("亚马逊 & <b>", callback_data="1:m:x")]])
    message = await bot.send_message(1001, "<b>a & b</b> 🙂", parse_mode="HTML",
                                     reply_markup=markup)
    assert message.text == "<b>a & b</b> 🙂"
    [sent] = calls(api, "sendMessage")
    assert sent.params["reply_markup"] == markup.to_dict()
    assert sent.params["parse_mode"] == "HTML"


@pytest.mark.parametrize(
    ("fault", "error"),
    [(Fault(method="sendMessage", delay=3.0, then_succeed=True), TimedOut),
     (Fault(method="sendMessage", drop=True), NetworkError),
     (Fault(method="sendMessage", status=500), NetworkError),
     (Fault(method="sendMessage", status=502, description="Bad Gateway"), NetworkError),
     (Fault(method="sendMessage", status=403,
            description="Forbidden: bot was blocked by the user"), Forbidden),
     (Fault(method="sendMessage", status=400, description="Bad Request: chat not found"),
      BadRequest)],
    ids=["timeout", "dropped", "500", "502", "403", "400"],
)
async def test_failures_map_like_ptbs_own(
    api: ServerThread, bot: Bot, fault: Fault, error: type[Exception]
) -> None:
    api.call(api.server.fault, fault)
    with pytest.raises(error) as raised:
        await bot.send_message(1001, "hi")
    assert type(raised.value) is error  # not a subclass standing in for it
    await bot.send_message(1001, "again")  # the client is fine afterwards


async def test_flood_control_is_retry_after(api: ServerThread, bot: Bot) -> None:
    api.call(api.server.fault, Fault(method="sendMessage", status=429,
                                     description="Too Many Requests: retry after 3",
                                     retry_after=3))
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(1001, "hi")
    assert raised.value.retry_after == timedelta(seconds=3)  # (PTB_TIMEDELTA: bot/__init__)


async def test_a_timeout_given_to_the_call_wins(api: ServerThread, bot: Bot) -> None:
    api.call(api.server.fault, Fault(method="sendMessage", delay=0.4, then_succeed=True))
    with pytest.raises(TimedOut):
        await bot.send_message(1001, "hi", read_timeout=0.1)


async def test_nothing_listening_is_a_network_error(tmp_path: Path) -> None:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # free, and closed again below: nobody listens
    request = AiohttpRequest(connect_timeout=1.0)
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as raised:
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")
        assert not isinstance(raised.value, TimedOut)
    finally:
        await request.shutdown()


async def test_one_keep_alive_pool_of_the_size_given(api: ServerThread) -> None:
    request = AiohttpRequest(connection_pool_size=4)
    async with Bot(TOKEN, base_url=api.base_url, request=request) as tg:
        for i in range(10):
            await tg.send_message(1001, f"one after another {i}")
        assert api.server.connections == 1  # one connection, kept alive
        api.call(api.server.fault, Fault(method="sendMessage", delay=0.05, then_succeed=True,
                                         times=None))
        await asyncio.gather(*(tg.send_message(1001, f"at once {i}") for i in range(20)))
        assert api.server.connections <= 4
        assert len(calls(api, "sendMessage")) == 30


async def test_requests_go_through_the_proxy(api: ServerThread) -> None:
    async with _relay(api.server.port) as (proxy_url, seen):
        request = AiohttpRequest(proxy=proxy_url)
        async with Bot(TOKEN, base_url=api.base_url, request=request) as tg:
            await tg.send_message(1001, "via the proxy")
    [sent] = calls(api, "sendMessage")
    assert sent.params["text"] == "via the proxy"
    # a proxy is asked for the absolute URL; the API saw it from the relay
    assert any(line.startswith(f"POST {api.base_url}") for line in seen)
    assert any(line.endswith("/sendMessage HTTP/1.1") for line in seen)


@contextlib.asynccontextmanager
async def _relay(port: int) -> AsyncIterator[tuple[str, list[str]]]:
    """A forwarding HTTP proxy for http:// URLs, on 127.0.0.1: every request line it relays
    is recorded, the bytes go to the fake API at `port` unchanged."""
    seen: list[str] = []

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                   record: bool) -> None:
        try:
            while data := await reader.read(65536):
                if record:
                    seen.extend(line for line in data.decode("latin-1").split("\r\n")
                                if line.startswith("POST "))
                writer.write(data)
                await writer.drain()
        finally:
            writer.close()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)
        await asyncio.gather(pipe(reader, up_writer, True), pipe(up_reader, writer, False),
                             return_exceptions=True)

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}", seen
    finally:
        server.close()
