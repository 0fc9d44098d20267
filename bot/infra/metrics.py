"""What the bot counts for /metrics and /stats: updates, errors, reminders, handling time.

Features record through the application's `Metrics`, found with `metrics_of`:

    from bot.infra.metrics import metrics_of

    metrics_of(context).reminder_sent()      # a reminder reached the user
    metrics_of(context).reminder_failed()    # a reminder send failed (blocked, API error…)
    metrics_of(context).vote("amazon", "phone", "broken")  # a vote under an answer counted

`context` may be a handler's or a job's CallbackContext, or the Application itself.
Updates, their handling time and errors are counted by `MeasuredApplication` around
every update, so handlers do nothing for those.

The counters and the histogram are prometheus-client's, each `Metrics` with its own
`CollectorRegistry` (never the library's process-global one): two applications in one
process — tests, the CLI — count apart. What /stats shows and Prometheus has no word
for (reminders in the last 24 hours, the last error) is kept here beside them.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import prometheus_client as prom
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
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

# read at scrape time by the caller: name → (help, value)
Gauges = Mapping[str, tuple[str, float]]
# kept by others (the database's failed writes): name → (help, label, {label value: count});
# names without `_total`, which the exposition adds
Counters = Mapping[str, tuple[str, str, Mapping[str, float]]]


@dataclass(frozen=True)
class LastError:
    """The most recent error we caused (a user blocking the bot is not one)."""

    at: datetime
    error: str
    detail: str
    where: str


class Metrics:
    """Counters of one running bot, in a registry of its own.

    The Prometheus metrics are thread-safe; the 24-hour reminder window and the last
    error are not: record from the event loop only.
    """

    def __init__(
        self, clock: Clock | None = None, redact: Callable[[str], str] | None = None
    ) -> None:
        self._clock: Clock = clock or SystemClock()
        # applied to an error's text before /stats can show it (bot.logs.Redactor)
        self._redact: Callable[[str], str] = redact or (lambda text: text)
        self.started_at = self._clock.now()
        self.last_error: LastError | None = None
        # minute (since the epoch) → [sent, failed]; at most 24 h of minutes are kept
        self._reminder_minutes: dict[int, list[int]] = {}

        self.registry = prom.CollectorRegistry(auto_describe=True)
        common: dict[str, Any] = {"namespace": NAMESPACE, "registry": self.registry}
        # counters are named without `_total`: the library appends it
        self._updates = prom.Counter(
            "updates", "Telegram updates handled, by update type.", ["type"], **common
        )
        self._errors = prom.Counter(
            "errors", "Errors raised while handling updates and jobs.", ["error"], **common
        )
        self._webhook_refused = prom.Counter(
            "webhook_refused",
            "Webhook requests refused (wrong or no secret, not an update, …), by reason.",
            ["reason"],
            **common,
        )
        self._reminders_sent = prom.Counter(
            "reminders_sent", "Case reminders delivered.", **common
        )
        self._reminders_failed = prom.Counter(
            "reminders_failed", "Case reminder sends that failed.", **common
        )
        # labels come from the catalog (a vote for a card it lacks is refused), so bounded
        self._votes = prom.Counter(
            "feedback_votes",
            "Votes under answers that counted (new or changed), by platform, aspect "
            "('' for a card) and vote (up, down, wrong, off_topic, broken, other).",
            ["platform", "aspect", "vote"],
            **common,
        )
        self._latency = prom.Histogram(
            "update_duration_seconds",
            "Time to handle one update, by update type.",
            ["type"],
            buckets=LATENCY_BUCKETS,
            **common,
        )
        start_time = prom.Gauge(
            "start_time_seconds", "When the bot started, in Unix time.", **common
        )
        start_time.set(self.started_at.timestamp())

    # --- what features record -------------------------------------------------------

    def reminder_sent(self) -> None:
        """A reminder reached its user."""
        self._reminders_sent.inc()
        self._reminder_bucket()[0] += 1

    def reminder_failed(self) -> None:
        """A reminder could not be delivered (this attempt; a retry counts again)."""
        self._reminders_failed.inc()
        self._reminder_bucket()[1] += 1

    def vote(self, platform: str, aspect: str, vote: str) -> None:
        """A vote under an answer was counted (a repeated tap is not)."""
        self._votes.labels(platform, aspect, vote).inc()

    # --- what the application records -----------------------------------------------

    def update_handled(self, kind: str, seconds: float) -> None:
        self._updates.labels(kind).inc()
        self._latency.labels(kind).observe(seconds)

    def error(self, error: BaseException, where: str) -> None:
        name = type(error).__name__
        self._errors.labels(name).inc()
        if isinstance(error, Forbidden):
            return  # the user blocked the bot: counted, but not an error of ours
        detail = self._redact(" ".join(str(error).split()))[:MAX_ERROR_DETAIL]
        self.last_error = LastError(self._clock.now(), name, detail, where)

    def webhook_refused(self, reason: str) -> None:
        """A request to the webhook was refused (wrong secret, not an update, …)."""
        self._webhook_refused.labels(reason).inc()

    # --- reading --------------------------------------------------------------------

    @property
    def updates(self) -> Counter[str]:
        """Updates handled since start, by update type."""
        return _by_label(self._updates, "type")

    @property
    def errors(self) -> Counter[str]:
        """Errors since start, by exception class name."""
        return _by_label(self._errors, "error")

    @property
    def reminders_sent(self) -> int:
        """Reminders delivered since start (a counter: never drops)."""
        return sum(_by_label(self._reminders_sent).values())

    @property
    def reminders_failed(self) -> int:
        """Reminder sends that failed since start."""
        return sum(_by_label(self._reminders_failed).values())

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
        gauges: Gauges | None = None,
        counters: Counters | None = None,
        accept: str | None = None,
    ) -> tuple[bytes, str]:
        """(body, content type) of a scrape: this registry and the values read at
        scrape time, in the format the `Accept` header asks for (the Prometheus text
        format unless a scraper asks for OpenMetrics) — prometheus-client decides."""
        scrape = prom.CollectorRegistry()
        scrape.register(self.registry)
        scrape.register(_ScrapeValues(gauges or {}, counters or {}))
        encoder, content_type = choose_encoder(accept or "")
        return encoder(scrape), content_type

    def _minute(self) -> int:
        return int(self._clock.now().timestamp() // 60)

    def _reminder_bucket(self) -> list[int]:
        self._prune()
        return self._reminder_minutes.setdefault(self._minute(), [0, 0])

    def _prune(self) -> None:
        oldest = self._minute() - int(REMINDER_WINDOW.total_seconds() // 60)
        for minute in [m for m in self._reminder_minutes if m <= oldest]:
            del self._reminder_minutes[minute]


def _by_label(counter: prom.Counter, label: str | None = None) -> Counter[str]:
    """A counter's values by one label's value ("" when it has no labels)."""
    totals: Counter[str] = Counter()
    for family in counter.collect():
        for sample in family.samples:
            if sample.name.endswith("_total"):
                key = sample.labels[label] if label else ""
                totals[key] += int(sample.value)
    return totals


class _ScrapeValues(Collector):
    """The families read for one scrape only (registered beside the Metrics' own)."""

    def __init__(self, gauges: Gauges, counters: Counters) -> None:
        self._gauges = gauges
        self._counters = counters

    def collect(self) -> Iterable[Metric]:
        for name, (help_text, label, values) in sorted(self._counters.items()):
            counter = CounterMetricFamily(f"{NAMESPACE}_{name}", help_text, labels=[label])
            for value_label, total in sorted(values.items()):
                counter.add_metric([value_label], total)
            yield counter
        for name, (help_text, value) in sorted(self._gauges.items()):
            yield GaugeMetricFamily(f"{NAMESPACE}_{name}", help_text, value=value)


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

