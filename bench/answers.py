"""The direct answer on the one-fact questions: answer-first rate, length, and cost.

    python -m bench.answers             # every one-fact question, 20 times
    python -m bench.answers --repeat 5

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
from knowledge.catalog import load_catalog
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
