"""Case follow-up knowledge: how long a channel may take to answer, and what to do after."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.catalog import Catalog
from knowledge.schema import Channel, FollowUp, Site, Text


@dataclass(frozen=True)
class ResponseWindow:
    """When a tracked case counts as overdue, with the figure's wording and sources."""

    hours: int
    text: Text
    sources: tuple[str, ...]


def response_window(
    catalog: Catalog, platform_id: str, channel_id: str, site: str | None = None
) -> ResponseWindow | None:
    """The follow-up point the knowledge gives for a channel (a site's own figure first).

    None when the sources give no figure: the user then chooses the window themselves,
    rather than the bot inventing one.
    """
    channel = catalog.channel(platform_id, channel_id)
    if channel is None:
        return None
    timed = [r for r in channel.responses if r.follow_up_hours is not None]
    chosen = next((r for r in timed if site is not None and r.site == site), None)
    chosen = chosen or next((r for r in timed if r.site is None), None)
    if chosen is None or chosen.follow_up_hours is None:
        return None
    return ResponseWindow(
        hours=chosen.follow_up_hours,
        text=chosen.text,
        sources=tuple(chosen.sources or channel.sources),
    )


def sites_with_own_window(catalog: Catalog, platform_id: str, channel_id: str) -> list[Site]:
    """The platform's sites for which the channel has a response window of their own.

    Empty for most channels: asking a user for the site only matters where it changes
    the window. In the order the platform lists its sites.
    """
    platform = catalog.platform(platform_id)
    channel = catalog.channel(platform_id, channel_id)
    if platform is None or channel is None:
        return []
    timed = {r.site for r in channel.responses if r.follow_up_hours is not None}
    return [site for site in platform.sites if site.id in timed]


def trackable_channels(catalog: Catalog, platform_id: str, role_id: str) -> list[Channel]:
    """Channels a user may track a case on: those where one waits for an answer.

    Channels with a known response window come first.
    """
    platform = catalog.platform(platform_id)
    if platform is None:
        return []
    mine = [c for c in platform.channels if role_id in c.roles]
    waiting = [c for c in mine if c.kind.value not in ("self_service", "robot", "app")]
    return sorted(waiting, key=lambda c: response_window(catalog, platform_id, c.id) is None)


def playbook(catalog: Catalog, platform_id: str, role_id: str, round_: int) -> FollowUp | None:
    """The advice for a given reminder round; None once the rounds are used up (stop)."""
    platform = catalog.platform(platform_id)
    if platform is None:
        return None
    return next((f for f in platform.followups if f.round == round_ and role_id in f.roles), None)


def max_rounds(catalog: Catalog, platform_id: str, role_id: str) -> int:
    platform = catalog.platform(platform_id)
    if platform is None:
        return 0
    return max((f.round for f in platform.followups if role_id in f.roles), default=0)


# The shortest gap between two reminder rounds; the bot's reminders use the same rule
# (bot/tracking.py MIN_ROUND_GAP), so "after N hours" here matches the round a tracked
# case would be in.
MIN_ROUND_GAP_HOURS = 24


def round_after(elapsed_hours: float, window_hours: int | None, rounds: int) -> int:
    """The playbook round a case is in after `elapsed_hours` without a reply.

    0 while still inside the response window; round 1 once the window has passed, and a
    further round every window (at least a day) after that, capped at the last round.
    Without a known window the first round comes after a day.
    """
    window = window_hours if window_hours is not None else MIN_ROUND_GAP_HOURS
    if elapsed_hours < window or rounds < 1:
        return 0
    gap = max(window, MIN_ROUND_GAP_HOURS)
    return min(1 + int((elapsed_hours - window) // gap), rounds)
