"""Response windows and the follow-up playbook for tracked cases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge.catalog import DATA_DIR, Catalog, CatalogError, load_catalog
from knowledge.followup import (
    max_rounds,
    playbook,
    response_window,
    round_after,
    sites_with_own_window,
    trackable_channels,
)


def test_seller_case_window_is_24h_with_site_overrides(catalog: Catalog) -> None:
    default = response_window(catalog, "amazon", "seller_case")
    assert default is not None and default.hours == 24
    assert default.sources
    japan = response_window(catalog, "amazon", "seller_case", "jp")
    assert japan is not None and japan.hours == 72
    # a site without its own figure falls back to the general one
    uk = response_window(catalog, "amazon", "seller_case", "uk")
    assert uk is not None and uk.hours == 24


def test_only_sites_with_their_own_window_are_worth_asking_for(catalog: Catalog) -> None:
    assert [s.id for s in sites_with_own_window(catalog, "amazon", "seller_case")] == [
        "eu", "jp"]
    assert sites_with_own_window(catalog, "amazon", "seller_email") == []
    assert sites_with_own_window(catalog, "tmall", "official") == []
    assert sites_with_own_window(catalog, "amazon", "nope") == []


def test_email_and_appeal_windows_are_72h(catalog: Catalog) -> None:
    for channel in ("seller_email", "seller_appeal", "buyer_email"):
        window = response_window(catalog, "amazon", channel)
        assert window is not None and window.hours == 72, channel


def test_no_invented_window_where_sources_give_none(catalog: Catalog) -> None:
    assert response_window(catalog, "tmall", "official") is None
    assert response_window(catalog, "amazon", "nope") is None
    assert response_window(catalog, "ebay", "seller_case") is None


def test_trackable_channels_put_known_windows_first(catalog: Catalog) -> None:
    channels = trackable_channels(catalog, "amazon", "seller")
    ids = [c.id for c in channels]
    assert ids[0] in ("seller_case", "seller_email", "seller_appeal")
    assert "seller_app" not in ids and "brand_registry" not in ids
    assert all("seller" in c.roles for c in channels)
    assert trackable_channels(catalog, "tmall", "buyer")
    assert trackable_channels(catalog, "ebay", "buyer") == []


def test_playbook_escalates_and_then_stops(catalog: Catalog) -> None:
    rounds = max_rounds(catalog, "amazon", "seller")
    assert rounds >= 3
    texts = []
    for round_ in range(1, rounds + 1):
        step = playbook(catalog, "amazon", "seller", round_)
        assert step is not None
        texts.append(" ".join(s.text.zh for s in step.steps))
    # seed 002's advice for 72 hours without a reply is the round a case is in at 72 h
    # (the reminders' rule); escalating to a supervisor comes only after it
    window = response_window(catalog, "amazon", "seller_case")
    assert window is not None
    at_72 = round_after(72, window.hours, rounds)
    assert "垃圾箱" in texts[at_72 - 1] and "分类" in texts[at_72 - 1]
    assert "相同工单" in texts[at_72 - 1]
    assert not any("Supervisor" in t for t in texts[:at_72])
    assert any("Supervisor" in t for t in texts[at_72:])
    assert len(set(texts)) == len(texts), "later rounds must not repeat earlier advice"
    assert playbook(catalog, "amazon", "seller", rounds + 1) is None
    assert playbook(catalog, "tmall", "buyer", 2) is not None
    assert max_rounds(catalog, "ebay", "buyer") == 0


def test_followup_round_twice_for_a_role_is_a_broken_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "tmall.yaml"
    text = path.read_text(encoding="utf-8").replace("  - round: 2\n", "  - round: 1\n", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as error:
        load_catalog(data)
    assert error.value.file == "tmall.yaml"
    assert error.value.path.startswith("followups.") and "round 1 twice" in error.value.problem


def test_one_case_advice_only_where_the_guides_give_it(catalog: Catalog) -> None:
    seller = catalog.role("amazon", "seller")
    tmall = catalog.role("tmall", "buyer")
    buyer = catalog.role("amazon", "buyer")
    assert seller is not None and seller.one_case_advice is not None
    assert "duplicates" in seller.one_case_advice.text.en
    assert tmall is not None and tmall.one_case_advice is not None
    # seed 000 even suggests resubmitting: no "one case" advice for Amazon buyers
    assert buyer is not None and buyer.one_case_advice is None
