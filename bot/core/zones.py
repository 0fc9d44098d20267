"""The time zones offered as buttons, and reading a zone a user typed."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# where the bot's users mostly live or sell; a button carries the index, not the name
COMMON_ZONES: tuple[str, ...] = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Tokyo",
    "Asia/Singapore",
    "Asia/Kolkata",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
)

# longer than any IANA name; anything longer is not worth a lookup
MAX_ZONE_NAME = 64


def parse_zone(text: str) -> str | None:
    """The canonical IANA name for what a user typed ('europe/paris' → 'Europe/Paris'), or None.

    Only names from the IANA database are accepted: ZoneInfo would also open a file path.
    """
    name = text.strip()
    if not name or len(name) > MAX_ZONE_NAME:
        return None
    zones = _zones_by_folded_name()
    canonical = zones.get(name.casefold().replace(" ", "_"))
    if canonical is None:
        return None
    try:
        ZoneInfo(canonical)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return canonical


@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {zone.casefold(): zone for zone in available_timezones()}
