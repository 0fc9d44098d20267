"""What the bot writes back — to its log, to /stats, to the user — never carries more than it
should: the token in any spelling, control characters a user typed, library debug lines."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest

from bot.core.clock import ManualClock
from bot.core.sanitize import quote_input
from bot.infra.logs import REDACTED, Redactor, setup_logging
from bot.infra.metrics import metrics_of
from tests.bot.casekit import press_step
from tests.bot.conftest import START
from tests.bot.fakeapi import Failure
from tests.bot.harness import EN_USER, TOKEN, Harness, TgUser

ADMIN = TgUser(4242, "Op", "en")
SECRET_HALF = TOKEN.split(":", 1)[1]
LIBRARIES = ("telegram", "aiosqlite", "httpx", "httpcore", "apscheduler", "tornado")


def spellings(secret: str) -> list[str]:
    """The ways a secret reaches a message: as is, lower- and upper-cased, URL-encoded."""
    encoded = quote(secret, safe="")
    return list(dict.fromkeys([secret, secret.lower(), secret.upper(), secret.capitalize(),
                               encoded, encoded.lower(), encoded.upper()]))


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in (*LIBRARIES, "tornado.access")}
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness.start(tmp_path / "kefu.sqlite3", ManualClock(START),
                                  admins=frozenset({ADMIN.id}))
    try:
        yield harness
    finally:
        await harness.stop()


# --- 6. the token, whatever its case or encoding --------------------------------------


@pytest.mark.parametrize("spelling", spellings(TOKEN) + spellings(SECRET_HALF))
def test_the_redactor_matches_every_spelling(spelling: str) -> None:
    redact = Redactor([TOKEN])
    text = f"POST /bot{spelling}/sendMessage failed"
    assert redact(text) == f"POST /bot{REDACTED}/sendMessage failed"


def test_the_redactor_leaves_near_misses_alone() -> None:
    redact = Redactor([TOKEN])
    near = TOKEN[:-1] + ("0" if TOKEN[-1] != "0" else "1")
    assert redact(f"x {near[:20]} y") == f"x {near[:20]} y"


async def test_an_api_error_that_echoes_the_path_reaches_no_log_line_and_no_stats(
    bot: Harness, restore_logging: None
) -> None:
    stream = io.StringIO()
    setup_logging("INFO", "text", secrets=[TOKEN], stream=stream)
    # PTB strips "Bad Request: " and capitalises the rest: the token comes out lower-cased
    for spelling in (f"/bot{TOKEN}/sendMessage", f"/bot{quote(TOKEN, safe='')}/sendMessage"):
        bot.api.fail("sendMessage", Failure.bad_request(f"proxy refused POST {spelling}"))
        await bot.send("/start", user=EN_USER)
    detail = metrics_of(bot.app).last_error
    assert detail is not None and "proxy refused" in detail.detail.lower()
    await bot.send("/stats", user=ADMIN)
    stats = bot.screen(ADMIN).plain
    output = stream.getvalue()
    assert "update failed" in output and REDACTED in output
    for where in (output, detail.detail, stats):
        folded = where.lower()
        for spelling in spellings(SECRET_HALF):
            assert spelling.lower() not in folded, where


async def test_the_note_to_admins_about_a_failure_is_redacted(bot: Harness) -> None:
    class Exploding:
        def converse(self, question: str, *_: object, **__: object) -> None:
            raise RuntimeError(f"upstream said /bot{TOKEN.upper()}/x")

    services = bot.app.bot_data["services"]
    services.responder = Exploding()
    await bot.send("how do I reach amazon", user=EN_USER)
    note = bot.api.last_message(ADMIN.id).plain
    assert "RuntimeError" in note and REDACTED in note
    assert SECRET_HALF.lower() not in note.lower()


# --- BOT_LOG_LEVEL=DEBUG is the bot's debug, not the libraries' -----------------------


def test_debug_keeps_the_libraries_at_info_unless_asked(
    restore_logging: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    setup_logging("DEBUG", "text", stream=io.StringIO())
    assert logging.getLogger("bot.app").isEnabledFor(logging.DEBUG)
    for name in ("telegram.ext.Application", "aiosqlite", "apscheduler.scheduler",
                 "tornado.general"):
        logger = logging.getLogger(name)
        assert logger.isEnabledFor(logging.INFO) and not logger.isEnabledFor(logging.DEBUG), name
    for name in ("httpx", "httpcore"):
        assert not logging.getLogger(name).isEnabledFor(logging.INFO), name

    setup_logging("INFO", "text", stream=io.StringIO(), libs_level="DEBUG")
    for name in ("telegram.ext.Application", "aiosqlite", "httpx"):
        assert logging.getLogger(name).isEnabledFor(logging.DEBUG), name
    assert not logging.getLogger("bot.app").isEnabledFor(logging.DEBUG)

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_LOG_LEVEL_LIBS", "debug")
    from bot.core.config import load_settings

    assert load_settings().log_level_libs == "DEBUG"
    monkeypatch.delenv("BOT_LOG_LEVEL_LIBS")
    assert load_settings().log_level_libs is None


async def test_at_debug_what_users_type_stays_out_of_the_log(
    bot: Harness, restore_logging: None
) -> None:
    stream = io.StringIO()
    setup_logging("DEBUG", "text", secrets=[TOKEN], stream=stream)
    typed = "my seller account 13800000000 was suspended"
    await bot.send(typed, user=EN_USER)
    # a case note goes to SQLite as a parameter; aiosqlite's DEBUG line would show it
    now = bot.clock.now()
    await bot.app.bot_data["services"].cases.add(
        EN_USER.id, "amazon", "seller", "seller_case", "suspension", "CASE-77",
        "call me on 13900000000", now - timedelta(days=1), now + timedelta(days=1))
    output = stream.getvalue()
    assert "update handled" in output  # the bot's own DEBUG lines are there
    assert "13800000000" not in output and "13900000000" not in output


# --- 7. what users typed, quoted back -------------------------------------------------

HOSTILE = "\x00a\x07b\x1b[31mc\u202ed\x85e\u2028f\tg\r\nh"
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def test_one_sanitiser_quotes_input() -> None:
    assert quote_input(HOSTILE, 40) == "\ufffda\ufffdb\ufffd[31mc\ufffdd e f g h"
    assert quote_input("  plain   words ", 40) == "plain words"
    assert quote_input("x" * 50, 10) == "x" * 10 + "…"
    assert quote_input("\x00\x00\x00", 10) == "\ufffd"


async def test_the_date_the_zone_and_quiet_hours_are_quoted_back_clean(bot: Harness) -> None:
    await bot.send("/track", user=EN_USER)
    await press_step(bot, "platform", "amazon", EN_USER)
    await press_step(bot, "role", "buyer", EN_USER)
    await press_step(bot, "channel", "buyer_email", EN_USER)
    await bot.send(f"later{HOSTILE}", user=EN_USER)
    date_reply = bot.screen(EN_USER).plain
    assert "I can't read “later\ufffda" in date_reply
    await bot.send(f"/tz Mars{HOSTILE.replace(' ', '')}", user=EN_USER)
    zone_reply = bot.screen(EN_USER).plain
    assert "“Mars\ufffda\ufffdb" in zone_reply
    await bot.send(f"/quiet soon{HOSTILE}", user=EN_USER)
    quiet_reply = bot.screen(EN_USER).plain
    assert "I can't read “soon\ufffda" in quiet_reply
    for reply in (date_reply, zone_reply, quiet_reply):
        assert not CONTROLS.search(reply.replace("\n", "")), repr(reply)
