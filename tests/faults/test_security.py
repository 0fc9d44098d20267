"""Security: one user's cases stay theirs, nothing private reaches a group, operator commands
are for operators, and the token never reaches a log line or an exception text."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bench.fakeapi_http import Fault, ServerThread
from bot.cases.callbacks import EDIT_FIELDS, SNOOZE_CHOICES, CaseAction, CaseOp, ListCases
from bot.cases.reminders import reminders_of
from bot.core.callbacks import encode
from bot.core.clock import ManualClock
from bot.core.services import services_of
from bot.core.texts import MESSAGES
from bot.groups.callbacks import GroupOption
from storage.cases import Case
from tests.bot.conftest import START
from tests.bot.fakeapi import StoredMessage
from tests.bot.harness import EN_USER, TOKEN, ZH_USER, Harness, TgUser
from tests.faults.conftest import LogRecorder

REPO = Path(__file__).resolve().parents[2]
OWNER, INTRUDER = ZH_USER, EN_USER
ADMIN = TgUser(4242, "Ops", "en")
GROUP_ID = -100_555_000_111
SECRET_ID = "113-SECRET-7788"
SECRET_NOTE = "私人备注 13800000000"


@pytest.fixture
def logs() -> Iterator[LogRecorder]:
    recorder = LogRecorder(logging.WARNING)
    logging.getLogger().addHandler(recorder)
    try:
        yield recorder
    finally:
        logging.getLogger().removeHandler(recorder)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness.start(tmp_path / "kefu.sqlite3", ManualClock(START),
                                  admins=frozenset({ADMIN.id}))
    job_queue = harness.app.job_queue
    if job_queue is not None:
        job_queue.scheduler.pause()  # reminders go out only when a test sweeps
    try:
        yield harness
    finally:
        await harness.stop()
    harness.assert_clean()


async def owners_case(bot: Harness, due_in: timedelta = timedelta(hours=5)) -> Case:
    await bot.send("/start", user=OWNER)
    now = bot.clock.now()
    return await services_of(bot.app).cases.add(
        OWNER.id, "amazon", "seller", "seller_case", "suspension", SECRET_ID, SECRET_NOTE,
        now - timedelta(days=2), now + due_in)


def texts_to(bot: Harness, chat_id: int) -> list[str]:
    """Everything the bot ever put into a chat: messages sent and edits (HTML and plain)."""
    return [str(c.params.get("text") or c.params.get("caption") or "") for c in bot.api.calls
            if str(c.params.get("chat_id")) == str(chat_id)]


def leaked(texts: list[str]) -> list[str]:
    return [t for t in texts if SECRET_ID in t or "13800000000" in t or "私人备注" in t]


def forged_actions(case_id: int) -> list[str]:
    ops: list[tuple[CaseOp, str | None]] = [("open", None), ("reply", None), ("close", None),
                                           ("snooze", None), ("edit", None), ("window", "24")]
    ops += [("snooze", choice) for choice in SNOOZE_CHOICES]
    ops += [("edit", field) for field in EDIT_FIELDS]
    return [encode(CaseAction(op, case_id, arg)) for op, arg in ops]


# --- one user never reads, changes or is reminded of another's case --------------------


async def test_forged_case_buttons_of_another_user_find_nothing_and_change_nothing(
    bot: Harness, logs: LogRecorder
) -> None:
    case = await owners_case(bot)
    cases = services_of(bot.app).cases
    await bot.send("/start", user=INTRUDER)
    owner_saw = len(texts_to(bot, OWNER.id))
    for data in forged_actions(case.id):
        await bot.press(data, user=INTRUDER)
        # a pending "type the new note" state must not have been armed for their case
        await bot.send("hijacked note", user=INTRUDER)
    for data in (encode(ListCases()), encode(ListCases(done=True))):
        await bot.press(data, user=INTRUDER)
    await bot.send("/cases", user=INTRUDER)
    await bot.send("/mydata", user=INTRUDER)
    assert leaked(texts_to(bot, INTRUDER.id)) == []
    assert await cases.get(case.id, OWNER.id) == case  # not a field changed
    assert await cases.get(case.id, INTRUDER.id) is None
    assert len(texts_to(bot, OWNER.id)) == owner_saw  # nothing was sent to the owner
    assert logs.at_least(logging.ERROR) == []
    # the same button works for the owner, and shows what the checks above look for
    await bot.press(encode(CaseAction("open", case.id)), user=OWNER)
    assert leaked(texts_to(bot, OWNER.id))


async def test_forgetting_ones_own_data_leaves_others_cases(bot: Harness) -> None:
    case = await owners_case(bot)
    await bot.send("/forget", user=INTRUDER)
    screen = bot.screen(INTRUDER)
    confirm = [data for _, data in screen.buttons() if data == "1:d:y"]
    if confirm:
        await bot.press(confirm[0], user=INTRUDER)
    assert await services_of(bot.app).cases.get(case.id, OWNER.id) == case


async def test_reminders_go_to_the_owner_only(bot: Harness) -> None:
    case = await owners_case(bot, due_in=timedelta(hours=1))
    await bot.send("/start", user=INTRUDER)
    before = {user.id: len(texts_to(bot, user.id)) for user in (OWNER, INTRUDER)}
    # the intruder snoozes "their" case to now: nothing may change
    await bot.press(encode(CaseAction("snooze", case.id, "1h")), user=INTRUDER)
    bot.clock.advance(timedelta(hours=2))
    services = services_of(bot.app)
    report = await reminders_of(bot.app).sweep(services, bot.app.bot)
    assert report.sent == 1
    new_to_owner = texts_to(bot, OWNER.id)[before[OWNER.id]:]
    new_to_intruder = texts_to(bot, INTRUDER.id)[before[INTRUDER.id]:]
    assert any(SECRET_ID in t for t in new_to_owner)
    assert leaked(new_to_intruder) == []
    assert all(int(c.params["chat_id"]) > 0 for c in bot.api.calls_of("sendMessage"))


# --- case data never appears in a group ---------------------------------------------------


def group_message(user: TgUser, text: str, message_id: int) -> dict[str, Any]:
    data: dict[str, Any] = {"message": {
        "message_id": message_id, "from": user.json(), "date": 1795399200, "text": text,
        "chat": {"id": GROUP_ID, "type": "supergroup", "title": "卖家交流群"}}}
    if text.startswith("/"):
        command = text.split()[0]
        data["message"]["entities"] = [{"type": "bot_command", "offset": 0,
                                        "length": len(command)}]
    return data


async def test_case_commands_and_buttons_in_a_group_show_no_case_data(
    bot: Harness, logs: LogRecorder
) -> None:
    case = await owners_case(bot)
    for i, text in enumerate(["/cases", "/track " + SECRET_ID, "/mydata", "/forget", "/quiet",
                              "/cases@kefu_test_bot", f"/faq {SECRET_ID}",
                              f"@kefu_test_bot {SECRET_ID} 怎么办"]):
        await bot.process(group_message(OWNER, text, 7000 + i))
    # the owner's own case button, pressed on a message in the group
    group_menu = bot.api.last_message(GROUP_ID)
    for data in [*forged_actions(case.id)[:4], encode(ListCases())]:
        await bot.press(data, user=OWNER, message=group_menu)
    group_texts = texts_to(bot, GROUP_ID)
    assert group_texts, "the group got no answer at all"
    # the case id the owner typed in the group may be quoted back as their question, but
    # nothing the bot stores about the case (its note, its window) is ever shown there
    assert [t for t in group_texts if "13800000000" in t or "私人备注" in t] == []
    assert [t for t in group_texts if "/cases" in t and SECRET_ID in t] == []
    assert logs.at_least(logging.ERROR) == []


async def press_anywhere(bot: Harness, data: str, user: TgUser, message: StoredMessage) -> None:
    """A button press that must be answered, in whatever order the handler works."""
    query_id = f"sec{len(bot.api.calls)}"
    bot.api.pending_queries.add(query_id)
    await bot.process({"callback_query": {"id": query_id, "from": user.json(),
                                          "chat_instance": "ci", "data": data,
                                          "message": bot.api.message_json(message)}})


# --- operator commands refuse everyone else -----------------------------------------------


async def test_operator_commands_refuse_others_exactly_like_unknown_ones(bot: Harness) -> None:
    await owners_case(bot)
    await bot.send("/frobnicate", user=INTRUDER)
    unknown = bot.screen(INTRUDER).plain
    for command in ("/stats", "/reload", "/stats@kefu_test_bot"):
        await bot.send(command, user=INTRUDER)
        assert bot.screen(INTRUDER).plain == unknown, command
    await bot.send("/stats", user=ADMIN)
    assert bot.screen(ADMIN).plain != unknown  # the admin does get the figures


async def test_group_settings_refuse_members_who_are_not_admins(bot: Harness) -> None:
    await bot.process(group_message(INTRUDER, "/settings", 8001))
    refused = bot.api.last_message(GROUP_ID)
    assert MESSAGES.get("group.settings.admins_only", "en") in refused.plain
    # the settings buttons, forged: pressing them changes nothing either
    for option in (GroupOption("lang", "en"), GroupOption("lang", "zh"),
                   GroupOption("mentions", "off")):
        await press_anywhere(bot, encode(option), INTRUDER, refused)
    stored = await services_of(bot.app).groups.get(GROUP_ID)
    assert stored is None or (stored.lang is None and stored.reply_to_mentions)
    # an admin may (the same buttons work for them)
    bot.api.member_status[(GROUP_ID, ADMIN.id)] = "administrator"
    await press_anywhere(bot, encode(GroupOption("mentions", "off")), ADMIN, refused)
    stored = await services_of(bot.app).groups.get(GROUP_ID)
    assert stored is not None and not stored.reply_to_mentions


# --- the token never reaches a log line, an exception text or a message -----------------


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_whole_session_at_debug_never_logs_the_token(tmp_path: Path, fmt: str) -> None:
    api = ServerThread()
    try:
        _session_at_debug(api, tmp_path, fmt)
    finally:
        api.close()


def _session_at_debug(api: ServerThread, tmp_path: Path, fmt: str) -> None:
    server = api.server
    user = {"id": 1001, "is_bot": False, "first_name": "Li", "language_code": "zh-hans"}
    chat = {"id": 1001, "type": "private", "first_name": "Li"}

    def message(text: str) -> dict[str, Any]:
        data: dict[str, Any] = {"message": {"message_id": len(text), "from": user, "chat": chat,
                                            "date": 1795399200, "text": text}}
        if text.startswith("/"):
            data["message"]["entities"] = [{"type": "bot_command", "offset": 0,
                                            "length": len(text.split()[0])}]
        return data

    press = {"callback_query": {"id": "q1", "from": user, "chat_instance": "c",
                                "data": "1:m:amazon", "on_last_message": True}}
    # answers that fail: a 500, a dropped connection, a refusal naming the token's digits
    for fault in (Fault(method="sendMessage", status=500, times=1),
                  Fault(method="sendMessage", drop=True, times=1),
                  Fault(method="sendMessage", status=400, times=1,
                        description=f"Bad Request: chat {TOKEN.split(':')[0]} not found")):
        api.call(server.fault, fault)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update({"PYTHONPATH": str(REPO), "BOT_TOKEN": TOKEN, "BOT_DB": str(tmp_path / "k.db"),
                "BOT_API_BASE_URL": api.base_url, "BOT_LOG_LEVEL": "DEBUG",
                "BOT_LOG_FORMAT": fmt, "BOT_ADMINS": str(ADMIN.id)})
    # a file, not a pipe: at DEBUG the bot writes more than a pipe holds unread
    log_path = tmp_path / "bot.log"
    with log_path.open("w", encoding="utf-8") as log_file:
        process = subprocess.Popen([sys.executable, "-m", "bot"], cwd=tmp_path, env=env,
                                   stdout=log_file, stderr=subprocess.STDOUT, text=True)
    try:
        updates = [message("/start"), message("/start"), message("/start"), message("/start"),
                   press, message("卖家账号被封怎么办"), message("/track"), message("/cases"),
                   message("/stats")]

        async def feed() -> None:
            server.add_updates(updates)

        api.run(feed())
        # the last update, /stats from a non-admin, is answered like an unknown command
        replies = api.run(server.wait_until(
            lambda: any("/help" in str(c.params.get("text")) for c in server.calls
                        if c.method == "sendMessage" and c.status == 200), 60), 70)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output = log_path.read_text(encoding="utf-8")
    assert replies, output[-3000:]
    assert process.returncode == 0, output[-3000:]
    secret_half = TOKEN.split(":", 1)[1]
    assert "level=DEBUG" in output or '"level": "DEBUG"' in output
    assert "update failed" in output  # the failures were logged, with their exceptions
    assert TOKEN not in output and secret_half not in output
    # nor in anything the bot sent: apologies, admin notes, menus
    sent = json.dumps([c.params for c in server.calls], ensure_ascii=False)
    assert TOKEN not in sent and secret_half not in sent
