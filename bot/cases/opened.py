"""When a case was opened, from a button or from what the user typed, in their time zone.

Typed forms (Chinese or English, full-width digits too):
  `2026-11-18 14:00`, `2026/11/18`, `11-18 9:30`, `11月18日下午2点`
  `昨天下午3点`, `前天 15:00`, `今天上午10点半`, `yesterday 15:00`, `yesterday 3pm`, `today 9am`
  `3天前`, `两小时前`, `3 days ago`, `an hour ago`, `2 weeks ago`
A day without a time of day means: now minus whole days for "yesterday"-style words (like
the buttons), the middle of the day so far for today, and noon for a calendar date.
Pure: every function takes `now` and the user's zone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Literal

from bot.cases.callbacks import OPENED_CHOICES

# further back than this is more likely a typo than a case still waiting
MAX_AGE = timedelta(days=366)
# a clock a minute ahead of ours is not "the future"
FUTURE_SLACK = timedelta(minutes=2)
MAX_TYPED = 40

Problem = Literal["unreadable", "future", "too_old"]


class OpenedAtError(ValueError):
    """What the user typed is not a usable moment; `problem` says why (for the message)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem)
        self.problem: Problem = problem


@dataclass(frozen=True)
class _Day:
    day: date
    # when no time of day is given: days back from now (None: a calendar date)
    days_back: int | None


def opened_from_choice(choice: str, now: datetime, zone: tzinfo) -> datetime | None:
    """The moment a preset button stands for; None for an unknown choice."""
    if choice not in OPENED_CHOICES:
        return None
    if choice == "now":
        return now
    if choice == "today":
        return _earlier_today(now, zone)
    return now - timedelta(days=int(choice.removesuffix("d")))


def _earlier_today(now: datetime, zone: tzinfo) -> datetime:
    # halfway between local midnight and now: the best guess for "some time today"
    local = now.astimezone(zone)
    midnight = datetime.combine(local.date(), time(0, 0), tzinfo=zone)
    return midnight + (local - midnight) / 2


def parse_opened(text: str, now: datetime, zone: tzinfo) -> datetime:
    """The moment `text` names, as an aware datetime; OpenedAtError if none or unusable."""
    s = _normalize(text)
    if not s or len(s) > MAX_TYPED:
        raise OpenedAtError("unreadable")
    moment = _ago(s, now)
    if moment is None:
        moment = _day_and_time(s, now, zone)
    if moment is None:
        raise OpenedAtError("unreadable")
    if moment > now + FUTURE_SLACK:
        raise OpenedAtError("future")
    if moment < now - MAX_AGE:
        raise OpenedAtError("too_old")
    return min(moment, now)


def _normalize(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).strip().lower()
    s = s.replace("：", ":").replace("．", ".")
    return re.sub(r"\s+", " ", s)


# --- numbers ---------------------------------------------------------------------------

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_NUM = r"(?:\d{1,3}|[零一二两三四五六七八九十]{1,3})"


def _number(text: str) -> int | None:
    if text.isascii() and text.isdigit():
        return int(text)
    if text in ("a", "an", "one"):
        return 1
    if "十" in text:
        tens, _, ones = text.partition("十")
        ten_count = _CN_DIGITS.get(tens, -1) if tens else 1
        one_count = _CN_DIGITS.get(ones, -1) if ones else 0
        if ten_count < 0 or one_count < 0:
            return None
        return ten_count * 10 + one_count
    if len(text) == 1 and text in _CN_DIGITS:
        return _CN_DIGITS[text]
    return None


# --- "3 days ago", "3天前" --------------------------------------------------------------

_UNITS = {
    "minute": timedelta(minutes=1), "min": timedelta(minutes=1), "分钟": timedelta(minutes=1),
    "hour": timedelta(hours=1), "hr": timedelta(hours=1), "h": timedelta(hours=1),
    "小时": timedelta(hours=1), "个小时": timedelta(hours=1), "钟头": timedelta(hours=1),
    "个钟头": timedelta(hours=1),
    "day": timedelta(days=1), "d": timedelta(days=1), "天": timedelta(days=1),
    "日": timedelta(days=1),
    "week": timedelta(weeks=1), "wk": timedelta(weeks=1), "w": timedelta(weeks=1),
    "周": timedelta(weeks=1), "星期": timedelta(weeks=1), "个星期": timedelta(weeks=1),
    "礼拜": timedelta(weeks=1), "个礼拜": timedelta(weeks=1),
}
_EN_AGO = re.compile(
    r"(?P<n>\d{1,3}|an?|one) ?(?P<unit>minute|min|hour|hr|h|day|d|week|wk|w)s? ago"
)
_ZH_AGO = re.compile(
    rf"(?P<n>{_NUM}|半)(?P<unit>分钟|个小时|小时|个钟头|钟头|天|日|个星期|星期|周|个礼拜|礼拜)"
    r"(?:前|之前|以前)"
)


def _ago(s: str, now: datetime) -> datetime | None:
    match = _EN_AGO.fullmatch(s) or _ZH_AGO.fullmatch(s)
    if match is None:
        return None
    unit = _UNITS[match["unit"]]
    if match["n"] == "半":
        return now - unit / 2
    count = _number(match["n"])
    return None if count is None else now - count * unit


# --- a day, then a time of day ---------------------------------------------------------

_DAY_WORDS = {
    "today": 0, "今天": 0, "今日": 0,
    "yesterday": 1, "昨天": 1, "昨日": 1, "the day before yesterday": 2,
    "前天": 2, "大前天": 3,
}
_DAY_WORD_RE = re.compile(
    "|".join(sorted((re.escape(w) for w in _DAY_WORDS), key=len, reverse=True))
)
_FULL_DATE = re.compile(r"(\d{4})(?:[-/.]|年)(\d{1,2})(?:[-/.]|月)(\d{1,2})日?")
_SHORT_DATE = re.compile(r"(\d{1,2})(?:[-/.]|月)(\d{1,2})[日号]?")
_DAYS_AGO_PREFIX = re.compile(rf"(?P<n>{_NUM}) ?(?:天前|days? ago)")


def _day_and_time(s: str, now: datetime, zone: tzinfo) -> datetime | None:
    local_now = now.astimezone(zone)
    parsed = _day_part(s, local_now)
    if parsed is None:
        day, rest = None, s
    else:
        day, rest = parsed
    rest = rest.strip().removeprefix("at ").strip()
    at = _time_of_day(rest) if rest else None
    if rest and at is None:
        return None
    if day is None:
        if at is None:
            return None
        day = _Day(local_now.date(), 0)
    if at is not None:
        return datetime.combine(day.day, at, tzinfo=zone)
    if day.days_back == 0 or day.day == local_now.date():
        return _earlier_today(now, zone)
    if day.days_back is not None:
        return now - timedelta(days=day.days_back)
    return datetime.combine(day.day, time(12, 0), tzinfo=zone)


def _day_part(s: str, local_now: datetime) -> tuple[_Day, str] | None:
    today = local_now.date()
    word = _DAY_WORD_RE.match(s)
    if word is not None:
        back = _DAY_WORDS[word.group()]
        return _Day(today - timedelta(days=back), back), s[word.end():]
    ago = _DAYS_AGO_PREFIX.match(s)
    if ago is not None:
        count = _number(ago["n"])
        if count is None:
            return None
        return _Day(today - timedelta(days=count), count), s[ago.end():]
    full = _FULL_DATE.match(s)
    if full is not None:
        day = _date(int(full[1]), int(full[2]), int(full[3]))
        return None if day is None else (_Day(day, None), s[full.end():])
    short = _SHORT_DATE.match(s)
    # "3-5" must be a date, not the start of "3:05": a time has a colon right after
    if short is not None and not s[short.end():].startswith(":"):
        day = _date(today.year, int(short[1]), int(short[2]))
        if day is not None and day > today:
            day = _date(today.year - 1, int(short[1]), int(short[2]))  # last November
        return None if day is None else (_Day(day, None), s[short.end():])
    return None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


_ZH_PERIODS = {
    "凌晨": "am", "早上": "am", "早晨": "am", "上午": "am", "清晨": "am",
    "中午": "noon", "下午": "pm", "傍晚": "pm", "晚上": "pm", "夜里": "pm", "晚": "pm",
}
_ZH_TIME = re.compile(
    r"(?P<period>凌晨|早上|早晨|清晨|上午|中午|下午|傍晚|晚上|夜里|晚)?"
    rf"(?:(?P<h>{_NUM})(?:点|點|时|時)(?:(?P<half>半)|(?P<m>{_NUM})分?)?"
    r"|(?P<hh>\d{1,2}):(?P<mm>\d{2}))"
)
_EN_TIME = re.compile(
    r"(?P<h>\d{1,2})(?::(?P<m>\d{2}))?(?::\d{2})? ?(?P<ampm>am|pm|a\.m\.|p\.m\.)?"
)


def _time_of_day(text: str) -> time | None:
    text = text.strip()
    zh = _ZH_TIME.fullmatch(text)
    if zh is not None:
        if zh["hh"] is not None:
            hour, minute = int(zh["hh"]), int(zh["mm"])
        else:
            h = _number(zh["h"])
            m: int | None = 30 if zh["half"] else (_number(zh["m"]) if zh["m"] else 0)
            if h is None or m is None:
                return None
            hour, minute = h, m
        period = _ZH_PERIODS.get(zh["period"] or "")
        if period == "pm" and hour < 12:
            hour += 12
        elif period == "noon" and hour < 11:
            hour += 12  # 中午1点 is 13:00
        return _time(hour, minute)
    en = _EN_TIME.fullmatch(text)
    if en is None:
        return None
    hour, minute = int(en["h"]), int(en["m"] or 0)
    ampm = (en["ampm"] or "").replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    elif en["m"] is None:
        return None  # a bare number is not a time: "15" could be a day
    return _time(hour, minute)


def _time(hour: int, minute: int) -> time | None:
    if 0 <= hour <= 23 and 0 <= minute <= 59:
        return time(hour, minute)
    return None
