"""The callback-data codec: every button the catalog can produce fits and round-trips."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.callbacks import (
    MAX_BYTES,
    CallbackData,
    CallbackTooLong,
    encode,
    parse_callback,
    pattern,
)
from bot.core.nav import Home, OpenCard, OpenMenu, OpenSection, OpenSettings, TrackCase
from bot.core.render import render_screen
from bot.core.ui import Viewer
from bot.core.zones import COMMON_ZONES
from bot.menu.callbacks import SetLang, SetZone
from bot.menu.screens import screen_for
from knowledge.catalog import CardRef, Catalog
from knowledge.schema import LANGS

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def reachable_buttons(catalog: Catalog) -> Iterator[str]:
    """The callback data of every button on every screen reachable from home, as sent."""
    for lang in LANGS:
        viewer = Viewer(lang, ZoneInfo("Asia/Shanghai"), NOW)
        seen: set[str] = set()
        todo = [encode(Home()), encode(OpenSettings("lang")), encode(OpenSettings("tz"))]
        while todo:
            data = todo.pop()
            if data in seen:
                continue
            seen.add(data)
            yield data
            action = parse_callback(data)
            assert action is not None, data
            screen = screen_for(catalog, action, viewer)
            if screen is None:
                continue
            keyboard = render_screen(screen).keyboard
            for row in keyboard.inline_keyboard if keyboard else ():
                for button in row:
                    assert isinstance(button.callback_data, str)
                    todo.append(button.callback_data)


def test_every_reachable_button_fits_and_round_trips(catalog: Catalog) -> None:
    buttons = set(reachable_buttons(catalog))
    for data in buttons:
        assert len(data.encode("utf-8")) <= MAX_BYTES
        action = parse_callback(data)
        assert action is not None
        assert encode(action) == data
    actions = {parse_callback(data) for data in buttons}
    cards = {a.ref for a in actions if isinstance(a, OpenCard)}
    # every issue of every role, and every issue narrowed to each of its platform's sites
    for ref in catalog.card_refs():
        assert ref in cards
        platform = catalog.platform(ref.platform)
        assert platform is not None
        for site in platform.sites:
            assert CardRef(ref.platform, ref.role, ref.issue, site.id) in cards
    assert any(isinstance(a, TrackCase) for a in actions)
    assert any(isinstance(a, OpenSection) for a in actions)  # cards too long for one message
    assert {a.lang for a in actions if isinstance(a, SetLang)} == set(LANGS)
    assert {a.index for a in actions if isinstance(a, SetZone)} == set(range(len(COMMON_ZONES)))


@pytest.mark.parametrize(
    ("action", "data"),
    [
        (Home(), "1:h"),
        (OpenMenu("amazon"), "1:m:amazon"),
        (OpenMenu("amazon", "seller"), "1:m:amazon.seller"),
        (OpenCard(CardRef("amazon", "seller", "suspension")), "1:c:amazon.seller.suspension"),
        (OpenCard(CardRef("amazon", "seller", "suspension", "us")),
         "1:c:amazon.seller.suspension.us"),
        (TrackCase(CardRef("amazon", "seller", "suspension")), "1:t:amazon.seller.suspension"),
        (OpenSection(CardRef("amazon", "seller", "suspension", "us"), "channel:seller_phone"),
         "1:x:amazon.seller.suspension.us:@seller_phone"),
        (OpenSection(CardRef("amazon", "buyer", "order"), "prepare"),
         "1:x:amazon.buyer.order:prepare"),
        (OpenSettings("tz"), "1:s:tz"),
        (SetLang("zh"), "1:l:zh"),
        (SetZone(3), "1:z:3"),
    ],
)
def test_format(action: CallbackData, data: str) -> None:
    assert encode(action) == data
    assert parse_callback(data) == action


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "1",
        "1:",
        "h",
        "0:h",  # an older version
        "2:m:amazon",  # a newer one
        "1:h:extra",
        "1:x:amazon",  # unknown kind
        "1:m:",
        "1:m:Amazon",  # ids are lower case
        "1:m:amazon.seller.extra",
        "1:c:amazon.seller",
        "1:c:amazon.seller.suspension.us.more",
        "1:c:amazon..suspension",
        "1:c:../../etc/passwd",
        "1:c:amazon.seller.suspension;drop",
        "1:l:fr",
        "1:z:-1",
        "1:z:10",
        "1:z:99999",
        "1:z:٣",  # a digit, but not an ASCII one
        "1:s:cases",
        "1:m:" + "a" * 70,  # longer than Telegram allows
        "1:m:亚马逊",
        "1:x:amazon.seller.suspension",
        "1:x:amazon.seller.suspension:",
        "1:x:amazon.seller.suspension:@",
        "1:x:amazon.seller.suspension:channel:seller_phone",  # only the short form
    ],
)
def test_malformed_forged_or_foreign_data_parses_to_none(data: str | None) -> None:
    assert parse_callback(data) is None


@given(st.text(max_size=80))
def test_parse_never_raises(data: str) -> None:
    action = parse_callback(data)
    if action is not None:
        assert encode(action) == data


def test_too_long_ids_are_refused_at_encoding() -> None:
    ref = CardRef("a" * 24, "b" * 24, "c" * 24)
    with pytest.raises(CallbackTooLong):
        encode(OpenCard(ref))


def test_patterns_route_by_kind_and_version() -> None:
    menu = pattern(Home, OpenMenu, OpenCard, TrackCase)
    assert menu.match("1:h") and menu.match("1:c:amazon.buyer.order")
    assert not menu.match("1:l:zh")
    assert not menu.match("2:h")
    assert not menu.match("1:hx")
