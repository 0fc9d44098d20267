"""Source kinds, fact strength and quotes, on the real knowledge files and on the rule
that decides which facts must carry a quote."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from knowledge.catalog import Catalog
from knowledge.reply import Responder
from knowledge.schema import Fact, Lang, Phone, Quote, SourceKind, Text
from knowledge.sourcing import (
    SEEDS_DIR,
    needs_quote,
    normalise,
    quote_problems,
    quote_source,
    quoted_facts,
    states_figure,
    strength_of,
)
from knowledge.wording import word_reply


@pytest.mark.parametrize(
    "text",
    [
        "卖家电话支持每天美东时间 5:00–20:00",
        "通常两个工作日内回复",
        "等三天再跟进",
        "write to support@etsy.com",
        "see sellercentral.amazon.de",
        "open https://www.temu.com/",
        "Me → Chat with Shopee",
        "Seller Center > Help",
        "点击「联系客服」",
        "１５ days",
    ],
)
def test_a_figure_is_a_number_duration_address_domain_or_click_path(text: str) -> None:
    assert states_figure(text)


@pytest.mark.parametrize(
    "text",
    [
        "Ask the seller first.",
        "先联系商家，商家处理不了再申请平台介入。",
        "Never share your password or card details.",
        "Handling tends to be moderate to slow.",
        "一定要保存聊天记录",
    ],
)
def test_plain_advice_states_no_figure(text: str) -> None:
    assert not states_figure(text)


def test_phone_numbers_always_need_a_quote_and_advice_does_not() -> None:
    assert needs_quote(Phone(number="+65 6206 6610", sources=["x"]))
    advice = Fact(text=Text(zh="先联系商家。", en="Ask the seller first."))
    assert not needs_quote(advice)
    assert needs_quote(Fact(text=Text(zh="48 小时内", en="within 48 hours")))


def test_a_quote_may_be_written_as_a_plain_string() -> None:
    fact = Fact.model_validate(
        {"text": {"zh": "x", "en": "x"}, "quote": "Sellers have 48 hours"}
    )
    assert fact.quote == Quote(text="Sellers have 48 hours")
    with pytest.raises(ValueError, match="300"):
        Fact.model_validate({"text": {"zh": "x", "en": "x"}, "quote": "x" * 301})


def test_every_source_has_a_kind_and_the_seeds_are_guides(catalog: Catalog) -> None:
    for source in catalog.sources.values():
        if source.file is not None:
            assert source.kind is SourceKind.guide, source.id
    assert catalog.sources["shopee_sg_scams"].kind is SourceKind.official


def test_a_fact_is_as_strong_as_its_strongest_source(catalog: Catalog) -> None:
    assert strength_of(catalog, ["seed_000_buyer_guide"]) is SourceKind.guide
    assert strength_of(catalog, ["seed_000_buyer_guide", "etsy_protection"]) is (
        SourceKind.official
    )
    assert strength_of(catalog, []) is None


def test_every_seed_quote_occurs_literally_in_its_committed_seed(catalog: Catalog) -> None:
    seen = 0
    for platform in catalog.platforms.values():
        for fact in quoted_facts(platform):
            if fact.item.quote is None:
                continue
            source_id, why = quote_source(catalog, fact)
            assert source_id is not None, f"{platform.id}: {fact.path}: {why}"
            source = catalog.sources[source_id]
            assert len(fact.item.quote.text) <= 300
            if source.file is not None:
                text = (SEEDS_DIR / source.file).read_text(encoding="utf-8")
                assert fact.item.quote.text in text, f"{platform.id}: {fact.path}"
                seen += 1
    assert seen > 0


def test_no_quote_is_wrong_and_files_without_pending_quotes_are_complete(
    catalog: Catalog,
) -> None:
    for platform in catalog.platforms.values():
        wrong, missing = quote_problems(catalog, platform)
        assert not wrong, [str(p) for p in wrong]
        if not platform.quotes_pending:
            assert not missing, (platform.id, missing)


def test_normalising_folds_width_and_whitespace() -> None:
    assert normalise("Ｍｅ  →\n Chat") == normalise("Me → Chat")


# --- replies say how sure a figure is ------------------------------------------------------

NOW = datetime(2026, 3, 4, 6, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _reply(catalog: Catalog, question: str, lang: Lang) -> str:
    reply = Responder(catalog).respond(question, lang=lang, user_zone=SHANGHAI, now=NOW)
    return word_reply(reply, catalog, lang=lang, user_zone=SHANGHAI, now=NOW).plain_text()


def test_a_number_only_a_guide_gives_says_so_on_its_line(catalog: Catalog) -> None:
    text = _reply(catalog, "美国亚马逊客服电话", "zh")
    line = next(line for line in text.splitlines() if "888-280-4331" in line)
    assert "第三方指南，未在亚马逊官网核实" in line
    # every line of this one rests on guides: said once, below the lines
    text = _reply(catalog, "amazon seller support phone hours", "en")
    assert text.count("third-party guide") == 1
    assert "All of the above is from third-party guides, unconfirmed by Amazon." in text


def test_a_number_an_official_page_gives_carries_no_such_note(catalog: Catalog) -> None:
    text = _reply(catalog, "shopee singapore phone number", "en")
    line = next(line for line in text.splitlines() if "6206 6610" in line)
    assert "third-party" not in line and "unconfirmed" not in line


def test_the_number_check_never_calls_a_guides_number_official(catalog: Catalog) -> None:
    zh = _reply(catalog, "4008105666 是亚马逊官方电话吗", "zh")
    assert "官方号码" not in zh.splitlines()[1] and "第三方指南" in zh
    assert "亚马逊的官方号码在这里找" in zh  # where to find the real ones comes with it
    en = _reply(catalog, "is +65 6206 6610 shopee?", "en")
    assert "is an official number" in en


def test_the_link_check_calls_a_guides_domain_listed(catalog: Catalog) -> None:
    assert "listed in a third-party guide" in _reply(catalog, "amazon.cn", "en")
    assert "official" in _reply(catalog, "shopee.sg", "en")


def test_seed_004_shop_and_official_service_are_both_there_with_their_words(
    catalog: Catalog,
) -> None:
    tmall = catalog.platforms["tmall"]
    quotes = {c.kind.value: c.quote.text for c in tmall.channels if c.quote is not None}
    assert quotes["merchant"].startswith("1.商家客服")
    assert "天猫平台本身的客服团队" in quotes["chat"]
