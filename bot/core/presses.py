"""Button presses in groups: a member's pace, and who is an admin (cached).

A press costs the group nothing by itself: it is answered with answerCallbackQuery, which
Telegram does not count against a group. What costs is what a press may lead to: an edit
of the message (counted in the group's 20 a minute, bot/core/flood.py) and, for the admins'
settings buttons, a getChatMember. So a member gets PRESSES presses a minute; past them a
press is answered with a "wait" toast (an alert the first time) and changes nothing, and an
admin check is asked of Telegram once per ADMIN_TTL per (group, member).

In memory and bounded like the flood tables (a restart forgets it: one more admin check).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.core.clock import Clock
from bot.core.flood import MAX_ASKERS, ExpiringLru

# presses that may change something, per member and group, in PRESS_PERIOD
PRESSES = 6
PRESS_PERIOD = timedelta(minutes=1)
# an admin check stays good this long: a demoted admin keeps the settings buttons as long
ADMIN_TTL = timedelta(minutes=3)


class Press(StrEnum):
    OK = "ok"  # go ahead
    WAIT = "wait"  # too many: answer with the "wait" toast, change nothing
    WAIT_ALERT = "wait-alert"  # the first of those in this minute: as an alert


@dataclass(frozen=True)
class PressVerdict:
    press: Press
    # WAIT*: when the member's next press counts again
    until: datetime | None = None


@dataclass
class _Presser:
    pressed: deque[datetime]
    alerted: bool = False


class ButtonPresses:
    """What a group's button handler asks before it edits or checks anything."""

    def __init__(
        self, clock: Clock, *, presses: int = PRESSES, period: timedelta = PRESS_PERIOD,
        admin_ttl: timedelta = ADMIN_TTL,
    ) -> None:
        self._clock = clock
        self._presses = presses
        self._period = period
        self._pressers: ExpiringLru[tuple[int, int], _Presser] = ExpiringLru(MAX_ASKERS, period)
        self._admins: ExpiringLru[tuple[int, int], bool] = ExpiringLru(MAX_ASKERS, admin_ttl)

    def press(self, chat_id: int, user_id: int) -> PressVerdict:
        """Count a press; OK while the member has presses left this minute."""
        now = self._clock.now()
        key = (chat_id, user_id)
        presser = self._pressers.get(key, now) or _Presser(deque(maxlen=self._presses))
        while presser.pressed and now - presser.pressed[0] >= self._period:
            presser.pressed.popleft()
        if len(presser.pressed) < self._presses:
            presser.pressed.append(now)
            presser.alerted = False
            self._pressers.put(key, presser, now)
            return PressVerdict(Press.OK)
        until = presser.pressed[0] + self._period
        press = Press.WAIT if presser.alerted else Press.WAIT_ALERT
        presser.alerted = True
        self._pressers.touch(key, presser, now)
        return PressVerdict(press, until)

    def known_admin(self, chat_id: int, user_id: int) -> bool | None:
        """Whether the member administers the group, if asked within ADMIN_TTL; else None."""
        return self._admins.get((chat_id, user_id), self._clock.now())

    def remember_admin(self, chat_id: int, user_id: int, admin: bool) -> None:
        now = self._clock.now()
        self._admins.put((chat_id, user_id), admin, now)

    def forget_chat(self, chat_id: int) -> None:
        """Everything about a group (the bot left it, or it moved to a new id)."""
        self._pressers.drop_where(lambda key: key[0] == chat_id)
        self._admins.drop_where(lambda key: key[0] == chat_id)
