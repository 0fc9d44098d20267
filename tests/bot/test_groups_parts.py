"""The group feature's parts without Telegram: flood memory, codecs, deep links, screens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.cases import DEEP_LINKED as COMMAND_LINKS
from bot.core.callbacks import encode, parse_callback
from bot.core.clock import ManualClock
from bot.core.deeplinks import (
    CASE_COMMANDS,
    CardLink,
    CommandLink,
    MenuLink,
    card_payload,
    parse_payload,
    start_url,
)
from bot.core.flood import Admission, ExpiringLru, GroupFlood, Verdict
from bot.core.render import render_screen
from bot.core.ui import Viewer
from bot.groups.callbacks import (
    GroupCard,
    GroupHome,
    GroupMenu,
    GroupNarrow,
    GroupNav,
    GroupOption,
)
from bot.groups.screens import (
    group_card_screen,
    group_screen_for,
    group_settings_screen,
    most_asked,
    narrow_screen,
)
from knowledge.catalog import CardRef, Catalog
from storage.groups import GroupSettings
from tests.bot.telegram_rules import check_markup, check_text

START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
PLACE = (-100123, None)
BIGGEST_ASKER = 2**52 - 1  # Telegram's user ids fit in 52 bits


def all_refs(catalog: Catalog) -> list[CardRef]:
    refs = []
    for ref in catalog.card_refs():
        refs.append(ref)
        platform = catalog.platform(ref.platform)
        assert platform is not None
        refs.extend(CardRef(ref.platform, ref.role, ref.issue, s.id) for s in platform.sites)
    return refs


# --- flood memory ----------------------------------------------------------------------


def test_repeat_window_and_forgetting() -> None:
    clock = ManualClock(START)
    flood = GroupFlood(clock)
    flood.remember_answer(PLACE, "a/zh", 10)
    assert flood.earlier_answer(PLACE, "a/zh") == 10
    assert flood.earlier_answer(PLACE, "a/en") is None
    assert flood.earlier_answer((PLACE[0], 7), "a/zh") is None  # another forum topic
    clock.advance(timedelta(minutes=4, seconds=59))
    assert flood.earlier_answer(PLACE, "a/zh") == 10
    clock.advance(timedelta(seconds=1))
    assert flood.earlier_answer(PLACE, "a/zh") is None
    flood.remember_answer(PLACE, "a/zh", 11)
    flood.forget_answer(PLACE, "a/zh")
    assert flood.earlier_answer(PLACE, "a/zh") is None


def test_an_edited_answer_is_re_keyed() -> None:
    flood = GroupFlood(ManualClock(START))
    flood.remember_answer(PLACE, "a/zh", 10)
    flood.message_changed(PLACE, 10, None)  # now a menu
    assert flood.earlier_answer(PLACE, "a/zh") is None
    flood.message_changed(PLACE, 10, "b/zh")  # now another card
    assert flood.earlier_answer(PLACE, "b/zh") == 10
    flood.remember_answer(PLACE, "b/zh", 12)  # a newer answer to b took over
    flood.message_changed(PLACE, 10, "c/zh")
    assert flood.earlier_answer(PLACE, "b/zh") == 12


def test_group_cap_is_a_sliding_minute_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    clock = ManualClock(START)
    flood = GroupFlood(clock, group_messages=4)  # 3 for answers, 1 kept for a note
    assert [flood.may_send(-1) for _ in range(4)] == [True, True, True, False]
    assert not flood.may_send(-1)
    assert flood.may_send(-2)  # per group
    assert caplog.text.count("group message cap reached") == 1
    clock.advance(timedelta(seconds=59))
    assert not flood.may_send(-1)
    clock.advance(timedelta(seconds=1))
    assert flood.may_send(-1)
    assert [flood.may_send(-1) for _ in range(3)] == [True, True, False]
    assert caplog.text.count("group message cap reached") == 2  # a new stretch, logged anew


def test_past_the_cap_the_group_is_told_once_within_the_cap() -> None:
    clock = ManualClock(START)
    flood = GroupFlood(clock, group_messages=4)
    for _ in range(3):
        assert flood.may_send(-1)
        clock.advance(timedelta(seconds=10))
    assert not flood.may_send(-1)
    # the note takes the slot kept for it; answers resume when two answers have left
    # the minute (the note counts too)
    assert flood.cap_note(-1) == START + timedelta(seconds=10) + timedelta(minutes=1)
    assert flood.cap_note(-1) is None  # once, not a note per refused message
    assert not flood.may_note(-1)  # four messages in the minute: not even a note
    clock.advance(timedelta(seconds=30))  # the first answer left the minute
    assert not flood.may_send(-1)
    assert flood.cap_note(-1) is None
    clock.advance(timedelta(seconds=10))  # and the second
    assert flood.may_send(-1)
    # the cap reached again within minutes: still no second note
    assert not flood.may_send(-1)
    assert flood.cap_note(-1) is None
    clock.advance(timedelta(minutes=5))
    assert [flood.may_send(-1) for _ in range(4)] == [True, True, True, False]
    assert flood.cap_note(-1) is not None


def test_a_question_within_the_cool_down_waits_and_only_the_latest() -> None:
    clock = ManualClock(START)
    flood = GroupFlood(clock)
    assert flood.admit(-1, 5, "q1") == Admission(Verdict.NOW)
    clock.advance(timedelta(seconds=3))
    assert flood.admit(-1, 5, "q2") == Admission(
        Verdict.LATER, START + timedelta(seconds=10), schedule=True
    )
    assert flood.admit(-1, 6, "other") == Admission(Verdict.NOW)  # per member
    clock.advance(timedelta(seconds=3))
    # the third takes the second's place: the answer already scheduled answers it
    assert flood.admit(-1, 5, "q3") == Admission(Verdict.LATER, START + timedelta(seconds=10))
    clock.advance(timedelta(seconds=4))
    assert flood.take_waiting(-1, 5) == "q3"
    assert flood.take_waiting(-1, 5) is None
    # answering it started a new cool-down
    assert flood.cooling_down(-1, 5)
    assert flood.admit(-1, 5, "q4").verdict is Verdict.LATER
    clock.advance(timedelta(seconds=10))
    # still waiting (its job is late): a newer question waits too, answered at once
    assert flood.admit(-1, 5, "q5") == Admission(Verdict.LATER, clock.now())
    assert flood.take_waiting(-1, 5) == "q5"


def test_a_member_asking_again_and_again_is_paused_with_one_note() -> None:
    clock = ManualClock(START)
    flood = GroupFlood(clock, member_questions=3, member_pause=timedelta(minutes=5))
    verdicts = []
    for n in range(3):
        verdicts.append(flood.admit(-1, 5, f"q{n}").verdict)
        clock.advance(timedelta(seconds=5))
    assert verdicts == [Verdict.NOW, Verdict.LATER, Verdict.LATER]
    paused = flood.admit(-1, 5, "q3")
    assert paused == Admission(Verdict.PAUSED, clock.now() + timedelta(minutes=5), note=True)
    assert flood.take_waiting(-1, 5) is None  # what waited is not answered either
    clock.advance(timedelta(minutes=1))
    assert flood.admit(-1, 5, "q4") == Admission(Verdict.PAUSED, paused.at)  # no second note
    assert flood.admit(-1, 6, "other").verdict is Verdict.NOW
    clock.advance(timedelta(minutes=4))
    assert flood.admit(-1, 5, "q5").verdict is Verdict.NOW  # the pause is over
    # questions a minute apart are never "in a row"
    for _ in range(10):
        clock.advance(timedelta(seconds=30))
        assert flood.admit(-2, 5, "q").verdict is not Verdict.PAUSED


def test_cool_down_per_member_and_group() -> None:
    clock = ManualClock(START)
    flood = GroupFlood(clock)
    assert not flood.cooling_down(-1, 5)
    assert flood.cooling_down(-1, 5)
    assert not flood.cooling_down(-1, 6) and not flood.cooling_down(-2, 5)
    clock.advance(timedelta(seconds=10))
    assert not flood.cooling_down(-1, 5)


def test_a_group_that_removed_the_bot_is_forgotten() -> None:
    clock = ManualClock(START)
    flood = GroupFlood(clock, group_messages=2)
    for chat in (-1, -2):
        flood.remember_answer((chat, None), "a/zh", 10)
        flood.remember_answer((chat, 7), "b/zh", 11)  # a forum topic
        assert not flood.cooling_down(chat, 5)
        assert flood.admit(chat, 6, "q1").verdict is Verdict.NOW
        assert flood.admit(chat, 6, "q2").verdict is Verdict.LATER
        assert flood.may_send(chat) and not flood.may_send(chat)  # the other slot: notes
    flood.forget_chat(-1)
    assert flood.take_waiting(-1, 6) is None
    assert flood.admit(-1, 6, "q3").verdict is Verdict.NOW
    assert flood.earlier_answer((-1, None), "a/zh") is None
    assert flood.earlier_answer((-1, 7), "b/zh") is None
    assert not flood.cooling_down(-1, 5)
    assert flood.may_send(-1)
    flood.message_changed((-1, None), 10, None)  # an edit of a forgotten answer: nothing
    # the other group is as it was
    assert flood.earlier_answer((-2, None), "a/zh") == 10
    assert flood.earlier_answer((-2, 7), "b/zh") == 11
    assert flood.cooling_down(-2, 5)
    assert not flood.may_send(-2)
    assert flood.take_waiting(-2, 6) == "q2"


def test_memory_stays_bounded() -> None:
    clock = ManualClock(START)
    table: ExpiringLru[int, int] = ExpiringLru(100, timedelta(minutes=5))
    for i in range(10_000):
        table.put(i, i, clock.now())
    assert len(table) == 100
    assert table.get(9_999, clock.now()) == 9_999 and table.get(0, clock.now()) is None
    clock.advance(timedelta(minutes=5))
    table.put(-1, -1, clock.now())
    assert len(table) == 1  # the expired ones went with the next write
    flood = GroupFlood(clock)
    for i in range(60_000):
        flood.cooling_down(-1, i)
        flood.admit(-2, i, "q")
        flood.may_send(-i)
        flood.remember_answer((-i, None), "k", i)
    sizes = [len(t) for t in vars(flood).values() if isinstance(t, ExpiringLru)]
    assert max(sizes) <= 50_000


# --- codecs and deep links -------------------------------------------------------------


def test_group_callbacks_round_trip_within_64_bytes(catalog: Catalog) -> None:
    actions: list[GroupNav | GroupOption] = [
        GroupNav(BIGGEST_ASKER, GroupHome()),
        GroupNav(1, GroupMenu("amazon")),
        GroupNav(1, GroupMenu("amazon", "seller")),
        GroupOption("lang", "auto"),
        GroupOption("mentions", "off"),
    ]
    for ref in all_refs(catalog):
        actions += [GroupNav(BIGGEST_ASKER, GroupCard(ref)),
                    GroupNav(BIGGEST_ASKER, GroupNarrow(ref))]
    for action in actions:
        data = encode(action)
        assert len(data.encode()) <= 64
        assert parse_callback(data) == action


@pytest.mark.parametrize(
    "data",
    ["1:g", "1:g:", "1:g:0:h", "1:g:-5:h", "1:g:12:h:x", "1:g:12:c:amazon.seller",
     "1:g:12:m:a.b.c", "1:g:12:n:Amazon.seller.x", "1:g:set:lang", "1:g:set:mentions:maybe",
     "1:g:set:colour:red", "1:g:١٢:h", "1:g:12345678901234567:h", "2:g:12:h"],
)
def test_forged_group_callbacks_parse_to_none(data: str) -> None:
    assert parse_callback(data) is None


def test_deep_links_for_every_card_fit_and_round_trip(catalog: Catalog) -> None:
    for ref in all_refs(catalog):
        payload = card_payload(ref)
        assert payload is not None and len(payload) <= 64
        assert parse_payload(payload) == CardLink(ref)
    for command in CASE_COMMANDS:
        assert parse_payload(command) == CommandLink(command)
    # every command a group links to has its command to run in the private chat
    assert set(COMMAND_LINKS) == set(CASE_COMMANDS)
    assert parse_payload("menu") == MenuLink()
    assert start_url("kefu_bot", CardLink(CardRef("amazon", "seller", "ads"))) == (
        "https://t.me/kefu_bot?start=c-amazon-seller-ads"
    )
    assert start_url("kefu_bot", CommandLink("nope")) == "https://t.me/kefu_bot"


@pytest.mark.parametrize(
    "payload", [None, "", "c", "c-", "c-amazon-seller", "c-amazon-seller-x-us-extra",
                "c-AMAZON-seller-ads", "c-amazon-seller-ads!", "d-amazon-seller-ads",
                "x" * 65, "c-amazon--ads", "Cases"],
)
def test_bad_payloads_parse_to_none(payload: str | None) -> None:
    assert parse_payload(payload) is None


def test_a_card_too_long_for_a_payload_links_to_the_menu() -> None:
    long = CardRef("a" * 24, "b" * 24, "c" * 24)
    assert card_payload(long) is None
    assert start_url("kefu_bot", CardLink(long)) == "https://t.me/kefu_bot"


# --- screens ---------------------------------------------------------------------------


def _valid(screen_text: str, markup: object) -> None:
    assert check_text(screen_text, "HTML") == []
    assert check_markup(markup) == []


def test_every_card_short_form_and_narrow_screen_is_valid(catalog: Catalog) -> None:
    zones = [ZoneInfo("Asia/Shanghai"), ZoneInfo("America/Los_Angeles")]
    for ref in all_refs(catalog):
        for viewer in (Viewer("zh", zones[0], START), Viewer("en", zones[1], START)):
            for screen in (
                group_card_screen(catalog, ref, viewer, "kefu_bot", BIGGEST_ASKER),
                narrow_screen(catalog, ref, viewer, BIGGEST_ASKER),
            ):
                assert screen is not None
                rendered = render_screen(screen)
                markup = rendered.keyboard.to_dict() if rendered.keyboard else None
                _valid(rendered.text, markup)
                assert len(rendered.text) < 1500


def test_group_menus_carry_the_asker_everywhere(catalog: Catalog) -> None:
    viewer = Viewer(lang="zh", zone=ZoneInfo("Asia/Shanghai"), now=START)
    targets = [GroupHome(), *(GroupMenu(p) for p in catalog.platforms)]
    targets += [GroupMenu(p.id, r.id) for p in catalog.platforms.values() for r in p.roles]
    for target in targets:
        screen = group_screen_for(catalog, target, viewer, "kefu_bot", 42)
        assert screen is not None
        actions = screen.actions()
        assert actions and all(isinstance(a, GroupNav) and a.asker == 42 for a in actions)
    assert group_screen_for(catalog, GroupMenu("ebay"), viewer, "kefu_bot", 42) is None
    nope = GroupCard(CardRef("amazon", "seller", "nope"))
    assert group_screen_for(catalog, nope, viewer, "kefu_bot", 42) is None


def test_settings_screen_marks_the_current_choices() -> None:
    screen = group_settings_screen(GroupSettings(-1, "en", False), "en")
    labels = [b.label for row in screen.buttons for b in row]
    assert "✅ English" in labels and "✅ 🔕 Off" in labels
    screen = group_settings_screen(GroupSettings.defaults(-1), "zh")
    labels = [b.label for row in screen.buttons for b in row]
    assert "✅ 跟随提问的人" in labels and "✅ 🔔 开" in labels


def test_most_asked_are_real_cards(catalog: Catalog) -> None:
    refs = most_asked(catalog)
    assert refs and len(refs) == len(set(refs))
    assert all(catalog.resolve(r) is not None for r in refs)
