"""bot/infra/metrics.py alone: the exposition (read with prometheus-client's parser), one
registry per Metrics, the 24-hour reminder window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import prometheus_client
import pytest
from telegram.error import BadRequest, Forbidden

from bot.core.clock import ManualClock
from bot.infra.metrics import (
    LATENCY_BUCKETS,
    Counters,
    Gauges,
    Metrics,
    metrics_of,
    update_type,
)
from tests.bot.exposition import families, kind, sample, samples

START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def text_of(
    metrics: Metrics, gauges: Gauges | None = None, counters: Counters | None = None
) -> str:
    body, content_type = metrics.exposition(gauges, counters)
    assert content_type.startswith("text/plain; version=0.0.4")
    return body.decode()


def test_every_metric_keeps_its_name_labels_and_type() -> None:
    metrics = Metrics(ManualClock(START))
    metrics.update_handled("message", 0.003)
    metrics.error(BadRequest("Message is too long"), "update message")
    metrics.webhook_refused("wrong secret")
    metrics.reminder_sent()
    metrics.reminder_failed()
    metrics.vote("amazon", "phone", "broken")
    text = text_of(
        metrics,
        gauges={"open_cases": ("Open cases.", 7), "overdue_cases": ("Overdue.", 2),
                "ready": ("Ready.", 1)},
        counters={"db_write_failures": ("Failed writes.", "reason", {"read-only": 3})},
    )
    expected = {
        "kefu_updates": "counter",
        "kefu_errors": "counter",
        "kefu_webhook_refused": "counter",
        "kefu_reminders_sent": "counter",
        "kefu_reminders_failed": "counter",
        "kefu_feedback_votes": "counter",
        "kefu_update_duration_seconds": "histogram",
        "kefu_start_time_seconds": "gauge",
        "kefu_db_write_failures": "counter",
        "kefu_open_cases": "gauge",
        "kefu_overdue_cases": "gauge",
        "kefu_ready": "gauge",
    }
    found = families(text)
    for name, type_ in expected.items():
        assert kind(text, name) == type_, name
    # nothing else but the `_created` gauges prometheus-client adds to counters and histograms
    assert set(found) - set(expected) == {
        f"{name}_created" for name, type_ in expected.items()
        if type_ in ("counter", "histogram") and name != "kefu_db_write_failures"
    }
    assert sample(text, "kefu_updates_total", type="message") == 1
    assert sample(text, "kefu_errors_total", error="BadRequest") == 1
    assert sample(text, "kefu_webhook_refused_total", reason="wrong secret") == 1
    assert sample(text, "kefu_reminders_sent_total") == 1
    assert sample(text, "kefu_reminders_failed_total") == 1
    assert sample(text, "kefu_feedback_votes_total", platform="amazon", aspect="phone",
                  vote="broken") == 1
    assert sample(text, "kefu_db_write_failures_total", reason="read-only") == 3
    assert sample(text, "kefu_open_cases") == 7
    assert sample(text, "kefu_overdue_cases") == 2
    assert sample(text, "kefu_ready") == 1
    assert sample(text, "kefu_start_time_seconds") == START.timestamp()


def test_the_latency_histogram_has_the_same_buckets_and_is_cumulative() -> None:
    metrics = Metrics(ManualClock(START))
    for seconds in (0.003, 0.005, 0.2, 3.0, 60.0):
        metrics.update_handled("message", seconds)
    text = text_of(metrics)
    buckets = {
        dict(labels)["le"]: value
        for labels, value in samples(text, "kefu_update_duration_seconds_bucket").items()
    }
    assert [float(le) for le in buckets] == [*LATENCY_BUCKETS, float("inf")]
    assert list(buckets.values()) == [2, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5]
    assert sample(text, "kefu_update_duration_seconds_count", type="message") == 5
    assert sample(text, "kefu_update_duration_seconds_sum", type="message") == pytest.approx(
        63.208
    )


def test_label_values_are_escaped() -> None:
    metrics = Metrics(ManualClock(START))
    odd = 'odd"kind\\with\nnewline'
    metrics.update_handled(odd, 0.2)
    text = text_of(metrics)
    assert r'type="odd\"kind\\with\nnewline"' in text  # as the format escapes them
    assert sample(text, "kefu_updates_total", type=odd) == 1  # and read back whole


def test_two_metrics_share_nothing() -> None:
    first, second = Metrics(ManualClock(START)), Metrics(ManualClock(START))
    assert first.registry is not second.registry
    first.update_handled("message", 0.01)
    first.reminder_sent()
    first.webhook_refused("no secret")
    assert second.updates == {} and second.reminders_sent == 0
    text = text_of(second)
    assert samples(text, "kefu_updates_total") == {}
    assert sample(text, "kefu_reminders_sent_total") == 0
    assert samples(text, "kefu_webhook_refused_total") == {}
    # and nothing lands in prometheus-client's process-global registry
    assert b"kefu_" not in prometheus_client.generate_latest(prometheus_client.REGISTRY)


def test_openmetrics_when_asked() -> None:
    metrics = Metrics(ManualClock(START))
    metrics.update_handled("message", 0.01)
    body, content_type = metrics.exposition(accept="application/openmetrics-text")
    assert content_type.startswith("application/openmetrics-text")
    assert body.endswith(b"# EOF\n")


def test_reminders_leave_the_window_after_24_hours() -> None:
    clock = ManualClock(START)
    metrics = Metrics(clock)
    metrics.reminder_sent()
    clock.advance(timedelta(hours=12))
    metrics.reminder_sent()
    metrics.reminder_failed()
    assert metrics.reminders_in_window() == (2, 1)
    clock.advance(timedelta(hours=12, minutes=1))
    assert metrics.reminders_in_window() == (1, 1)
    clock.advance(timedelta(hours=12))
    assert metrics.reminders_in_window() == (0, 0)
    assert (metrics.reminders_sent, metrics.reminders_failed) == (2, 1)  # counters never drop


def test_a_blocked_user_is_counted_but_is_not_the_last_error() -> None:
    metrics = Metrics(ManualClock(START))
    metrics.error(BadRequest("Message is too long"), "update message")
    metrics.error(Forbidden("Forbidden: bot was blocked by the user"), "job reminders")
    assert metrics.errors == {"BadRequest": 1, "Forbidden": 1}
    assert sample(text_of(metrics), "kefu_errors_total", error="Forbidden") == 1
    assert metrics.last_error is not None
    assert (metrics.last_error.error, metrics.last_error.where) == ("BadRequest", "update message")


def test_metrics_of_never_raises() -> None:
    assert isinstance(metrics_of(object()), Metrics)
    assert update_type(object()) == "object"
