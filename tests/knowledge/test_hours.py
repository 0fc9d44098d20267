"""Opening hours across zones and DST changes; every expectation is an exact aware instant."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.hours import (
    Interval,
    OpenStatus,
    active_holidays,
    format_time_range,
    holiday_date,
    intervals,
    open_status,
    zone_name,
)
from knowledge.schema import Holiday, Schedule, Text, Weekday, Window

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")
KOLKATA = ZoneInfo("Asia/Kolkata")

ALL_DAYS = list(Weekday)
WEEKDAYS = [Weekday.mon, Weekday.tue, Weekday.wed, Weekday.thu, Weekday.fri]


def window(days: list[Weekday], opens: str, closes: str) -> Window:
    return Window(days=days, open=time.fromisoformat(opens), close=time.fromisoformat(closes))


def schedule(zone: str, *windows: Window, closed_on: list[date] | None = None) -> Schedule:
    return Schedule(timezone=zone, windows=list(windows), closed_on=closed_on or [])


US_PHONE = schedule("America/New_York", window(ALL_DAYS, "05:00", "20:00"))
INDIA = schedule("Asia/Kolkata", window(WEEKDAYS, "09:00", "18:00"))
BERLIN_DAILY = schedule("Europe/Berlin", window(ALL_DAYS, "09:00", "17:00"))
ALWAYS = Schedule(timezone="America/New_York", always_open=True)


def at(
    zone: ZoneInfo, year: int, month: int, day: int, hour: int, minute: int, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=zone)


def exact(value: datetime | None) -> tuple[object, ...] | None:
    """Equality that also checks the offset and zone (same-zone datetimes ignore fold)."""
    if value is None:
        return None
    return (value, value.utcoffset(), value.tzinfo)


def spans(items: tuple[Interval, ...] | list[Interval]) -> list[tuple[object, ...]]:
    return [(exact(i.start), exact(i.end)) for i in items]


def iv(start: datetime, end: datetime) -> Interval:
    return Interval(start, end)


def assert_status(
    status: OpenStatus,
    *,
    is_open: bool,
    closes_at: datetime | None = None,
    opens_at: datetime | None = None,
    today: list[Interval],
    always_open: bool = False,
) -> None:
    assert status.is_open is is_open
    assert status.always_open is always_open
    assert exact(status.closes_at) == exact(closes_at)
    assert exact(status.opens_at) == exact(opens_at)
    assert spans(status.today) == spans(today)


# --- US seller phone, 05:00–20:00 America/New_York, seen from Shanghai ---------------------


def test_us_phone_from_shanghai_winter_closed() -> None:
    # 12:00 Beijing = 23:00 EST the day before: closed until 05:00 EST = 18:00 Beijing
    status = open_status(US_PHONE, at(SHANGHAI, 2026, 1, 15, 12, 0), SHANGHAI)
    assert_status(
        status,
        is_open=False,
        opens_at=at(SHANGHAI, 2026, 1, 15, 18, 0),
        today=[
            iv(at(SHANGHAI, 2026, 1, 15, 0, 0), at(SHANGHAI, 2026, 1, 15, 9, 0)),
            iv(at(SHANGHAI, 2026, 1, 15, 18, 0), at(SHANGHAI, 2026, 1, 16, 0, 0)),
        ],
    )


def test_us_phone_from_shanghai_winter_open_closes_next_morning() -> None:
    status = open_status(US_PHONE, at(SHANGHAI, 2026, 1, 15, 20, 0), SHANGHAI)
    assert_status(
        status,
        is_open=True,
        closes_at=at(SHANGHAI, 2026, 1, 16, 9, 0),
        today=[
            iv(at(SHANGHAI, 2026, 1, 15, 0, 0), at(SHANGHAI, 2026, 1, 15, 9, 0)),
            iv(at(SHANGHAI, 2026, 1, 15, 18, 0), at(SHANGHAI, 2026, 1, 16, 0, 0)),
        ],
    )


def test_us_phone_from_shanghai_summer() -> None:
    closed = open_status(US_PHONE, at(SHANGHAI, 2026, 7, 15, 12, 0), SHANGHAI)
    assert_status(
        closed,
        is_open=False,
        opens_at=at(SHANGHAI, 2026, 7, 15, 17, 0),
        today=[
            iv(at(SHANGHAI, 2026, 7, 15, 0, 0), at(SHANGHAI, 2026, 7, 15, 8, 0)),
            iv(at(SHANGHAI, 2026, 7, 15, 17, 0), at(SHANGHAI, 2026, 7, 16, 0, 0)),
        ],
    )
    opened = open_status(US_PHONE, at(SHANGHAI, 2026, 7, 15, 17, 0), SHANGHAI)
    assert opened.is_open
    assert exact(opened.closes_at) == exact(at(SHANGHAI, 2026, 7, 16, 8, 0))
    assert opened.opens_at is None


def test_open_and_close_instants_are_half_open() -> None:
    # 09:00 Beijing in winter is 20:00 EST: already closed
    status = open_status(US_PHONE, at(SHANGHAI, 2026, 1, 16, 9, 0), SHANGHAI)
    assert not status.is_open
    assert exact(status.opens_at) == exact(at(SHANGHAI, 2026, 1, 16, 18, 0))
    just_before = open_status(US_PHONE, at(SHANGHAI, 2026, 1, 16, 8, 59, 59), SHANGHAI)
    assert just_before.is_open
    assert exact(just_before.closes_at) == exact(at(SHANGHAI, 2026, 1, 16, 9, 0))


def test_us_spring_forward_day_from_shanghai() -> None:
    # Sat 7 Mar opening is EST (ends 09:00 Beijing); Sun 8 Mar opening is EDT (17:00)
    status = open_status(US_PHONE, at(SHANGHAI, 2026, 3, 8, 12, 0), SHANGHAI)
    assert_status(
        status,
        is_open=False,
        opens_at=at(SHANGHAI, 2026, 3, 8, 17, 0),
        today=[
            iv(at(SHANGHAI, 2026, 3, 8, 0, 0), at(SHANGHAI, 2026, 3, 8, 9, 0)),
            iv(at(SHANGHAI, 2026, 3, 8, 17, 0), at(SHANGHAI, 2026, 3, 9, 0, 0)),
        ],
    )
    opened = open_status(US_PHONE, at(SHANGHAI, 2026, 3, 8, 17, 30), SHANGHAI)
    assert exact(opened.closes_at) == exact(at(SHANGHAI, 2026, 3, 9, 8, 0))


def test_us_fall_back_day_from_shanghai() -> None:
    # Sat 31 Oct opening is EDT (ends 08:00 Beijing); Sun 1 Nov opening is EST (18:00)
    status = open_status(US_PHONE, at(SHANGHAI, 2026, 11, 1, 12, 0), SHANGHAI)
    assert_status(
        status,
        is_open=False,
        opens_at=at(SHANGHAI, 2026, 11, 1, 18, 0),
        today=[
            iv(at(SHANGHAI, 2026, 11, 1, 0, 0), at(SHANGHAI, 2026, 11, 1, 8, 0)),
            iv(at(SHANGHAI, 2026, 11, 1, 18, 0), at(SHANGHAI, 2026, 11, 2, 0, 0)),
        ],
    )


def test_us_phone_is_fifteen_wall_hours_on_dst_change_days() -> None:
    spring = intervals(US_PHONE, at(NEW_YORK, 2026, 3, 8, 0, 0), at(NEW_YORK, 2026, 3, 9, 0, 0))
    assert spans(spring) == spans(
        [iv(at(NEW_YORK, 2026, 3, 8, 5, 0), at(NEW_YORK, 2026, 3, 8, 20, 0))]
    )
    assert spring[0].start.utcoffset() == timedelta(hours=-4)
    fall = intervals(US_PHONE, at(NEW_YORK, 2026, 11, 1, 0, 0), at(NEW_YORK, 2026, 11, 2, 0, 0))
    assert spans(fall) == spans(
        [iv(at(NEW_YORK, 2026, 11, 1, 5, 0), at(NEW_YORK, 2026, 11, 1, 20, 0))]
    )
    assert fall[0].start.utcoffset() == timedelta(hours=-5)


# --- DST edges inside the schedule's zone ---------------------------------------------------


def test_opening_in_spring_forward_gap_shifts_forward() -> None:
    # 02:30 does not exist on 8 Mar 2026 in New York: it is read as 03:30 EDT
    sched = schedule("America/New_York", window([Weekday.sun], "02:30", "04:00"))
    got = intervals(sched, at(NEW_YORK, 2026, 3, 8, 0, 0), at(NEW_YORK, 2026, 3, 9, 0, 0))
    assert spans(got) == spans(
        [iv(at(NEW_YORK, 2026, 3, 8, 3, 30), at(NEW_YORK, 2026, 3, 8, 4, 0))]
    )
    assert got[0].start.astimezone(UTC) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    # a week later the same window is ordinary
    later = intervals(sched, at(NEW_YORK, 2026, 3, 15, 0, 0), at(NEW_YORK, 2026, 3, 16, 0, 0))
    assert spans(later) == spans(
        [iv(at(NEW_YORK, 2026, 3, 15, 2, 30), at(NEW_YORK, 2026, 3, 15, 4, 0))]
    )


def test_window_wholly_inside_gap_is_dropped_when_it_turns_empty() -> None:
    # 02:30–03:00 becomes 03:30–03:00 EDT: nothing is open that night
    sched = schedule("America/New_York", window([Weekday.sun], "02:30", "03:00"))
    assert intervals(sched, at(NEW_YORK, 2026, 3, 8, 0, 0), at(NEW_YORK, 2026, 3, 9, 0, 0)) == []
    status = open_status(sched, at(NEW_YORK, 2026, 3, 8, 3, 15), NEW_YORK)
    assert not status.is_open
    assert exact(status.opens_at) == exact(at(NEW_YORK, 2026, 3, 15, 2, 30))


def test_overnight_window_across_spring_forward_is_the_wall_span() -> None:
    # Sat 22:00 EST → Sun 06:00 EDT: 8 wall hours, 7 real ones
    sched = schedule("America/New_York", window([Weekday.sat], "22:00", "06:00"))
    got = intervals(sched, at(NEW_YORK, 2026, 3, 7, 0, 0), at(NEW_YORK, 2026, 3, 9, 0, 0))
    assert spans(got) == spans(
        [iv(at(NEW_YORK, 2026, 3, 7, 22, 0), at(NEW_YORK, 2026, 3, 8, 6, 0))]
    )
    assert got[0].end.astimezone(UTC) - got[0].start.astimezone(UTC) == timedelta(hours=7)


def test_ambiguous_fall_back_time_is_its_first_occurrence() -> None:
    # 01:30 happens twice on 1 Nov 2026 in New York; fold=0 is the EDT one (05:30 UTC)
    sched = schedule("America/New_York", window([Weekday.sun], "01:30", "03:00"))
    got = intervals(sched, at(NEW_YORK, 2026, 11, 1, 0, 0), at(NEW_YORK, 2026, 11, 2, 0, 0))
    assert len(got) == 1
    assert got[0].start.astimezone(UTC) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert got[0].start.utcoffset() == timedelta(hours=-4)
    assert got[0].end.astimezone(UTC) == datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    # the second 01:15 (EST, fold=1) is inside the opening; the first (EDT) is not
    second = datetime(2026, 11, 1, 6, 15, tzinfo=UTC)
    first = datetime(2026, 11, 1, 5, 15, tzinfo=UTC)
    assert open_status(sched, second, NEW_YORK).is_open
    status = open_status(sched, first, NEW_YORK)
    assert not status.is_open
    assert status.opens_at is not None
    assert status.opens_at.astimezone(UTC) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_user_day_on_dst_change_is_23_and_25_hours() -> None:
    spring = open_status(ALWAYS, at(NEW_YORK, 2026, 3, 8, 12, 0), NEW_YORK)
    assert_status(
        spring,
        is_open=True,
        always_open=True,
        today=[iv(at(NEW_YORK, 2026, 3, 8, 0, 0), at(NEW_YORK, 2026, 3, 9, 0, 0))],
    )
    day = spring.today[0]
    assert day.end.astimezone(UTC) - day.start.astimezone(UTC) == timedelta(hours=23)
    fall = open_status(ALWAYS, at(NEW_YORK, 2026, 11, 1, 12, 0), NEW_YORK)
    day = fall.today[0]
    assert day.end.astimezone(UTC) - day.start.astimezone(UTC) == timedelta(hours=25)


# --- Europe's changes seen from New York: the weeks with a 5-hour gap -----------------------


@pytest.mark.parametrize(
    ("day", "expected_start", "expected_end"),
    [
        # both on standard time: 6 hours apart
        (date(2026, 3, 2), (2026, 3, 2, 3, 0), (2026, 3, 2, 11, 0)),
        # US on EDT, Europe still on CET: 5 hours apart
        (date(2026, 3, 9), (2026, 3, 9, 4, 0), (2026, 3, 9, 12, 0)),
        (date(2026, 3, 28), (2026, 3, 28, 4, 0), (2026, 3, 28, 12, 0)),
        # Europe's spring-forward day: CEST, 6 hours apart again
        (date(2026, 3, 29), (2026, 3, 29, 3, 0), (2026, 3, 29, 11, 0)),
        (date(2026, 10, 24), (2026, 10, 24, 3, 0), (2026, 10, 24, 11, 0)),
        # Europe's fall-back day: CET while New York is still on EDT, 5 hours apart
        (date(2026, 10, 25), (2026, 10, 25, 4, 0), (2026, 10, 25, 12, 0)),
        (date(2026, 10, 31), (2026, 10, 31, 4, 0), (2026, 10, 31, 12, 0)),
        # US fall-back: 6 hours apart
        (date(2026, 11, 1), (2026, 11, 1, 3, 0), (2026, 11, 1, 11, 0)),
    ],
)
def test_berlin_hours_seen_from_new_york(
    day: date, expected_start: tuple[int, ...], expected_end: tuple[int, ...]
) -> None:
    now = at(NEW_YORK, day.year, day.month, day.day, 1, 0)
    status = open_status(BERLIN_DAILY, now, NEW_YORK)
    start, end = at(NEW_YORK, *expected_start), at(NEW_YORK, *expected_end)
    assert_status(status, is_open=False, opens_at=start, today=[iv(start, end)])


def test_berlin_overnight_window_across_europe_spring_forward_from_new_york() -> None:
    # Sat 28 Mar 22:00 CET (21:00 UTC) → Sun 29 Mar 06:00 CEST (04:00 UTC)
    sched = schedule("Europe/Berlin", window([Weekday.sat], "22:00", "06:00"))
    status = open_status(sched, at(NEW_YORK, 2026, 3, 28, 20, 0), NEW_YORK)
    assert_status(
        status,
        is_open=True,
        closes_at=at(NEW_YORK, 2026, 3, 29, 0, 0),
        today=[iv(at(NEW_YORK, 2026, 3, 28, 17, 0), at(NEW_YORK, 2026, 3, 29, 0, 0))],
    )


# --- India Mon–Fri 09:00–18:00 seen from Tokyo ------------------------------------------------


def test_india_from_tokyo_friday_evening_open() -> None:
    status = open_status(INDIA, at(TOKYO, 2026, 1, 16, 20, 0), TOKYO)
    assert_status(
        status,
        is_open=True,
        closes_at=at(TOKYO, 2026, 1, 16, 21, 30),
        today=[iv(at(TOKYO, 2026, 1, 16, 12, 30), at(TOKYO, 2026, 1, 16, 21, 30))],
    )


def test_india_from_tokyo_friday_late_opens_monday() -> None:
    status = open_status(INDIA, at(TOKYO, 2026, 1, 16, 22, 0), TOKYO)
    assert_status(
        status,
        is_open=False,
        opens_at=at(TOKYO, 2026, 1, 19, 12, 30),
        today=[iv(at(TOKYO, 2026, 1, 16, 12, 30), at(TOKYO, 2026, 1, 16, 21, 30))],
    )


@pytest.mark.parametrize("day", [17, 18])
def test_india_from_tokyo_weekend(day: int) -> None:
    status = open_status(INDIA, at(TOKYO, 2026, 1, day, 15, 0), TOKYO)
    assert_status(status, is_open=False, opens_at=at(TOKYO, 2026, 1, 19, 12, 30), today=[])


def test_india_from_tokyo_monday_morning_before_opening() -> None:
    # 12:29 in Tokyo is 08:59 in Kolkata
    status = open_status(INDIA, at(TOKYO, 2026, 1, 19, 12, 29), TOKYO)
    assert_status(
        status,
        is_open=False,
        opens_at=at(TOKYO, 2026, 1, 19, 12, 30),
        today=[iv(at(TOKYO, 2026, 1, 19, 12, 30), at(TOKYO, 2026, 1, 19, 21, 30))],
    )


def test_now_in_another_zone_is_converted_to_the_user_zone() -> None:
    # the same instant as Friday 20:00 in Tokyo, given in UTC
    status = open_status(INDIA, datetime(2026, 1, 16, 11, 0, tzinfo=UTC), TOKYO)
    assert exact(status.closes_at) == exact(at(TOKYO, 2026, 1, 16, 21, 30))
    assert spans(status.today) == spans(
        [iv(at(TOKYO, 2026, 1, 16, 12, 30), at(TOKYO, 2026, 1, 16, 21, 30))]
    )


# --- closed_on ------------------------------------------------------------------------------


def test_closed_on_removes_the_opening_that_starts_that_day() -> None:
    sched = schedule(
        "America/New_York", window(ALL_DAYS, "05:00", "20:00"), closed_on=[date(2026, 12, 25)]
    )
    # 12:00 Beijing on 25 Dec = 23:00 EST on 24 Dec; 25 Dec is closed, next is 26 Dec 05:00 EST
    status = open_status(sched, at(SHANGHAI, 2026, 12, 25, 12, 0), SHANGHAI)
    assert_status(
        status,
        is_open=False,
        opens_at=at(SHANGHAI, 2026, 12, 26, 18, 0),
        today=[iv(at(SHANGHAI, 2026, 12, 25, 0, 0), at(SHANGHAI, 2026, 12, 25, 9, 0))],
    )


def test_closed_on_keeps_the_overnight_opening_from_the_evening_before() -> None:
    sched = schedule(
        "Asia/Shanghai", window(ALL_DAYS, "22:00", "06:00"), closed_on=[date(2026, 12, 25)]
    )
    got = intervals(sched, at(SHANGHAI, 2026, 12, 24, 12, 0), at(SHANGHAI, 2026, 12, 27, 0, 0))
    assert spans(got) == spans(
        [
            iv(at(SHANGHAI, 2026, 12, 24, 22, 0), at(SHANGHAI, 2026, 12, 25, 6, 0)),
            iv(at(SHANGHAI, 2026, 12, 26, 22, 0), at(SHANGHAI, 2026, 12, 27, 6, 0)),
        ]
    )
    status = open_status(sched, at(SHANGHAI, 2026, 12, 25, 5, 0), SHANGHAI)
    assert_status(
        status,
        is_open=True,
        closes_at=at(SHANGHAI, 2026, 12, 25, 6, 0),
        today=[iv(at(SHANGHAI, 2026, 12, 25, 0, 0), at(SHANGHAI, 2026, 12, 25, 6, 0))],
    )


def test_no_opening_within_eight_days_gives_none() -> None:
    mondays = schedule("Asia/Shanghai", window([Weekday.mon], "09:00", "17:00"))
    now = at(SHANGHAI, 2026, 1, 13, 12, 0)  # Tuesday
    assert exact(open_status(mondays, now, SHANGHAI).opens_at) == exact(
        at(SHANGHAI, 2026, 1, 19, 9, 0)
    )
    skipped = schedule(
        "Asia/Shanghai", window([Weekday.mon], "09:00", "17:00"), closed_on=[date(2026, 1, 19)]
    )
    assert_status(open_status(skipped, now, SHANGHAI), is_open=False, opens_at=None, today=[])


# --- overnight windows, merging, always open ---------------------------------------------------


def test_overnight_window_open_after_midnight() -> None:
    sched = schedule("Asia/Shanghai", window([Weekday.fri], "22:00", "06:00"))
    # Saturday 02:00 belongs to Friday's opening
    status = open_status(sched, at(SHANGHAI, 2026, 1, 17, 2, 0), SHANGHAI)
    assert_status(
        status,
        is_open=True,
        closes_at=at(SHANGHAI, 2026, 1, 17, 6, 0),
        today=[iv(at(SHANGHAI, 2026, 1, 17, 0, 0), at(SHANGHAI, 2026, 1, 17, 6, 0))],
    )
    # Saturday 23:00: no Saturday window, next is Friday 23 Jan 22:00
    late = open_status(sched, at(SHANGHAI, 2026, 1, 17, 23, 0), SHANGHAI)
    assert_status(
        late,
        is_open=False,
        opens_at=at(SHANGHAI, 2026, 1, 23, 22, 0),
        today=[iv(at(SHANGHAI, 2026, 1, 17, 0, 0), at(SHANGHAI, 2026, 1, 17, 6, 0))],
    )


def test_whole_weekdays_merge_into_one_opening() -> None:
    sched = schedule("Asia/Shanghai", window(WEEKDAYS, "00:00", "00:00"))
    status = open_status(sched, at(SHANGHAI, 2026, 1, 14, 12, 0), SHANGHAI)  # Wednesday
    assert_status(
        status,
        is_open=True,
        closes_at=at(SHANGHAI, 2026, 1, 17, 0, 0),  # Saturday 00:00
        today=[iv(at(SHANGHAI, 2026, 1, 14, 0, 0), at(SHANGHAI, 2026, 1, 15, 0, 0))],
    )
    weekend = open_status(sched, at(SHANGHAI, 2026, 1, 17, 12, 0), SHANGHAI)
    assert_status(weekend, is_open=False, opens_at=at(SHANGHAI, 2026, 1, 19, 0, 0), today=[])
    got = intervals(sched, at(SHANGHAI, 2026, 1, 14, 0, 0), at(SHANGHAI, 2026, 1, 15, 0, 0))
    assert spans(got) == spans(
        [iv(at(SHANGHAI, 2026, 1, 12, 0, 0), at(SHANGHAI, 2026, 1, 17, 0, 0))]
    )


def test_round_the_clock_windows_never_close_within_lookahead() -> None:
    sched = schedule("Asia/Shanghai", window(ALL_DAYS, "00:00", "00:00"))
    status = open_status(sched, at(SHANGHAI, 2026, 1, 14, 12, 0), SHANGHAI)
    assert_status(
        status,
        is_open=True,
        closes_at=None,
        today=[iv(at(SHANGHAI, 2026, 1, 14, 0, 0), at(SHANGHAI, 2026, 1, 15, 0, 0))],
    )
    # a run longer than the lookahead is cut at the query bounds
    start, end = at(SHANGHAI, 2026, 1, 14, 8, 0), at(SHANGHAI, 2026, 1, 14, 9, 0)
    assert spans(intervals(sched, start, end)) == spans([iv(start, end)])


def test_adjacent_and_overlapping_windows_merge() -> None:
    sched = schedule(
        "Asia/Tokyo",
        window([Weekday.mon], "09:00", "12:00"),
        window([Weekday.mon], "12:00", "15:00"),
        window([Weekday.mon], "14:00", "18:00"),
        window([Weekday.mon], "19:00", "20:00"),
    )
    status = open_status(sched, at(TOKYO, 2026, 1, 19, 10, 0), TOKYO)
    assert_status(
        status,
        is_open=True,
        closes_at=at(TOKYO, 2026, 1, 19, 18, 0),
        today=[
            iv(at(TOKYO, 2026, 1, 19, 9, 0), at(TOKYO, 2026, 1, 19, 18, 0)),
            iv(at(TOKYO, 2026, 1, 19, 19, 0), at(TOKYO, 2026, 1, 19, 20, 0)),
        ],
    )


def test_always_open() -> None:
    status = open_status(ALWAYS, at(SHANGHAI, 2026, 1, 15, 3, 0), SHANGHAI)
    assert_status(
        status,
        is_open=True,
        always_open=True,
        today=[iv(at(SHANGHAI, 2026, 1, 15, 0, 0), at(SHANGHAI, 2026, 1, 16, 0, 0))],
    )
    start, end = at(TOKYO, 2026, 1, 15, 0, 0), at(TOKYO, 2026, 1, 17, 0, 0)
    assert spans(intervals(ALWAYS, start, end)) == spans([iv(start, end)])


def test_naive_datetimes_are_rejected() -> None:
    naive = datetime(2026, 1, 15, 12, 0)
    with pytest.raises(ValueError, match="aware"):
        open_status(US_PHONE, naive, SHANGHAI)
    with pytest.raises(ValueError, match="aware"):
        open_status(ALWAYS, naive, SHANGHAI)
    with pytest.raises(ValueError, match="aware"):
        intervals(US_PHONE, naive, at(SHANGHAI, 2026, 1, 16, 0, 0))
    with pytest.raises(ValueError, match="aware"):
        intervals(US_PHONE, at(SHANGHAI, 2026, 1, 15, 0, 0), naive)


# --- intervals --------------------------------------------------------------------------------


def test_intervals_are_whole_and_in_the_start_zone() -> None:
    # 14:00–16:00 Beijing is 01:00–03:00 EST, between openings
    assert (
        intervals(US_PHONE, at(SHANGHAI, 2026, 1, 15, 14, 0), at(SHANGHAI, 2026, 1, 15, 16, 0))
        == []
    )
    got = intervals(US_PHONE, at(SHANGHAI, 2026, 1, 15, 8, 0), at(SHANGHAI, 2026, 1, 15, 19, 0))
    assert spans(got) == spans(
        [
            iv(at(SHANGHAI, 2026, 1, 14, 18, 0), at(SHANGHAI, 2026, 1, 15, 9, 0)),
            iv(at(SHANGHAI, 2026, 1, 15, 18, 0), at(SHANGHAI, 2026, 1, 16, 9, 0)),
        ]
    )
    # end is exclusive, start inclusive of overlap only
    edge = intervals(US_PHONE, at(SHANGHAI, 2026, 1, 15, 9, 0), at(SHANGHAI, 2026, 1, 15, 18, 0))
    assert edge == []
    assert (
        intervals(US_PHONE, at(SHANGHAI, 2026, 1, 16, 0, 0), at(SHANGHAI, 2026, 1, 15, 0, 0)) == []
    )


# --- holidays ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2023, date(2023, 11, 24)),  # Thanksgiving 23 Nov
        (2024, date(2024, 11, 29)),  # 1 Nov a Friday: latest possible Thanksgiving, 28 Nov
        (2025, date(2025, 11, 28)),
        (2026, date(2026, 11, 27)),  # Thanksgiving 26 Nov
        (2027, date(2027, 11, 26)),
        (2029, date(2029, 11, 23)),  # 1 Nov a Thursday: earliest possible Thanksgiving, 22 Nov
    ],
)
def test_black_friday(year: int, expected: date) -> None:
    got = holiday_date("black_friday", year)
    assert got == expected
    assert got.weekday() == 4


@pytest.mark.parametrize("year", [2025, 2026, 2030])
def test_christmas(year: int) -> None:
    assert holiday_date("christmas", year) == date(year, 12, 25)


def holiday(rule: Literal["black_friday", "christmas"]) -> Holiday:
    return Holiday(
        id=rule,
        name=Text(zh=rule, en=rule),
        rule=rule,
        effect=Text(zh="回复较慢", en="slower replies"),
    )


BLACK_FRIDAY = holiday("black_friday")
CHRISTMAS = holiday("christmas")
HOLIDAYS = [BLACK_FRIDAY, CHRISTMAS]


@pytest.mark.parametrize(
    ("today", "within_days", "expected"),
    [
        (date(2026, 11, 19), 7, []),  # Black Friday 27 Nov is 8 days away
        (date(2026, 11, 20), 7, [BLACK_FRIDAY]),  # exactly 7 days away
        (date(2026, 11, 27), 0, [BLACK_FRIDAY]),
        (date(2026, 11, 29), 7, [BLACK_FRIDAY]),  # 2 days after
        (date(2026, 11, 30), 7, []),  # 3 days after
        (date(2026, 12, 18), 7, [CHRISTMAS]),
        (date(2026, 12, 17), 7, []),
        (date(2026, 12, 27), 7, [CHRISTMAS]),
        (date(2026, 12, 28), 7, []),
        (date(2027, 1, 1), 7, []),
        (date(2026, 11, 25), 30, [BLACK_FRIDAY, CHRISTMAS]),
        (date(2026, 12, 26), 400, [BLACK_FRIDAY, CHRISTMAS]),  # this Christmas and next year's
        (date(2027, 11, 24), 7, [BLACK_FRIDAY]),  # 2027: 26 Nov
        (date(2025, 11, 30), 7, [BLACK_FRIDAY]),  # 2025: 28 Nov, 2 days after
    ],
)
def test_active_holidays(today: date, within_days: int, expected: list[Holiday]) -> None:
    assert [h.id for h in active_holidays(HOLIDAYS, today, within_days)] == [h.id for h in expected]


def test_active_holidays_across_new_year() -> None:
    # 2 Jan looks back to 31 Dec only; 27 Dec looks back to Christmas of the same year
    assert active_holidays([CHRISTMAS], date(2027, 1, 2), 7) == []
    assert active_holidays([CHRISTMAS], date(2026, 12, 27), 0) == [CHRISTMAS]
    with pytest.raises(ValueError):
        active_holidays(HOLIDAYS, date(2026, 11, 27), -1)


# --- formatting -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("interval", "lang", "expected"),
    [
        (
            iv(at(SHANGHAI, 2026, 1, 15, 18, 0), at(SHANGHAI, 2026, 1, 16, 9, 0)),
            "zh",
            "18:00–次日 09:00",
        ),
        (
            iv(at(SHANGHAI, 2026, 1, 15, 18, 0), at(SHANGHAI, 2026, 1, 16, 9, 0)),
            "en",
            "18:00–09:00 (+1)",
        ),
        (iv(at(TOKYO, 2026, 1, 16, 12, 30), at(TOKYO, 2026, 1, 16, 21, 30)), "zh", "12:30–21:30"),
        (iv(at(TOKYO, 2026, 1, 16, 12, 30), at(TOKYO, 2026, 1, 16, 21, 30)), "en", "12:30–21:30"),
        (
            iv(at(SHANGHAI, 2026, 1, 15, 18, 0), at(SHANGHAI, 2026, 1, 16, 0, 0)),
            "zh",
            "18:00–24:00",
        ),
        (iv(at(SHANGHAI, 2026, 1, 15, 0, 0), at(SHANGHAI, 2026, 1, 16, 0, 0)), "en", "00:00–24:00"),
        (
            iv(at(SHANGHAI, 2026, 1, 15, 18, 0), at(SHANGHAI, 2026, 1, 17, 9, 0)),
            "zh",
            "18:00–后天 09:00",
        ),
        (
            iv(at(SHANGHAI, 2026, 1, 15, 18, 0), at(SHANGHAI, 2026, 1, 17, 9, 0)),
            "en",
            "18:00–09:00 (+2)",
        ),
        (
            iv(at(SHANGHAI, 2026, 1, 12, 0, 0), at(SHANGHAI, 2026, 1, 17, 0, 0)),
            "zh",
            "00:00–5天后 00:00",
        ),
        # the end is shown in the start's zone: 01:00 UTC next day is 09:00 Beijing
        (
            iv(at(SHANGHAI, 2026, 1, 15, 18, 0), datetime(2026, 1, 16, 1, 0, tzinfo=UTC)),
            "en",
            "18:00–09:00 (+1)",
        ),
    ],
)
def test_format_time_range(interval: Interval, lang: str, expected: str) -> None:
    assert format_time_range(interval, lang) == expected


def test_format_today_from_status() -> None:
    status = open_status(US_PHONE, at(SHANGHAI, 2026, 7, 15, 12, 0), SHANGHAI)
    assert [format_time_range(i, "zh") for i in status.today] == ["00:00–08:00", "17:00–24:00"]
    assert status.opens_at is not None and status.today
    # the whole current opening, as a card would show it
    nxt = intervals(US_PHONE, status.opens_at, status.opens_at + timedelta(minutes=1))
    assert [format_time_range(i, "zh") for i in nxt] == ["17:00–次日 08:00"]
    assert [format_time_range(i, "en") for i in nxt] == ["17:00–08:00 (+1)"]


# --- property: agrees with a direct wall-clock reading of the windows -------------------------

_SCHEDULE_ZONES = [
    "Asia/Shanghai",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "America/New_York",
    "Europe/Berlin",
]
_USER_ZONES = [SHANGHAI, NEW_YORK, BERLIN, TOKYO, KOLKATA]
# boundaries outside 01:00–03:00, where New York and Berlin have no gaps or repeats, so a
# plain wall-clock reading is an exact oracle
_HOURS = [0, *range(3, 24)]
_times = st.builds(time, st.sampled_from(_HOURS), st.sampled_from([0, 15, 30, 45]))
_windows = st.builds(
    Window,
    days=st.lists(st.sampled_from(ALL_DAYS), min_size=1, max_size=7, unique=True),
    open=_times,
    close=_times,
)
_instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)


def _oracle_open(sched: Schedule, instant: datetime) -> bool:
    zone = ZoneInfo(sched.timezone)
    local = instant.astimezone(zone)
    day, wall = local.date(), local.time().replace(tzinfo=None)
    yesterday = day - timedelta(days=1)
    for w in sched.windows:
        days = {d.value for d in w.days}
        today_name = list(Weekday)[day.weekday()].value
        yesterday_name = list(Weekday)[yesterday.weekday()].value
        if w.close > w.open:
            if today_name in days and day not in sched.closed_on and w.open <= wall < w.close:
                return True
        else:
            if today_name in days and day not in sched.closed_on and wall >= w.open:
                return True
            if yesterday_name in days and yesterday not in sched.closed_on and wall < w.close:
                return True
    return False


def test_an_opening_across_a_dst_fold_is_its_real_length() -> None:
    # found by the oracle test below: India's 06:00–07:00 is 02:30–02:30 in Berlin on the
    # night clocks go back — the first 02:30 in summer time, the second in winter time
    sched = Schedule(timezone="Asia/Kolkata",
                     windows=[Window(days=list(Weekday), open=time(6), close=time(7))])
    berlin = ZoneInfo("Europe/Berlin")
    status = open_status(sched, datetime(2025, 10, 26, 0, 0, tzinfo=UTC), berlin)
    (today,) = status.today
    assert (today.start.fold, today.end.fold) == (0, 1)
    assert today.end.astimezone(UTC) - today.start.astimezone(UTC) == timedelta(hours=1)


@settings(max_examples=300, deadline=None)
@given(
    zone=st.sampled_from(_SCHEDULE_ZONES),
    windows=st.lists(_windows, min_size=1, max_size=3),
    closed=st.lists(st.dates(date(2025, 1, 1), date(2027, 12, 31)), max_size=3),
    now=_instants,
    user_zone=st.sampled_from(_USER_ZONES),
)
def test_status_agrees_with_wall_clock_oracle(
    zone: str,
    windows: list[Window],
    closed: list[date],
    now: datetime,
    user_zone: ZoneInfo,
) -> None:
    sched = Schedule(timezone=zone, windows=windows, closed_on=closed)
    status = open_status(sched, now, user_zone)
    assert status.is_open == _oracle_open(sched, now)
    minute = timedelta(minutes=1)
    # order and arithmetic on instants: in one zone Python compares and adds wall times,
    # and a DST fold repeats a wall time (Berlin's 02:30 CEST and 02:30 CET an hour apart)
    if status.closes_at is not None:
        closes = status.closes_at.astimezone(UTC)
        assert status.is_open and closes > now
        assert status.closes_at.tzinfo is user_zone
        assert _oracle_open(sched, closes - minute)
        assert not _oracle_open(sched, closes)
    if status.opens_at is not None:
        opens = status.opens_at.astimezone(UTC)
        assert not status.is_open and opens > now
        assert status.opens_at.tzinfo is user_zone
        assert _oracle_open(sched, opens)
        assert not _oracle_open(sched, opens - minute)
    local = now.astimezone(user_zone)
    for item in status.today:
        start, end = item.start.astimezone(UTC), item.end.astimezone(UTC)
        assert start < end
        assert item.start.tzinfo is user_zone and item.end.tzinfo is user_zone
        assert item.start.date() == local.date()
        assert _oracle_open(sched, start)
        assert _oracle_open(sched, end - minute)


@pytest.mark.parametrize(("key", "lang", "name"), [
    ("America/New_York", "en", "Eastern Time"),
    ("America/New_York", "zh", "北美东部时间"),
    ("Asia/Kolkata", "zh", "印度时间"),
    ("Etc/UTC", "en", "Etc/UTC"),  # no place: the CLDR would say "Unknown Region"
    ("UTC", "zh", "UTC"),
])
def test_a_zone_is_named_as_people_call_it(key: str, lang: str, name: str) -> None:
    assert zone_name(ZoneInfo(key), lang) == name
