"""The whole-message check on the worst inputs a user can send: figures, no assertions.

    python -m bench.checks              # every input 30 times
    python -m bench.checks --repeat 100

Times `Responder.respond` plus the wording (what every front end runs) for hostile
messages: a Telegram-sized wall of dotted words, of links with user information and
backslashes, of phone numbers, of digits, of scam words, and the scam SMS of issue 17.
A reply to any of them should stay well under 0.1 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from knowledge import textnorm
from knowledge.catalog import load_catalog
from knowledge.reply import Responder
from knowledge.wording import word_reply

LIMIT = 4096  # a Telegram message
WORST = {
    "scam sms": ("【亚马逊】您的账户已冻结，请致电 400-810-5666 转 2 并登录 "
                 "https://amazon-cn.help 解冻"),
    "dotted words": ("a.b.c.d.e.f.g.h " * 600)[:LIMIT],
    "bare hosts": ("amaz0n-help.com " * 400)[:LIMIT],
    "disguised links": ("https://amazon.com@evil.com\\@x.y/ " * 200)[:LIMIT],
    "full-width links": ("ｈｔｔｐｓ：／／ａｍａｚｏｎ．ｃｏｍ＠ｅｖｉｌ．ｃｏｍ＼ " * 200)[:LIMIT],
    "look-alike hosts": ("аmаzօn.co.jp " * 400)[:LIMIT],
    "phone numbers": ("+86 138 0013 8000, " * 300)[:LIMIT],
    "phone-like groups": ("400-810-56666 " * 400)[:LIMIT],
    "digits": ("1 2 3 4 5 6 7 8 9 0 " * 300)[:LIMIT],
    "scam words": ("验证码 冻结 转账 password OTP 来电 " * 200)[:LIMIT],
    "everything": ("亚马逊 400-810-5666 amazon.com@evil.com 验证码 " * 100)[:LIMIT],
    "question + link": "amazon.co.jp customer service number?",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    responder = Responder(load_catalog())
    zone = ZoneInfo("Asia/Shanghai")
    now = datetime(2026, 3, 4, 4, 0, tzinfo=UTC)
    worst = 0.0
    print(f"{'input':<20} {'chars':>6} {'reply':<14} {'median ms':>10} {'max ms':>8}")
    for name, text in WORST.items():
        times = []
        kind = ""
        for _ in range(args.repeat):
            textnorm.forget()  # each time a message never seen
            start = time.perf_counter()
            reply = responder.respond(text, lang="zh", user_zone=zone, now=now)
            word_reply(reply, responder.catalog, lang="zh", user_zone=zone, now=now)
            times.append(time.perf_counter() - start)
            kind = type(reply).__name__
        times.sort()
        median, top = times[len(times) // 2] * 1000, times[-1] * 1000
        worst = max(worst, top)
        print(f"{name:<20} {len(text):>6} {kind:<14} {median:>10.1f} {top:>8.1f}")
    print(f"SUMMARY worst reply {worst:.1f} ms (budget 100 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
