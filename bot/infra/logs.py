"""Logging: one line per event (key=value or JSON), with secrets redacted from every record."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

REDACTED = "[REDACTED]"

# attributes every LogRecord has; anything else on a record came from `extra=` and is a field
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}
# libraries that log request URLs (which contain the token) at INFO; tornado's access
# log would add a line per health check (bot/infra/http.py logs requests itself)
_QUIET = ("httpx", "httpcore", "tornado.access")
# third-party loggers: at DEBUG they write what users send (PTB logs whole updates,
# aiosqlite every statement with its parameters), so BOT_LOG_LEVEL=DEBUG leaves them at
# INFO; BOT_LOG_LEVEL_LIBS sets them (and the _QUIET ones) explicitly
LIBRARIES = (
    "telegram", "aiosqlite", "apscheduler", "tornado", "aiohttp", "httpx", "httpcore",
)


# characters a URL never needs to encode; any other is matched as itself or as %XX
_UNRESERVED = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~")


def _spellings(needle: str) -> str:
    """A pattern for `needle` as it may reach a message: in any case (PTB capitalises API
    errors, which lower-cases the rest) and URL-encoded (a proxy echoing a request path)."""
    parts = []
    for char in needle:
        if char in _UNRESERVED:
            parts.append(re.escape(char))
            continue
        encoded = "".join(f"%{byte:02X}" for byte in char.encode())
        parts.append(f"(?:{re.escape(char)}|{re.escape(encoded)})")
    return "".join(parts)


class Redactor:
    """Replaces secrets in text; a token's secret half is redacted on its own too.

    Matches every spelling of a secret: upper, lower or mixed case, and URL-encoded.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        needles: set[str] = set()
        for secret in secrets:
            if not secret:
                continue
            needles.add(secret)
            _, sep, tail = secret.partition(":")
            if sep and len(tail) >= 8:
                needles.add(tail)
        # longest first, so a token is replaced whole before its tail is looked for
        self._needles = sorted(needles, key=len, reverse=True)
        self._pattern = (
            re.compile("|".join(_spellings(n) for n in self._needles), re.IGNORECASE)
            if self._needles
            else None
        )

    def __call__(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(REDACTED, text)

    def __bool__(self) -> bool:
        return bool(self._needles)


class LogLimiter:
    """At most one log line per `interval` for something anyone can cause (refused
    requests); the line says how many were held back since the last one."""

    def __init__(self, interval: timedelta) -> None:
        self.interval = interval
        self._last: datetime | None = None
        self._suppressed = 0

    def allow(self, now: datetime) -> int | None:
        """None: do not log this one (it is counted). A number: log it, with that many
        suppressed since the last line."""
        if self._last is not None and now - self._last < self.interval:
            self._suppressed += 1
            return None
        suppressed, self._suppressed = self._suppressed, 0
        self._last = now
        return suppressed


class RedactingFilter(logging.Filter):
    """Redacts secrets from a record's message and arguments before any handler formats it."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self._redact = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._redact:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed format string: keep both halves, redacted
            message = f"{record.msg} {record.args!r}"
        record.msg = self._redact(message)
        record.args = None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, self._redact(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self._redact(record.stack_info)
        return True


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}


def _exception_text(record: logging.LogRecord) -> str | None:
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    return record.exc_text or None


def _timestamp(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


def _quote(value: object) -> str:
    text = str(value)
    if text and not any(c in text for c in ' "=\\\n\r\t'):
        return text
    # json.dumps quotes and escapes newlines, so a value never breaks the line
    return json.dumps(text, ensure_ascii=False)


class KeyValueFormatter(logging.Formatter):
    """`ts=… level=INFO logger=bot.app msg="ready" username=kefu_bot` on one line."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__()
        self._redact = redactor or Redactor(())

    def format(self, record: logging.LogRecord) -> str:
        pairs: list[tuple[str, object]] = [
            ("ts", _timestamp(record)),
            ("level", record.levelname),
            ("logger", record.name),
            ("msg", record.getMessage()),
        ]
        pairs += list(_fields(record).items())
        exc = _exception_text(record)
        if exc:
            pairs.append(("exc", exc))
        line = " ".join(f"{key}={_quote(value)}" for key, value in pairs)
        return self._redact(line)


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__()
        self._redact = redactor or Redactor(())

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        data.update(_fields(record))
        exc = _exception_text(record)
        if exc:
            data["exc"] = exc
        return self._redact(json.dumps(data, ensure_ascii=False, default=str))


def setup_logging(
    level: str = "INFO",
    fmt: str = "text",
    *,
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
    libs_level: str | None = None,
) -> logging.Handler:
    """Route all logging through one handler on the root logger; return that handler.

    The redacting filter sits on the handler, so it sees records from every logger
    (filters on a logger would miss records propagated from its children). Libraries
    log at `libs_level` if given, else at `level` but never below INFO (httpx, httpcore
    and tornado's access log never below WARNING).
    """
    redactor = Redactor(secrets)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RedactingFilter(redactor))
    formatter = JsonFormatter(redactor) if fmt == "json" else KeyValueFormatter(redactor)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    numeric = logging.getLevelName(level)
    numeric = numeric if isinstance(numeric, int) else logging.INFO
    for name in LIBRARIES:
        logging.getLogger(name).setLevel(libs_level or max(numeric, logging.INFO))
    for name in _QUIET:
        logging.getLogger(name).setLevel(libs_level or max(numeric, logging.WARNING))
    return handler
