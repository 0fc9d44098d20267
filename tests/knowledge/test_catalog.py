"""The knowledge files: the real catalog is complete and true to its sources, and every
kind of broken file fails loudly, naming the file and the place in it."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
import zhconv
from pydantic import BaseModel

from knowledge.catalog import (
    DATA_DIR,
    Catalog,
    CatalogError,
    effective_sources,
    load_catalog,
    walk_sourced,
)
from knowledge.schema import Channel, Hours, Schedule, Text

ALL_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _models(obj: Any) -> Iterator[BaseModel]:
    """Every pydantic model inside `obj`, depth first."""
    if isinstance(obj, BaseModel):
        yield obj
        for name in type(obj).model_fields:
            yield from _models(getattr(obj, name))
    elif isinstance(obj, list | tuple):
        for item in obj:
            yield from _models(item)


def _han(text: str) -> list[str]:
    return re.findall(r"[\u4e00-\u9fff]", text)


def _channel(catalog: Catalog, platform: str, channel_id: str) -> Channel:
    channel = catalog.channel(platform, channel_id)
    assert channel is not None, f"{platform}.{channel_id} is missing"
    return channel


# --- the real catalog --------------------------------------------------------------------


# platform → the roles its sources support (Walmart Marketplace: sellers only)
PLATFORM_ROLES = {
    "amazon": {"buyer", "seller"},
    "tmall": {"buyer"},
    "shopee": {"buyer"},
    "tiktok": {"buyer", "seller"},
    "temu": {"buyer"},
    "walmart": {"seller"},
    "etsy": {"buyer", "seller"},
}


def test_real_catalog_has_its_platforms_and_their_roles(catalog: Catalog) -> None:
    assert set(catalog.platforms) == set(PLATFORM_ROLES)
    for platform_id, roles in PLATFORM_ROLES.items():
        assert {r.id for r in catalog.platforms[platform_id].roles} == roles, platform_id
    assert catalog.files[:2] == ("sources.yaml", "synonyms.yaml")


def test_every_role_has_a_general_card(catalog: Catalog) -> None:
    # "how do I reach support" is each role's catch-all card (search falls back to it)
    for platform in catalog.platforms.values():
        for role in platform.roles:
            assert "general" in {i.id for i in role.issues}, f"{platform.id}.{role.id}"


@pytest.mark.parametrize(
    ("platform", "role", "issues"),
    [
        (
            "amazon",
            "buyer",
            {"order", "return_refund", "payment", "item_quality", "account_security", "general"},
        ),
        (
            "amazon",
            "seller",
            {
                "suspension", "listing_removed", "ip_complaint", "payment_missing", "ads",
                "fba_shipping", "vat_tax", "poa_appeal", "general",
            },
        ),
        (
            "tmall",
            "buyer",
            {
                "product_question", "order_issue", "after_sales", "platform_rules",
                "account_security", "dispute",
            },
        ),
    ],
)
def test_the_issues_the_guides_cover_are_there(
    catalog: Catalog, platform: str, role: str, issues: set[str]
) -> None:
    found = catalog.role(platform, role)
    assert found is not None
    assert issues <= {i.id for i in found.issues}


def test_every_issue_recommends_a_channel_of_its_role(catalog: Catalog) -> None:
    for ref in catalog.card_refs():
        issue = catalog.issue(ref.platform, ref.role, ref.issue)
        assert issue is not None
        assert issue.recommended, ref.key
        for rec in issue.recommended:
            channel = _channel(catalog, ref.platform, rec.channel)
            assert ref.role in channel.roles, f"{ref.key}: {rec.channel}"
        assert issue.keywords, f"{ref.key} has no search keywords"


def test_every_channel_is_offered_by_some_issue(catalog: Catalog) -> None:
    for platform in catalog.platforms.values():
        used = {
            cid
            for role in platform.roles
            for issue in role.issues
            for cid in [*(r.channel for r in issue.recommended), *issue.channels]
        }
        assert {c.id for c in platform.channels} - used == set(), platform.id


def test_every_text_has_simplified_chinese_and_english(catalog: Catalog) -> None:
    texts = [m for p in catalog.platforms.values() for m in _models(p) if isinstance(m, Text)]
    texts += [s.title for s in catalog.sources.values()]
    assert len(texts) > 300
    for text in texts:
        assert text.zh.strip() and text.en.strip(), text
        assert _han(text.zh), f"zh has no Chinese: {text.zh}"
        # zhconv also swaps 「」 for “”, which are both fine: compare the characters only
        assert _han(zhconv.convert(text.zh, "zh-hans")) == _han(text.zh), text.zh


def test_every_source_id_resolves_and_names_a_seed_file(catalog: Catalog) -> None:
    for platform in catalog.platforms.values():
        for path, obj, _ in walk_sourced(platform):
            for sid in obj.sources:
                assert sid in catalog.sources, f"{platform.id}: {path}: {sid}"
    seeds = [s for s in catalog.sources.values() if s.file is not None]
    assert len(seeds) == 5
    for source in catalog.sources.values():
        # seeds are named by file name only, never by a machine path; the rest are pages
        if source.file is not None:
            assert re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", source.file)
        else:
            assert source.url is not None
            assert "stored cop" in (source.note or ""), f"{source.id}: say how it was read"
        assert source.note, f"{source.id} says nothing about its reliability"


def test_no_fact_is_unsourced(catalog: Catalog) -> None:
    seen = 0
    for platform in catalog.platforms.values():
        for path, obj, inherited in walk_sourced(platform):
            assert effective_sources(obj, inherited), f"{platform.id}: {path}"
            seen += 1
    assert seen > 400


def test_every_schedule_zone_is_a_real_zone(catalog: Catalog) -> None:
    schedules = [
        m for p in catalog.platforms.values() for m in _models(p) if isinstance(m, Schedule)
    ]
    assert schedules
    for schedule in schedules:
        ZoneInfo(schedule.timezone)
    for platform in catalog.platforms.values():
        for site in platform.sites:
            ZoneInfo(site.timezone)


def _hours(catalog: Catalog, channel_id: str, site: str) -> list[Hours]:
    return [h for h in _channel(catalog, "amazon", channel_id).hours if h.site == site]


def test_us_seller_phone_hours_are_kept_in_eastern_time(catalog: Catalog) -> None:
    # regression: seed 002 converts 05:00–20:00 ET to "北京时间 6:00–次日 1:00", which is wrong
    scheduled = [h for h in _hours(catalog, "seller_phone", "us") if h.schedule.windows]
    assert len(scheduled) == 1
    schedule = scheduled[0].schedule
    assert schedule.timezone == "America/New_York"
    assert [(sorted(w.days), w.open, w.close) for w in schedule.windows] == [
        (sorted(ALL_DAYS), time(5), time(20))
    ]
    for platform in catalog.platforms.values():
        for model in _models(platform):
            if isinstance(model, Schedule) and model.timezone == "Asia/Shanghai":
                assert not model.windows, "no service hours may be stored pre-converted"
    # why the guide's figure is wrong: 05:00 Eastern is 18:00 / 17:00 in Beijing
    beijing = ZoneInfo("Asia/Shanghai")
    eastern = ZoneInfo("America/New_York")
    assert datetime(2026, 1, 15, 5, tzinfo=eastern).astimezone(beijing).hour == 18
    assert datetime(2026, 7, 15, 5, tzinfo=eastern).astimezone(beijing).hour == 17
    topics = [d.topic for d in catalog.platforms["amazon"].discrepancies]
    assert any("Beijing" in t for t in topics)


@pytest.mark.parametrize("channel_id", ["seller_phone", "seller_chat"])
@pytest.mark.parametrize("site", ["us", "uk", "de", "eu", "jp"])
def test_round_the_clock_support_is_for_high_priority_issues_only(
    catalog: Catalog, channel_id: str, site: str
) -> None:
    always = [h for h in _hours(catalog, channel_id, site) if h.schedule.always_open]
    assert len(always) == 1
    assert always[0].applies_to is not None
    assert "high-priority" in always[0].applies_to.en.lower()


def test_india_seller_support_runs_local_weekdays(catalog: Catalog) -> None:
    for channel_id in ("seller_phone", "seller_chat"):
        (hours,) = _hours(catalog, channel_id, "in")
        assert hours.schedule.timezone == "Asia/Kolkata"
        assert [(w.days, w.open, w.close) for w in hours.schedule.windows] == [
            (ALL_DAYS[:5], time(9), time(18))
        ]


def test_buyer_phone_numbers_by_site(catalog: Catalog) -> None:
    phones = {(p.site, p.number) for p in _channel(catalog, "amazon", "buyer_phone").phones}
    assert phones == {
        ("cn", "400-810-5666"),
        ("cn", "400-820-8686"),
        ("us", "+1-888-280-4331"),
        ("uk", "0800 085 2080"),
        ("jp", "050-3184-6300"),
        ("de", "0800 290 6666"),
    }
    # no other channel claims a number the sources don't give: Shopee's Singapore line
    # and the Malaysian police lines its help page lists are the only others
    others = {
        (p.id, c.id): {(ph.site, ph.number) for ph in c.phones}
        for p in catalog.platforms.values() for c in p.channels
        if c.phones and (p.id, c.id) != ("amazon", "buyer_phone")
    }
    assert others == {
        ("shopee", "phone_sg"): {("sg", "+65 6206 6610")},
        ("shopee", "scam_lines_my"): {
            ("my", "997"), ("my", "013-211 1222"), ("my", "03-26101559"), ("my", "03-26101599"),
        },
    }


def test_sites_carry_their_zones(catalog: Catalog) -> None:
    zones = {s.id: s.timezone for s in catalog.platforms["amazon"].sites}
    assert zones["us"] == "America/New_York"
    assert zones["uk"] == "Europe/London"
    assert zones["de"] == "Europe/Berlin"
    assert zones["jp"] == "Asia/Tokyo"
    assert zones["in"] == "Asia/Kolkata"
    assert zones["cn"] == "Asia/Shanghai"
    assert zones["eu"] in {"Europe/Berlin", "Europe/Paris"}


def test_response_windows_and_follow_ups(catalog: Catalog) -> None:
    case = _channel(catalog, "amazon", "seller_case").responses[0]
    assert (case.min_minutes, case.max_minutes, case.follow_up_hours) == (60, 1440, 24)
    email = _channel(catalog, "amazon", "seller_email").responses[0]
    assert (email.min_minutes, email.max_minutes, email.follow_up_hours) == (1440, 4320, 72)
    buyer_email = _channel(catalog, "amazon", "buyer_email").responses[0]
    assert (buyer_email.min_minutes, buyer_email.max_minutes) == (1440, 4320)
    phone = _channel(catalog, "amazon", "seller_phone").responses[0]
    assert (phone.min_minutes, phone.max_minutes) == (5, 10)
    chat = _channel(catalog, "amazon", "seller_chat").responses[0]
    assert (chat.min_minutes, chat.max_minutes) == (5, 15)


def test_holidays_and_template(catalog: Catalog) -> None:
    amazon = catalog.platforms["amazon"]
    assert {h.rule for h in amazon.holidays} == {"black_friday", "christmas"}
    template = catalog.template("amazon", "suspension_appeal")
    assert template is not None
    assert template.body.splitlines()[0] == "Dear Amazon Support,"
    assert "due to [insert reason]." in template.body
    assert template.body.splitlines()[-1] == "[Your Name / Store Name]"
    suspension = catalog.issue("amazon", "seller", "suspension")
    assert suspension is not None and suspension.template == "suspension_appeal"


def test_every_platform_warns_about_scams(catalog: Catalog) -> None:
    for platform in catalog.platforms.values():
        assert platform.warnings, platform.id
        assert platform.official_entry.text.zh


def test_synonym_groups_are_disjoint_and_simplified(catalog: Catalog) -> None:
    owner: dict[str, int] = {}
    for index, group in enumerate(catalog.synonyms):
        assert len(group) >= 1
        for word in group:
            key = word.casefold()
            assert key not in owner, f"{word!r} is in groups {owner[key]} and {index}"
            owner[key] = index
            assert zhconv.convert(word, "zh-hans") == word, f"not simplified: {word}"
    canonical = {g[0] for g in catalog.synonyms}
    assert {"人工", "封号", "电话", "回拨", "工单", "申诉", "诈骗"} <= canonical


# --- broken files ------------------------------------------------------------------------


def _copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    return data


def _edit(data: Path, file: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = data / file
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(content)
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), "utf-8")


def _load_error(data: Path) -> CatalogError:
    with pytest.raises(CatalogError) as info:
        load_catalog(data)
    return info.value


def _index(items: list[dict[str, Any]], test: Callable[[dict[str, Any]], bool]) -> int:
    return next(i for i, item in enumerate(items) if test(item))


def test_an_unbroken_copy_loads(tmp_path: Path) -> None:
    # the broken-file tests below start from this copy: it must be fine as it is
    data = _copy(tmp_path)
    for file in ("amazon.yaml", "tmall.yaml", "sources.yaml"):
        _edit(data, file, lambda content: None)
    assert set(load_catalog(data).platforms) == set(PLATFORM_ROLES)


def test_invalid_yaml_names_line_and_column(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    (data / "amazon.yaml").write_text("id: amazon\nname:\n  zh: 亚马逊\n   en: Amazon\n", "utf-8")
    error = _load_error(data)
    assert error.file == "amazon.yaml"
    assert error.path == "line 4, column 6"
    assert "not valid YAML" in error.problem


def test_top_level_list_is_refused(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    (data / "tmall.yaml").write_text("- id: tmall\n- name: 天猫\n", "utf-8")
    error = _load_error(data)
    assert (error.file, error.path) == ("tmall.yaml", "")
    assert "mapping" in error.problem


def _del_name(d: dict[str, Any]) -> None:
    del d["channels"][0]["name"]


def _del_en(d: dict[str, Any]) -> None:
    del d["channels"][0]["summary"]["en"]


def _typo(d: dict[str, Any]) -> None:
    d["channels"][0]["notse"] = d["channels"][0].pop("notes")


def _bad_id(d: dict[str, Any]) -> None:
    d["channels"][0]["id"] = "Buyer-Contact"


def _bad_zone(d: dict[str, Any]) -> None:
    d["sites"][0]["timezone"] = "America/New_Yrok"


def _unknown_channel(d: dict[str, Any]) -> None:
    d["roles"][0]["issues"][0]["recommended"][0]["channel"] = "buyer_fax"


def _unknown_source(d: dict[str, Any]) -> None:
    d["channels"][0]["sources"] = ["seed_999_nowhere"]


def _unsourced_channel(d: dict[str, Any]) -> None:
    d["channels"][0]["sources"] = []


def _unsourced_issue(d: dict[str, Any]) -> None:
    d["roles"][0]["issues"][0]["sources"] = []


def _duplicate_channel(d: dict[str, Any]) -> None:
    d["channels"][1]["id"] = d["channels"][0]["id"]


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (_del_name, "channels.0.name", "Field required"),
        (_del_en, "channels.0.summary.en", "Field required"),
        (_typo, "channels.0.notse", "Extra inputs"),
        (_bad_id, "channels.0.id", "not a valid id"),
        (_bad_zone, "sites.0.timezone", "not an IANA time zone"),
        (_unknown_channel, "roles.0.issues.0.recommended.0.channel", "unknown channel"),
        (_unknown_source, "channels.0.sources.0", "unknown source"),
        (_unsourced_channel, "channels.0", "without a source"),
        (_unsourced_issue, "roles.0.issues.0", "without a source"),
        (_duplicate_channel, "channels.1.id", "duplicate"),
    ],
)
def test_a_broken_platform_file_names_file_and_path(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], path: str, problem: str
) -> None:
    data = _copy(tmp_path)
    _edit(data, "amazon.yaml", change)
    error = _load_error(data)
    assert (error.file, error.path) == ("amazon.yaml", path)
    assert problem in error.problem


def test_channel_for_another_role_is_refused(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    amazon = yaml.safe_load((data / "amazon.yaml").read_text(encoding="utf-8"))
    buyer = _index(amazon["roles"], lambda r: r["id"] == "buyer")
    seller_only = next(c["id"] for c in amazon["channels"] if c["roles"] == ["seller"])

    def change(d: dict[str, Any]) -> None:
        d["roles"][buyer]["issues"][0]["channels"] = [seller_only]

    _edit(data, "amazon.yaml", change)
    error = _load_error(data)
    assert (error.file, error.path) == ("amazon.yaml", f"roles.{buyer}.issues.0.channels.0")
    assert f"channel {seller_only!r} is not for role 'buyer'" in error.problem


def test_unknown_site_is_refused(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    amazon = yaml.safe_load((data / "amazon.yaml").read_text(encoding="utf-8"))
    ci = _index(amazon["channels"], lambda c: bool(c.get("phones")))

    def change(d: dict[str, Any]) -> None:
        d["channels"][ci]["phones"][0]["site"] = "atlantis"

    _edit(data, "amazon.yaml", change)
    error = _load_error(data)
    assert (error.file, error.path) == ("amazon.yaml", f"channels.{ci}.phones.0.site")
    assert "unknown site 'atlantis'" in error.problem


def test_schedule_with_both_always_open_and_windows_is_refused(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    amazon = yaml.safe_load((data / "amazon.yaml").read_text(encoding="utf-8"))
    ci = _index(
        amazon["channels"], lambda c: any(h["schedule"].get("windows") for h in c.get("hours", []))
    )
    hi = _index(amazon["channels"][ci]["hours"], lambda h: bool(h["schedule"].get("windows")))

    def change(d: dict[str, Any]) -> None:
        d["channels"][ci]["hours"][hi]["schedule"]["always_open"] = True

    _edit(data, "amazon.yaml", change)
    error = _load_error(data)
    assert (error.file, error.path) == ("amazon.yaml", f"channels.{ci}.hours.{hi}.schedule")
    assert "either" in error.problem


def test_schedule_with_neither_is_refused(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    tmall = yaml.safe_load((data / "tmall.yaml").read_text(encoding="utf-8"))
    ci = _index(tmall["channels"], lambda c: bool(c.get("hours")))

    def change(d: dict[str, Any]) -> None:
        d["channels"][ci]["hours"][0]["schedule"]["always_open"] = False

    _edit(data, "tmall.yaml", change)
    error = _load_error(data)
    assert (error.file, error.path) == ("tmall.yaml", f"channels.{ci}.hours.0.schedule")


def test_response_with_min_above_max_is_refused(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    amazon = yaml.safe_load((data / "amazon.yaml").read_text(encoding="utf-8"))
    ci = _index(
        amazon["channels"], lambda c: any("max_minutes" in r for r in c.get("responses", []))
    )
    ri = _index(amazon["channels"][ci]["responses"], lambda r: "max_minutes" in r)

    def change(d: dict[str, Any]) -> None:
        response = d["channels"][ci]["responses"][ri]
        response["min_minutes"] = response["max_minutes"] + 1

    _edit(data, "amazon.yaml", change)
    error = _load_error(data)
    assert (error.file, error.path) == ("amazon.yaml", f"channels.{ci}.responses.{ri}")
    assert "greater than" in error.problem


def test_source_without_file_or_url_is_refused(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    _edit(data, "sources.yaml", lambda d: d["sources"][0].pop("file"))
    error = _load_error(data)
    assert (error.file, error.path) == ("sources.yaml", "sources.0")
    assert "exactly one of `file` or `url`" in error.problem


def test_duplicate_source_id_is_refused(tmp_path: Path) -> None:
    data = _copy(tmp_path)

    def change(d: dict[str, Any]) -> None:
        d["sources"][1]["id"] = d["sources"][0]["id"]

    _edit(data, "sources.yaml", change)
    error = _load_error(data)
    assert (error.file, error.path) == ("sources.yaml", "sources.1.id")
    assert "duplicate" in error.problem


def test_overlong_source_id_is_refused(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    _edit(data, "sources.yaml", lambda d: d["sources"][0].update(id="seed_000_" + "x" * 30))
    error = _load_error(data)
    assert (error.file, error.path) == ("sources.yaml", "sources.0.id")


def test_synonyms_must_be_a_list_of_groups(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    (data / "synonyms.yaml").write_text("groups: [人工, human]\n", "utf-8")
    error = _load_error(data)
    assert (error.file, error.path) == ("synonyms.yaml", "groups.0")
