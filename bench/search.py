"""Knowledge-side costs: catalog load, index build, search per question, card build and render.

    python -m bench.search              # 5 loads/builds, every question 20 times
    python -m bench.search --repeat 50

Searches every question of tests/knowledge/questions.yaml (Chinese simplified and
traditional, English, typos), then builds and renders the answer screen the bot would
send for it. Figures only: nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml

from bot.ask.screens import reply_screen
from bot.core.render import render_screen
from bot.core.ui import Viewer
from knowledge import textnorm
from knowledge.catalog import load_catalog
from knowledge.reply import Responder
from knowledge.search import SearchIndex

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = REPO / "tests" / "knowledge" / "questions.yaml"


def _timed(function: Callable[[], Any], times: int) -> list[float]:
    out = []
    for _ in range(times):
        start = time.perf_counter()
        function()
        out.append(time.perf_counter() - start)
    return out


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--builds", type=int, default=5, help="catalog loads and index builds")
    parser.add_argument("--repeat", type=int, default=20, help="searches per question")
    args = parser.parse_args(argv)

    questions = [str(item["q"]) for item in yaml.safe_load(QUESTIONS.read_text("utf-8"))]
    loads = _timed(load_catalog, args.builds)
    catalog = load_catalog()
    builds = _timed(lambda: SearchIndex(catalog), args.builds)
    index = SearchIndex(catalog)

    searches: list[float] = []
    for _ in range(args.repeat):
        for question in questions:
            textnorm.forget()  # each time a message never seen
            start = time.perf_counter()
            index.search(question)
            searches.append(time.perf_counter() - start)
    long_text = "卖家账号被封怎么办 " * 1000 + "amazon seller support " * 500
    hostile = _timed(lambda: index.search(long_text), max(3, args.repeat // 4))

    viewer_zh = Viewer("zh", ZoneInfo("Asia/Shanghai"), datetime.now(UTC))
    viewer_en = Viewer("en", ZoneInfo("America/New_York"), datetime.now(UTC))
    responder = Responder(catalog, index)
    cards: list[float] = []
    renders: list[float] = []
    for _ in range(max(1, args.repeat // 4)):
        for i, question in enumerate(questions):
            viewer = viewer_zh if i % 2 == 0 else viewer_en
            textnorm.forget()
            start = time.perf_counter()
            reply = responder.respond(question, lang=viewer.lang, user_zone=viewer.zone,
                                      now=viewer.now)
            screen = reply_screen(catalog, reply, viewer)
            built = time.perf_counter()
            render_screen(screen)
            cards.append(built - start)
            renders.append(time.perf_counter() - built)

    ms = 1000.0
    print(f"catalog load     median {statistics.median(loads) * ms:8.1f} ms  "
          f"(min {min(loads) * ms:.1f}, {args.builds} loads)")
    print(f"index build      median {statistics.median(builds) * ms:8.1f} ms  "
          f"(min {min(builds) * ms:.1f}, {len(index.refs)} cards)")
    print(f"search           p50 {_pct(searches, 0.5) * ms:7.3f} ms  p99 "
          f"{_pct(searches, 0.99) * ms:7.3f} ms  max {max(searches) * ms:7.3f} ms  "
          f"({len(questions)} questions x {args.repeat})")
    print(f"search, 13,000 characters pasted   median {statistics.median(hostile) * ms:7.3f} ms")
    print(f"answer screen    p50 {_pct(cards, 0.5) * ms:7.3f} ms  p99 "
          f"{_pct(cards, 0.99) * ms:7.3f} ms  "
          "(the answering path and the layout; zh/en alternating)")
    print(f"render (HTML)    p50 {_pct(renders, 0.5) * ms:7.3f} ms  p99 "
          f"{_pct(renders, 0.99) * ms:7.3f} ms")
    print(f"SUMMARY search: catalog load {statistics.median(loads) * ms:.0f} ms, index build "
          f"{statistics.median(builds) * ms:.0f} ms, search p50/p99 "
          f"{_pct(searches, 0.5) * ms:.2f}/{_pct(searches, 0.99) * ms:.2f} ms, card build+render "
          f"p50 {(_pct(cards, 0.5) + _pct(renders, 0.5)) * ms:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
