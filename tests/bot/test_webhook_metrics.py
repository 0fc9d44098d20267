"""bot/infra/metrics.py alone: histogram buckets, the text format, the 24-hour reminder window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from telegram.error import BadRequest, Forbidden

from bot.core.clock import ManualClock
from bot.infra.metrics import Histogram, Metrics, metrics_of, update_type
from tests.bot.test_webhook import check_exposition, sample

START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_histogram_buckets_are_cumulative() -> None:
    histogram = Histogram((0.1, 1.0))
    for value in (0.05, 0.1, 0.5, 3.0):
        histogram.observe(value)
    assert histogram.cumulative() == [("0.1", 2), ("1", 3), ("+Inf", 4)]
    assert histogram.total == 4 and histogram.sum == pytest.approx(3.65)


def test_the_exposition_is_valid_and_escapes_labels() -> None:
    metrics = Metrics(ManualClock(START))
    metrics.update_handled('odd"kind\\with\nnewline', 0.2)
    metrics.update_handled("message", 0.003)
    text = metrics.exposition({"open_cases": ("Open cases.", 7)})
    check_exposition(text)
    assert r'type="odd\"kind\\with\nnewline"' in text
    assert sample(text, 'kefu_update_duration_seconds_bucket{type="message",le="0.005"}') == 1
    assert sample(text, "kefu_open_cases") == 7
    assert sample(text, "kefu_start_time_seconds") == START.timestamp()


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
    assert metrics.last_error is not None
    assert (metrics.last_error.error, metrics.last_error.where) == ("BadRequest", "update message")


def test_metrics_of_never_raises() -> None:
    assert isinstance(metrics_of(object()), Metrics)
    assert update_type(object()) == "object"
