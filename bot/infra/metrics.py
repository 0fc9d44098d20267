"""What the bot counts for /metrics and /stats: updates, errors, reminders, handling time.

Features record through the application's `Metrics`, found with `metrics_of`:

    from bot.infra.metrics import metrics_of

    metrics_of(context).reminder_sent()      # a reminder reached the user
    metrics_of(context).reminder_failed()    # a reminder send failed (blocked, API error…)

`context` may be a handler's or a job's CallbackContext, or the Application itself.
Updates, their handling time and errors are counted by `MeasuredApplication` around
every update, so handlers do nothing for those.

The exposition is written by hand (Prometheus text format 0.0.4): a few counters and
one histogram do not need a client library and its process-global registry.
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telegram import Update
from telegram.error import Forbidden
from telegram.ext import Application, Job

from bot.core.clock import Clock, SystemClock

logger = logging.getLogger(__name__)

# handling time of one update, in seconds (Prometheus' default buckets)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# /stats reports reminders over this window; kept in one-minute buckets
REMINDER_WINDOW = timedelta(hours=24)
MAX_ERROR_DETAIL = 200
NAMESPACE = "kefu"


@dataclass(frozen=True)
class LastError:
    """The most recent error we caused (a user blocking the bot is not one)."""

    at: datetime
    error: str
    detail: str
    where: str


class Histogram:
    """Cumulative buckets, a sum and a count, like a Prometheus histogram."""

    def __init__(self, buckets: Iterable[float] = LATENCY_BUCKETS) -> None:
        self.bounds = tuple(sorted(buckets))
        self.counts = [0] * len(self.bounds)  # observations <= bound, per bound (not cumulative)
        self.total = 0
        self.sum = 0.0

    def observe(self, value: float) -> None:
        self.total += 1
        self.sum += value
        for i, bound in enumerate(self.bounds):
            if value <= bound:
                self.counts[i] += 1
                break

    def cumulative(self) -> list[tuple[str, int]]:
        """(le, count) pairs, `+Inf` last."""
        out: list[tuple[str, int]] = []
        running = 0
        for bound, count in zip(self.bounds, self.counts, strict=True):
            running += count
            out.append((_number(bound), running))
        out.append(("+Inf", self.total))
        return out


class Metrics:
    """Counters of one running bot. Not thread-safe: used from the event loop only."""

    def __init__(
        self, clock: Clock | None = None, redact: Callable[[str], str] | None = None
    ) -> None:
        self._clock: Clock = clock or SystemClock()
        # applied to an error's text before /stats can show it (bot.logs.Redactor)
        self._redact: Callable[[str], str] = redact or (lambda text: text)
        self.started_at = self._clock.now()
        self.updates: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.latency: dict[str, Histogram] = {}
        self.reminders_sent = 0
        self.reminders_failed = 0
        self.last_error: LastError | None = None
        # webhook requests refused (wrong secret, not an update, …), by reason
        self.webhook_refused: Counter[str] = Counter()
        # minute (since the epoch) → [sent, failed]; at most 24 h of minutes are kept
        self._reminder_minutes: dict[int, list[int]] = {}

    # --- what features record -------------------------------------------------------

    def reminder_sent(self) -> None:
        """A reminder reached its user."""
        self.reminders_sent += 1
        self._reminder_bucket()[0] += 1

    def reminder_failed(self) -> None:
        """A reminder could not be delivered (this attempt; a retry counts again)."""
        self.reminders_failed += 1
        self._reminder_bucket()[1] += 1

    # --- what the application records -----------------------------------------------

    def update_handled(self, kind: str, seconds: float) -> None:
        self.updates[kind] += 1
        histogram = self.latency.get(kind)
        if histogram is None:
            histogram = self.latency[kind] = Histogram()
        histogram.observe(seconds)

    def error(self, error: BaseException, where: str) -> None:
        name = type(error).__name__
        self.errors[name] += 1
        if isinstance(error, Forbidden):
            return  # the user blocked the bot: counted, but not an error of ours
        detail = self._redact(" ".join(str(error).split()))[:MAX_ERROR_DETAIL]
        self.last_error = LastError(self._clock.now(), name, detail, where)

    # --- reading --------------------------------------------------------------------

    def reminders_in_window(self) -> tuple[int, int]:
        """(sent, failed) in the last 24 hours — or since start, if that is more recent."""
        self._prune()
        sent = sum(bucket[0] for bucket in self._reminder_minutes.values())
        failed = sum(bucket[1] for bucket in self._reminder_minutes.values())
        return sent, failed

    def uptime(self) -> timedelta:
        return self._clock.now() - self.started_at

    def now(self) -> datetime:
        """The bot's clock (injected in tests)."""
        return self._clock.now()

    def exposition(
        self,
        gauges: Mapping[str, tuple[str, float]] | None = None,
        counters: Mapping[str, tuple[str, str, Mapping[str, float]]] | None = None,
    ) -> str:
        """The Prometheus text format; `gauges` are name → (help, value) read at scrape,
        `counters` name → (help, label, {label value: count}) kept by others."""
        lines: list[str] = []

        def family(name: str, kind: str, help_text: str) -> str:
            full = f"{NAMESPACE}_{name}"
            lines.append(f"# HELP {full} {help_text}")
            lines.append(f"# TYPE {full} {kind}")
            return full

        name = family("updates_total", "counter", "Telegram updates handled, by update type.")
        for kind, count in sorted(self.updates.items()):
            lines.append(f"{name}{_labels(type=kind)} {count}")
        name = family("errors_total", "counter", "Errors raised while handling updates and jobs.")
        for error, count in sorted(self.errors.items()):
            lines.append(f"{name}{_labels(error=error)} {count}")
        name = family(
            "webhook_refused_total", "counter",
            "Webhook requests refused (wrong or no secret, not an update, …), by reason.",
        )
        for reason, count in sorted(self.webhook_refused.items()):
            lines.append(f"{name}{_labels(reason=reason)} {count}")
        name = family("reminders_sent_total", "counter", "Case reminders delivered.")
        lines.append(f"{name} {self.reminders_sent}")
        name = family("reminders_failed_total", "counter", "Case reminder sends that failed.")
        lines.append(f"{name} {self.reminders_failed}")
        name = family(
            "update_duration_seconds", "histogram", "Time to handle one update, by update type."
        )
        for kind, histogram in sorted(self.latency.items()):
            for le, count in histogram.cumulative():
                lines.append(f"{name}_bucket{_labels(type=kind, le=le)} {count}")
            lines.append(f"{name}_sum{_labels(type=kind)} {_number(histogram.sum)}")
            lines.append(f"{name}_count{_labels(type=kind)} {histogram.total}")
        name = family("start_time_seconds", "gauge", "When the bot started, in Unix time.")
        lines.append(f"{name} {_number(self.started_at.timestamp())}")
        for counter, (help_text, label, values) in sorted((counters or {}).items()):
            name = family(counter, "counter", help_text)
            for value_label, total in sorted(values.items()):
                lines.append(f"{name}{_labels(**{label: value_label})} {_number(total)}")
        for gauge, (help_text, value) in sorted((gauges or {}).items()):
            name = family(gauge, "gauge", help_text)
            lines.append(f"{name} {_number(value)}")
        return "\n".join(lines) + "\n"

    def _minute(self) -> int:
        return int(self._clock.now().timestamp() // 60)

    def _reminder_bucket(self) -> list[int]:
        self._prune()
        return self._reminder_minutes.setdefault(self._minute(), [0, 0])

    def _prune(self) -> None:
        oldest = self._minute() - int(REMINDER_WINDOW.total_seconds() // 60)
        for minute in [m for m in self._reminder_minutes if m <= oldest]:
            del self._reminder_minutes[minute]


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def _labels(**labels: str) -> str:
    def escape(value: str) -> str:
        return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')

    return "{" + ",".join(f'{key}="{escape(value)}"' for key, value in labels.items()) + "}"


def update_type(update: object) -> str:
    """The kind of an update as Telegram names it (`message`, `callback_query`, …)."""
    if isinstance(update, Update):
        for kind in Update.ALL_TYPES:
            if getattr(update, kind, None) is not None:
                return str(kind)
        return "unknown"
    return type(update).__name__


class MeasuredApplication(Application[Any, Any, Any, Any, Any, Any]):
    """PTB's Application, counting every update, its handling time and every error.

    Built through `ApplicationBuilder.application_class`, which passes the builder's
    arguments on unchanged.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.metrics = Metrics()

    async def process_update(self, update: object) -> None:
        started = time.perf_counter()
        try:
            await super().process_update(update)
        finally:
            seconds = time.perf_counter() - started
            kind = update_type(update)
            self.metrics.update_handled(kind, seconds)
            logger.debug(
                "update handled",
                extra={
                    "update_id": getattr(update, "update_id", None),
                    "type": kind,
                    "ms": round(seconds * 1000, 1),
                },
            )

    async def process_error(
        self,
        update: object | None,
        error: Exception,
        job: Job[Any] | None = None,
        coroutine: Any = None,
    ) -> bool:
        if job is not None:
            where = f"job {job.name}"
        elif update is not None:
            where = f"update {update_type(update)}"
        else:
            where = "task"
        self.metrics.error(error, where)
        return await super().process_error(update, error, job, coroutine)


_DETACHED = Metrics()


def metrics_of(context: Any) -> Metrics:
    """The Metrics of the application behind a CallbackContext (or of an Application).

    Never raises: an application that does not measure (a test building its own) gets
    a detached Metrics whose counts go nowhere.
    """
    application = getattr(context, "application", context)
    metrics = getattr(application, "metrics", None)
    return metrics if isinstance(metrics, Metrics) else _DETACHED

