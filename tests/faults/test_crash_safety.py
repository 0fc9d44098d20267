"""Crash safety: `python -m bot` killed (SIGKILL) while reminders go out, restarted, again.

A database holds open cases, some of them due (opened days ago, so real time works),
each due case in its own chat. The bot runs against a fake Bot API over real HTTP on
127.0.0.1 and is killed at random moments — some while it starts, most after a random
number of reminders were accepted — then restarted on the same database. At the end
every due case's reminder was delivered, and duplicates are counted: by design
(bot/cases/reminders.py) at most one per kill, when the kill falls between Telegram accepting
a reminder and the database recording it.

The process is the real bot with its reminder timers shortened (first sweep, sweep
interval, claim lease), set on the module before it starts: real time is then enough.
KEFU_HEAVY_FAULTS=1 kills it many more times, with more cases.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.casedb import Fill, due_owners, fill_database
from bench.fakeapi_http import FakeApiServer, Fault, ServerThread
from tests.bot.harness import TOKEN
from tests.faults.conftest import HEAVY

REPO = Path(__file__).resolve().parents[2]
KILLS = 15 if HEAVY else 3
FILL = Fill(open_cases=400, due=120, owners=200) if HEAVY else Fill(
    open_cases=60, due=40, owners=50)
SEND_DELAY = 0.01  # each send takes a moment, so kills land inside a sweep
# the real bot, its reminder timers shortened for a test that runs in real time
LAUNCH = """
import sys
from datetime import timedelta
import bot.cases.reminders as reminders
reminders.FIRST_SWEEP = timedelta(seconds=0.2)
reminders.SWEEP_INTERVAL = timedelta(seconds=1)
reminders.LEASE = timedelta(seconds=4)
from bot.__main__ import main
sys.exit(main(["run"]))
"""


@pytest.fixture
def api() -> Iterator[ServerThread]:
    runner = ServerThread(record_calls=True)
    try:
        yield runner
    finally:
        runner.close()


def accepted(server: FakeApiServer, chats: set[int]) -> Counter[int]:
    """Reminders the API accepted, per chat (call it on the server's loop)."""
    return Counter(int(c.params["chat_id"]) for c in server.calls
                   if c.method == "sendMessage" and c.status == 200
                   and int(c.params.get("chat_id", 0)) in chats)


def wait_for(api: ServerThread, condition: object, seconds: float) -> bool:
    """Wait on the fake API, at most `seconds`; `condition` runs on its loop after each
    request it answers."""
    assert callable(condition)
    done: bool = api.run(api.server.wait_until(condition, seconds), seconds + 10)
    return done


def test_killed_at_random_moments_every_reminder_is_delivered(
    api: ServerThread, tmp_path: Path
) -> None:
    db_path = tmp_path / "kefu.sqlite3"
    fill_database(db_path, FILL)
    chats = set(due_owners(FILL))
    api.call(api.server.fault, Fault(method="sendMessage", delay=SEND_DELAY, then_succeed=True,
                                     times=None))
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update({"PYTHONPATH": str(REPO), "BOT_TOKEN": TOKEN, "BOT_DB": str(db_path),
                "BOT_API_BASE_URL": api.base_url, "BOT_LOG_LEVEL": "WARNING"})
    rng = random.Random(7 if not HEAVY else None)

    log_path = tmp_path / "bot.log"  # a file, not a pipe: nobody reads while it runs

    def launch() -> subprocess.Popen[str]:
        with log_path.open("w", encoding="utf-8") as log:
            return subprocess.Popen([sys.executable, "-c", LAUNCH], cwd=tmp_path, env=env,
                                    stdout=subprocess.DEVNULL, stderr=log, text=True)

    server = api.server

    def sends() -> int:
        return sum(accepted(server, chats).values())

    def all_delivered() -> bool:
        return len(accepted(server, chats)) == len(chats)

    kills = 0
    for round_ in range(KILLS):
        started = api.server.counts["getMe"]
        process = launch()
        try:
            up = wait_for(api, lambda started=started: server.counts["getMe"] > started, 60)
            assert up, "the bot did not start"
            if round_ % 3 == 0:
                # a random moment early on: while starting or in the first sweep
                wait_for(api, lambda: False, rng.uniform(0.0, 0.6))
            else:
                target = sends() + rng.randint(1, max(1, len(chats) // (KILLS + 1)))
                wait_for(api, lambda target=target: sends() >= target, 30)
        finally:
            process.kill()
            process.wait(30)
        kills += 1
        if api.call(all_delivered):
            break  # everything went out before the planned kills ran out

    # the last run is left to finish
    process = launch()
    try:
        delivered = wait_for(api, all_delivered, 90)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    stderr = log_path.read_text(encoding="utf-8")
    counts: Counter[int] = api.call(accepted, server, chats)
    missing = sorted(chats - set(counts))
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    print(f"crash safety: {kills} kills, {len(chats)} due reminders, "
          f"{len(chats) - len(missing)} delivered, {duplicates} duplicates")
    assert delivered and missing == [], f"never delivered: {missing[:10]} … ({len(missing)})"
    assert duplicates <= kills, f"{duplicates} duplicates after {kills} kills"
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
