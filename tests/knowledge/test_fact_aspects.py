"""What each fact answers: aspects derived from where a fact sits, plus those listed.

A small hand-written platform exercises every place a fact can sit; the real files are
checked for coverage (every fact answers something) at the end.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from knowledge.catalog import (
    AspectFact,
    CatalogError,
    aspect_coverage,
    catalog_facts,
    load_catalog,
    platform_facts,
)
from knowledge.schema import Aspect, Channel
from tests.knowledge.conftest import write_catalog

SHOP = """
id: shop
name: {zh: 商店, en: Shop}
sources: [seed]
official_entry:
  text: {zh: 官网, en: The website}
sites:
  - id: us
    name: {zh: 美国, en: US}
    timezone: America/New_York
    languages: {zh: 英语, en: English}
    sources: [seed]
    notes:
      - text: {zh: 美国时间上班, en: Works on US time}
        aspects: [hours]
channels:
  - id: line
    kind: phone
    roles: [buyer]
    name: {zh: 电话, en: Phone}
    summary: {zh: 打电话, en: Call}
    human: "yes"
    sources: [seed]
    steps_web:
      - text: {zh: 打开帮助页, en: Open help}
        aspects: [human]
    phones:
      - {site: us, number: "+1-000"}
    hours:
      - site: us
        schedule: {timezone: America/New_York, always_open: true}
    responses:
      - text: {zh: 马上, en: At once}
    notes:
      - text: {zh: 只有会员能打, en: Members only}
        aspects: [eligibility, phone]
  - id: mail
    kind: email
    roles: [buyer]
    name: {zh: 邮件, en: Email}
    summary: {zh: 写信, en: Write}
    sources: [seed]
  - id: help
    kind: self_service
    roles: [buyer]
    name: {zh: 自助, en: Self-service}
    summary: {zh: 自己查, en: Look it up}
    sources: [seed]
roles:
  - id: buyer
    name: {zh: 买家, en: Buyer}
    issues:
      - id: general
        name: {zh: 联系, en: Contact}
        sources: [seed]
        recommended: [{channel: line, why: {zh: 快, en: Fast}}]
        path:
          - text: {zh: 帮助 → 联系, en: Help → Contact}
        prepare:
          - text: {zh: 订单号, en: Order number}
        escalation:
          - text: {zh: 找主管, en: Ask a supervisor}
        tips:
          - text: {zh: 保留记录, en: Keep records}
            aspects: [retention]
        warnings:
          - text: {zh: 小心骗子, en: Beware of scams}
warnings:
  - text: {zh: 别给密码, en: Never give your password}
holidays:
  - id: xmas
    name: {zh: 圣诞, en: Christmas}
    rule: christmas
    effect: {zh: 慢, en: Slow}
followups:
  - round: 1
    roles: [buyer]
    sources: [seed]
    steps:
      - text: {zh: 查邮箱, en: Check your inbox}
"""


def _facts(tmp_path: Path, text: str = SHOP) -> dict[str, AspectFact]:
    catalog = load_catalog(write_catalog(tmp_path, {"shop": text}))
    return {f.path: f for f in catalog_facts(catalog)}


def test_aspects_follow_from_where_a_fact_sits(tmp_path: Path) -> None:
    facts = _facts(tmp_path)
    expected = {
        "official_entry": {Aspect.entry},
        "sites.0.languages": {Aspect.languages},
        "channels.0": {Aspect.phone, Aspect.human},  # a phone channel staffed by people
        "channels.0.phones.0": {Aspect.phone},
        "channels.0.hours.0": {Aspect.hours},
        "channels.0.responses.0": {Aspect.response_time},
        "channels.1": {Aspect.email},
        "roles.0.issues.0.path.0": {Aspect.entry},
        "roles.0.issues.0.prepare.0": {Aspect.prepare},
        "roles.0.issues.0.escalation.0": {Aspect.escalation},
        "roles.0.issues.0.warnings.0": {Aspect.safety},
        "warnings.0": {Aspect.safety},
        "holidays.0": {Aspect.holiday},
        "followups.0.steps.0": {Aspect.followup},
    }
    for path, aspects in expected.items():
        assert facts[path].aspects == aspects, path


def test_listed_aspects_join_the_derived_ones(tmp_path: Path) -> None:
    facts = _facts(tmp_path)
    assert facts["channels.0.steps_web.0"].aspects == {Aspect.entry, Aspect.human}
    assert facts["channels.0.notes.0"].aspects == {Aspect.eligibility, Aspect.phone}
    assert facts["sites.0.notes.0"].aspects == {Aspect.hours}
    assert facts["roles.0.issues.0.tips.0"].aspects == {Aspect.retention}


def test_facts_know_where_they_belong(tmp_path: Path) -> None:
    facts = _facts(tmp_path)
    phone = facts["channels.0.phones.0"]
    assert (phone.channel, phone.site, phone.roles, phone.sources) == (
        "line", "us", ("buyer",), ("seed",))
    prepare = facts["roles.0.issues.0.prepare.0"]
    assert (prepare.issue, prepare.roles, prepare.sources) == ("general", ("buyer",), ("seed",))
    assert facts["warnings.0"].roles == ()  # platform-wide
    # a channel of no contact kind (self-service, social media) still says where to go
    # and what it is for: "亚马逊有微博客服吗" is answered by the channel itself
    assert facts["channels.2"].aspects == {Aspect.entry}


def test_coverage_counts_facts_per_aspect_per_platform(tmp_path: Path) -> None:
    catalog = load_catalog(write_catalog(tmp_path, {"shop": SHOP}))
    coverage = aspect_coverage(catalog)
    assert coverage.unanswered == ()
    counts = coverage.counts["shop"]
    assert counts[Aspect.phone] == 3  # the channel, its number, the members-only note
    assert counts[Aspect.safety] == 2
    assert counts[Aspect.deadline] == 0


def test_a_fact_that_answers_nothing_is_reported(tmp_path: Path) -> None:
    text = SHOP.replace("            aspects: [retention]\n", "")
    catalog = load_catalog(write_catalog(tmp_path, {"shop": text}))
    unanswered = aspect_coverage(catalog).unanswered
    assert [f.path for f in unanswered] == ["roles.0.issues.0.tips.0"]


def test_an_unknown_aspect_fails_the_load_naming_file_and_path(tmp_path: Path) -> None:
    text = SHOP.replace("aspects: [eligibility, phone]", "aspects: [eligibility, fone]")
    with pytest.raises(CatalogError) as caught:
        load_catalog(write_catalog(tmp_path, {"shop": text}))
    assert caught.value.file == "shop.yaml"
    assert caught.value.path == "channels.0.notes.0.aspects.1"
    assert "phone" in caught.value.problem  # pydantic lists the allowed values


def test_every_fact_in_the_real_files_answers_an_aspect() -> None:
    catalog = load_catalog()
    coverage = aspect_coverage(catalog)
    assert coverage.unanswered == (), [f"{f.platform}: {f.path}" for f in coverage.unanswered]
    # the issue's aspects are each answered somewhere
    for aspect in Aspect:
        assert sum(c[aspect] for c in coverage.counts.values()) > 0, aspect


def test_a_note_for_one_role_stays_out_of_the_others_answers(tmp_path: Path) -> None:
    """A site's note about sellers (roles: [seller]) is no buyer's fact, and a role the
    platform does not have is refused at load."""
    from knowledge.catalog import DATA_DIR, CatalogError, load_catalog, platform_facts

    catalog = load_catalog()
    amazon = catalog.platforms["amazon"]
    seller_phone_hours = [f for f in platform_facts(amazon)
                          if f.site == "us" and f.kind == "fact" and "5:00–20:00" in f.item.text.zh]
    assert seller_phone_hours and all(f.roles == ("seller",) for f in seller_phone_hours)
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    text = (data / "amazon.yaml").read_text(encoding="utf-8")
    (data / "amazon.yaml").write_text(text.replace("roles: [buyer]\n", "roles: [shopper]\n", 1),
                                      encoding="utf-8")
    with pytest.raises(CatalogError, match="roles"):
        load_catalog(data)


def test_a_call_back_answers_can_i_phone_where_a_role_has_no_phone_line() -> None:
    catalog = load_catalog()
    etsy = {f.channel: f for f in platform_facts(catalog.platforms["etsy"]) if f.kind == "channel"}
    assert Aspect.phone in etsy["contact_support"].aspects  # phone support on request
    amazon = {f.channel: f for f in platform_facts(catalog.platforms["amazon"])
              if f.kind == "channel"}
    # Amazon's shoppers have phone lines: their call-back stays a call-back
    assert Aspect.phone not in amazon["buyer_callback"].aspects


def test_walmarts_inbox_channel_states_the_time_to_answer() -> None:
    walmart = {f.channel: f for f in platform_facts(load_catalog().platforms["walmart"])
               if f.kind == "channel"}
    assert {Aspect.response_time, Aspect.deadline} <= walmart["seller_inbox"].aspects


def test_a_channel_whose_summary_states_a_time_answers_for_it() -> None:
    """A channel summary with a figure of hours or days is tagged with what it times: a
    question of "how long do I have" must find it (catalog-wide, so a new channel with a
    timed summary and no tag fails here)."""
    timed = re.compile(r"\d+\s*(hours?|days?|minutes?)\b")
    kinds = {Aspect.hours, Aspect.deadline, Aspect.response_time}
    catalog = load_catalog()
    for platform in catalog.platforms.values():
        for fact in platform_facts(platform):
            if isinstance(fact.item, Channel) and timed.search(fact.item.summary.en):
                assert fact.aspects & kinds, (platform.id, fact.channel)
