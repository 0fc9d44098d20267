"""The Bot API misbehaves, over real HTTP: the bot keeps serving everyone else.

The application is built as `python -m bot` builds it and talks to a fake Bot API on
127.0.0.1, once through PTB's own HTTP client (HTTPXRequest) and once through the bot's
(AiohttpRequest, bot/infra/transport.py), with a short read timeout so a slow answer is a
timeout within the test. For one user the API answers 5xx, is too
slow, hangs up, or says the user blocked the bot; meanwhile the others must get their
answers, and the failure is logged exactly once, with the update, user and handler.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.request import HTTPXRequest

from bench.fakeapi_http import FakeApiServer, Fault, ServerThread
from bot.app import BotApplication, build_application
from bot.core.services import services_of
from bot.infra.transport import AiohttpRequest
from tests.bot.harness import make_settings
from tests.faults.conftest import LogRecorder

READ_TIMEOUT = 1.0  # generous: only the faults below should ever time out
VICTIM, OTHERS = 5001, (5002, 5003)


@pytest.fixture
def api() -> Iterator[ServerThread]:
    runner = ServerThread()
    try:
        yield runner
    finally:
        runner.close()


@pytest.fixture
def logs() -> Iterator[LogRecorder]:
    recorder = LogRecorder(logging.INFO)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(recorder)
    root.setLevel(logging.INFO)
    try:
        yield recorder
    finally:
        root.removeHandler(recorder)
        root.setLevel(old_level)


@pytest.fixture(params=[HTTPXRequest, AiohttpRequest], ids=["httpx", "aiohttp"])
async def app(
    api: ServerThread, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[BotApplication]:
    """The bot on PTB's own client and on ours (bot/infra/transport.py): the same faults."""
    settings = make_settings(tmp_path / "kefu.sqlite3", api_base_url=api.base_url)
    client = request.param
    application = build_application(
        settings,
        request=client(read_timeout=READ_TIMEOUT, connect_timeout=2.0,
                       connection_pool_size=16),
    )
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


class Users:
    """Updates from several private chats, numbered."""

    def __init__(self) -> None:
        self.next_id = 1

    def message(self, user_id: int, text: str) -> dict[str, Any]:
        self.next_id += 1
        data: dict[str, Any] = {"update_id": self.next_id, "message": {
            "message_id": self.next_id, "date": 1795399200, "text": text,
            "from": {"id": user_id, "is_bot": False, "first_name": "U", "language_code": "en"},
            "chat": {"id": user_id, "type": "private", "first_name": "U"}}}
        if text.startswith("/"):
            length = len(text.split()[0])
            data["message"]["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return data

    def press(self, user_id: int, data: str, message: dict[str, Any]) -> dict[str, Any]:
        self.next_id += 1
        return {"update_id": self.next_id, "callback_query": {
            "id": f"cq{self.next_id}", "data": data, "chat_instance": "ci", "message": message,
            "from": {"id": user_id, "is_bot": False, "first_name": "U", "language_code": "en"}}}


async def feed(app: BotApplication, data: dict[str, Any]) -> int:
    await app.process_update(Update.de_json(data, app.bot))
    return int(data["update_id"])


def sent_to(server: FakeApiServer, chat_id: int) -> list[str]:
    """Texts of the messages the API accepted for the chat."""
    return [str(c.params.get("text")) for c in server.calls
            if c.method in ("sendMessage", "editMessageText") and c.status == 200
            and str(c.params.get("chat_id")) == str(chat_id)]


def about(logs: LogRecorder, update_id: int, level: int = logging.WARNING) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in logs.at_least(level)
            if r.__dict__.get("update_id") == update_id]


FAULTS = {
    "500": Fault(status=500, description="Internal Server Error", times=None),
    "502": Fault(status=502, description="Bad Gateway", times=None),
    "timeout": Fault(delay=READ_TIMEOUT * 3, then_succeed=True, times=None),
    "dropped": Fault(drop=True, times=None),
}
# what PTB makes of each (the error handler logs the class name)
ERRORS = {"500": "NetworkError", "502": "NetworkError", "timeout": "TimedOut",
          "dropped": "NetworkError"}


@pytest.mark.parametrize("kind", list(FAULTS))
async def test_one_failing_chat_does_not_stop_the_others(
    api: ServerThread, app: BotApplication, logs: LogRecorder, kind: str
) -> None:
    fault = FAULTS[kind]
    api.call(api.server.fault, Fault(**{**fault.__dict__, "chat_id": VICTIM}))
    users = Users()
    before = await feed(app, users.message(OTHERS[0], "/start"))
    failed = await feed(app, users.message(VICTIM, "/start"))
    after = await feed(app, users.message(OTHERS[1], "amazon seller account suspended"))
    server = api.server
    assert sent_to(server, OTHERS[0]) and sent_to(server, OTHERS[1])
    assert about(logs, before) == [] and about(logs, after) == []
    # once, by the error handler, naming the update, the user and the handler
    records = [r for r in logs.at_least(logging.WARNING) if r.__dict__.get("update_id") == failed]
    assert [r.getMessage() for r in records] == ["update failed"], about(logs, failed)
    assert records[0].__dict__["user_id"] == VICTIM
    assert records[0].__dict__["handler"] == "start"
    assert records[0].levelno == logging.ERROR
    assert records[0].__dict__["error"] == ERRORS[kind]
    # and nothing else complained at ERROR (no traceback from the apology attempt)
    assert len(logs.at_least(logging.ERROR)) == 1


async def test_a_user_who_blocked_the_bot_is_marked_and_the_others_served(
    api: ServerThread, app: BotApplication, logs: LogRecorder
) -> None:
    api.call(api.server.fault, Fault(chat_id=VICTIM, status=403, times=None,
                                     description="Forbidden: bot was blocked by the user"))
    users = Users()
    blocked = await feed(app, users.message(VICTIM, "/start"))
    await feed(app, users.message(OTHERS[0], "/help"))
    assert sent_to(api.server, OTHERS[0])
    stored = await services_of(app).users.get(VICTIM)
    assert stored is not None and stored.active is False
    assert about(logs, blocked, logging.INFO) == [
        "bot.infra.errors: user unreachable, marked inactive"]
    assert logs.at_least(logging.WARNING) == []


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_a_429_storm_within_the_retries_loses_nothing(
    api: ServerThread, app: BotApplication, logs: LogRecorder
) -> None:
    # every send of anyone is refused three times in a row, with a (short) retry_after
    api.call(api.server.fault, Fault(method="sendMessage", status=429, retry_after=0.05,
                                     description="Too Many Requests: retry after 0.05", times=3))
    users = Users()
    for user_id in (VICTIM, *OTHERS):
        await feed(app, users.message(user_id, "/start"))
    for user_id in (VICTIM, *OTHERS):
        assert len(sent_to(api.server, user_id)) == 1, user_id
    assert api.server.counts["sendMessage"] == 3 + 3
    assert logs.at_least(logging.ERROR) == []


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_a_429_storm_beyond_the_retries_fails_one_update_once(
    api: ServerThread, app: BotApplication, logs: LogRecorder
) -> None:
    api.call(api.server.fault, Fault(method="sendMessage", chat_id=VICTIM, status=429,
                                     retry_after=0.02, times=None,
                                     description="Too Many Requests: retry after 0.02"))
    users = Users()
    failed = await feed(app, users.message(VICTIM, "/start"))
    await feed(app, users.message(OTHERS[0], "/start"))
    assert sent_to(api.server, OTHERS[0])
    ours = [r for r in logs.at_least(logging.ERROR) if r.name.startswith("bot.")]
    assert [(r.getMessage(), r.__dict__.get("update_id")) for r in ours] == [
        ("update failed", failed)]


async def test_pressing_the_same_button_twice_is_quiet(
    api: ServerThread, app: BotApplication, logs: LogRecorder
) -> None:
    users = Users()
    await feed(app, users.message(VICTIM, "/start"))
    menu = api.call(api.server.last_message, VICTIM)
    data = next(b["callback_data"] for row in menu.markup["inline_keyboard"] for b in row
                if b.get("callback_data", "").startswith("1:m:"))
    for _ in range(2):
        current = api.call(api.server.last_message, VICTIM)
        await feed(app, users.press(VICTIM, data, api.server.message_json(current)))
    edits = api.server.calls_of("editMessageText")
    assert [c.status for c in edits] == [200, 400]  # the second: "message is not modified"
    assert logs.at_least(logging.WARNING) == []
    await feed(app, users.message(OTHERS[0], "/start"))
    assert sent_to(api.server, OTHERS[0])
