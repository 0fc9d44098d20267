"""Anti-flood for group chats: repeat answers, a per-group message cap, a per-member pace.

No question is dropped without a word:
* a member's second question within the cool-down waits and is answered when it ends (only
  their latest question waits: a third replaces the second);
* a member who sends question after question (more than MEMBER_QUESTIONS in MEMBER_PERIOD)
  is not answered for MEMBER_PAUSE, and told so once;
* past the group's cap a question waits its turn in the group's queue (QUEUE_SIZE, oldest
  first) and is answered as the minute frees slots, within QUEUE_WAIT; the group is told
  once that answers are paused (one slot of the cap is kept for notes). A question the
  queue has no room for, or that waited QUEUE_WAIT, is covered by ONE note saying it will
  not be answered;
* a group that becomes a supergroup (a new chat id) takes its queue and waiting questions
  along (`migrate`).

All of it lives in memory (a restart forgets it, which costs at most one repeat answer or
one waiting question) and is bounded: every table is an LRU with a time to live, so memory
does not grow with the number of messages, groups or members. Time comes from the
injected clock; the waiting itself is the caller's (bot/groups/pacing.py, a JobQueue job).
"""

from __future__ import annotations

import logging
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Generic, TypeVar

from bot.core.clock import Clock

logger = logging.getLogger(__name__)

# the same answer in the same group (and topic) within this window: point to it instead
REPEAT_WINDOW = timedelta(minutes=5)
# Telegram allows a bot about 20 messages a minute in one group; beyond, we stay quiet
GROUP_MESSAGES = 20
GROUP_PERIOD = timedelta(minutes=1)
# of those, this many are kept for the note that says the bot pauses (answers get the rest)
NOTE_SLOTS = 1
# the group is told at most once in this time that the cap holds answers back
CAP_NOTE_INTERVAL = timedelta(minutes=5)
# one answer per member per group in this time; a question within it waits for its end
USER_COOLDOWN = timedelta(seconds=10)
# a member asking more than MEMBER_QUESTIONS times in MEMBER_PERIOD (spam, or a script)
# is not answered for MEMBER_PAUSE; the first refused question gets a note
MEMBER_QUESTIONS = 5
MEMBER_PERIOD = timedelta(minutes=1)
MEMBER_PAUSE = timedelta(minutes=5)
# over the cap, questions wait in a queue per group, this long at most, oldest first
QUEUE_SIZE = 50
QUEUE_WAIT = timedelta(minutes=10)
# a group's old id points to its new one this long after it became a supergroup
MIGRATION_MEMORY = timedelta(hours=1)
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

    def rekey(self, new_key: Callable[[K], K | None]) -> None:
        """Give the entries for which `new_key` says so that new key, keeping their age."""
        for key in list(self._items):
            renamed = new_key(key)
            if renamed is not None and renamed != key:
                self._items[renamed] = self._items.pop(key)

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
    told_at: datetime | None = None  # the last note that the cap holds answers back


class Verdict(StrEnum):
    NOW = "now"  # answer it now
    LATER = "later"  # the member's waiting question now: answer it at `Admission.at`
    PAUSED = "paused"  # not answered: the member asked too often


@dataclass(frozen=True)
class Admission:
    """What to do with a member's question."""

    verdict: Verdict
    # LATER: when the cool-down ends; PAUSED: when the member is answered again
    at: datetime | None = None
    # LATER: nothing was waiting yet, so the caller schedules the answer (else the
    # answer already scheduled takes this question instead of the one before)
    schedule: bool = False
    # PAUSED: the first question refused in this pause; the member is told once
    note: bool = False


@dataclass
class _Backlog:
    """A group's questions over the cap: waiting their turn, or to be told they won't be."""

    waiting: deque[tuple[datetime, object]] = field(default_factory=deque)  # oldest first
    unanswered: list[object] = field(default_factory=list)  # the group not told yet


@dataclass
class _Member:
    asked: deque[datetime]  # when their recent questions came, oldest first
    paused_until: datetime | None = None
    waiting: object | None = None  # the question to answer when the cool-down ends


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
        member_questions: int = MEMBER_QUESTIONS,
        member_period: timedelta = MEMBER_PERIOD,
        member_pause: timedelta = MEMBER_PAUSE,
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
        # kept past the minute while a cap note is recent (`sent` is pruned by time anyway)
        self._windows: ExpiringLru[int, _Window] = ExpiringLru(
            MAX_GROUPS, max(group_period, CAP_NOTE_INTERVAL)
        )
        # (chat, member) → when their cool-down started (the last answer to them)
        self._asked: ExpiringLru[tuple[int, int], datetime] = ExpiringLru(MAX_ASKERS, cooldown)
        self._member_questions = member_questions
        self._member_period = member_period
        self._member_pause = member_pause
        self._members: ExpiringLru[tuple[int, int], _Member] = ExpiringLru(
            MAX_ASKERS, member_period + member_pause
        )
        # not an LRU: a waiting question is never evicted, only answered or told about;
        # a group's entry goes when its queue is empty (at most QUEUE_SIZE each)
        self._backlogs: dict[int, _Backlog] = {}
        # when a group was last told that some questions won't be answered
        self._told_unanswered: ExpiringLru[int, datetime] = ExpiringLru(
            MAX_GROUPS, CAP_NOTE_INTERVAL
        )
        self._moved: ExpiringLru[int, int] = ExpiringLru(MAX_GROUPS, MIGRATION_MEMORY)

    def cooling_down(self, chat_id: int, user_id: int) -> bool:
        """True if this member was answered within the cool-down; otherwise starts one.

        For menus and help: a second one within seconds is a repeat, and is not answered.
        Questions go through `admit`.
        """
        now = self._clock.now()
        if self._asked.get((chat_id, user_id), now) is not None:
            return True
        self._asked.put((chat_id, user_id), now, now)
        return False

    def admit(self, chat_id: int, user_id: int, question: object) -> Admission:
        """A member's question: answer now, keep it for the cool-down's end, or not at all.

        `question` is whatever the caller needs to answer it later (`take_waiting`).
        """
        now = self._clock.now()
        key = (chat_id, user_id)
        member = self._members.get(key, now) or _Member(
            deque(maxlen=self._member_questions + 1)
        )
        if member.paused_until is not None:
            if now < member.paused_until:
                return Admission(Verdict.PAUSED, member.paused_until)
            member.paused_until = None
        member.asked.append(now)
        while member.asked and now - member.asked[0] >= self._member_period:
            member.asked.popleft()
        if len(member.asked) > self._member_questions:
            member.paused_until = now + self._member_pause
            member.waiting = None  # its answer, if scheduled, finds nothing
            member.asked.clear()
            self._members.put(key, member, now)
            logger.info("group member paused", extra={"chat_id": chat_id})
            return Admission(Verdict.PAUSED, member.paused_until, note=True)
        started = self._asked.get(key, now)
        if started is not None or member.waiting is not None:
            schedule = member.waiting is None
            member.waiting = question
            self._members.put(key, member, now)
            at = now if started is None else started + self._cooldown
            return Admission(Verdict.LATER, at, schedule=schedule)
        self._asked.put(key, now, now)
        self._members.put(key, member, now)
        return Admission(Verdict.NOW)

    def take_waiting(self, chat_id: int, user_id: int) -> object | None:
        """The member's waiting question, to answer now (a new cool-down starts); None if
        nothing waits any more (the member was paused, or the group removed the bot)."""
        now = self._clock.now()
        key = (self.moved_to(chat_id), user_id)
        member = self._members.get(key, now)
        if member is None or member.waiting is None:
            return None
        question, member.waiting = member.waiting, None
        self._asked.put(key, now, now)
        return question

    def may_send(self, chat_id: int, *, queued: bool = False) -> bool:
        """True if a message may go to the group now (and counts it); False past the cap,
        and while questions wait in the group's queue (they go first) unless it is one of
        them (`queued`).

        NOTE_SLOTS of the cap are not for answers: they are kept for `cap_note` and notes.
        """
        backlog = self._backlogs.get(chat_id)
        if not queued and backlog is not None and backlog.waiting:
            return False
        return self._take_slot(chat_id, self._group_messages - NOTE_SLOTS, regular=True)

    def has_room(self, chat_id: int) -> bool:
        """Whether `may_send(queued=True)` would say yes now (nothing is counted)."""
        window = self._window(chat_id, self._clock.now())
        return len(window.sent) < self._group_messages - NOTE_SLOTS

    def room_at(self, chat_id: int) -> datetime:
        """When the group has room for an answer again (now if it has)."""
        now = self._clock.now()
        window = self._window(chat_id, now)
        over = len(window.sent) - (self._group_messages - NOTE_SLOTS)
        return now if over < 0 else window.sent[over] + self._group_period

    # --- the queue over the cap -------------------------------------------------------

    def hold(self, chat_id: int, question: object, *, front: bool = False) -> bool:
        """Keep `question` until the group has room: True if it waits, False if the queue
        is full (it is then among the unanswered, see `unanswered_note`). `front`: it was
        taken from the queue already and lost its slot to another message: first again.
        """
        backlog = self._backlogs.setdefault(chat_id, _Backlog())
        now = self._clock.now()
        if front:
            backlog.waiting.appendleft((now, question))
            return True
        if len(backlog.waiting) >= QUEUE_SIZE:
            backlog.unanswered.append(question)
            logger.warning("group queue full: a question won't be answered",
                           extra={"chat_id": chat_id})
            return False
        backlog.waiting.append((now, question))
        return True

    def next_waiting(self, chat_id: int) -> object | None:
        """The oldest waiting question to answer now; those that waited QUEUE_WAIT are
        moved to the unanswered on the way. None if none waits."""
        backlog = self._backlogs.get(chat_id)
        if backlog is None:
            return None
        now = self._clock.now()
        self._expire(chat_id, backlog, now)
        if not backlog.waiting:
            self._drop_if_empty(chat_id)
            return None
        return backlog.waiting.popleft()[1]

    def waiting_count(self, chat_id: int) -> int:
        backlog = self._backlogs.get(chat_id)
        return 0 if backlog is None else len(backlog.waiting)

    def pending(self, chat_id: int) -> bool:
        """Whether questions wait, or the group is still to be told about some."""
        backlog = self._backlogs.get(chat_id)
        if backlog is None:
            return False
        self._expire(chat_id, backlog, self._clock.now())
        return bool(backlog.waiting or backlog.unanswered)

    def unanswered_note(self, chat_id: int) -> object | None:
        """The question to put the note "some questions won't be answered" under, if the
        group is to get it now (its slot is taken); None if there is nothing to tell, or a
        note went out within CAP_NOTE_INTERVAL (it covers these too), or no slot is free
        (asked again later)."""
        backlog = self._backlogs.get(chat_id)
        if backlog is None or not backlog.unanswered:
            return None
        now = self._clock.now()
        if self._told_unanswered.get(chat_id, now) is not None:
            backlog.unanswered.clear()  # the recent note said so
            self._drop_if_empty(chat_id)
            return None
        if not self.may_note(chat_id):
            return None
        first = backlog.unanswered[0]
        backlog.unanswered.clear()
        self._told_unanswered.put(chat_id, now, now)
        self._drop_if_empty(chat_id)
        return first

    def _expire(self, chat_id: int, backlog: _Backlog, now: datetime) -> None:
        while backlog.waiting and now - backlog.waiting[0][0] >= QUEUE_WAIT:
            backlog.unanswered.append(backlog.waiting.popleft()[1])
            logger.warning("group question waited too long: not answered",
                           extra={"chat_id": chat_id})

    def _drop_if_empty(self, chat_id: int) -> None:
        backlog = self._backlogs.get(chat_id)
        if backlog is not None and not backlog.waiting and not backlog.unanswered:
            del self._backlogs[chat_id]

    # --- a group's new id -------------------------------------------------------------

    def moved_to(self, chat_id: int) -> int:
        """The group's id now: its supergroup's if it migrated (within MIGRATION_MEMORY)."""
        return self._moved.get(chat_id, self._clock.now()) or chat_id

    def migrate(self, old: int, new: int) -> None:
        """The group `old` is the supergroup `new` now: what waits, and its count of
        messages this minute, follow it. Safe to call twice."""
        now = self._clock.now()
        self._moved.put(old, new, now)
        backlog = self._backlogs.pop(old, None)
        if backlog is not None:
            target = self._backlogs.setdefault(new, _Backlog())
            target.waiting.extend(backlog.waiting)
            target.unanswered.extend(backlog.unanswered)
        told = self._told_unanswered.pop(old)
        if told is not None:
            self._told_unanswered.put(new, told, now)
        window = self._windows.pop(old)
        if window is not None and self._windows.get(new, now) is None:
            self._windows.put(new, window, now)
        self._members.rekey(lambda key: (new, key[1]) if key[0] == old else None)
        self._asked.rekey(lambda key: (new, key[1]) if key[0] == old else None)

    def may_note(self, chat_id: int) -> bool:
        """As `may_send`, for a short note: it may use the slots kept for notes."""
        return self._take_slot(chat_id, self._group_messages, regular=False)

    def cap_note(self, chat_id: int) -> datetime | None:
        """`may_send` said no: when answers resume, if the group should be told now.

        At most once per CAP_NOTE_INTERVAL, and only if a slot is left for the note (it
        is counted); None otherwise.
        """
        now = self._clock.now()
        window = self._window(chat_id, now)
        if window.told_at is not None and now - window.told_at < CAP_NOTE_INTERVAL:
            return None
        if len(window.sent) >= self._group_messages:
            return None
        window.sent.append(now)
        window.told_at = now
        self._windows.put(chat_id, window, now)
        # answers resume when the group is below the answers' share of the cap again
        over = len(window.sent) - (self._group_messages - NOTE_SLOTS)
        return window.sent[max(over, 0)] + self._group_period

    def _window(self, chat_id: int, now: datetime) -> _Window:
        window = self._windows.get(chat_id, now) or _Window(deque(maxlen=self._group_messages))
        while window.sent and now - window.sent[0] >= self._group_period:
            window.sent.popleft()
        return window

    def _take_slot(self, chat_id: int, limit: int, *, regular: bool) -> bool:
        now = self._clock.now()
        window = self._window(chat_id, now)
        if len(window.sent) >= limit:
            if regular and not window.warned:
                window.warned = True
                logger.warning("group message cap reached: answers wait their turn",
                               extra={"chat_id": chat_id})
            self._windows.touch(chat_id, window, now)
            return False
        window.sent.append(now)
        if regular:
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
        self._members.drop_where(lambda key: key[0] == chat_id)
        self._backlogs.pop(chat_id, None)
        self._told_unanswered.pop(chat_id)

    def message_changed(self, place: Place, message_id: int, key: str | None) -> None:
        """A message of ours was edited: it now answers `key`, or nothing (a menu)."""
        now = self._clock.now()
        old = self._keys.pop((place[0], message_id))
        if old is not None and self._answers.get(old, now) == message_id:
            self._answers.pop(old)
        if key is not None:
            self.remember_answer(place, key, message_id)
