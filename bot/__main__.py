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
    ask.add_argument("--full", action="store_true", help="print the whole card after the answer")
    ask.add_argument("--after", action="append", default=[], metavar="EARLIER",
                     help="an earlier message of the conversation, asked first "
                          "(repeat for more, oldest first)")
    commands.add_parser("check", help="validate the knowledge files and print their coverage")
    misses = commands.add_parser(
        "misses",
        help="what users asked that the bot could not answer, last 30 days (BOT_DB)",
    )
    misses.add_argument(
        "--limit", type=int, help="how many of the most frequent to list (default 20, at most 100)"
    )
    feedback = commands.add_parser(
        "feedback",
        help="answers users voted down and why, up rates, reported reply times (BOT_DB)",
    )
    feedback.add_argument(
        "--days", type=int, default=90, help="the window in days (default and most: 90)"
    )
    backup = commands.add_parser(
        "backup", help="copy the database (BOT_DB) consistently, also while the bot runs"
    )
    backup.add_argument("path", help="the backup file, or a directory for a time-stamped one")
    restore = commands.add_parser(
        "restore", help="replace the database with a backup (the bot must be stopped)"
    )
    restore.add_argument("path", help="a backup made by `backup`")
    commands.add_parser("health", help="ask the running bot's /healthz (exit 0 if healthy)")
    sources = commands.add_parser("sources", help="the pages the knowledge cites")
    sources_commands = sources.add_subparsers(dest="sources_command", required=True)
    verify = sources_commands.add_parser(
        "verify",
        help="fetch every cited page: ok, changed (a quote is gone), moved, gone, unreachable",
    )
    verify.add_argument(
        "--stale", type=int, metavar="DAYS",
        help="only list sources whose `checked` date is older than DAYS days (no fetching)",
    )
    verify.add_argument(
        "--result", metavar="FILE",
        help="write the counts per result as JSON for /metrics (default: BOT_SOURCES_RESULT)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "ask":
        from bot.infra.cli import run_ask

        zone = args.tz or os.environ.get("BOT_TIMEZONE") or "Asia/Shanghai"
        return run_ask(" ".join(args.question), args.lang, zone, full=args.full,
                       after=args.after)
    if args.command == "check":
        from bot.infra.cli import run_check

        return run_check()
    if args.command == "misses":
        from bot.infra.cli import run_misses

        return run_misses() if args.limit is None else run_misses(args.limit)
    if args.command == "feedback":
        from bot.infra.cli import run_feedback

        return run_feedback(args.days)
    if args.command == "sources":
        from pathlib import Path

        from bot.infra.sourcecheck import run_verify

        result = args.result or os.environ.get("BOT_SOURCES_RESULT") or None
        return run_verify(stale_days=args.stale, result_file=Path(result) if result else None)
    if args.command in ("backup", "restore", "health"):
        from bot.infra import ops

        if args.command == "backup":
            return ops.run_backup(args.path)
        if args.command == "restore":
            return ops.run_restore(args.path)
        return ops.run_health()
    # importing telegram is slow: only the bot itself pays for it
    from bot.app import main as run_main

    return run_main()


if __name__ == "__main__":
    sys.exit(main())
