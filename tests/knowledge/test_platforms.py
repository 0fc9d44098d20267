"""Platform names: every platform people ask about is recognised, covered or not, and a
question naming an uncovered platform never gets another platform's card."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
import zhconv

from knowledge.catalog import DATA_DIR, PLATFORM_NAMES_FILE, Catalog, CatalogError, load_catalog
from knowledge.platforms import PlatformNames
from knowledge.search import SearchIndex
from tests.knowledge.conftest import AMAZON, TMALL, write_catalog

NAMES = yaml.safe_load((DATA_DIR / PLATFORM_NAMES_FILE).read_text(encoding="utf-8"))["platforms"]


@pytest.fixture(scope="module")
def names(catalog: Catalog) -> PlatformNames:
    return PlatformNames(catalog)


@pytest.fixture(scope="module")
def index(catalog: Catalog) -> SearchIndex:
    return SearchIndex(catalog)


def _uncovered_entries() -> list[dict[str, object]]:
    covered = {p.id for p in load_catalog().platforms.values()}
    return [p for p in NAMES if p["id"] not in covered]


def _phrasings(name: str, ambiguous: bool) -> list[str]:
    """How people ask: Chinese, traditional Chinese, English, several intents."""
    latin = name.isascii()
    shown = name.capitalize() if ambiguous else name
    out = [
        f"{name}客服电话",
        zhconv.convert(f"怎么联系{name}客服？客服電話多少", "zh-hant"),
        f"怎么联系{name}人工客服",
        f"{name}卖家客服怎么找",
        f"{shown} customer service number",
        f"How do I contact {shown} customer service?",
        f"{shown} seller support phone",
    ]
    if latin:
        out += [f"{name.upper()} 客服电话", f"is this {shown}'s refund hotline?"]
    return out


CASES = [
    (str(p["id"]), str(name), phrase)
    for p in _uncovered_entries()
    for name in p["names"]  # type: ignore[attr-defined]
    for phrase in _phrasings(str(name), str(name) in p.get("ambiguous", ()))  # type: ignore[attr-defined]
]


def test_the_issue_list_is_in_the_data_file() -> None:
    listed = {str(n).lower() for p in NAMES for n in p["names"]}
    issue = """淘宝 京东 拼多多 抖音 抖店 快手 唯品会 闲鱼 shein shopee 虾皮 lazada temu aliexpress
        速卖通 ebay walmart 沃尔玛 etsy rakuten 乐天 coupang wish ozon amazon 亚马逊 tmall 天猫"""
    for name in [*issue.split(), "tiktok shop", "mercado libre"]:
        assert name in listed, name


@pytest.mark.parametrize(("platform", "name", "question"), CASES)
def test_every_uncovered_platform_is_named_and_never_answered_with_another(
    names: PlatformNames, index: SearchIndex, platform: str, name: str, question: str
) -> None:
    found = names.find(question)
    assert [(p.id, p.covered) for p in found] == [(platform, False)], question
    answer = names.names_uncovered(question)
    assert answer is not None and answer.first.id == platform
    assert answer.named_covered == ()
    result = index.search(question)
    assert result.matches == (), f"{question!r} got {[m.ref.key for m in result.matches]}"
    assert not result.confident
    assert result.uncovered == (platform,)


@pytest.mark.parametrize(
    ("question", "platform"),
    [
        ("亚马逊客服电话", "amazon"),
        ("亞馬遜客服電話", "amazon"),
        ("Amazon customer service number", "amazon"),
        ("amz卖家客服", "amazon"),
        ("天猫客服怎么联系", "tmall"),
        ("天貓人工客服", "tmall"),
        ("how do I contact TMALL support", "tmall"),
    ],
)
def test_covered_platforms_are_named_as_covered_and_answered(
    names: PlatformNames, index: SearchIndex, question: str, platform: str
) -> None:
    assert [(p.id, p.covered) for p in names.find(question)] == [(platform, True)]
    assert names.names_uncovered(question) is None
    result = index.search(question)
    assert result.matches and result.uncovered == ()
    assert {m.ref.platform for m in result.matches} == {platform}


def test_an_uncovered_and_a_covered_platform_together(
    names: PlatformNames, index: SearchIndex
) -> None:
    question = "淘宝和天猫哪个客服好找"
    answer = names.names_uncovered(question)
    assert answer is not None
    assert [p.id for p in answer.platforms] == ["taobao"]
    assert [p.id for p in answer.named_covered] == ["tmall"]
    result = index.search(question)
    assert result.uncovered == ("taobao",)
    assert result.matches and all(m.ref.platform == "tmall" for m in result.matches)


@pytest.mark.parametrize(
    "question",
    [
        "webay customer service",  # a Latin name never fires inside another word
        "the ozone layer",
        "I wish I could reach a person",
        "i wish customer service would call back",
        "my jdbc driver",
        "temuco is a city",
        "amazonian refund",  # not a platform name either: no uncovered platform named
        "我在北京东路等快递",
        "南京东路的店",
        "很快手机就到了",
        "他是个乐天派",
        "客服电话多少",
        "",
        "   ",
        "🙂🙂",
    ],
)
def test_no_platform_where_none_is_named(names: PlatformNames, question: str) -> None:
    assert all(p.covered for p in names.find(question))
    assert names.names_uncovered(question) is None


def test_names_are_found_in_the_order_given_each_once(names: PlatformNames) -> None:
    found = names.find("eBay 和 Shopee 还有 ebay、虾皮，哪个客服好")
    assert [p.id for p in found] == ["ebay", "shopee"]


def test_the_answer_carries_covered_platforms_and_sourced_safe_path(
    catalog: Catalog, names: PlatformNames
) -> None:
    answer = names.names_uncovered("京东客服电话多少")
    assert answer is not None
    assert answer.first.name.zh == "京东" and answer.first.name.en == "JD.com"
    assert [p.id for p in answer.covered] == list(catalog.platforms)
    assert answer.safe_path is not None and "帮助中心" in answer.safe_path.text.zh
    assert answer.advice
    for fact in (answer.safe_path, *answer.advice):
        assert fact.sources and all(s in catalog.sources for s in fact.sources)
    # no number and no link for a platform the bot knows nothing of
    for fact in (answer.safe_path, *answer.advice):
        for text in (fact.text.zh, fact.text.en):
            assert not any(ch.isdigit() for ch in text)
            assert "http" not in text and ".com" not in text


# --- a platform file takes precedence ---------------------------------------------------

SHOPEE = TMALL.replace("id: tmall", "id: shopee").replace(
    "name: {zh: 天猫, en: Tmall}", "name: {zh: 虾皮, en: Shopee}"
).replace("keywords: [天猫, tmall]", "keywords: [虾皮, shopee]").replace("天猫", "虾皮")


def _with_names(tmp_path: Path, platforms: dict[str, str]) -> Catalog:
    data = write_catalog(tmp_path, platforms)
    (data / PLATFORM_NAMES_FILE).write_text(
        (DATA_DIR / PLATFORM_NAMES_FILE).read_text(encoding="utf-8"), encoding="utf-8"
    )
    return load_catalog(data)


def test_a_new_platform_file_covers_the_platform_without_code(tmp_path: Path) -> None:
    catalog = _with_names(tmp_path, {"amazon": AMAZON, "shopee": SHOPEE})
    names = PlatformNames(catalog)
    assert [(p.id, p.covered) for p in names.find("蝦皮客服電話")] == [("shopee", True)]
    assert names.names_uncovered("shopee customer service") is None
    assert names.names_uncovered("天猫客服") is not None  # tmall has no file here
    result = SearchIndex(catalog).search("虾皮客服电话")
    assert result.matches and {m.ref.platform for m in result.matches} == {"shopee"}


def test_a_platform_file_under_another_id_covers_it_by_its_keywords(tmp_path: Path) -> None:
    other = SHOPEE.replace("id: shopee", "id: shopee_sg")
    catalog = _with_names(tmp_path, {"amazon": AMAZON, "shopee_sg": other})
    found = PlatformNames(catalog).find("Shopee seller support")
    assert [(p.id, p.covered) for p in found] == [("shopee_sg", True)]


def test_without_a_names_file_only_platform_files_are_known(mini_catalog: Catalog) -> None:
    names = PlatformNames(mini_catalog)
    assert names.names_uncovered("京东客服") is None
    assert [p.id for p in names.find("amazon")] == ["amazon"]


# --- the data files are checked at load ---------------------------------------------------


def test_a_name_of_two_platforms_is_refused(tmp_path: Path) -> None:
    data = write_catalog(tmp_path)
    (data / PLATFORM_NAMES_FILE).write_text(
        "platforms:\n"
        "  - {id: a, name: {zh: 甲, en: A}, names: [shop1]}\n"
        "  - {id: b, name: {zh: 乙, en: B}, names: [SHOP1]}\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match=r"platform_names.yaml: platforms.1.names.0"):
        load_catalog(data)


def test_an_ambiguous_name_must_be_a_name(tmp_path: Path) -> None:
    data = write_catalog(tmp_path)
    (data / PLATFORM_NAMES_FILE).write_text(
        "platforms:\n  - {id: a, name: {zh: 甲, en: A}, names: [wish], ambiguous: [hope]}\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match=r"platform_names\.yaml: platforms\.0"):
        load_catalog(data)


def test_safety_advice_needs_known_sources(tmp_path: Path) -> None:
    data = write_catalog(tmp_path)
    (data / "safety.yaml").write_text(
        "safe_path: {text: {zh: 帮助中心, en: Help centre}, sources: [nope]}\n"
        "advice: [{text: {zh: 小心, en: Careful}, sources: [seed]}]\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match=r"safety.yaml: safe_path.sources.0: unknown source"):
        load_catalog(data)
    (data / "safety.yaml").write_text(
        "safe_path: {text: {zh: 帮助中心, en: Help centre}, sources: [seed]}\n"
        "advice: [{text: {zh: 小心, en: Careful}}]\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match=r"safety.yaml: advice.0: states facts without"):
        load_catalog(data)
