"""Opening hours: is a channel staffed now, when does it close or open, in the user's zone.

Schedules are stored in the zone where the service runs (`Schedule.timezone`) and are
converted here with zoneinfo, so daylight-saving changes on either side come out right.
Pure and Telegram-free: every function takes the instant it needs; nothing reads a clock.

Rules:

* A window's `days` are weekdays in the schedule's zone. `close <= open` means the opening
  runs past midnight into the next day; `open == close == 00:00` is the whole day.
* `closed_on` (schedule-zone dates) removes the openings that *start* on that date; an
  overnight opening that started the evening before still runs into it.
* Each opening's ends are wall times in the schedule's zone, placed independently
  (`datetime.combine(d, t, tzinfo=zone)`, fold=0), so its length is the wall-clock span:
  05:00–20:00 America/New_York is 05:00–20:00 on DST change days too. A wall time in a
  spring-forward gap does not exist and moves forward by the gap (02:30 → 03:30 in New
  York); an ambiguous fall-back time means its first occurrence (fold=0).
* Openings that touch or overlap merge into one (a Mon–Fri 00:00–00:00 week is one
  opening that closes Saturday 00:00).

All arithmetic is done in UTC: aware datetimes sharing a tzinfo compare by wall time and
ignore `fold`, which is wrong around a fall-back hour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo

from babel.dates import get_timezone_name

from knowledge.schema import Holiday, Schedule, Weekday

__all__ = [
    "LOOKAHEAD",
    "Interval",
    "OpenStatus",
    "active_holidays",
    "format_time_range",
    "holiday_date",
    "intervals",
    "open_status",
    "warm_zone_names",
    "zone_name",
]

# how far ahead (and, for `intervals`, behind) openings are computed; a closing or an
# opening further away than this is reported as unknown (None)
LOOKAHEAD = timedelta(days=8)
# how far back `open_status` looks for the start of the opening `now` is in; only needs
# to cover the user's current calendar day (≤ 25 h away) and an overnight window
_LOOKBEHIND = timedelta(days=2)

_ONE_DAY = timedelta(days=1)
_MIDNIGHT = time(0, 0)
_WEEKDAY_NUMBER: dict[Weekday, int] = {day: number for number, day in enumerate(Weekday)}


@dataclass(frozen=True, slots=True)
class Interval:
    """A stretch of opening time, [start, end), both aware."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class OpenStatus:
    is_open: bool
    always_open: bool
    # when open: the end of the current opening, in the user's zone; None if always open
    # or if it does not close within LOOKAHEAD (a round-the-clock set of windows)
    closes_at: datetime | None
    # when closed: the start of the next opening, in the user's zone; None if none within
    # LOOKAHEAD
    opens_at: datetime | None
    # the openings that overlap the user's current calendar day, clipped to it, in order,
    # in the user's zone (the last may end at the next midnight)
    today: tuple[Interval, ...]


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got naive {value!r}")


def _wall_to_utc(day: date, at: time, zone: tzinfo) -> datetime:
    """The instant a wall-clock time in `zone` means: gaps move forward, ambiguity → fold=0.

    With fold=0 zoneinfo uses the offset in force before a transition, so a nonexistent
    time converts to the instant the gap's length later, and an ambiguous one to its first
    occurrence; the UTC round trip is the normalisation.
    """
    if at.fold:
        at = at.replace(fold=0)
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def _openings_utc(
    schedule: Schedule, zone: ZoneInfo, lo: datetime, hi: datetime
) -> list[tuple[datetime, datetime]]:
    """Merged openings overlapping [lo, hi), in UTC, sorted, clipped to [lo, hi].

    An end equal to `lo` or `hi` is a cut, not a real start or end: the opening may run
    on beyond it. `lo` and `hi` are UTC.
    """
    first = lo.astimezone(zone).date() - _ONE_DAY  # an overnight window from the day before
    last = hi.astimezone(zone).date()
    closed = frozenset(schedule.closed_on)
    windows = [
        (frozenset(_WEEKDAY_NUMBER[d] for d in w.days), w.open, w.close, w.close <= w.open)
        for w in schedule.windows
    ]
    raw: list[tuple[datetime, datetime]] = []
    day = first
    while day <= last:
        if day not in closed:
            weekday = day.weekday()
            for days, opens, closes, overnight in windows:
                if weekday not in days:
                    continue
                start = _wall_to_utc(day, opens, zone)
                end = _wall_to_utc(day + _ONE_DAY if overnight else day, closes, zone)
                # a window inside a spring-forward gap can come out empty or reversed
                if start < end and end > lo and start < hi:
                    raw.append((start, end))
        day += _ONE_DAY
    if not raw:
        return raw
    raw.sort()
    merged: list[tuple[datetime, datetime]] = []
    cur_start, cur_end = raw[0]
    for start, end in raw[1:]:
        if start <= cur_end:
            if end > cur_end:
                cur_end = end
        else:
            merged.append((max(cur_start, lo), min(cur_end, hi)))
            cur_start, cur_end = start, end
    merged.append((max(cur_start, lo), min(cur_end, hi)))
    return merged


def _day_bounds_utc(now_local: datetime, zone: tzinfo) -> tuple[datetime, datetime]:
    """The user's current calendar day as UTC instants [midnight, next midnight)."""
    today = now_local.date()
    return _wall_to_utc(today, _MIDNIGHT, zone), _wall_to_utc(today + _ONE_DAY, _MIDNIGHT, zone)


def open_status(schedule: Schedule, now: datetime, user_zone: ZoneInfo) -> OpenStatus:
    """Whether `schedule` is open at `now`, and its hours around it, in `user_zone`."""
    _require_aware(now, "now")
    now_utc = now.astimezone(UTC)
    day_start, day_end = _day_bounds_utc(now_utc.astimezone(user_zone), user_zone)

    if schedule.always_open:
        whole_day = Interval(day_start.astimezone(user_zone), day_end.astimezone(user_zone))
        return OpenStatus(True, True, None, None, (whole_day,))

    lo = min(now_utc - _LOOKBEHIND, day_start)
    hi = max(now_utc + LOOKAHEAD, day_end)
    openings = _openings_utc(schedule, ZoneInfo(schedule.timezone), lo, hi)

    is_open = False
    closes_at: datetime | None = None
    opens_at: datetime | None = None
    today: list[Interval] = []
    for start, end in openings:
        if start <= now_utc < end:
            is_open = True
            if end < hi:
                closes_at = end.astimezone(user_zone)
        elif opens_at is None and start > now_utc:
            opens_at = start.astimezone(user_zone)
        if start < day_end and end > day_start:
            today.append(
                Interval(
                    max(start, day_start).astimezone(user_zone),
                    min(end, day_end).astimezone(user_zone),
                )
            )
    return OpenStatus(is_open, False, closes_at, opens_at if not is_open else None, tuple(today))


def intervals(schedule: Schedule, start: datetime, end: datetime) -> list[Interval]:
    """The openings that overlap [start, end), whole, in order, in `start`'s tzinfo.

    Openings are not clipped to [start, end): one that began before `start` keeps its real
    start. Only an opening running on for more than LOOKAHEAD past either end (in effect a
    round-the-clock schedule, or `always_open`) is cut at `start` / `end`.
    """
    _require_aware(start, "start")
    _require_aware(end, "end")
    out_zone = start.tzinfo
    assert out_zone is not None
    start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
    if start_utc >= end_utc:
        return []
    if schedule.always_open:
        return [Interval(start, end.astimezone(out_zone))]
    lo, hi = start_utc - LOOKAHEAD, end_utc + LOOKAHEAD
    result: list[Interval] = []
    for s, e in _openings_utc(schedule, ZoneInfo(schedule.timezone), lo, hi):
        if s < end_utc and e > start_utc:
            result.append(
                Interval(
                    (start_utc if s <= lo else s).astimezone(out_zone),
                    (end_utc if e >= hi else e).astimezone(out_zone),
                )
            )
    return result


def holiday_date(rule: Literal["black_friday", "christmas"], year: int) -> date:
    """The date of a holiday rule in `year`.

    black_friday: the day after US Thanksgiving (the fourth Thursday of November).
    christmas: 25 December.
    """
    if rule == "christmas":
        return date(year, 12, 25)
    if rule == "black_friday":
        november_first = date(year, 11, 1)
        first_thursday = 1 + (3 - november_first.weekday()) % 7  # Thursday is weekday 3
        return date(year, 11, first_thursday + 21 + 1)
    raise ValueError(f"unknown holiday rule {rule!r}")


def active_holidays(
    holidays: Sequence[Holiday], today: date, within_days: int = 7
) -> list[Holiday]:
    """Holidays whose date falls in [today - 2 days, today + within_days], in input order.

    These are the busy periods worth a warning: coming up soon, or just past (queues stay
    long for a couple of days). Each holiday is listed at most once.
    """
    if within_days < 0:
        raise ValueError(f"within_days must be ≥ 0, got {within_days}")
    first = today - timedelta(days=2)
    last = today + timedelta(days=within_days)
    years = range(first.year, last.year + 1)
    return [
        holiday
        for holiday in holidays
        if any(first <= holiday_date(holiday.rule, year) <= last for year in years)
    ]


_ZH_LATER_DAY = {1: "次日", 2: "后天"}


def format_time_range(interval: Interval, lang: str) -> str:
    """`interval` as HH:MM–HH:MM in its start's zone, marking an end on a later day.

    zh: "18:00–次日 09:00"; en: "18:00–09:00 (+1)". An end at exactly the next midnight is
    written 24:00, so a clipped day reads "18:00–24:00" and the whole day "00:00–24:00".
    """
    start = interval.start
    end = interval.end.astimezone(start.tzinfo) if start.tzinfo is not None else interval.end
    days_later = (end.date() - start.date()).days
    end_text = f"{end:%H:%M}"
    if days_later == 1 and end.time() == _MIDNIGHT:
        days_later, end_text = 0, "24:00"
    text = f"{start:%H:%M}–"
    if days_later <= 0:
        return text + end_text
    if lang.startswith("zh"):
        return text + f"{_ZH_LATER_DAY.get(days_later, f'{days_later}天后')} {end_text}"
    return text + f"{end_text} (+{days_later})"


_LOCALES = {"zh": "zh_Hans_CN", "en": "en"}


def zone_name(zone: ZoneInfo, lang: str) -> str:
    """What people call a service's zone ("北美东部时间", "Eastern Time"), from the
    CLDR through Babel: "America/New_York" is a database key, not a time anyone keeps.
    The key itself where the zone is no place's ("UTC", "Etc/GMT+5"): the CLDR would
    call it "Unknown Region (UTC) Time"."""
    if "/" not in zone.key or zone.key.startswith("Etc/"):
        return zone.key
    try:
        return str(get_timezone_name(zone, locale=_LOCALES.get(lang[:2], "en")))
    except (LookupError, ValueError):
        return zone.key


def warm_zone_names() -> None:
    """Babel reads a locale's zone names on first use (about 10 ms for Chinese): pay that
    once, while the answering path is built, not in the first answer with hours."""
    for lang in _LOCALES:
        zone_name(ZoneInfo("Asia/Shanghai"), lang)
