"""Polling and a clean stop: updates fetched before a stop are answered, or fetched again by
the next process — never confirmed to Telegram and then dropped (issue 17, item 7).

The fake Bot API holds updates like Telegram does (until a getUpdates offset confirms
them) and records each offset the bot polls with.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

import bot.infra.polling as polling_module
import bot.infra.runtime as runtime_module
from bot.app import build_application
from bot.core.clock import ManualClock
from bot.infra.runtime import BotRuntime
from tests.bot.fakeapi import Failure, FakeBotApi
from tests.bot.groupchat import SUPERGROUP
from tests.bot.harness import EN_USER, ZH_USER, TgUser, make_settings

_ids = itertools.count(1)


def text_update(update_id: int, text: str, user: TgUser = ZH_USER,
                chat: dict[str, Any] | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": next(_ids), "from": user.json(), "chat": chat or user.private_chat(),
        "date": 1795399200, "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0,
                                "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": message}


async def polling_bot(db_path: Path, clock: ManualClock, api: FakeBotApi) -> BotRuntime:
    settings = make_settings(db_path)
    app = build_application(settings, clock=clock, request=api, updates_request=api)
    runtime = BotRuntime(app, settings)
    await runtime.start()
    return runtime


async def test_updates_fetched_before_a_stop_are_answered_and_then_confirmed(
    db_path: Path, clock: ManualClock
) -> None:
    api = FakeBotApi(clock)
    for n, (text, user) in enumerate([("/start", ZH_USER), ("/help", EN_USER),
                                      ("/about", ZH_USER)], start=700):
        api.add_update(text_update(n, text, user))
    runtime = await polling_bot(db_path, clock, api)
    try:
        await api.wait_until(lambda: len(api.calls_of("sendMessage")) == 3)
    finally:
        await runtime.stop()
    assert runtime.stopped_cleanly
    assert api.update_offsets[-1] == 703  # all three confirmed, after they were answered
    assert api.pending_updates == []
    assert api.violations == []


async def test_an_update_abandoned_at_a_stop_is_fetched_again_by_the_next_process(
    tmp_path: Path, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The attack: a stop while a group's answer is stuck (here: Telegram is slow for that
    group). Before, PTB confirmed it at the stop and it was lost."""
    api = FakeBotApi(clock)
    gate = api.slow(int(SUPERGROUP["id"]))
    quick = text_update(800, "/start", EN_USER)
    stuck = text_update(801, "/faq 卖家账号被封怎么办", ZH_USER, chat=SUPERGROUP)
    api.add_update(quick)
    api.add_update(stuck)
    runtime = await polling_bot(tmp_path / "first.sqlite3", clock, api)
    try:
        await api.wait_until(lambda: api.chat_messages(EN_USER.id) != [] and any(
            int(c.params["chat_id"]) == SUPERGROUP["id"] for c in api.calls_of("sendMessage")))
        monkeypatch.setattr(runtime_module, "STOP_GRACE", 0.05)
        await runtime.stop()  # the group's answer is still on its way: abandoned
        assert not runtime.stopped_cleanly
        # the handled update is confirmed; the abandoned one is not
        assert api.update_offsets[-1] == 801
        assert [u["update_id"] for u in api.pending_updates] == [801]
        # the next process gets it again, and answers it
        again = FakeBotApi(clock)
        for update in api.pending_updates:
            again.add_update(update)
        second = await polling_bot(tmp_path / "second.sqlite3", clock, again)
        try:
            await again.wait_until(lambda: again.chat_messages(int(SUPERGROUP["id"])) != [])
        finally:
            await second.stop()
        assert second.stopped_cleanly and again.update_offsets[-1] == 802
        assert again.chat_messages(EN_USER.id) == []  # the handled one is not sent again
    finally:
        gate.set()  # let the first process's abandoned send end


async def test_one_slow_update_does_not_keep_new_updates_out(
    db_path: Path, clock: ManualClock
) -> None:
    """The offset stays at the stuck update, yet later updates are fetched and answered."""
    api = FakeBotApi(clock)
    gate = api.slow(int(SUPERGROUP["id"]))
    api.add_update(text_update(900, "/faq 卖家账号被封怎么办", ZH_USER, chat=SUPERGROUP))
    runtime = await polling_bot(db_path, clock, api)
    try:
        await api.wait_until(lambda: api.calls_of("sendMessage") != [])
        for n in range(5):
            api.add_update(text_update(901 + n, "/start", TgUser(4000 + n, "U", "en")))
        await api.wait_until(lambda: len(api.calls_of("sendMessage")) == 6)
        assert all(offset <= 900 for offset in api.update_offsets[1:])  # 900 not confirmed
        gate.set()
        await api.wait_until(lambda: api.chat_messages(int(SUPERGROUP["id"])) != [])
    finally:
        gate.set()
        await runtime.stop()
    assert runtime.stopped_cleanly and api.update_offsets[-1] == 906


async def test_a_failing_poll_is_retried(
    db_path: Path, clock: ManualClock, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(polling_module, "RETRY_FIRST", 0.01)
    api = FakeBotApi(clock)
    api.fail("getUpdates", Failure.network_error(), times=2)
    api.fail("getUpdates", Failure.server_error(502))
    api.add_update(text_update(950, "/start"))
    runtime = await polling_bot(db_path, clock, api)
    try:
        await api.wait_until(lambda: api.chat_messages(ZH_USER.id) != [])
    finally:
        await runtime.stop()
    assert runtime.stopped_cleanly and api.update_offsets[-1] == 951
    assert caplog.text.count("polling failed, retrying") == 3
    assert "Traceback" not in caplog.text
