"""Reminders while the Bot API misbehaves, over real HTTP: none lost, each failure logged once.

Due cases, one per chat. For some chats the API answers 500 twice, is too slow once,
hangs up once, floods (429) beyond the rate limiter's retries, or says the user blocked
the bot / the chat is gone. The reminder job is run sweep after sweep on a manual clock
(moved past each retry time). At the end every reachable owner got their reminder
exactly once — except that a send the client gave up on but Telegram still delivered
(the timeout) may arrive twice, the documented price of never losing one — blocked owners
got none and are marked inactive with their case still open, and each failed attempt
was logged once, with the case and the user.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from telegram.request import HTTPXRequest

from bench.casedb import Fill, due_owners, fill_database
from bench.fakeapi_http import Fault, ServerThread
from bot.app import BotApplication, build_application
from bot.cases.reminders import reminders_of
from bot.core.clock import ManualClock
from bot.core.services import services_of
from bot.infra.transport import AiohttpRequest
from storage.cases import CaseStatus
from tests.bot.conftest import START
from tests.bot.harness import make_settings
from tests.faults.conftest import LogRecorder

READ_TIMEOUT = 1.0  # generous: only the faults below should ever time out
FILL = Fill(open_cases=14, due=9, owners=12)
OWNERS = due_owners(FILL)
SERVER_ERROR, SLOW, DROPPED, BLOCKED, FLOODED, GONE = OWNERS[:6]
# what each failing chat costs: failed attempts before its reminder goes through
FAULTS = [
    Fault(method="sendMessage", chat_id=SERVER_ERROR, status=500, times=2),
    Fault(method="sendMessage", chat_id=SLOW, delay=READ_TIMEOUT * 3, then_succeed=True,
          times=1),
    Fault(method="sendMessage", chat_id=DROPPED, drop=True, times=1),
    Fault(method="sendMessage", chat_id=BLOCKED, status=403, times=None,
          description="Forbidden: bot was blocked by the user"),
    # more than AIORateLimiter's 3 retries: that attempt fails, the next sweep's succeeds
    Fault(method="sendMessage", chat_id=FLOODED, status=429, retry_after=0.02, times=4,
          description="Too Many Requests: retry after 0.02"),
    Fault(method="sendMessage", chat_id=GONE, status=400, times=None,
          description="Bad Request: chat not found"),
]


@pytest.fixture
def api() -> Iterator[ServerThread]:
    runner = ServerThread()
    try:
        yield runner
    finally:
        runner.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "kefu.sqlite3"
    fill_database(path, FILL, now=START)
    return path


@pytest.fixture(params=[HTTPXRequest, AiohttpRequest], ids=["httpx", "aiohttp"])
async def app(api: ServerThread, db_path: Path, clock: ManualClock,
              request: pytest.FixtureRequest) -> AsyncIterator[BotApplication]:
    """The bot on PTB's own client and on ours (bot/infra/transport.py): the same faults."""
    client = request.param
    application = build_application(
        make_settings(db_path, api_base_url=api.base_url), clock=clock,
        request=client(read_timeout=READ_TIMEOUT, connection_pool_size=8))
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    assert application.job_queue is not None
    application.job_queue.scheduler.pause()  # the test runs the sweeps
    try:
        yield application
    finally:
        await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


@pytest.fixture
def logs() -> Iterator[LogRecorder]:
    recorder = LogRecorder(logging.INFO)
    root = logging.getLogger()
    old = root.level
    root.setLevel(logging.INFO)
    root.addHandler(recorder)
    try:
        yield recorder
    finally:
        root.removeHandler(recorder)
        root.setLevel(old)


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_no_reminder_is_lost_while_the_api_fails(
    api: ServerThread, app: BotApplication, clock: ManualClock, logs: LogRecorder
) -> None:
    for fault in FAULTS:
        # a copy: the fake API counts a fault's `times` down on the object it is given
        api.call(api.server.fault, replace(fault))
    services = services_of(app)
    reminders = reminders_of(app)
    outcomes: Counter[str] = Counter()
    for _ in range(8):
        report = await reminders.sweep(services, app.bot)
        outcomes.update(report.outcomes.values())
        clock.advance(timedelta(minutes=10))  # past every retry time used so far

    def accepted() -> Counter[int]:
        return Counter(int(c.params["chat_id"]) for c in api.server.calls
                       if c.method == "sendMessage" and c.status == 200)

    counts: Counter[int] = api.call(accepted)
    reachable = [o for o in OWNERS if o not in (BLOCKED, GONE)]
    assert {o: counts[o] for o in reachable if o != SLOW} == {
        o: 1 for o in reachable if o != SLOW}
    assert 1 <= counts[SLOW] <= 2, counts  # timed out at the client, delivered by the API
    assert counts[BLOCKED] == counts[GONE] == 0
    for owner in (BLOCKED, GONE):
        stored = await services.users.get(owner)
        assert stored is not None and not stored.active
        [case] = await services.cases.list_for_owner(owner)
        assert case.status is CaseStatus.OPEN  # kept: due again once they are back
    # the failed attempts: 2 (500) + 1 (timeout) + 1 (dropped) + 1 (429 beyond retries)
    retries = [r for r in logs.records if r.getMessage() == "reminder"
               and r.__dict__.get("outcome") == "retry"]
    per_chat = Counter(int(r.__dict__["user_id"]) for r in retries)
    assert per_chat == {SERVER_ERROR: 2, SLOW: 1, DROPPED: 1, FLOODED: 1}
    assert all(r.levelno == logging.WARNING and "case_id" in r.__dict__ and "error" in
               r.__dict__ for r in retries)
    assert outcomes["sent"] == len(reachable)
    assert outcomes["blocked"] == 2
    ours = [r for r in logs.at_least(logging.ERROR) if r.name.startswith("bot")]
    assert ours == []
