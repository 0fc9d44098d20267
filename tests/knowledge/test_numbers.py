"""The number check: every official number in every common format is recognised, a number
one digit off or from elsewhere is not official, and ids are never taken for numbers."""

from __future__ import annotations

import re
from pathlib import Path

import phonenumbers
import pytest

from knowledge.catalog import Catalog, load_catalog
from knowledge.numbers import MAX_NUMBERS, OfficialNumber, PhoneBook, mask_ids
from tests.knowledge.conftest import AMAZON, TMALL, write_catalog

_FULL_WIDTH = str.maketrans("0123456789+-()", "０１２３４５６７８９＋－（）")


@pytest.fixture(scope="module")
def book(catalog: Catalog) -> PhoneBook:
    return PhoneBook(catalog)


def _formats(official: OfficialNumber) -> dict[str, str]:
    """The ways people write a number: as the file does, international, national, …"""
    parsed = phonenumbers.parse(official.e164)
    fmt = phonenumbers.PhoneNumberFormat
    international = phonenumbers.format_number(parsed, fmt.INTERNATIONAL)
    national = phonenumbers.format_number(parsed, fmt.NATIONAL)
    groups = re.findall(r"\d+", national)
    return {
        "file": official.number,
        "e164": official.e164,
        "international": international,
        "idd_00": "00" + international[1:],
        "national": national,
        "digits": "".join(groups),
        "spaced": " ".join(groups),
        "dashed": "-".join(groups),
        "dotted": ".".join(groups),
        "bracketed": f"({groups[0]}) " + " ".join(groups[1:]),
        "full_width": official.number.translate(_FULL_WIDTH),
        "full_width_international": international.translate(_FULL_WIDTH),
    }


def _official_cases() -> list[tuple[str, str, str]]:
    book = PhoneBook(load_catalog())
    return [
        (n.e164, kind, text)
        for n in book.numbers
        for kind, text in _formats(n).items()
    ]


def test_every_number_in_the_knowledge_files_is_readable(book: PhoneBook) -> None:
    assert book.unreadable == []
    assert len(book.numbers) >= 6
    assert {"+864008105666", "+18882804331", "+448000852080"} <= {n.e164 for n in book.numbers}


@pytest.mark.parametrize(("e164", "kind", "written"), _official_cases())
@pytest.mark.parametrize("sentence", ["这个号码是亚马逊的吗？{}", "Is {} really Amazon?", "{}"])
def test_every_official_number_in_every_format_is_official(
    book: PhoneBook, e164: str, kind: str, written: str, sentence: str
) -> None:
    check = book.check(sentence.format(written))
    assert check is not None, (kind, written)
    assert len(check.numbers) == 1 and check.skipped == 0
    verdict = check.numbers[0]
    assert verdict.is_official, (kind, written, verdict.readings)
    assert e164 in {n.e164 for n in verdict.official}
    assert check.all_official
    # a number only a third-party guide lists is never confirmed: its platform's advice
    # (where to find the real numbers) comes with it
    if verdict.confirmed:
        assert check.all_confirmed and check.advice == ()
    else:
        assert [a.platform for a in check.advice] == [verdict.official[0].platform]


def test_an_official_match_names_platform_role_site_line_and_source(
    book: PhoneBook, catalog: Catalog
) -> None:
    check = book.check("是不是亚马逊客服 +1-888-280-4331")
    assert check is not None
    (line,) = check.numbers[0].official
    assert (line.platform, line.channel, line.roles, line.site) == (
        "amazon", "buyer_phone", ("buyer",), "us"
    )
    assert line.number == "+1-888-280-4331"
    assert line.sources and all(s in catalog.sources for s in line.sources)


def _one_off(e164: str) -> list[str]:
    """The number with its last digit, and a middle digit, changed."""
    digits = e164[1:]
    middle = len(digits) // 2
    last = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    mid = digits[:middle] + str((int(digits[middle]) + 3) % 10) + digits[middle + 1:]
    return ["+" + last, "+" + mid]


@pytest.mark.parametrize(
    ("e164", "near_miss"),
    [(n.e164, miss) for n in PhoneBook(load_catalog()).numbers for miss in _one_off(n.e164)],
)
def test_a_number_one_digit_off_is_not_official_and_names_the_real_one(
    book: PhoneBook, e164: str, near_miss: str
) -> None:
    national = phonenumbers.format_number(
        phonenumbers.parse(near_miss), phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    check = book.check(f"亚马逊客服电话 {national} 是真的吗")
    if check is None:  # the changed number is not a valid number anywhere: nothing to check
        assert not phonenumbers.is_valid_number(phonenumbers.parse(near_miss))
        return
    verdict = check.numbers[0]
    assert not verdict.is_official
    assert e164 in {n.e164 for n in verdict.near}
    assert [a.platform for a in check.advice] == ["amazon"]


@pytest.mark.parametrize(
    "written",
    [
        "+33 1 42 68 53 00",  # France
        "+61 2 9374 4000",  # Australia
        "+86 138 0013 8000",  # a Chinese mobile
        "+1 212 736 5000",  # New York
        "+44 20 7946 0018",  # London
        "+81 3-1234-5678",  # Tokyo
        "13800138000",
    ],
)
def test_numbers_from_elsewhere_are_not_official(book: PhoneBook, written: str) -> None:
    check = book.check(f"Amazon called me from {written}, is it them?")
    assert check is not None
    verdict = check.numbers[0]
    assert not verdict.is_official and verdict.near == ()
    assert not check.all_official
    (advice,) = check.advice  # the platform the message names
    assert advice.platform == "amazon"
    assert "Help" in advice.official_entry.text.en and advice.official_entry.sources
    assert advice.warnings and all(w.sources for w in advice.warnings)
    assert check.safe_path is not None and check.general


def test_advice_for_a_number_no_platform_claims_covers_every_platform(
    book: PhoneBook, catalog: Catalog
) -> None:
    check = book.check("这个号码 +1 212 736 5000 是客服吗")
    assert check is not None
    assert [a.platform for a in check.advice] == list(catalog.platforms)


@pytest.mark.parametrize(
    "text",
    [
        "订单号 112-1234567-1234567",
        "order 111-2223334-4445556 never came",
        "my case 1234567890 is still open",
        "Case ID: 1234567890",
        "工单 1234567890 没人回",
        "工单号：1234567890",
        "Case #1234567890",
        "tracking 1Z999AA10123456784",
        "淘宝订单 1234567890123456789",
        "订单编号：4008105666",  # an order number that happens to look like a hotline
        "ASIN B07XYZ1234",
        "2025-03-01 10:30 下的单",
        "价格 ¥1999，邮编 100000",
        "7天无理由退货，24小时客服",
        "1234567890123456",
    ],
)
def test_ids_dates_and_prices_are_not_phone_numbers(book: PhoneBook, text: str) -> None:
    assert book.check(text) is None, book.find(text)


def test_a_phone_number_beside_an_order_id_is_still_found(book: PhoneBook) -> None:
    check = book.check("订单 112-1234567-1234567 有问题，客服电话 400-810-5666 对吗")
    assert check is not None
    assert [v.text for v in check.numbers] == ["400-810-5666"]
    assert check.numbers[0].is_official


def test_at_most_three_numbers_are_checked_and_the_rest_counted(book: PhoneBook) -> None:
    numbers = ", ".join(f"+86 138 0013 80{i:02d}" for i in range(10))
    check = book.check(f"这些号码哪个是真的：{numbers}")
    assert check is not None
    assert len(check.numbers) == MAX_NUMBERS == 3
    assert check.skipped == 7
    assert [v.text for v in check.numbers] == [f"+86 138 0013 80{i:02d}" for i in range(3)]


def test_numbers_are_reported_in_message_order(book: PhoneBook) -> None:
    check = book.check("0800 085 2080 还是 400-820-8686 还是 +1 212 736 5000")
    assert check is not None
    assert [v.text for v in check.numbers] == ["0800 085 2080", "400-820-8686", "+1 212 736 5000"]
    assert [v.is_official for v in check.numbers] == [True, True, False]
    assert not check.all_official


def test_no_number_no_check(book: PhoneBook) -> None:
    for text in ["", "亚马逊客服电话多少", "🙂" * 50, "x" * 10_000]:
        assert book.check(text) is None


def test_masking_keeps_offsets() -> None:
    text = "订单 112-1234567-1234567 case 1234567890"
    masked = mask_ids(text)
    assert len(masked) == len(text)
    assert not any(ch.isdigit() for ch in masked)


# --- hours and unreadable numbers, on a small catalog --------------------------------------

PHONES = """
    phones:
      - {site: us, number: "(206) 266-1000", sources: [seed]}
      - {site: cn, number: 400-000-0000, sources: [seed]}
      - {number: "12", sources: [seed]}
    hours:
      - site: us
        schedule:
          timezone: America/New_York
          windows: [{days: [mon], open: "09:00", close: "17:00"}]
      - schedule: {timezone: Etc/UTC, always_open: true}
"""


def test_a_line_carries_the_hours_of_its_site(tmp_path: Path) -> None:
    amazon = AMAZON.replace(
        "    summary: {zh: 急事打电话, en: Urgent matters}\n",
        "    summary: {zh: 急事打电话, en: Urgent matters}\n" + PHONES,
    )
    catalog = load_catalog(write_catalog(tmp_path, {"amazon": amazon, "tmall": TMALL}))
    book = PhoneBook(catalog)
    assert book.unreadable == [("amazon", "buyer_phone", "12")]
    check = book.check("is 206 266 1000 amazon")
    assert check is not None
    (line,) = check.numbers[0].official
    assert line.site == "us"
    assert [h.site for h in line.hours] == ["us", None]
    cn = book.check("4000000000")
    assert cn is not None
    assert [h.site for h in cn.numbers[0].official[0].hours] == [None]  # not the US hours


def test_a_wall_of_numbers_is_bounded(book: PhoneBook) -> None:
    check = book.check("+86 138 0013 8000, " * 200)
    assert check is not None
    # every number not checked is counted, so the reply can say so
    assert len(check.numbers) == 3 and check.skipped == 200 - 3
    book.check("1 2 3 4 5 6 7 8 9 0 " * 500)  # answers quickly, whatever it finds
    invalid = book.check("400-810-56666 " * 300)
    assert invalid is not None and not invalid.numbers[0].is_valid
    assert len(invalid.numbers) + invalid.skipped >= 290  # (a few read across two)


def test_a_number_for_an_uncovered_platform_gets_no_other_platforms_warnings(
    book: PhoneBook,
) -> None:
    check = book.check("京东客服电话 400-606-5500 是真的吗")
    assert check is not None
    assert not check.numbers[0].is_official
    assert check.advice == ()  # Amazon's or Tmall's warnings are not about JD
    assert check.safe_path is not None and check.general  # the general advice is


def test_only_a_number_an_official_page_lists_is_confirmed(book: PhoneBook) -> None:
    guide = book.check("4008105666")  # Amazon China, from seed 000 only
    page = book.check("+65 6206 6610")  # Shopee Singapore's help page
    assert guide is not None and page is not None
    assert guide.numbers[0].is_official and not guide.numbers[0].confirmed
    assert page.numbers[0].confirmed and page.all_confirmed


# --- issue 17, item 2: numbers a case id or the phone library must not hide --------------


@pytest.mark.parametrize("label", ["工单", "工单号", "case", "Case #", "ticket", "订单"])
def test_a_phone_shaped_number_next_to_a_case_word_is_checked(book: PhoneBook, label: str) -> None:
    check = book.check(f"{label} 400-810-5667 是亚马逊客服吗")
    assert check is not None
    (verdict,) = check.numbers
    assert verdict.text == "400-810-5667" and not verdict.is_official
    assert [n.number for n in verdict.near] == ["400-810-5666"]


@pytest.mark.parametrize(
    ("written", "near"),
    [
        ("+44 400 810 5666", None),  # invalid for its region
        ("400-810-56666", "400-810-5666"),  # one digit too many
        ("+1-888-280-43311", "+1-888-280-4331"),
        ("0086 400 810 56666", "400-810-5666"),
    ],
)
def test_a_number_the_phone_library_rejects_is_not_official(
    book: PhoneBook, written: str, near: str | None
) -> None:
    check = book.check(f"亚马逊客服 {written} 是真的吗")
    assert check is not None, written
    (verdict,) = check.numbers
    assert verdict.text == written and not verdict.is_valid and not verdict.is_official
    assert [n.number for n in verdict.near[:1]] == ([near] if near else [])
    assert not check.all_official and [a.platform for a in check.advice] == ["amazon"]


def test_the_official_number_with_an_international_prefix_is_official(book: PhoneBook) -> None:
    check = book.check("00864008105666 是亚马逊吗")
    assert check is not None and check.all_official
