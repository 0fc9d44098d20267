"""`python -m bot`: run the bot, or answer and check from the terminal."""

from __future__ import annotations

import argparse
import os
import sys

from knowledge.schema import LANGS


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="kefu-bot: how to reach a platform's customer service, and follow-ups.",
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the Telegram bot (the default)")
    ask = commands.add_parser("ask", help="answer a question from the knowledge base")
    ask.add_argument("question", nargs="*", help='e.g. "美国亚马逊客服电话"')
    ask.add_argument("--lang", choices=LANGS, help="answer language (default: the question's)")
    ask.add_argument("--tz", help="your IANA time zone (default: BOT_TIMEZONE or Asia/Shanghai)")
    commands.add_parser("check", help="validate the knowledge files and print their coverage")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "ask":
        from bot.cli import run_ask

        zone = args.tz or os.environ.get("BOT_TIMEZONE") or "Asia/Shanghai"
        return run_ask(" ".join(args.question), args.lang, zone)
    if args.command == "check":
        from bot.cli import run_check

        return run_check()
    # importing telegram is slow: only the bot itself pays for it
    from bot.app import main as run_main

    return run_main()


if __name__ == "__main__":
    sys.exit(main())
