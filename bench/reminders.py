"""Reminders at scale: start-up with 100,000 open cases, claiming, delivery within 30/s.

    python -m bench.reminders                 # 100,000 open cases, 1,000 due (about 1.5 min)
    python -m bench.reminders --cases 20000 --due 300

1. Start-up: `python -m bot` on a database of N open cases (D of them due) and on an
   empty one; time from process start to the "ready" log line, and peak RSS (VmHWM)
   then. Their ratio says whether start-up grows with open cases.
2. Storage: `CaseStore.claim_due` throughput (claims/s, in batches of the bot's size),
   `next_due_at` latency, and `PRAGMA quick_check` on the full file (what a start-up
   integrity check would cost).
3. Delivery: the same bot process sends the D due reminders to a fake Bot API over HTTP
   on 127.0.0.1 that enforces Telegram's overall limit (30 messages/s, 429 with
   retry_after beyond). Delivered/s as a fraction of 30/s (target >= 0.9), 429s
   received (target 0), duplicates (must be 0), and peak RSS after delivery.
   `--smooth-limiter` runs the same bot with its AIORateLimiter set to space sends evenly
   at 29/s instead of allowing bursts of 30 (a what-if for bot/app.py).
Figures only: nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.casedb import Fill, due_owners, fill_database
from bench.fakeapi_http import FakeApiServer, ServerThread
from storage.cases import CaseStore
from storage.db import Database

REPO = Path(__file__).resolve().parents[1]
TOKEN = "7000000001:AAH_bench-token-not-a-secret_0123456789"
TELEGRAM_LIMIT = 30  # messages per second, overall


@dataclass
class Startup:
    seconds: float
    peak_rss_mb: float


def _status_kb(pid: int, field: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return float(line.split()[1])
    except OSError:
        pass
    return float("nan")


# --smooth-limiter: the same bot with AIORateLimiter spacing sends evenly (29/s, no burst)
SMOOTH_LAUNCH = """
import functools, sys
import telegram.ext
import bot.app
bot.app.AIORateLimiter = functools.partial(
    telegram.ext.AIORateLimiter, overall_max_rate=1, overall_time_period=1 / 29)
from bot.__main__ import main
sys.exit(main(["run"]))
"""


class BotProcess:
    """`python -m bot` on a database, talking to the fake API; its log goes to a file."""

    def __init__(self, db: Path, base_url: str, workdir: Path, name: str,
                 smooth: bool = False) -> None:
        self.log = workdir / f"{name}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
        env.update({"PYTHONPATH": str(REPO), "BOT_TOKEN": TOKEN, "BOT_DB": str(db),
                    "BOT_API_BASE_URL": base_url, "BOT_LOG_LEVEL": "INFO"})
        self.started = time.monotonic()
        with self.log.open("w", encoding="utf-8") as log:
            command = ["-c", SMOOTH_LAUNCH] if smooth else ["-m", "bot"]
            self.process = subprocess.Popen([sys.executable, *command], cwd=workdir,
                                            env=env, stdout=log, stderr=subprocess.STDOUT)

    def wait_ready(self, seconds: float = 120) -> Startup:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if "msg=ready" in self.log.read_text(encoding="utf-8"):
                elapsed = time.monotonic() - self.started
                peak = _status_kb(self.process.pid, "VmHWM") / 1024
                return Startup(elapsed, peak)
            if self.process.poll() is not None:
                raise RuntimeError(f"the bot exited: {self.log.read_text()[-2000:]}")
            time.sleep(0.01)  # a tiny polling wait for the log line
        raise RuntimeError("the bot did not get ready")

    def peak_rss_mb(self) -> float:
        return _status_kb(self.process.pid, "VmHWM") / 1024

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


async def _storage_figures(path: Path, due: int) -> dict[str, float]:
    """claim_due and next_due_at on a copy, so the bot's run sees the original."""
    db = await Database.open(path)
    try:
        cases = CaseStore(db)
        now = datetime.now(UTC)
        start = time.perf_counter()
        for _ in range(20):
            await cases.next_due_at()
        next_due_ms = (time.perf_counter() - start) / 20 * 1000
        claimed = 0
        start = time.perf_counter()
        while claimed < due:
            batch = await cases.claim_due(now, 50, timedelta(minutes=10))
            if not batch:
                break
            claimed += len(batch)
        claim_s = time.perf_counter() - start
    finally:
        await db.close()
    conn = sqlite3.connect(path)
    start = time.perf_counter()
    conn.execute("PRAGMA quick_check").fetchall()
    quick_check_ms = (time.perf_counter() - start) * 1000
    conn.close()
    return {"claims_per_s": claimed / claim_s if claim_s else float("inf"),
            "claimed": claimed, "next_due_ms": next_due_ms, "quick_check_ms": quick_check_ms}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reminders", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000, help="open cases")
    parser.add_argument("--due", type=int, default=1_000, help="of them, due now")
    parser.add_argument("--smooth-limiter", action="store_true",
                        help="what if: the bot's AIORateLimiter without bursts, at 29/s")
    args = parser.parse_args(argv)
    fill = Fill(open_cases=args.cases, due=args.due, owners=args.due + max(1, args.cases // 5))

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        full, empty, copy = workdir / "full.sqlite3", workdir / "empty.sqlite3", workdir / "c.db"
        started = time.perf_counter()
        fill_database(full, fill)
        fill_database(empty, Fill(0, 0, 0))
        print(f"databases: {args.cases:,} open cases ({args.due:,} due) written in "
              f"{time.perf_counter() - started:.1f} s, {full.stat().st_size / 2**20:.1f} MiB",
              flush=True)
        shutil.copy(full, copy)
        storage = asyncio.run(_storage_figures(copy, args.due))
        print(f"claim_due: {storage['claims_per_s']:,.0f} claims/s "
              f"({int(storage['claimed'])} in batches of 50); next_due_at "
              f"{storage['next_due_ms']:.2f} ms; PRAGMA quick_check "
              f"{storage['quick_check_ms']:.0f} ms", flush=True)

        api = ServerThread(rate_limit=TELEGRAM_LIMIT)
        try:
            quiet = BotProcess(empty, api.base_url, workdir, "empty")
            base = quiet.wait_ready()
            quiet.stop()
            print(f"start-up, empty database: {base.seconds:.2f} s, peak RSS "
                  f"{base.peak_rss_mb:.1f} MiB", flush=True)
            api.call(api.server.calls.clear)

            bot = BotProcess(full, api.base_url, workdir, "full", smooth=args.smooth_limiter)
            loaded = bot.wait_ready()
            print(f"start-up, {args.cases:,} open cases: {loaded.seconds:.2f} s, peak RSS "
                  f"{loaded.peak_rss_mb:.1f} MiB  (ratio {loaded.seconds / base.seconds:.2f} "
                  f"time, {loaded.peak_rss_mb / base.peak_rss_mb:.2f} memory)", flush=True)
            delivery = _deliver(api, fill, bot)
            code = bot.stop()
        finally:
            api.close()
    rate = delivery["per_s"]
    print(f"delivery: {int(delivery['delivered'])}/{args.due} reminders in "
          f"{delivery['span']:.1f} s = {rate:.1f}/s = {rate / TELEGRAM_LIMIT:.2f} of "
          f"{TELEGRAM_LIMIT}/s (target >= 0.9); 429s {int(delivery['rate_limited'])} "
          f"(target 0); duplicates {int(delivery['duplicates'])} (must be 0); peak RSS after "
          f"{delivery['rss']:.1f} MiB; exit {code}")
    print(f"SUMMARY reminders: start-up {loaded.seconds:.2f} s / {loaded.peak_rss_mb:.0f} MiB "
          f"with {args.cases:,} open cases vs {base.seconds:.2f} s / {base.peak_rss_mb:.0f} MiB "
          f"empty (x{loaded.seconds / base.seconds:.2f}, "
          f"x{loaded.peak_rss_mb / base.peak_rss_mb:.2f}); claim_due "
          f"{storage['claims_per_s']:,.0f}/s; delivered {rate / TELEGRAM_LIMIT:.2f} "
          f"of 30/s, 429s {int(delivery['rate_limited'])}, duplicates "
          f"{int(delivery['duplicates'])}, missing {args.due - int(delivery['delivered'])}")
    return 0


def _deliver(api: ServerThread, fill: Fill, bot: BotProcess) -> dict[str, float]:
    chats = set(due_owners(fill))
    server: FakeApiServer = api.server

    def accepted() -> list[tuple[int, float]]:
        return [(int(c.params["chat_id"]), c.at) for c in server.calls
                if c.method == "sendMessage" and c.status == 200
                and int(c.params.get("chat_id", 0)) in chats]

    def all_in() -> bool:
        return len({chat for chat, _ in accepted()}) >= len(chats)

    # the first sweep runs 5 s after start; at 30/s the rest follows; bounded either way
    budget = 10 + len(chats) / (TELEGRAM_LIMIT * 0.5)
    api.run(server.wait_until(all_in, budget), budget + 30)
    sends: list[tuple[int, float]] = api.call(accepted)
    counts = Counter(chat for chat, _ in sends)
    times = sorted(at for _, at in sends)
    span = times[-1] - times[0] if len(times) > 1 else float("nan")
    return {
        "delivered": len(counts),
        "span": span,
        # n reminders span n-1 intervals
        "per_s": (len(times) - 1) / span if len(times) > 1 and span > 0 else float("nan"),
        "rate_limited": server.rate_limited,
        "duplicates": sum(n - 1 for n in counts.values()),
        "rss": bot.peak_rss_mb(),
    }


if __name__ == "__main__":
    sys.exit(main())
