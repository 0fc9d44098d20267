"""The link check: official domains and their subdomains, look-alikes of every kind, and
hosts that are simply unknown — never a fake called official, nor a real one a fake."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.catalog import Catalog, load_catalog
from knowledge.links import (
    MAX_LINKS,
    LinkKind,
    LookAlike,
    OfficialDomains,
    registrable,
    skeleton,
)
from knowledge.schema import SourceKind
from knowledge.sourcing import strength_of


@pytest.fixture(scope="module")
def links(catalog: Catalog) -> OfficialDomains:
    return OfficialDomains(catalog)


def _domains() -> list[str]:
    return [d.domain for p in load_catalog().platforms.values() for d in p.domains]


def test_official_domains_are_sourced(catalog: Catalog) -> None:
    domains = catalog.platforms["amazon"].domains
    assert {d.domain for d in domains} >= {"amazon.com", "amazon.co.uk", "amazon.de"}
    assert all(d.sources and set(d.sources) <= set(catalog.sources) for d in domains)
    # the Tmall guide names no web address, so no Tmall domain is official
    assert catalog.platforms["tmall"].domains == []


@pytest.mark.parametrize("domain", _domains())
@pytest.mark.parametrize(
    "written",
    [
        "{d}",
        "www.{d}",
        "sellercentral.{d}",
        "a.b.{d}",
        "https://www.{d}/gp/help/customer/contact-us",
        "http://{d}:443/x?y=1#z",
        "HTTPS://WWW.{D}/",
        "请打开{d}。谢谢",
        "{fw}",
    ],
)
def test_official_domains_and_subdomains_are_official(
    links: OfficialDomains, catalog: Catalog, domain: str, written: str
) -> None:
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else "．" for c in domain)
    text = written.format(d=domain, D=domain.upper(), fw=full_width)
    check = links.check(f"这个链接是官方的吗 {text}")
    assert check is not None, text
    (verdict,) = check.links
    # official only when an official source names the domain; a guide's word is "listed"
    confirmed = strength_of(catalog, verdict.sources) is SourceKind.official
    assert verdict.kind is (LinkKind.official if confirmed else LinkKind.listed), (text, verdict)
    owner = next(p.id for p in catalog.platforms.values()
                 if domain in {d.domain for d in p.domains})
    assert verdict.domain == domain and verdict.platform == owner
    assert verdict.sources and set(verdict.sources) <= set(catalog.sources)
    if confirmed:
        assert check.all_official and check.advice == ()
    else:
        assert not check.all_official and [a.platform for a in check.advice] == [owner]


@pytest.mark.parametrize(
    ("written", "how", "domain"),
    [
        ("amazon.com.security-check.xyz", LookAlike.inside, "amazon.com"),
        ("http://www.amazon.com.account-verify.top/login", LookAlike.inside, "amazon.com"),
        ("amazon.co.uk.refund-centre.info", LookAlike.inside, "amazon.co.uk"),
        ("notamazon.com", LookAlike.inside, "amazon.com"),
        # the name as a subdomain of another domain
        ("https://amazon.account-review.net/signin", LookAlike.inside, "amazon.com"),
        ("amazon-support.refunds.co.uk", LookAlike.inside, "amazon.com"),
        ("xn--mazon-3ve.com", LookAlike.homograph, "amazon.com"),  # Cyrillic а
        ("аmazon.com", LookAlike.homograph, "amazon.com"),  # the same, typed
        ("amaz0n.com", LookAlike.homograph, "amazon.com"),
        ("arnazon.co.uk", LookAlike.homograph, "amazon.com"),
        ("ámazon.de", LookAlike.homograph, "amazon.com"),
        ("amaz0n-support.com", LookAlike.part, "amazon.com"),
        ("https://amazon-refund.help/case", LookAlike.part, "amazon.com"),
        ("support-amazon.net", LookAlike.part, "amazon.com"),
        ("amazom.com", LookAlike.typo, "amazon.com"),
        ("amazn.com", LookAlike.typo, "amazon.com"),
        ("amaozn.com", LookAlike.typo, "amazon.com"),
        ("amazonn-help.xyz", LookAlike.typo, "amazon.com"),
    ],
)
def test_look_alikes_are_named_as_such(
    links: OfficialDomains, written: str, how: LookAlike, domain: str
) -> None:
    check = links.check(f"is {written} really Amazon?")
    assert check is not None
    (verdict,) = check.links
    assert verdict.kind is LinkKind.look_alike, verdict
    assert verdict.how is how and verdict.platform == "amazon"
    assert verdict.domain is not None and verdict.domain.startswith("amazon.")
    if how is LookAlike.inside:
        assert verdict.domain == domain
    assert not check.all_official
    assert [a.platform for a in check.advice] == ["amazon"]
    assert check.advice[0].warnings and check.safe_path is not None


def test_punycode_is_shown_decoded(links: OfficialDomains) -> None:
    verdict = links.classify("xn--mazon-3ve.com")
    assert verdict.host == "\u0430mazon.com"
    assert verdict.kind is LinkKind.look_alike


@pytest.mark.parametrize(
    ("written", "platform"),
    [
        ("amazon.fr", "amazon"),  # Amazon's name, but no source lists the domain
        ("amazon.com.cn", "amazon"),
        ("amazonaws.com", "amazon"),
        ("amazonsupport.com", "amazon"),
        ("tmall.com", "tmall"),  # no source names Tmall's domain: unknown, never official
        ("jd-refund.com", "jd"),
        ("www.google.com", None),
        ("amazing.com", None),  # two edits from amazon, but a word of its own
        ("example.org", None),
        ("http://192.168.1.1/login", None),
    ],
)
def test_unknown_hosts_are_neither_official_nor_called_fakes(
    links: OfficialDomains, written: str, platform: str | None
) -> None:
    check = links.check(written)
    assert check is not None
    (verdict,) = check.links
    assert verdict.kind is LinkKind.unknown, verdict
    assert verdict.platform == platform and verdict.how is None


def test_the_host_is_after_the_at_sign(links: OfficialDomains) -> None:
    check = links.check("http://www.amazon.com@evil.example/login")
    assert check is not None
    assert [(v.host, v.kind) for v in check.links] == [("evil.example", LinkKind.unknown)]


@pytest.mark.parametrize(
    "text",
    [
        "report.pdf",
        "readme.md",
        "e.g. the order",
        "version 1.2.3",
        "i.e. no",
        "node.js",
        "me@example.com",
        "亚马逊客服电话",
        "",
    ],
)
def test_files_abbreviations_and_emails_are_not_links(links: OfficialDomains, text: str) -> None:
    assert links.check(text) is None


def test_at_most_max_links_are_checked_and_the_rest_counted(links: OfficialDomains) -> None:
    text = " ".join(f"site{i}.example.com" for i in range(MAX_LINKS + 2))
    check = links.check(text)
    assert check is not None
    assert len(check.links) == MAX_LINKS and check.skipped == 2
    assert [v.host for v in check.links] == [f"site{i}.example.com" for i in range(MAX_LINKS)]


def test_links_in_order_with_mixed_verdicts(links: OfficialDomains) -> None:
    check = links.check("shopee.sg 还是 amazon.com 还是 amaz0n-help.com 还是 example.org")
    assert check is not None
    # amazon.com's only sources are the seed guides: listed, not official
    assert [v.kind for v in check.links] == [
        LinkKind.official, LinkKind.listed, LinkKind.look_alike, LinkKind.unknown
    ]


def test_registrable_and_skeleton() -> None:
    assert registrable("sellercentral.amazon.co.uk") == ("amazon", "co.uk")
    assert registrable("www.amazon.com") == ("amazon", "com")
    assert registrable("gs.amazon.cn") == ("amazon", "cn")
    assert skeleton("аmаz0n") == "amazon"  # Cyrillic а, digit 0
    assert skeleton("arnazon") == "amazon"
    assert skeleton("ámazon") == "amazon"


# --- issue 17, item 1: links as a browser reads them ------------------------------------


@pytest.mark.parametrize(
    ("text", "opens", "dressed_as"),
    [
        # a backslash ends the host (WHATWG); what stands before "@" is user information
        ("https://evil.com\\@amazon.com/refund", "evil.com", "amazon.com"),
        ("点这里 https://evil.com＼@amazon.com/refund 退款", "evil.com", "amazon.com"),
        ("https://evil.com／@amazon.com/refund", "evil.com", "amazon.com"),
        ("http://amazon.com＠evil.com/login", "evil.com", "amazon.com"),
        ("amazon.com@evil.com", "evil.com", "amazon.com"),
        ("is amazon.co.jp@refund-desk.top real?", "refund-desk.top", "amazon.co.jp"),
        ("https://www.amazon.com:443@evil.example/", "evil.example", "www.amazon.com"),
        ("https://amazon.com%2eevil.example/", "amazon.com.evil.example", None),
        ("hxxps://evil%2ecom/amazon.com", "evil.com", None),
        # user information a parser ends at ";" or "&", or with a password before it
        ("https://www.amazon.com;@evil.example/", "evil.example", "www.amazon.com"),
        ("https://www.amazon.com&@evil.example/", "evil.example", "www.amazon.com"),
        ("is https://me:pw@www.amazon.com@evil.example real?", "evil.example",
         "www.amazon.com"),
        # an address in another link's query is where it points, not where it opens
        ("https://evil.example/go?to=https://www.amazon.com", "evil.example", None),
        ("evil.top/redirect?next=sellercentral.amazon.com, is it ok?", "evil.top", None),
    ],
)
def test_the_verdict_names_the_host_the_browser_opens(
    links: OfficialDomains, text: str, opens: str, dressed_as: str | None
) -> None:
    check = links.check(text)
    assert check is not None
    (verdict,) = check.links
    assert verdict.host == opens and verdict.kind is not LinkKind.official, verdict
    assert verdict.disguise == dressed_as
    assert not check.all_official and check.advice


def test_user_information_in_front_of_an_official_host_is_still_official(
    links: OfficialDomains,
) -> None:
    check = links.check("https://evil.com@amazon.com/")
    assert check is not None and [(v.host, v.kind) for v in check.links] == [
        ("amazon.com", LinkKind.listed)]  # (listed: Amazon's domains come from the guides)


@pytest.mark.parametrize(
    "written",
    ["amazօn.com", "https://amazօn.com/login", "www.amazօn.com", "аmazon.co.jp"],
)
def test_a_non_latin_look_alike_letter_is_read_whole(links: OfficialDomains, written: str) -> None:
    check = links.check(f"is {written} real")
    assert check is not None
    (verdict,) = check.links
    assert skeleton(verdict.host).removeprefix("www.").startswith("amazon."), verdict
    assert verdict.kind is LinkKind.look_alike and verdict.how is LookAlike.homograph
    assert verdict.platform == "amazon"


def test_mixed_scripts_are_suspicious_even_when_they_imitate_nothing_known(
    links: OfficialDomains,
) -> None:
    check = links.check("shop at pаypal-deals.com")  # Cyrillic а in a Latin name
    assert check is not None
    (verdict,) = check.links
    assert verdict.kind is LinkKind.look_alike and verdict.how is LookAlike.mixed


def test_idna_full_stops_join_a_host(links: OfficialDomains) -> None:
    check = links.check("登录 amazon-cn。help 解冻")
    assert check is not None and [v.host for v in check.links] == ["amazon-cn.help"]
    assert check.links[0].kind is LinkKind.look_alike


def test_a_wall_of_links_counts_every_one_it_did_not_check(links: OfficialDomains) -> None:
    check = links.check("amazon.com " * 3 + "amaz0n-help.com " * 250)  # 4,033 characters
    assert check is not None and len(check.links) == MAX_LINKS
    assert len(check.links) + check.skipped == 253
    assert not check.all_official


@pytest.mark.parametrize(
    ("text", "imitates"),
    [
        ("https://amazon.com%40evil.com/login", "amazon.com"),  # no browser opens it
        ("amazon.com\u2044evil.com", "amazon.com"),  # a fraction slash, not a "/"
        ("https://amazon.com\u2215refund.top", "amazon.com"),  # a division slash
    ],
)
def test_a_link_no_browser_can_read_is_still_not_official(
    links: OfficialDomains, text: str, imitates: str
) -> None:
    check = links.check(f"{text} 是官方的吗")
    assert check is not None, text
    (verdict,) = check.links
    assert verdict.kind is LinkKind.look_alike and verdict.domain == imitates, verdict


@settings(max_examples=200, deadline=None)
@given(
    scheme=st.sampled_from(["", "https://", "http://", "hxxps://", "ＨＴＴＰＳ：／／"]),
    shown=st.sampled_from(["amazon.com", "www.amazon.co.jp", "amazon.de", "ａｍａｚｏｎ．ｃｏｍ"]),
    opened=st.sampled_from(["evil.com", "amaz0n.top", "refund-help.xyz", "xn--mazon-3ve.com"]),
    shape=st.sampled_from([
        # user information: what stands before the (last) "@" is not the host
        "{shown}@{opened}", "{shown}＠{opened}", "{shown}:443@{opened}", "{shown}%5C@{opened}",
        "{shown}@@{opened}", "{shown}:{shown}@{opened}",
        # a backslash (or its full-width look-alike) ends the host like "/"
        "{opened}\\@{shown}", "{opened}＼@{shown}", "{opened}\\{shown}", "{opened}\\\\@{shown}",
    ]),
    path=st.sampled_from(["", "/", "/refund?x=1", "#amazon.com"]),
    around=st.sampled_from([("", ""), ("退款链接 ", " 请尽快"), ("is ", " legit?"), ("【", "】")]),
)
def test_a_link_is_judged_by_the_host_a_browser_opens(
    links: OfficialDomains, scheme: str, shown: str, opened: str, shape: str, path: str,
    around: tuple[str, str],
) -> None:
    link = shape.format(shown=shown, opened=opened)
    text = f"{around[0]}{scheme}{link}{path}{around[1]}"
    check = links.check(text)
    assert check is not None, text
    assert not check.all_official, (text, check.links)
    (verdict,) = check.links
    assert verdict.kind is not LinkKind.official
    assert skeleton(verdict.host) == skeleton(links.classify(opened).host), (text, verdict)


@pytest.mark.parametrize("text", ["is amazon.com official?", "amazon.com,是官方吗",
                                  "www.amazon.com! legit?", "amazon.com; ebay.com?"])
def test_punctuation_after_a_link_ends_it(links: OfficialDomains, text: str) -> None:
    # "?", "!", "," and ";" belong to a link only where more of it follows
    check = links.check(text)
    assert check is not None
    assert check.links[0].host in ("amazon.com", "www.amazon.com"), check.links

