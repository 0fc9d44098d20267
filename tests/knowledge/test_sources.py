"""Where facts come from: every page is a well-formed https address, every phone number
is one `phonenumbers` can read for its site's country, and official domains are sourced.

Runs on the real knowledge files: an editor who pastes a number with a typo, or a source
address without its scheme, finds out here rather than from a user.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import phonenumbers
import pytest
from phonenumbers import shortnumberinfo

from knowledge.catalog import Catalog

# Site ids that are not ISO 3166 codes; None: a region with no single country (Europe),
# whose numbers must then be written in international form.
SITE_REGION: dict[str, str | None] = {"uk": "GB", "eu": None}

# A number this short is a service code (Malaysia's scam line 997), not a subscriber number.
SHORT_CODE_DIGITS = 4


def _region(site: str | None) -> str | None:
    if site is None:
        return None
    region = SITE_REGION.get(site, site.upper())
    assert region is None or region in phonenumbers.SUPPORTED_REGIONS, site
    return region


def _phones(catalog: Catalog) -> list[tuple[str, str, str | None]]:
    return [
        (f"{p.id}.{c.id}", phone.number, phone.site)
        for p in catalog.platforms.values()
        for c in p.channels
        for phone in c.phones
    ]


def test_every_url_source_is_a_well_formed_https_address(catalog: Catalog) -> None:
    pages = [s for s in catalog.sources.values() if s.url is not None]
    assert len(pages) >= 40
    for source in pages:
        assert source.url is not None
        parts = urlsplit(source.url)
        assert parts.scheme == "https", source.id
        assert parts.hostname and "." in parts.hostname, source.id
        assert parts.hostname == parts.hostname.lower(), source.id
        assert not any(c.isspace() for c in source.url), source.id
        assert parts.username is None and parts.password is None, source.id


def test_every_channel_link_is_https(catalog: Catalog) -> None:
    for platform in catalog.platforms.values():
        for channel in platform.channels:
            if channel.url is not None:
                assert urlsplit(channel.url).scheme == "https", f"{platform.id}.{channel.id}"


def test_every_phone_number_parses_for_its_sites_country(catalog: Catalog) -> None:
    phones = _phones(catalog)
    assert phones
    for where, number, site in phones:
        region = _region(site)
        if region is None:
            assert number.startswith("+"), f"{where}: {number} needs a country code"
        parsed = phonenumbers.parse(number, region)  # raises NumberParseException
        if region is not None and number.startswith("+"):
            # an international number must belong to the site it is listed under
            assert phonenumbers.region_code_for_number(parsed) == region, f"{where}: {number}"
        digits = sum(ch.isdigit() for ch in number)
        if digits <= SHORT_CODE_DIGITS:
            assert region is not None, where
            assert shortnumberinfo.is_possible_short_number_for_region(parsed, region), where
        else:
            assert phonenumbers.is_valid_number(parsed), f"{where}: {number} ({site})"


def test_official_domains_are_sourced_and_cover_the_platforms_own_links(catalog: Catalog) -> None:
    for platform in catalog.platforms.values():
        domains = [d.domain for d in platform.domains]
        assert len(domains) == len(set(domains)), platform.id
        for domain in platform.domains:
            assert domain.sources, f"{platform.id}: {domain.domain}"
            assert all(s in catalog.sources for s in domain.sources)
        if not domains:
            continue
        # every link the platform's cards show points into one of its official domains
        for channel in platform.channels:
            if channel.url is None:
                continue
            host = urlsplit(channel.url).hostname or ""
            assert any(host == d or host.endswith("." + d) for d in domains), channel.url


NEW_PLATFORMS = ("shopee", "tiktok", "temu", "walmart", "etsy")


@pytest.mark.parametrize("platform_id", NEW_PLATFORMS)
def test_new_platforms_cite_pages_and_name_their_domains(catalog: Catalog,
                                                         platform_id: str) -> None:
    platform = catalog.platforms[platform_id]
    assert platform.domains, platform_id
    cited = {s for s in platform.sources}
    for role in platform.roles:
        for issue in role.issues:
            cited.update(issue.sources)
    assert all(catalog.sources[s].url is not None for s in cited), platform_id


@pytest.mark.parametrize("platform_id", ["temu", "etsy", "walmart"])
def test_platforms_without_a_phone_line_say_so(catalog: Catalog, platform_id: str) -> None:
    platform = catalog.platforms[platform_id]
    assert not any(c.phones for c in platform.channels), platform_id
    warnings = " ".join(w.text.en for w in platform.warnings).lower()
    assert "scam" in warnings and ("phone" in warnings or "number" in warnings), platform_id
