"""bot.infra.transport.JsonHTTPXRequest over real HTTP: JSON bodies, uploads still multipart, and
failures mapped exactly as PTB's own HTTPXRequest maps them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import NetworkError, TelegramError, TimedOut

from bench.fakeapi_http import Call, Fault, ServerThread
from bot.app import BotApplication, build_application
from bot.infra.transport import JsonHTTPXRequest
from tests.bot.harness import TOKEN, make_settings

USER = {"id": 1001, "is_bot": False, "first_name": "小李", "language_code": "zh-hans"}
CHAT = {"id": 1001, "type": "private", "first_name": "小李"}


@pytest.fixture
def api() -> Iterator[ServerThread]:
    runner = ServerThread()
    try:
        yield runner
    finally:
        runner.close()


@pytest.fixture
async def app(api: ServerThread, tmp_path: Path) -> AsyncIterator[BotApplication]:
    application = build_application(make_settings(tmp_path / "kefu.sqlite3",
                                                  api_base_url=api.base_url),
                                    request=JsonHTTPXRequest())
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
async def bot(api: ServerThread) -> AsyncIterator[Bot]:
    request = JsonHTTPXRequest(read_timeout=1.0)
    async with Bot(TOKEN, base_url=api.base_url, request=request) as client:
        yield client


def calls(api: ServerThread, method: str) -> list[Call]:
    found: list[Call] = api.call(api.server.calls_of, method)
    return found


async def test_the_bot_runs_on_json_bodies(api: ServerThread, app: BotApplication) -> None:
    start: dict[str, Any] = {"update_id": 1, "message": {
        "message_id": 1, "from": USER, "chat": CHAT, "date": 1795399200, "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}
    await app.process_update(Update.de_json(start, app.bot))
    [sent] = calls(api, "sendMessage")
    assert sent.content_type == "application/json" and sent.status == 200
    assert sent.params["chat_id"] == 1001  # a number, not a string: real JSON
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
    assert edit.status == 200 and edit.params["message_id"] == menu.message_id
    assert all(c.content_type == "application/json" for c in api.server.calls
               if c.method != "getMe")


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
     (Fault(method="sendMessage", drop=True), NetworkError)],
    ids=["timeout", "dropped"],
)
async def test_failures_map_like_ptbs_own(
    api: ServerThread, bot: Bot, fault: Fault, error: type[Exception]
) -> None:
    api.call(api.server.fault, fault)
    with pytest.raises(error):
        await bot.send_message(1001, "hi")
    await bot.send_message(1001, "again")  # the client is fine afterwards


async def test_a_timeout_given_to_the_call_wins(api: ServerThread, bot: Bot) -> None:
    api.call(api.server.fault, Fault(method="sendMessage", delay=0.4, then_succeed=True))
    with pytest.raises(TimedOut):
        await bot.send_message(1001, "hi", read_timeout=0.1)
