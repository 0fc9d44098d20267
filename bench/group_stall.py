"""Can one member stall a group? The next member's answer after a burst of button presses.

    python -m bench.group_stall            # a few seconds

The real Application with its real rate limiter (AIORateLimiter's group buckets wait in
real time) against the in-process fake Bot API of the tests. Issue 17 measured, before:
a non-admin pressing a /settings button 60 times delayed the next member's /faq answer by
127 s, an asker pressing their own answer's buttons 40 times by 65 s (normally 0.06 s).
Printed: the seconds from the /faq update to its answer after each burst, and the calls
the burst made that the group's bucket counts. Figures only: nothing here asserts on time.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.clock import ManualClock
from bot.infra.ratelimit import counts_in_group
from tests.bot.groupchat import GroupChat
from tests.bot.harness import EN_USER, ZH_USER, Harness, TgUser

FAQ = "/faq 卖家账号被封怎么办"
OTHER = TgUser(3001, "成员", "zh-hans")


async def next_answer_seconds(group: GroupChat) -> float:
    started = time.perf_counter()
    await group.say(FAQ, OTHER)
    return time.perf_counter() - started


async def burst(bot: Harness, group: GroupChat, presses: int, *, settings: bool) -> int:
    """Press a button `presses` times, two a second; the calls counted in the group."""
    before = len(bot.api.calls)
    if settings:
        bot.api.member_status[(group.id, ZH_USER.id)] = "administrator"
        await group.say("/settings")
        target, presser = group.last(), EN_USER
    else:
        await group.say(FAQ)
        target, presser = group.last(), ZH_USER
    for _ in range(presses):
        message = target if settings else group.last()
        data = message.button("English") if settings else message.buttons()[0][1]
        await group.press(data, presser, message)
        bot.clock.advance(timedelta(milliseconds=500))
    return sum(counts_in_group(c.method) and int(c.params.get("chat_id", 0)) == group.id
               for c in bot.api.calls[before:])


async def run(settings: bool, presses: int) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as folder:
        clock = ManualClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
        bot = await Harness.start(Path(folder) / "bench.sqlite3", clock)
        try:
            quiet = await next_answer_seconds(GroupChat(bot, {"id": -1001, "type":
                                                               "supergroup", "title": "q"}))
            group = GroupChat(bot)
            counted = await burst(bot, group, presses, settings=settings)
            after = await next_answer_seconds(group)
        finally:
            await bot.stop()
    return quiet, after, counted


def main() -> None:
    rows = []
    for name, settings, presses in (("non-admin presses a settings button", True, 60),
                                    ("asker presses their answer's buttons", False, 40)):
        quiet, after, counted = asyncio.run(run(settings, presses))
        rows.append((name, presses, counted, quiet, after))
        print(f"{name} ×{presses}: {counted} calls in the group's bucket (the message "
              f"pressed included); next /faq answered "
              f"in {after:.3f} s (a quiet group: {quiet:.3f} s)")
    worst = max(after for *_, after in rows)
    print(f"SUMMARY worst next-answer delay after a burst: {worst:.3f} s "
          f"(issue 17 before: 127 s and 65 s)")


if __name__ == "__main__":
    main()
