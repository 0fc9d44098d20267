"""Updates per second and reply latency of kefu-bot, next to bare echo bots on the same fake API.

    python -m bench.throughput              # kefu before/after #21 and PTB echo, both phases
    python -m bench.throughput --repeat 3   # three interleaved rounds, medians in SUMMARY
    python -m bench.throughput --quick      # smaller runs, for a smoke check
    python -m bench.throughput --profile    # cProfile of kefu at saturation, top functions

Every bot runs in this process and reaches a fake Bot API in a child process (its own
core) over real HTTP on 127.0.0.1 through its ordinary client. Updates arrive the
production way: long-polling `getUpdates`. Latency is measured by the fake API alone, on
one monotonic clock: from the moment a `getUpdates` answer hands an update out to the
moment the bot's reply to that chat (sendMessage / editMessageText) arrives.

Two phases, each on its own fake API: "loopback" (the API answers at once: the bots are
CPU-bound, saturation is their cost per update) and "API 50 ms" (every call answered
after 50 ms, like a round trip to Telegram: what counts is concurrency; 100 updates/s
offered).

Bots (`--only`):
- kefu: `bot.app.build_application` as `python -m bot` builds it (aiohttp client, JSON
  bodies, the user row written only when it changes or is 5 minutes old, edits unparsed);
- kefu-before: the same code with issue #21 undone: PTB's HTTPXRequest
  (BOT_API_CLIENT=httpx), the user row written on every update, edits parsed into a
  Message; kefu-aiohttp, kefu-aiohttp+seen: the steps in between; kefu-httpx-json,
  kefu-httpx-json-1: JSON bodies on PTB's httpx client instead of aiohttp (its pool of
  256, or a single connection);
- ptb: a bare PTB 22 Application that echoes text (PTB's defaults: HTTPXRequest,
  updates one at a time);
- aiogram: a bare aiogram 3 Dispatcher that echoes text (bench extra; it handles
  updates as concurrent tasks by default).
The echo bots get the same number of updates as text messages (a button press becomes
its callback data as text), each answered with one sendMessage.

The mix for kefu: ~60 % button presses with real callback data collected by walking the
menus, ~30 % questions from tests/knowledge/questions.yaml (Chinese and English),
~10 % commands. Figures only: nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import importlib.util
import io
import logging
import pstats
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any
from zoneinfo import ZoneInfo

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

import bot.core.context
import bot.core.replies
from bench.fakeapi_http import ServerProcess
from bot.app import build_application
from bot.core.callbacks import CallbackData, encode
from bot.core.config import Settings
from bot.core.nav import TrackCase
from bot.core.screens import home_screen
from bot.core.ui import Viewer
from bot.infra.transport import JsonHTTPXRequest
from bot.menu.screens import screen_for
from knowledge.catalog import load_catalog

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = REPO / "tests" / "knowledge" / "questions.yaml"
TOKEN = "7000000001:AAH_bench-token-not-a-secret_0123456789"
COMMANDS = ("/start", "/menu", "/help", "/about", "/lang", "/tz", "/tz Europe/Berlin")
SEED = 7


# --- the workload ---------------------------------------------------------------------


def menu_callbacks() -> list[str]:
    """Callback data of every navigation button reachable from the home menu (zh and en)."""
    catalog = load_catalog()
    seen: set[str] = set()
    found: list[str] = []
    for lang in ("zh", "en"):
        viewer = Viewer(lang=lang, zone=ZoneInfo("Asia/Shanghai"), now=datetime.now(UTC))
        queue: list[CallbackData] = [a for a in home_screen(catalog, lang).actions()]
        while queue:
            action = queue.pop()
            if isinstance(action, TrackCase):
                continue  # the cases feature's flow, not navigation
            data = encode(action)
            if data in seen:
                continue
            seen.add(data)
            found.append(data)
            screen = screen_for(catalog, action, viewer)
            if screen is not None:  # None: a settings change, handled without a screen
                queue.extend(screen.actions())
    return sorted(found)


def questions() -> list[str]:
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    return [str(item["q"]) for item in data]


@dataclass(frozen=True)
class Workload:
    users: int
    buttons: list[str]
    questions: list[str]

    def user(self, index: int) -> dict[str, Any]:
        user_id = 100_000 + index % self.users
        lang = "zh-hans" if user_id % 2 == 0 else "en"
        return {"id": user_id, "is_bot": False, "first_name": f"U{user_id}",
                "language_code": lang}

    def updates(self, count: int, offset: int, echo: bool) -> list[dict[str, Any]]:
        """`count` updates from round-robin users; for echo bots every one is text."""
        rng = random.Random(SEED + offset)
        out = []
        for i in range(offset, offset + count):
            user = self.user(i)
            roll = rng.random()
            if roll < 0.6:
                data = rng.choice(self.buttons)
                if echo:
                    out.append(_message(user, i, data))
                else:
                    out.append({"callback_query": {
                        "id": f"q{i}", "from": user, "chat_instance": f"ci{user['id']}",
                        "data": data, "on_last_message": True}})
            elif roll < 0.9:
                out.append(_message(user, i, rng.choice(self.questions)))
            else:
                out.append(_message(user, i, rng.choice(COMMANDS), command=not echo))
        return out


def _message(user: dict[str, Any], index: int, text: str, command: bool = False
             ) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": 1_000_000 + index, "from": user,
        "chat": {"id": user["id"], "type": "private", "first_name": user["first_name"]},
        "date": int(time.time()), "text": text,
    }
    if command:
        length = len(text.split()[0])
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return {"message": message}


# --- the bots ---------------------------------------------------------------------------


class Runner:
    """Start a bot polling the fake API, and stop it."""

    name: str
    echo: bool = False

    async def start(self, base_url: str, workdir: Path) -> None:
        raise NotImplementedError

    async def stop(self) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class Variant:
    """How kefu is built for a run: `now` is `python -m bot`; the others undo parts of #21."""

    client: str = "aiohttp"  # BOT_API_CLIENT; "httpx-json(-1)": JsonHTTPXRequest (1 connection)
    write_every_update: bool = False  # the user row written on every update, as before #21
    parse_edits: bool = False     # edits through PTB's edit_message_text (a Message built)


VARIANTS = {
    # what main built before issue #21: PTB's HTTPXRequest, a write per update, parsed edits
    "kefu-before": Variant(client="httpx", write_every_update=True, parse_edits=True),
    # #21 one step at a time
    "kefu-aiohttp": Variant(write_every_update=True, parse_edits=True),
    "kefu-aiohttp+seen": Variant(parse_edits=True),
    # as built now
    "kefu": Variant(),
    # the httpx alternative: JSON bodies on PTB's client (its own pool of 256), and on
    # one connection (no idle connections for httpcore to check, but one call at a time)
    "kefu-httpx-json": Variant(client="httpx-json"),
    "kefu-httpx-json-1": Variant(client="httpx-json-1"),
}


class KefuRunner(Runner):
    """`bot.app.build_application` as `python -m bot` builds it, in one of the variants."""

    def __init__(self, key: str) -> None:
        self.name = key
        self.variant = VARIANTS[key]
        self._app: Any = None
        self._undo: list[tuple[object, str, object]] = []

    def _patch(self, owner: object, name: str, value: object) -> None:
        """Set a module attribute for this run (as tests/faults/test_crash_safety.py does)."""
        self._undo.append((owner, name, getattr(owner, name)))
        setattr(owner, name, value)

    async def start(self, base_url: str, workdir: Path) -> None:
        variant = self.variant
        client = "httpx" if variant.client == "httpx" else "aiohttp"
        settings = Settings(_env_file=None, token=TOKEN, api_base_url=base_url,
                            db=workdir / f"{self.name}-{time.monotonic_ns()}.sqlite3",
                            api_client=client)
        requests: dict[str, Any] = {}
        if variant.client.startswith("httpx-json"):
            pool = 1 if variant.client == "httpx-json-1" else 256
            requests = {"request": JsonHTTPXRequest(connection_pool_size=pool),
                        "updates_request": JsonHTTPXRequest(connection_pool_size=1)}
        if variant.write_every_update:
            self._patch(bot.core.context, "SEEN_PRECISION", timedelta(0))
        if variant.parse_edits:
            async def parsed_edit(query: Any, text: str, keyboard: Any) -> None:
                await query.edit_message_text(text, reply_markup=keyboard)
            self._patch(bot.core.replies, "edit_pressed", parsed_edit)
        app = build_application(settings, **requests)
        await app.initialize()
        if app.post_init is not None:
            await app.post_init(app)
        assert app.updater is not None
        await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        await app.start()
        self._app = app

    async def stop(self) -> None:
        app = self._app
        try:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
            if app.post_shutdown is not None:
                await app.post_shutdown(app)
        finally:
            while self._undo:
                owner, name, value = self._undo.pop()
                setattr(owner, name, value)


class PtbEchoRunner(Runner):
    name = "PTB echo"
    echo = True

    def __init__(self) -> None:
        self._app: Any = None

    async def start(self, base_url: str, workdir: Path) -> None:
        async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            message = update.effective_message
            if message is not None and message.text:
                await message.reply_text(message.text)

        app = Application.builder().token(TOKEN).base_url(base_url).build()
        app.add_handler(MessageHandler(filters.TEXT, echo))
        await app.initialize()
        assert app.updater is not None
        await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        await app.start()
        self._app = app

    async def stop(self) -> None:
        await self._app.updater.stop()
        await self._app.stop()
        await self._app.shutdown()


class AiogramEchoRunner(Runner):
    name = "aiogram echo"
    echo = True

    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None
        self._dispatcher: Any = None

    async def start(self, base_url: str, workdir: Path) -> None:
        from aiogram import Bot, Dispatcher
        from aiogram.client.session.aiohttp import AiohttpSession
        from aiogram.client.telegram import TelegramAPIServer
        from aiogram.types import Message

        session = AiohttpSession(api=TelegramAPIServer.from_base(base_url.removesuffix("/bot")))
        bot = Bot(TOKEN, session=session)
        dispatcher = Dispatcher()

        @dispatcher.message()
        async def echo(message: Message) -> None:
            if message.text:
                await message.answer(message.text)

        self._dispatcher = dispatcher
        self._task = asyncio.create_task(
            dispatcher.start_polling(bot, handle_signals=False, close_bot_session=True))
        await asyncio.sleep(0.5)  # getMe and the first poll

    async def stop(self) -> None:
        with contextlib.suppress(RuntimeError):
            await self._dispatcher.stop_polling()
        if self._task is not None:
            await asyncio.wait_for(self._task, 30)


# --- measuring --------------------------------------------------------------------------


@dataclass
class Figures:
    name: str
    saturation_updates: int = 0
    per_second: float = 0.0
    steady_rate: float = 0.0
    steady_updates: int = 0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    missing: int = 0
    cpu_busy: float = 0.0  # this process's CPU time / wall time at saturation
    # this process's CPU time (every thread: the database's too) per update at saturation;
    # on a shared machine steadier than updates/s, which depends on the core we are given
    cpu_ms: float = 0.0
    note: str = ""


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


async def _wait(api: ServerProcess, count: int, seconds: float) -> bool:
    done: bool = await asyncio.to_thread(api.command, "wait_replies", count, seconds)
    return done


async def measure(runner: Runner, workload: Workload, api: ServerProcess, workdir: Path,
                  saturation: int, steady_rate: float, steady_seconds: float,
                  profile: cProfile.Profile | None = None) -> Figures:
    figures = Figures(runner.name)
    await runner.start(api.base_url, workdir)
    try:
        # warm-up: imports, first database writes, connection pool, caches
        api.command("reset")
        warm = min(200, saturation)
        api.command("add_updates", workload.updates(warm, 0, runner.echo))
        await _wait(api, warm, 120)

        # (1) saturation: everything queued at once
        api.command("reset")
        updates = workload.updates(saturation, 10_000, runner.echo)
        if profile is not None:
            profile.enable()
        cpu, wall = time.process_time(), time.monotonic()
        api.command("add_updates", updates)
        done = await _wait(api, saturation, max(60.0, saturation / 20))
        cpu_used = time.process_time() - cpu
        figures.cpu_busy = cpu_used / (time.monotonic() - wall)
        if profile is not None:
            profile.disable()
        timing = api.command("timing")
        delivered, replied = timing["delivered"], timing["replied"]
        figures.saturation_updates = len(replied)
        figures.cpu_ms = cpu_used * 1000 / max(1, len(replied))
        if replied and delivered:
            span = max(replied.values()) - min(delivered.values())
            figures.per_second = len(replied) / span if span > 0 else float("inf")
        if not done:
            figures.note = f"saturation: {saturation - len(replied)} replies missing"

        # (2) a steady offered load
        api.command("reset")
        count = int(steady_rate * steady_seconds)
        api.command("add_updates", workload.updates(count, 50_000, runner.echo),
                    rate=steady_rate)
        # bounded: a bot that falls behind gets the offered time plus a minute
        done = await _wait(api, count, steady_seconds + 60)
        timing = api.command("timing")
        delivered, replied = timing["delivered"], timing["replied"]
        latencies = [replied[u] - delivered[u] for u in replied if u in delivered]
        figures.steady_rate = steady_rate
        figures.steady_updates = len(latencies)
        figures.missing = count - len(latencies)
        figures.p50_ms = _percentile(latencies, 0.50) * 1000
        figures.p99_ms = _percentile(latencies, 0.99) * 1000
        figures.max_ms = max(latencies, default=float("nan")) * 1000
        if not done:
            figures.note += f" steady: {figures.missing} replies missing"
    finally:
        await runner.stop()
    return figures


def _print_profile(profile: cProfile.Profile, top: int = 30) -> None:
    stream = io.StringIO()
    stats = pstats.Stats(profile, stream=stream).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    print(stream.getvalue())


@dataclass(frozen=True)
class Phase:
    """One setting of the fake API: its latency, the steady rate offered, the sizes."""

    name: str
    latency_ms: float
    rate: float
    saturation: int
    seconds: float


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.throughput", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--saturation", type=int, default=2000,
                        help="updates queued at once (loopback)")
    parser.add_argument("--rate", type=float, default=50.0, help="steady offered load, /s")
    parser.add_argument("--seconds", type=float, default=15.0, help="steady load duration")
    parser.add_argument("--only", help="comma-separated: " + ",".join([*VARIANTS, "ptb",
                                                                      "aiogram"]))
    parser.add_argument("--phases", default="loopback,latency",
                        help="loopback (API answers at once), latency (after --api-latency)")
    parser.add_argument("--api-latency", type=float, default=50.0, metavar="MS",
                        help="the latency phase: the fake API answers after this long")
    parser.add_argument("--latency-rate", type=float, default=100.0,
                        help="the latency phase: steady offered load, /s")
    parser.add_argument("--latency-saturation", type=int, default=600,
                        help="the latency phase: updates queued at once")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds (bots interleaved); the summary takes medians")
    parser.add_argument("--quick", action="store_true", help="small runs (smoke check)")
    parser.add_argument("--profile", action="store_true",
                        help="profile kefu at saturation and print the top functions")
    args = parser.parse_args(argv)
    if args.quick:
        args.saturation, args.latency_saturation, args.seconds = 400, 200, 4.0
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)

    workload = Workload(args.users, menu_callbacks(), questions())
    runners: dict[str, Runner] = {key: KefuRunner(key) for key in VARIANTS}
    runners["ptb"] = PtbEchoRunner()
    if importlib.util.find_spec("aiogram") is not None:
        runners["aiogram"] = AiogramEchoRunner()
    chosen = args.only.split(",") if args.only else ["kefu-before", "kefu", "ptb"]
    if args.profile:
        chosen = ["kefu"]
    phases = {
        "loopback": Phase("loopback", 0.0, args.rate, args.saturation, args.seconds),
        "latency": Phase(f"API {args.api_latency:g} ms", args.api_latency, args.latency_rate,
                         args.latency_saturation, min(args.seconds, 10.0)),
    }
    print(f"workload: {args.users} users, {len(workload.buttons)} distinct buttons, "
          f"{len(workload.questions)} questions, {len(COMMANDS)} commands; "
          f"updates via getUpdates long polling; {args.repeat} round(s)")

    results: dict[str, dict[str, list[Figures]]] = {}
    for phase_key in args.phases.split(","):
        phase = phases[phase_key]
        print(f"--- {phase.name}: saturation {phase.saturation} updates, then "
              f"{phase.rate:g}/s for {phase.seconds:g} s", flush=True)
        rows = results.setdefault(phase.name, {key: [] for key in chosen})
        api = ServerProcess(record_calls=False, latency=phase.latency_ms / 1000)
        try:
            with tempfile.TemporaryDirectory() as tmp:
                for _ in range(args.repeat):
                    for key in chosen:
                        profile = cProfile.Profile() if args.profile else None
                        figures = asyncio.run(measure(
                            runners[key], workload, api, Path(tmp), phase.saturation,
                            phase.rate, phase.seconds, profile))
                        rows[key].append(figures)
                        _print_row(figures)
                        if profile is not None:
                            _print_profile(profile)
        finally:
            api.close()
    _print_summary(results)
    return 0


def _print_row(f: Figures) -> None:
    print(f"{f.name:<18} saturation {f.per_second:8.1f} updates/s ({f.saturation_updates},"
          f" CPU {f.cpu_busy:4.0%}, {f.cpu_ms:.2f} ms/update)"
          f" | at {f.steady_rate:.0f}/s: p50 {f.p50_ms:7.1f} ms  p99 {f.p99_ms:8.1f} ms"
          f"  max {f.max_ms:8.1f} ms ({f.steady_updates} replies, {f.missing} missing)"
          f"{f.note and ' !' + f.note}",
          flush=True)


def _print_summary(results: dict[str, dict[str, list[Figures]]]) -> None:
    """Medians over the rounds; a ratio is kefu / PTB echo within each round, then the median."""
    parts = []
    for phase, rows in results.items():
        echo = rows.get("ptb", [])
        for key, runs in rows.items():
            if not runs:
                continue
            part = (f"{phase} {key}: {median(r.per_second for r in runs):.0f}/s, "
                    f"p99 at {runs[0].steady_rate:.0f}/s "
                    f"{median(r.p99_ms for r in runs):.0f} ms, "
                    f"missing {max(r.missing for r in runs)}")
            part += f", CPU {median(r.cpu_ms for r in runs):.2f} ms/update"
            if key != "ptb" and len(echo) == len(runs):
                ratios = sorted(r.per_second / e.per_second for r, e in zip(runs, echo,
                                                                          strict=True))
                # what the ratio would be with a core each: echo's CPU per update / ours
                by_cpu = sorted(e.cpu_ms / r.cpu_ms for r, e in zip(runs, echo, strict=True))
                part += (f", /PTB-echo {median(ratios):.2f} "
                         f"({', '.join(f'{x:.2f}' for x in ratios)}), by CPU "
                         f"{median(by_cpu):.2f} ({', '.join(f'{x:.2f}' for x in by_cpu)})")
            parts.append(part)
    print("SUMMARY throughput: " + "; ".join(parts))


if __name__ == "__main__":
    sys.exit(main())
