"""Configuration from the environment, `python -m bot` without a token, logs without secrets."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.clock import ManualClock
from bot.core.config import ConfigError, MissingTokenError, Settings, load_settings
from bot.infra.logs import LIBRARIES, REDACTED, setup_logging
from tests.bot.fakeapi import Failure
from tests.bot.harness import TOKEN, Harness

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No BOT_* variables, and a working directory without a .env file."""
    for name in list(os.environ):
        if name.startswith("BOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def documented_default(name: str) -> str:
    """The default the README's configuration table gives for `name` (code and docs agree)."""
    readme = Path(__file__).resolve().parents[2] / "README.md"
    for row in readme.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in row.strip("|").split("|")]
        if cells and cells[0] == f"`{name}`":
            return cells[-1].strip("`")
    raise AssertionError(f"{name} is not in the README's configuration table")


def test_defaults(clean_env: Path) -> None:
    settings = load_settings()
    assert settings.token is None
    assert settings.api_base_url == documented_default("BOT_API_BASE_URL")
    assert settings.db == Path("data/kefu.sqlite3")
    assert settings.timezone == "Asia/Shanghai"
    assert settings.admins == frozenset()
    assert (settings.webhook_url, settings.webhook_listen, settings.webhook_port) == (
        None, "127.0.0.1", 8080)
    assert (settings.log_level, settings.log_format) == ("INFO", "text")
    assert settings.api_client == documented_default("BOT_API_CLIENT")
    assert settings.proxy is None


def test_environment_and_dotenv(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (clean_env / ".env").write_text(
        "BOT_TOKEN=123:from-dotenv-secret\nBOT_ADMINS=1, 22,333\nBOT_LOG_FORMAT=JSON\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("BOT_TIMEZONE", "Europe/Berlin")
    monkeypatch.setenv("BOT_LOG_LEVEL", "debug")
    settings = load_settings()
    assert settings.require_token() == "123:from-dotenv-secret"
    assert settings.admins == frozenset({1, 22, 333})
    assert settings.timezone == "Europe/Berlin"
    assert (settings.log_level, settings.log_format) == ("DEBUG", "json")
    assert "from-dotenv-secret" not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("BOT_TIMEZONE", "Mars/Olympus", "BOT_TIMEZONE: 'Mars/Olympus' is not an IANA time zone"),
        ("BOT_ADMINS", "1,alice", "BOT_ADMINS: must be comma-separated Telegram user ids"),
        ("BOT_WEBHOOK_PORT", "99999", "BOT_WEBHOOK_PORT:"),
        ("BOT_LOG_FORMAT", "xml", "BOT_LOG_FORMAT:"),
        ("BOT_API_CLIENT", "requests", "BOT_API_CLIENT:"),
        ("BOT_PROXY", "proxy.example:3128", "BOT_PROXY: must be a URL"),
    ],
)
def test_bad_values_are_one_line_errors_naming_the_variable(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_a_blank_token_is_no_token(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "  ")
    with pytest.raises(MissingTokenError, match="@BotFather"):
        load_settings().require_token()


def test_python_m_bot_without_a_token_explains_and_exits_2(clean_env: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env["PYTHONPATH"] = str(REPO)
    result = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=clean_env, env=env, capture_output=True,
        text=True, timeout=60, check=False,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "BOT_TOKEN" in lines[0] and "@BotFather" in lines[0]


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    quiet = {name: logging.getLogger(name).level
             for name in (*LIBRARIES, "httpx", "httpcore", "tornado.access")}
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    for name, old in quiet.items():
        logging.getLogger(name).setLevel(old)


@pytest.mark.parametrize("fmt", ["text", "json"])
async def test_the_token_never_reaches_the_logs(
    db_path: Path, clock: ManualClock, restore_logging: None, fmt: str
) -> None:
    stream = io.StringIO()
    setup_logging("DEBUG", fmt, secrets=[TOKEN], stream=stream)
    bot = await Harness.start(db_path, clock)
    try:
        await bot.send("/start")
        await bot.tap("亚马逊")
        # a dropped connection: the error names the URL, and the URL holds the token
        bot.api.fail("sendMessage", Failure.network_error())
        await bot.send("卖家账号被封怎么办")
        logging.getLogger("bot.test").debug("token in args: %s", TOKEN)
        logging.getLogger("bot.test").debug("token in extra", extra={"url": f"x/bot{TOKEN}/y"})
    finally:
        await bot.stop()
    output = stream.getvalue()
    assert "ready" in output and "update failed" in output
    assert REDACTED in output  # the token was there to be redacted
    assert TOKEN not in output
    assert TOKEN.split(":", 1)[1] not in output
    lines = output.splitlines()
    if fmt == "json":
        for line in lines:
            json.loads(line)  # one JSON object per line, tracebacks included
    else:
        assert all(line.startswith("ts=") for line in lines)  # one line per event
    # httpx logs every request URL at INFO; it is kept at WARNING
    assert "HTTP Request" not in output


async def test_what_users_type_is_not_logged_at_info(
    db_path: Path, clock: ManualClock, restore_logging: None
) -> None:
    stream = io.StringIO()
    setup_logging("INFO", "text", secrets=[TOKEN], stream=stream)
    question = "我的卖家账号昨天被封了，私人信息 13800000000"
    bot = await Harness.start(db_path, clock)
    try:
        await bot.send(question)
        bot.api.fail("sendMessage", Failure.server_error())
        await bot.send(question)  # a failure is logged, with context but not the text
    finally:
        await bot.stop()
    output = stream.getvalue()
    assert "update failed" in output and "handler=on_question" in output
    assert "13800000000" not in output and "私人信息" not in output


def test_settings_are_read_once_and_frozen(clean_env: Path) -> None:
    settings = Settings(_env_file=None)
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen-instance error
        settings.timezone = "UTC"  # type: ignore[misc]


def test_api_client_and_proxy(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_API_CLIENT", " HTTPX ")
    monkeypatch.setenv("BOT_PROXY", "http://kefu:proxy-pass-word@127.0.0.1:3128")
    settings = load_settings()
    assert settings.api_client == "httpx"
    assert settings.proxy == "http://kefu:proxy-pass-word@127.0.0.1:3128"
    assert "proxy-pass-word" in settings.secrets()  # kept out of the log like the token


def test_a_blank_proxy_is_none(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_PROXY", "  ")
    assert load_settings().proxy is None
