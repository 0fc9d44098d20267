"""Updates per second and reply latency of kefu-bot, next to bare echo bots on the same fake API.

    python -m bench.throughput            # all bots, default sizes (about 2 minutes)
    python -m bench.throughput --quick    # smaller runs, for a smoke check
    python -m bench.throughput --profile  # cProfile of kefu at saturation, top functions

Every bot runs in this process and reaches a fake Bot API in a child process (its own
core) over real HTTP on 127.0.0.1 through its ordinary client (PTB: HTTPXRequest;
aiogram: aiohttp). Updates arrive the production way: long-polling `getUpdates`.
Latency is measured by the fake API alone, on one monotonic clock: from the moment a
`getUpdates` answer hands an update out to the moment the bot's reply to that chat
(sendMessage / editMessageText) arrives.

Bots:
- kefu: `bot.app.build_application` as `python -m bot` runs it (per-chat processing;
  AIORateLimiter with group limits and retries; the 30/s budget is the reminders' own);
- kefu, no 30/s cap: the same application with the limiter's overall rate switched off
  (retries and per-group limits kept): the bot's own cost per update;
- kefu, per-chat / per-chat+JSON: that, with the proposed PerChatUpdateProcessor
  (bot/infra/updates.py), and with JSON request bodies too (bot/infra/transport.py);
- PTB echo: a bare PTB 22 Application that echoes text (sequential, like kefu);
- aiogram echo: a bare aiogram 3 Dispatcher that echoes text (bench extra; it handles
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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml
from telegram import Update
from telegram.ext import AIORateLimiter, Application, ContextTypes, MessageHandler, filters

from bench.fakeapi_http import ServerProcess
from bot.app import build_application
from bot.core.callbacks import CallbackData, encode
from bot.core.config import Settings
from bot.core.nav import TrackCase
from bot.core.screens import home_screen
from bot.core.ui import Viewer
from bot.infra.transport import JsonHTTPXRequest
from bot.infra.updates import PerChatUpdateProcessor
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


class KefuRunner(Runner):
    def __init__(self, capped: bool, per_chat: bool = False, json_bodies: bool = False) -> None:
        self.capped = capped
        self.per_chat = per_chat
        self.json_bodies = json_bodies
        self.name = "kefu" if capped else "kefu (no 30/s cap)"
        if per_chat:
            self.name = "kefu (no cap, per-chat)"
        if json_bodies:
            self.name = "kefu (+JSON bodies)" if not per_chat else "kefu (per-chat+JSON)"
        self._app: Any = None

    async def start(self, base_url: str, workdir: Path) -> None:
        variant = f"{int(self.capped)}{int(self.per_chat)}{int(self.json_bodies)}"
        settings = Settings(_env_file=None, token=TOKEN, api_base_url=base_url,
                            db=workdir / f"kefu-{variant}.sqlite3")
        # bot/infra/transport.py, through build_application's own request parameter
        request = JsonHTTPXRequest() if self.json_bodies else None
        app = build_application(settings, request=request)
        if self.per_chat:
            # the proposed production change (bot/infra/updates.py), until bot/app.py wires it
            app._update_processor = PerChatUpdateProcessor()
        if not self.capped:
            # the same limiter class, with the overall rate off (PTB reads it per request)
            limiter = AIORateLimiter(overall_max_rate=0, max_retries=3)
            with app.bot._unfrozen():
                app.bot._rate_limiter = limiter
        await app.initialize()
        if app.post_init is not None:
            await app.post_init(app)
        assert app.updater is not None
        await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        await app.start()
        self._app = app

    async def stop(self) -> None:
        app = self._app
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


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
        figures.cpu_busy = (time.process_time() - cpu) / (time.monotonic() - wall)
        if profile is not None:
            profile.disable()
        timing = api.command("timing")
        delivered, replied = timing["delivered"], timing["replied"]
        figures.saturation_updates = len(replied)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.throughput", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--saturation", type=int, default=2000,
                        help="updates queued at once (uncapped bots)")
    parser.add_argument("--capped-saturation", type=int, default=300,
                        help="updates queued at once for kefu with its 30/s limiter")
    parser.add_argument("--rate", type=float, default=50.0, help="steady offered load, /s")
    parser.add_argument("--seconds", type=float, default=15.0, help="steady load duration")
    parser.add_argument("--only",
                        help="comma-separated: kefu,kefu-uncapped,kefu-perchat,kefu-json,"
                             "ptb,aiogram")
    parser.add_argument("--api-latency", type=float, default=0.0, metavar="MS",
                        help="the fake API answers after this long, like a real round trip")
    parser.add_argument("--quick", action="store_true", help="small runs (smoke check)")
    parser.add_argument("--profile", action="store_true",
                        help="profile kefu (no cap) at saturation and print the top functions")
    args = parser.parse_args(argv)
    if args.quick:
        args.saturation, args.capped_saturation, args.seconds = 400, 60, 4.0
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)

    workload = Workload(args.users, menu_callbacks(), questions())
    runners: dict[str, Runner] = {
        "kefu": KefuRunner(capped=True),
        "kefu-uncapped": KefuRunner(capped=False),
        "kefu-perchat": KefuRunner(capped=False, per_chat=True),
        "kefu-json": KefuRunner(capped=False, per_chat=True, json_bodies=True),
        "ptb": PtbEchoRunner(),
    }
    if importlib.util.find_spec("aiogram") is not None:
        runners["aiogram"] = AiogramEchoRunner()
    chosen = args.only.split(",") if args.only else list(runners)
    if args.profile:
        chosen = ["kefu-uncapped"]
    print(f"workload: {args.users} users, {len(workload.buttons)} distinct buttons, "
          f"{len(workload.questions)} questions, {len(COMMANDS)} commands; "
          f"updates via getUpdates long polling; API latency {args.api_latency:g} ms")

    results: dict[str, Figures] = {}
    api = ServerProcess(record_calls=False, latency=args.api_latency / 1000)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for key in chosen:
                runner = runners[key]
                profile = cProfile.Profile() if args.profile else None
                saturation = args.capped_saturation if key == "kefu" else args.saturation
                results[key] = asyncio.run(measure(
                    runner, workload, api, Path(tmp), saturation, args.rate, args.seconds,
                    profile))
                _print_row(results[key])
                if profile is not None:
                    _print_profile(profile)
    finally:
        api.close()
    _print_summary(results, args.rate)
    return 0


def _print_row(f: Figures) -> None:
    print(f"{f.name:<20} saturation {f.per_second:8.1f} updates/s ({f.saturation_updates},"
          f" CPU {f.cpu_busy:4.0%})"
          f" | at {f.steady_rate:.0f}/s: p50 {f.p50_ms:7.1f} ms  p99 {f.p99_ms:8.1f} ms"
          f"  max {f.max_ms:8.1f} ms ({f.steady_updates} replies){f.note and ' !' + f.note}",
          flush=True)


def _ratio(a: Figures | None, b: Figures | None) -> str:
    if a is None or b is None or not b.per_second:
        return "n/a"
    return f"{a.per_second / b.per_second:.2f}"


def _print_summary(results: dict[str, Figures], rate: float) -> None:
    kefu, fast = results.get("kefu"), results.get("kefu-uncapped")
    per_chat, best = results.get("kefu-perchat"), results.get("kefu-json")
    ptb, aiogram = results.get("ptb"), results.get("aiogram")
    parts = []
    for key, figures in results.items():
        parts.append(f"{key} {figures.per_second:.0f}/s")
    parts.append(f"kefu/PTB-echo {_ratio(kefu, ptb)} (no cap: {_ratio(fast, ptb)}, "
                 f"per-chat: {_ratio(per_chat, ptb)}, per-chat+JSON: {_ratio(best, ptb)}; "
                 f"target >= 0.8)")
    parts.append(f"kefu/aiogram-echo {_ratio(kefu, aiogram)} (no cap: {_ratio(fast, aiogram)}, "
                 f"per-chat: {_ratio(per_chat, aiogram)}, per-chat+JSON: {_ratio(best, aiogram)})")
    for key in ("kefu", "kefu-uncapped", "kefu-perchat", "kefu-json"):
        row = results.get(key)
        if row is not None:
            parts.append(f"{key} p50/p99 at {rate:.0f}/s {row.p50_ms:.1f}/"
                         f"{row.p99_ms:.1f} ms (target p99 < 50)")
    print("SUMMARY throughput: " + "; ".join(parts))



if __name__ == "__main__":
    sys.exit(main())
