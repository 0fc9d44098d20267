"""The answer card built from the real catalog: content, site narrowing, hours, sources."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from knowledge.card import Card, build_card, title_for
from knowledge.catalog import CardRef, Catalog
from knowledge.i18n import LABELS
from knowledge.schema import LANGS, Lang

SHANGHAI = ZoneInfo("Asia/Shanghai")
# a Thursday in winter: 12:00 UTC is 07:00 in New York, 20:00 in Shanghai
WINTER_NOON_UTC = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def card(
    catalog: Catalog,
    key: str,
    lang: Lang = "zh",
    *,
    now: datetime = WINTER_NOON_UTC,
    zone: ZoneInfo = SHANGHAI,
) -> Card:
    ref = CardRef.parse(key)
    assert ref is not None
    built = build_card(catalog, ref, lang=lang, user_zone=zone, now=now)
    assert built is not None, key
    return built


@pytest.mark.parametrize("lang", LANGS)
def test_every_card_builds_with_sources_and_last_checked(catalog: Catalog, lang: Lang) -> None:
    for ref in catalog.card_refs():
        built = build_card(catalog, ref, lang=lang, user_zone=SHANGHAI, now=WINTER_NOON_UTC)
        assert built is not None
        text = built.plain_text()
        assert built.title.startswith(catalog.platforms[ref.platform].name.get(lang))
        assert built.sources, ref.key
        # the newest `checked` of the sources the card cites
        assert built.last_checked == max(s.checked for s in built.sources), ref.key
        assert built.last_checked >= date(2026, 11, 21)
        assert "None" not in text and "{" not in text, ref.key
        # the recommended channel comes before anything else but the official entry
        assert [s.key for s in built.sections][:2] == ["official", "recommended"]
        assert built.sections[-1].key == "sources"


def test_stale_or_forged_refs_build_nothing(catalog: Catalog) -> None:
    for key in (
        "amazon.seller.nope",
        "amazon.nobody.order",
        "ebay.buyer.order",
        "amazon.buyer.order.mars",
    ):
        ref = CardRef.parse(key)
        assert ref is not None
        assert build_card(catalog, ref, lang="zh", user_zone=SHANGHAI, now=WINTER_NOON_UTC) is None


def test_card_ref_parse_rejects_other_shapes() -> None:
    assert CardRef.parse("amazon.seller") is None
    assert CardRef.parse("a.b.c.d.e") is None
    assert CardRef.parse("amazon.seller.suspension.us") == CardRef(
        "amazon", "seller", "suspension", "us"
    )


def test_site_narrows_phone_numbers(catalog: Catalog) -> None:
    everywhere = card(catalog, "amazon.buyer.general").plain_text()
    for number in (
        "400-810-5666",
        "+1-888-280-4331",
        "0800 085 2080",
        "050-3184-6300",
        "0800 290 6666",
    ):
        assert number in everywhere
    us = card(catalog, "amazon.buyer.general.us").plain_text()
    assert "+1-888-280-4331" in us
    assert "0800 085 2080" not in us and "400-810-5666" not in us
    assert "美国" in card(catalog, "amazon.buyer.general.us").title


def test_us_seller_phone_hours_are_converted_not_copied(catalog: Catalog) -> None:
    # 05:00–20:00 New York is 18:00–09:00 Beijing in winter: never "06:00–01:00" as seed 002 says
    text = card(catalog, "amazon.seller.suspension.us").plain_text()
    assert "18:00–24:00" in text and "00:00–09:00" in text
    assert "06:00" not in text.split("【来源】")[0]
    summer = datetime(2026, 7, 15, 12, 0, tzinfo=UTC)  # 08:00 New York, 20:00 Shanghai
    text = card(catalog, "amazon.seller.suspension.us", now=summer).plain_text()
    assert "17:00–24:00" in text and "00:00–08:00" in text


def test_open_now_follows_the_clock_and_the_users_zone(catalog: Catalog) -> None:
    # 12:00 UTC = 07:00 New York: the US line is open, closing 20:00 New York = 09:00 Beijing
    text = card(catalog, "amazon.seller.suspension.us", "en").plain_text()
    assert "Open now, closes tomorrow 09:00 (your time)" in text
    # 03:00 UTC = 22:00 New York the day before: closed, opens 05:00 New York = 18:00 Beijing
    closed = datetime(2026, 1, 15, 3, 0, tzinfo=UTC)
    text = card(catalog, "amazon.seller.suspension.us", "en", now=closed).plain_text()
    assert "Closed now, opens 18:00 (your time)" in text
    # the same moment seen from Berlin: opens 11:00
    text = card(
        catalog, "amazon.seller.suspension.us", "en", now=closed, zone=ZoneInfo("Europe/Berlin")
    ).plain_text()
    assert "Closed now, opens 11:00 (your time)" in text


def test_holiday_notice_only_near_the_holiday(catalog: Catalog) -> None:
    near = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # Black Friday is 2026-11-27
    assert any(
        s.key == "holiday" for s in card(catalog, "amazon.seller.general", now=near).sections
    )
    far = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    assert all(s.key != "holiday" for s in card(catalog, "amazon.seller.general", now=far).sections)


def test_languages_do_not_mix(catalog: Catalog) -> None:
    zh = card(catalog, "tmall.buyer.after_sales", "zh")
    en = card(catalog, "tmall.buyer.after_sales", "en")
    assert zh.title == title_for(catalog, zh.ref, "zh") and "天猫" in zh.title
    assert "Tmall" in en.title
    assert "【" not in en.plain_text()
    assert "Last checked: 2026-11-21" in en.plain_text()


def test_suspension_card_carries_the_template_and_anti_scam_line(catalog: Catalog) -> None:
    built = card(catalog, "amazon.seller.suspension", "en")
    keys = [s.key for s in built.sections]
    assert "template" in keys and "warnings" in keys
    template = next(s for s in built.sections if s.key == "template")
    assert template.preformatted
    assert template.lines[0].text == "Dear Amazon Support,"


def test_short_form_is_short_and_cites(catalog: Catalog) -> None:
    for ref in catalog.card_refs():
        built = build_card(catalog, ref, lang="zh", user_zone=SHANGHAI, now=WINTER_NOON_UTC)
        assert built is not None
        short = built.short_text()
        assert len(short) < 1000, ref.key
        assert "最后核对" in short and "来源：" in short
        assert built.summary


def test_shared_cards_name_the_zone_instead_of_your_time(catalog: Catalog) -> None:
    ref = CardRef.parse("amazon.seller.suspension.us")
    assert ref is not None
    shared = build_card(
        catalog, ref, lang="en", user_zone=SHANGHAI, now=WINTER_NOON_UTC, personal=False
    )
    assert shared is not None
    text = shared.plain_text()
    assert "closes tomorrow 09:00 (Asia/Shanghai)" in text
    assert "your time" not in text


def test_short_form_gives_a_number_and_cites_its_recommendation(catalog: Catalog) -> None:
    us = card(catalog, "amazon.buyer.general.us").short_text()
    assert "+1-888-280-4331" in us and "0800 085 2080" not in us
    suspension = card(catalog, "amazon.seller.suspension")
    short = suspension.short_text()
    # the short form has no template, so its tip must not point at one
    assert "模板" not in short
    first = catalog.issue("amazon", "seller", "suspension")
    assert first is not None
    source = catalog.sources[(first.recommended[0].sources or first.sources)[0]]
    assert f"来源：{source.title.zh}" in short


def test_the_short_forms_tip_speaks_for_the_cards_own_site(catalog: Catalog) -> None:
    # the TikTok returns card's first escalation speaks for Vietnam only
    tip = LABELS.get("card.short_tip", "zh")
    us = next(line for line in card(catalog, "tiktok.buyer.returns.us").short_text().splitlines()
              if line.startswith(tip))
    assert tip + "美国：" in us
    anywhere = next(line for line in card(catalog, "tiktok.buyer.returns").short_text()
                    .splitlines() if line.startswith(tip))
    assert not any(f"{tip}{name}：" in anywhere for name in ("越南", "美国", "泰国"))


def test_hours_show_the_services_own_day_beside_the_users(catalog: Catalog) -> None:
    # a seller in Shanghai sees the converted hours and the 05:00–20:00 Amazon publishes
    text = card(catalog, "amazon.seller.suspension.us", "en").plain_text()
    assert ("Today (Asia/Shanghai): 00:00–09:00, 18:00–24:00 (Eastern Time: 05:00–20:00)"
            in text)
    # the service's zone by the name people use for it, not the database key
    zh = card(catalog, "amazon.seller.suspension.us", "zh").plain_text()
    assert "（北美东部时间 05:00–20:00）" in zh and "America/New_York" not in zh
    # seen from New York itself there is nothing to convert
    here = card(catalog, "amazon.seller.suspension.us", "en",
                zone=ZoneInfo("America/New_York")).plain_text()
    assert "(Eastern Time:" not in here
