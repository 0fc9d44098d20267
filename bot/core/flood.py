"""Anti-flood for group chats: repeat answers, a per-group message cap, a per-user cool-down.

All of it lives in memory (a restart forgets it, which costs at most one repeat answer)
and is bounded: every table is an LRU with a time to live, so memory does not grow with
the number of messages, groups or members. Time comes from the injected clock.
"""

from __future__ import annotations

import logging
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from bot.core.clock import Clock

logger = logging.getLogger(__name__)

# the same answer in the same group (and topic) within this window: point to it instead
REPEAT_WINDOW = timedelta(minutes=5)
# Telegram allows a bot about 20 messages a minute in one group; beyond, we stay quiet
GROUP_MESSAGES = 20
GROUP_PERIOD = timedelta(minutes=1)
# one question per member per group in this time; more is ignored without a word
USER_COOLDOWN = timedelta(seconds=10)
# table sizes: generous for a bot in thousands of groups, still a few MB at most
MAX_ANSWERS = 20_000
MAX_GROUPS = 10_000
MAX_ASKERS = 50_000

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# (chat id, forum topic id or None): a topic is a conversation of its own
Place = tuple[int, int | None]


class ExpiringLru(Generic[K, V]):
    """A mapping that keeps at most `size` entries, each for at most `ttl`."""

    def __init__(self, size: int, ttl: timedelta) -> None:
        self._size = size
        self._ttl = ttl
        self._items: OrderedDict[K, tuple[datetime, V]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: K, now: datetime) -> V | None:
        item = self._items.get(key)
        if item is None:
            return None
        stored_at, value = item
        if now - stored_at >= self._ttl:
            del self._items[key]
            return None
        return value

    def put(self, key: K, value: V, now: datetime) -> None:
        self._items[key] = (now, value)
        self._items.move_to_end(key)
        self._evict(now)

    def touch(self, key: K, value: V, now: datetime) -> None:
        """Store `value` keeping the entry's age (an update, not a new entry)."""
        item = self._items.get(key)
        if item is None:
            self.put(key, value, now)
        else:
            self._items[key] = (item[0], value)

    def pop(self, key: K) -> V | None:
        item = self._items.pop(key, None)
        return None if item is None else item[1]

    def drop_where(self, doomed: Callable[[K], bool]) -> int:
        """Remove every entry whose key is `doomed`; how many there were (a full scan)."""
        keys = [key for key in self._items if doomed(key)]
        for key in keys:
            del self._items[key]
        return len(keys)

    def _evict(self, now: datetime) -> None:
        # the oldest entries first: expired ones, then any beyond the size
        while self._items:
            key, (stored_at, _) = next(iter(self._items.items()))
            if len(self._items) > self._size or now - stored_at >= self._ttl:
                del self._items[key]
            else:
                break


@dataclass
class _Window:
    sent: deque[datetime] = field(default_factory=lambda: deque(maxlen=GROUP_MESSAGES))
    warned: bool = False


class GroupFlood:
    """What the group handlers ask before answering, and tell after they did."""

    def __init__(
        self,
        clock: Clock,
        *,
        repeat_window: timedelta = REPEAT_WINDOW,
        group_messages: int = GROUP_MESSAGES,
        group_period: timedelta = GROUP_PERIOD,
        cooldown: timedelta = USER_COOLDOWN,
    ) -> None:
        self._clock = clock
        self._group_messages = group_messages
        self._group_period = group_period
        self._cooldown = cooldown
        # (place, answer key) → message id of the answer, and back (to re-key on edits)
        self._answers: ExpiringLru[tuple[Place, str], int] = ExpiringLru(
            MAX_ANSWERS, repeat_window
        )
        self._keys: ExpiringLru[tuple[int, int], tuple[Place, str]] = ExpiringLru(
            MAX_ANSWERS, repeat_window
        )
        self._windows: ExpiringLru[int, _Window] = ExpiringLru(MAX_GROUPS, group_period)
        self._asked: ExpiringLru[tuple[int, int], bool] = ExpiringLru(MAX_ASKERS, cooldown)

    def cooling_down(self, chat_id: int, user_id: int) -> bool:
        """True if this member asked within the cool-down; otherwise notes the question."""
        now = self._clock.now()
        if self._asked.get((chat_id, user_id), now):
            return True
        self._asked.put((chat_id, user_id), True, now)
        return False

    def may_send(self, chat_id: int) -> bool:
        """True if a message may go to the group now (and counts it); False past the cap."""
        now = self._clock.now()
        window = self._windows.get(chat_id, now) or _Window(deque(maxlen=self._group_messages))
        while window.sent and now - window.sent[0] >= self._group_period:
            window.sent.popleft()
        if len(window.sent) >= self._group_messages:
            if not window.warned:
                window.warned = True
                logger.warning("group message cap reached, dropping", extra={"chat_id": chat_id})
            self._windows.touch(chat_id, window, now)
            return False
        window.sent.append(now)
        window.warned = False
        # the entry lives as long as its newest message counts
        self._windows.put(chat_id, window, now)
        return True

    def earlier_answer(self, place: Place, key: str) -> int | None:
        """The message that answered `key` here within the repeat window, if any."""
        return self._answers.get((place, key), self._clock.now())

    def remember_answer(self, place: Place, key: str, message_id: int) -> None:
        now = self._clock.now()
        self._answers.put((place, key), message_id, now)
        self._keys.put((place[0], message_id), (place, key), now)

    def forget_answer(self, place: Place, key: str) -> None:
        """The earlier answer is gone (deleted): the next question gets a full answer."""
        message_id = self._answers.pop((place, key))
        if message_id is not None:
            self._keys.pop((place[0], message_id))

    def forget_chat(self, chat_id: int) -> None:
        """Everything remembered about a group (the bot was removed from it)."""
        self._answers.drop_where(lambda key: key[0][0] == chat_id)
        self._keys.drop_where(lambda key: key[0] == chat_id)
        self._windows.pop(chat_id)
        self._asked.drop_where(lambda key: key[0] == chat_id)

    def message_changed(self, place: Place, message_id: int, key: str | None) -> None:
        """A message of ours was edited: it now answers `key`, or nothing (a menu)."""
        now = self._clock.now()
        old = self._keys.pop((place[0], message_id))
        if old is not None and self._answers.get(old, now) == message_id:
            self._answers.pop(old)
        if key is not None:
            self.remember_answer(place, key, message_id)
