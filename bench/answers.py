"""The direct answer: answer-first rate, length and cost, on the project's one-fact
questions and on the blind questions nobody tuned for.

    python -m bench.answers             # every one-fact question, 20 times
    python -m bench.answers --repeat 5

The blind set (tests/knowledge/blind.yaml, split dev/test, with conversations) is asked
as the private chat asks it (tests/knowledge/blind.py): the rate per split, the failures
by the kinds of issue #18, the time per message (p50, p99) against search alone in the
same run, and the time to build the answering path (start-up) against the search index
alone.

Reads the questions of tests/knowledge/questions.yaml that name an `aspect` and a
`fact`, answers each through the answering path (knowledge.reply) and the private chat's
layout, renders the reply to the HTML the bot sends and measures the text a phone shows
(markup removed): how many show the fact within the first 300 characters, the median and
90th-percentile length, and the time per reply. Figures only.
"""

from __future__ import annotations

import argparse
import html
import re
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml

from bot.ask.screens import reply_screen
from bot.core.render import render_screen
from bot.core.ui import Viewer
from knowledge import textnorm
from knowledge.catalog import Catalog, load_catalog
from knowledge.factindex import FactIndex
from knowledge.reply import Responder
from knowledge.schema import Lang

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = REPO / "tests" / "knowledge" / "questions.yaml"
NOW = datetime(2026, 3, 4, 4, 0, tzinfo=UTC)  # the moment the test set is written for
FIRST = 300
TAG = re.compile(r"<[^>]*>")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.answers")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    catalog = load_catalog()
    responder = Responder(catalog)
    zone = ZoneInfo("Asia/Shanghai")
    questions = [q for q in yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
                 if "aspect" in q]
    lengths: list[int] = []
    first = 0
    times: list[float] = []
    for question in questions:
        lang: Lang = "zh" if textnorm.has_han(question["q"]) else "en"
        for _ in range(args.repeat):
            textnorm.forget()  # each time a message never seen
            start = time.perf_counter()
            reply = responder.respond(question["q"], lang=lang, user_zone=zone, now=NOW)
            rendered = render_screen(reply_screen(catalog, reply, Viewer(lang, zone, NOW)))
            times.append(time.perf_counter() - start)
        text = html.unescape(TAG.sub("", rendered.text))  # what the phone shows
        lengths.append(len(text))
        where = text.find(question["fact"])
        first += where >= 0 and where + len(question["fact"]) <= FIRST
    lengths.sort()
    print(f"one-fact questions: {len(questions)}")
    print(f"fact within the first {FIRST} characters: {first}/{len(questions)} "
          f"({first / len(questions):.0%})")
    print(f"length (characters): median {statistics.median(lengths):.0f}, "
          f"p90 {lengths[int(len(lengths) * 0.9)]}, max {lengths[-1]}")
    ms = sorted(t * 1000 for t in times)
    print(f"first reply (answer + layout + HTML): median {statistics.median(ms):.2f} ms, "
          f"p90 {ms[int(len(ms) * 0.9)]:.2f} ms")
    blind_figures(catalog, args.repeat)
    return 0


def blind_figures(catalog: Catalog, repeat: int) -> None:
    """The blind questions: rates, failures by kind, cost per message, start-up cost."""
    from tests.knowledge import blind

    start = time.perf_counter()
    responder = Responder(catalog)
    built = time.perf_counter() - start
    start = time.perf_counter()
    FactIndex(catalog)
    facts = time.perf_counter() - start
    index = responder.index
    # the characters' readings (knowledge/sounds.py) load on import: time it in a fresh
    # interpreter, where nothing has imported them yet
    readings = subprocess.run(
        [sys.executable, "-c", "import time; t = time.perf_counter(); "
         "import knowledge.sounds; print(time.perf_counter() - t)"],
        capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[1])
    print(f"start-up: importing the characters' readings (pypinyin) "
          f"{float(readings.stdout) * 1000:.0f} ms")
    print(f"start-up: answering path built in {built * 1000:.0f} ms, of which the facts' "
          f"index (issue #18) {facts * 1000:.0f} ms")
    for split in blind.SPLITS:
        outcomes = blind.ask(responder, split)
        kinds = ", ".join(f"{k}: {n}" for k, n in blind.failures_by_kind(outcomes).most_common())
        print(f"blind {split}: fact within {blind.FIRST} characters "
              f"{sum(o.passed for o in outcomes)}/{len(outcomes)} ({blind.rate(outcomes):.1%})"
              f"; not: {kinds or 'none'}")
    questions = [m["q"] for s in blind.SPLITS for c in blind.conversations(s) for m in c]
    answer_ms: list[float] = []
    search_ms: list[float] = []
    zone = ZoneInfo("Asia/Shanghai")
    for _ in range(max(1, repeat // 4)):
        for question in questions:
            lang: Lang = "zh" if textnorm.has_han(question) else "en"
            textnorm.forget()  # each time a message never seen
            start = time.perf_counter()
            responder.respond(question, lang=lang, user_zone=zone, now=NOW)
            answer_ms.append((time.perf_counter() - start) * 1000)
            textnorm.forget()
            start = time.perf_counter()
            index.search(question)
            search_ms.append((time.perf_counter() - start) * 1000)
    answer_ms.sort()
    search_ms.sort()
    p50, p99 = statistics.median(answer_ms), answer_ms[int(len(answer_ms) * 0.99)]
    s50 = statistics.median(search_ms)
    print(f"blind questions, answering path: p50 {p50:.2f} ms, p99 {p99:.2f} ms "
          f"(search alone, same run: p50 {s50:.2f} ms; ratio {p50 / s50:.1f}x)")
    print(f"SUMMARY blind-dev/test see above · answer p50 {p50:.2f} ms p99 {p99:.2f} ms · "
          f"start-up {built * 1000:.0f} ms")


if __name__ == "__main__":
    raise SystemExit(main())
