"""Helpers for the case-tracking tests: a bot whose scheduler never fires on its own, a
scheduler tick run by hand, and a quick way to register a case through the real form."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.cases.callbacks import TrackStep, TrackStepKind
from bot.cases.reminders import JOB_NAME
from bot.core.callbacks import encode
from bot.core.clock import ManualClock
from bot.core.services import services_of
from storage.cases import Case, CaseStatus
from tests.bot.fakeapi import ApiCall, FakeBotApi, StoredMessage
from tests.bot.harness import ZH_USER, Harness, TgUser


async def start_bot(
    db_path: Path, clock: ManualClock, api: FakeBotApi | None = None, **settings: Any
) -> Harness:
    """A running bot whose JobQueue is paused: reminders go out only when a test ticks."""
    bot = await Harness.start(db_path, clock, api=api, **settings)
    job_queue = bot.app.job_queue
    assert job_queue is not None
    job_queue.scheduler.pause()
    return bot


async def tick(bot: Harness) -> list[ApiCall]:
    """Run the reminder job once, as the scheduler would; the messages it sent."""
    job_queue = bot.app.job_queue
    assert job_queue is not None
    [job] = job_queue.get_jobs_by_name(JOB_NAME)
    before = len(bot.api.calls)
    await job.run(bot.app)
    bot.assert_clean()
    return [c for c in bot.api.calls[before:] if c.method == "sendMessage"]


def form_step(bot: Harness, step: TrackStepKind, value: str | None = None,
              user: TgUser = ZH_USER) -> str:
    """The callback data of the form's `step` button on the user's last message."""
    message = bot.screen(user)
    for _, data in message.buttons():
        flow = data.split(":")[2] if data.startswith("1:k:") else None
        if flow and flow != "new":
            return encode(TrackStep(flow, step, value))
    raise AssertionError(f"no form button on {message.plain!r}")


async def press_step(bot: Harness, step: TrackStepKind, value: str | None = None,
                     user: TgUser = ZH_USER) -> list[ApiCall]:
    return await bot.press(form_step(bot, step, value, user), user=user)


async def register(
    bot: Harness,
    external_id: str = "123456789",
    *,
    user: TgUser = ZH_USER,
    platform: str = "amazon",
    role: str = "seller",
    channel: str = "seller_case",
    site: str | None = None,
    opened: str = "3d",
    note: str | None = None,
    window: int | None = None,
) -> Case:
    """Track a case through /track and its buttons; the stored case.

    Where the form asks for the site, `site` is pressed (None: "another one / not sure").
    """
    await bot.send("/track", user=user)
    await press_step(bot, "platform", platform, user)
    if any(f":r:{role}" in data for _, data in bot.screen(user).buttons()):
        await press_step(bot, "role", role, user)
    await press_step(bot, "channel", channel, user)
    if any(data.endswith(":g") for _, data in bot.screen(user).buttons()):
        await press_step(bot, "any_site" if site is None else "site", site, user)
    await press_step(bot, "opened", opened, user)
    await bot.send(external_id, user=user)
    if note is None:
        await press_step(bot, "skip_note", user=user)
    else:
        await bot.send(note, user=user)
    if window is not None:
        await press_step(bot, "window", str(window), user)
    await press_step(bot, "confirm", user=user)
    return await only_case(bot, user, external_id)


async def only_case(bot: Harness, user: TgUser, external_id: str) -> Case:
    cases = await services_of(bot.app).cases.list_for_owner(
        user.id, (CaseStatus.OPEN, CaseStatus.ANSWERED, CaseStatus.CLOSED), limit=500
    )
    found = [c for c in cases if c.external_id == external_id]
    assert len(found) == 1, [c.external_id for c in cases]
    return found[0]


async def case_of(bot: Harness, case: Case) -> Case:
    """The case as stored now."""
    fresh = await services_of(bot.app).cases.get(case.id, case.owner_id)
    assert fresh is not None
    return fresh


def local(moment: datetime, zone: str) -> str:
    return f"{moment.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M}"


def buttons_of(message: StoredMessage) -> list[str]:
    return [label for label, _ in message.buttons()]
