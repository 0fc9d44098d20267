"""The Telegram-free parts of case tracking: typed times, callback data, quiet hours,
input checks, and screens that always render within Telegram's rules."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cases.callbacks import (
    CaseAction,
    ForgetData,
    ListCases,
    StartTrack,
    TrackStep,
)
from bot.cases.opened import OpenedAtError, opened_from_choice, parse_opened
from bot.cases.quiet import parse_quiet
from bot.cases.reminders import in_quiet_hours, quiet_hours_end
from bot.cases.screens import case_screen, duration, reminder_screen
from bot.cases.tracking import InputProblem, check_case_id, check_note
from bot.core.callbacks import MAX_BYTES, encode, parse_callback
from bot.core.input import command_argument
from bot.core.render import render_screen
from bot.core.ui import Viewer
from knowledge.catalog import Catalog
from storage.cases import Case, CaseStatus
from storage.users import UserSettings
from tests.bot.telegram_rules import check_markup, check_text

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")


def at(text: str, zone: ZoneInfo = SHANGHAI) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


# --- typed times -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-11-18 14:00", at("2026-11-18 14:00")),
        ("2026/11/18 14:00", at("2026-11-18 14:00")),
        ("２０２６－１１－１８　１４：００", at("2026-11-18 14:00")),  # full-width
        ("2026年11月18日", at("2026-11-18 12:00")),  # a date alone: noon
        ("11-18 9:30", at("2026-11-18 09:30")),
        ("11月18日下午2点", at("2026-11-18 14:00")),
        ("12-25", at("2025-12-25 12:00")),  # a day-month still to come: last year's
        ("昨天下午3点", at("2026-11-22 15:00")),
        ("昨天 15:00", at("2026-11-22 15:00")),
        ("前天晚上8点半", at("2026-11-21 20:30")),
        ("今天上午9点", at("2026-11-23 09:00")),
        ("中午1点", None),  # 13:00 today: future
        ("3天前", NOW - timedelta(days=3)),
        ("三天前", NOW - timedelta(days=3)),
        ("两小时前", NOW - timedelta(hours=2)),
        ("半小时前", NOW - timedelta(minutes=30)),
        ("3天前下午3点", at("2026-11-20 15:00")),
        ("yesterday", NOW - timedelta(days=1)),
        ("Yesterday 3 PM", at("2026-11-22 15:00")),
        ("yesterday at 15:00", at("2026-11-22 15:00")),
        ("the day before yesterday 9am", at("2026-11-21 09:00")),
        ("3 days ago", NOW - timedelta(days=3)),
        ("an hour ago", NOW - timedelta(hours=1)),
        ("2 weeks ago", NOW - timedelta(weeks=2)),
        ("9:30", at("2026-11-23 09:30")),
        ("today", at("2026-11-23 05:00")),  # halfway through the day so far
    ],
)
def test_typed_opening_times(typed: str, expected: datetime | None) -> None:
    if expected is None:
        with pytest.raises(OpenedAtError):
            parse_opened(typed, NOW, SHANGHAI)
        return
    assert parse_opened(typed, NOW, SHANGHAI) == expected


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("tomorrow", "unreadable"),
        ("明天", "unreadable"),
        ("15", "unreadable"),
        ("2026-02-30", "unreadable"),
        ("25:00", "unreadable"),
        ("", "unreadable"),
        ("x" * 100, "unreadable"),
        ("2027-01-01", "future"),
        ("下午3点", "future"),
        ("2024-01-01", "too_old"),
        ("400 days ago", "too_old"),
    ],
)
def test_unusable_typed_times(typed: str, problem: str) -> None:
    with pytest.raises(OpenedAtError) as error:
        parse_opened(typed, NOW, SHANGHAI)
    assert error.value.problem == problem


def test_typed_times_are_read_in_the_users_zone() -> None:
    # Sunday 21:00 in New York
    assert parse_opened("yesterday 15:00", NOW, NEW_YORK) == at("2026-11-21 15:00", NEW_YORK)
    assert parse_opened("today", NOW, NEW_YORK) == at("2026-11-22 10:30", NEW_YORK)


@given(st.text(max_size=60))
@settings(max_examples=300, deadline=None)
def test_any_text_is_a_moment_or_a_refusal_never_a_crash(typed: str) -> None:
    try:
        moment = parse_opened(typed, NOW, SHANGHAI)
    except OpenedAtError:
        return
    assert moment <= NOW and moment.tzinfo is not None


def test_opened_buttons() -> None:
    assert opened_from_choice("now", NOW, SHANGHAI) == NOW
    assert opened_from_choice("today", NOW, SHANGHAI) == at("2026-11-23 05:00")
    assert opened_from_choice("7d", NOW, SHANGHAI) == NOW - timedelta(days=7)
    assert opened_from_choice("8d", NOW, SHANGHAI) is None


# --- callback data ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "data"),
    [
        (TrackStep("1a2b3c4d", "platform", "amazon"), "1:k:1a2b3c4d:p:amazon"),
        (TrackStep("ff", "channel", "seller_case"), "1:k:ff:c:seller_case"),
        (TrackStep("ff", "site", "jp"), "1:k:ff:s:jp"),
        (TrackStep("ff", "any_site"), "1:k:ff:g"),
        (TrackStep("ff", "confirm"), "1:k:ff:y"),
        (StartTrack(), "1:k:new"),
        (CaseAction("open", 42), "1:a:o:42"),
        (CaseAction("snooze", 42, "t9"), "1:a:s:42:t9"),
        (CaseAction("window", 9223372036854775, "72"), "1:a:w:9223372036854775:72"),
        (ListCases(), "1:a:l:o"),
        (ListCases(done=True, page=3), "1:a:l:d:3"),
        (ForgetData(True), "1:d:y"),
    ],
)
def test_case_buttons_round_trip(action: object, data: str) -> None:
    assert encode(action) == data  # type: ignore[arg-type]
    assert parse_callback(data) == action
    assert len(data.encode()) <= MAX_BYTES


@pytest.mark.parametrize(
    "data",
    [
        "1:a:o:0", "1:a:o:007", "1:a:o:-1", "1:a:o:1e3", "1:a:o:١٢", "1:a:o:" + "9" * 19,
        "1:a:r:5:x", "1:a:w:5", "1:a:w:5:0", "1:a:s:5:never", "1:a:e:5:everything",
        "1:a:l", "1:a:l:x", "1:a:l:o:0", "1:a:l:o:100", "1:a:z:5",
        "1:k:new:1", "1:k:XYZ:p:amazon", "1:k:ab:p", "1:k:ab:p:Amazon", "1:k:ab:q:x",
        "1:k:ab:y:extra", "1:k:123456789:y", "1:k:ab:s", "1:k:ab:g:jp", "1:k:ab:s:JP",
        "1:d", "1:d:yes",
    ],
)
def test_malformed_case_buttons_parse_to_nothing(data: str) -> None:
    assert parse_callback(data) is None


# --- quiet hours -----------------------------------------------------------------------


def user(start: time | None, end: time | None) -> UserSettings:
    return UserSettings(1, None, None, start, end, True, NOW, NOW)


@pytest.mark.parametrize(
    ("start", "end", "local", "quiet"),
    [
        (time(22), time(8), "23:30", True),
        (time(22), time(8), "07:59", True),
        (time(22), time(8), "08:00", False),
        (time(22), time(8), "21:59", False),
        (time(22), time(8), "22:00", True),
        (time(13), time(14), "13:30", True),
        (time(13), time(14), "14:30", False),
        (None, None, "03:00", False),
    ],
)
def test_quiet_hours(start: time | None, end: time | None, local: str, quiet: bool) -> None:
    moment = at(f"2026-11-23 {local}")
    assert in_quiet_hours(user(start, end), moment) is quiet


def test_quiet_hours_end_is_the_next_local_end_across_a_dst_change() -> None:
    # New York springs forward on 2026-03-08: the night is an hour shorter
    late = at("2026-03-07 23:00", NEW_YORK)
    end = quiet_hours_end(time(8), late)
    assert end == at("2026-03-08 08:00", NEW_YORK)
    assert end.astimezone(UTC) - late.astimezone(UTC) == timedelta(hours=8)
    early = at("2026-03-08 06:00", NEW_YORK)
    assert quiet_hours_end(time(8), early) == at("2026-03-08 08:00", NEW_YORK)


@pytest.mark.parametrize(
    ("typed", "hours"),
    [
        ("22:00-08:00", (time(22), time(8))),
        ("22:00–08:30", (time(22), time(8, 30))),
        ("22-8", (time(22), time(8))),
        ("22:00 08:00", (time(22), time(8))),
        ("２２：００～０８：００", (time(22), time(8))),
        ("22点到8点", (time(22), time(8))),
        ("24:00-08:00", None),
        ("22:00", None),
        ("night", None),
    ],
)
def test_parse_quiet(typed: str, hours: tuple[time, time] | None) -> None:
    assert parse_quiet(typed) == hours


# --- input checks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", "id_empty"),
        ("  ", "id_empty"),
        ("1" * 65, "id_long"),
        ("123\n456", "id_lines"),
        ("123\u2028456", "id_control"),
        ("12\x0034", "id_control"),
        ("—…—", "id_no_alnum"),
    ],
)
def test_refused_case_ids(typed: str, problem: str) -> None:
    with pytest.raises(InputProblem) as error:
        check_case_id(typed)
    assert error.value.problem == problem


def test_case_ids_and_notes_are_kept_as_typed() -> None:
    assert check_case_id("  <b>123</b> 🧾 ") == "<b>123</b> 🧾"
    assert check_case_id("1" * 64) == "1" * 64
    assert check_note("line one\r\nline <two> 🙂") == "line one\nline <two> 🙂"
    with pytest.raises(InputProblem) as error:
        check_note("x" * 501)
    assert (error.value.length, error.value.limit) == (501, 500)


def test_command_argument() -> None:
    assert command_argument("/track 123 456", "track") == "123 456"
    assert command_argument("/track@kefu_bot  A-1 ", "track") == "A-1"
    assert command_argument("/start track", "track") == ""  # a deep link: no case id
    assert command_argument("/track", "track") == ""
    assert command_argument("/faq\n美国站 客服电话", "faq") == "美国站 客服电话"
    assert command_argument("/faq\u3000", "faq") == ""
    assert command_argument("/faqs 电话", "faq") == ""
    assert command_argument("   ", "faq") == ""


def test_durations() -> None:
    assert duration(timedelta(seconds=5), "en") == "1 min"
    assert duration(timedelta(minutes=59), "zh") == "59 分钟"
    assert duration(timedelta(hours=5), "en") == "5 h"
    assert duration(timedelta(days=3, hours=2), "zh") == "3 天 2 小时"
    assert duration(timedelta(days=9, hours=2), "en") == "9 d"


# --- screens ---------------------------------------------------------------------------


def a_case(external_id: str, note: str | None, **changes: object) -> Case:
    values: dict[str, object] = {
        "id": 7, "owner_id": 1, "platform": "amazon", "role": "seller", "channel": "seller_case",
        "issue": None, "external_id": external_id, "note": note,
        "opened_at": NOW - timedelta(days=3), "due_at": NOW - timedelta(days=2),
        "status": CaseStatus.OPEN, "snoozed_until": None, "reminders_sent": 0,
        "last_reminded_at": None, "created_at": NOW, "updated_at": NOW,
        "remind_at": NOW - timedelta(days=2),
    }
    values.update(changes)
    return Case(**values)  # type: ignore[arg-type]


@given(
    external_id=st.text(min_size=1, max_size=64),
    note=st.one_of(st.none(), st.text(max_size=500)),
    round_=st.integers(min_value=1, max_value=4),
)
@settings(max_examples=60, deadline=None)
def test_case_and_reminder_screens_are_always_valid_telegram_html(
    catalog: Catalog, external_id: str, note: str | None, round_: int
) -> None:
    for lang in ("zh", "en"):
        viewer = Viewer(lang, SHANGHAI, NOW)  # type: ignore[arg-type]
        case = a_case(external_id, note)
        for screen in (
            case_screen(catalog, case, viewer),
            reminder_screen(catalog, case, viewer, round_=round_, rounds=4,
                            next_at=NOW + timedelta(days=1)),
        ):
            rendered = render_screen(screen)
            assert check_text(rendered.text, "HTML", 4096) == []
            markup = rendered.keyboard.to_dict() if rendered.keyboard else None
            assert check_markup(markup) == []


def test_a_case_whose_platform_left_the_catalog_still_renders(catalog: Catalog) -> None:
    viewer = Viewer("en", SHANGHAI, NOW)
    case = a_case("123", None, platform="ebay", channel="ebay_chat")
    text = render_screen(reminder_screen(catalog, case, viewer, round_=1, rounds=1,
                                         next_at=None)).text
    assert "ebay" in text and "no follow-up advice" in text
