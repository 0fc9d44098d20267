"""Support cases users track, and the reminder schedule kept with them in the database."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from enum import StrEnum

from storage.db import Database, Executor, Row, require_row
from storage.timestamps import (
    Clock,
    SystemClock,
    from_db,
    from_db_or_none,
    to_db,
    to_db_or_none,
)

# Limits users can hit: the bot quotes these in its messages.
MAX_EXTERNAL_ID_LEN = 64
MAX_NOTE_LEN = 500
# platform / role / channel / issue are catalog codes, never long
MAX_CODE_LEN = 64
MAX_LIST_LIMIT = 500

# what may not be in a case id (one line: no line breaks of any kind) and in a note (lines
# allowed); the bot checks typed input with the same two before it gets here
# C0 and C1 controls, DEL, line/paragraph separators, bidi overrides
CONTROL_IN_ID = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
CONTROL_IN_NOTE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

_COLUMNS = (
    "id, owner_id, platform, role, channel, issue, external_id, note, opened_at, due_at, "
    "status, snoozed_until, reminders_sent, last_reminded_at, created_at, updated_at, "
    "remind_at, site"
)

# The scheduler's two queries. Both walk the head of the partial index cases_wake,
# which holds only open cases of active users that still have a reminder to come, so
# their cost does not grow with the number of open cases (tests check the plans).
_NEXT_DUE_SQL = """
    SELECT wake_at FROM cases
    WHERE wake_at IS NOT NULL AND (:max IS NULL OR reminders_sent < :max)
    ORDER BY wake_at LIMIT 1
"""
_CLAIM_SQL = f"""
    UPDATE cases SET claimed_until = :until
    WHERE id IN (
        SELECT id FROM cases
        WHERE wake_at <= :now AND (:max IS NULL OR reminders_sent < :max)
        ORDER BY wake_at, id LIMIT :limit
    )
    RETURNING {_COLUMNS}
"""


class CaseStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


@dataclass(frozen=True)
class Case:
    """A tracked support case. Times are aware UTC datetimes.

    `due_at` is when the platform's response window ends (overdue after it) and does not
    move with reminders; `remind_at` is when the next reminder is due (None: no more),
    moved by snoozes, sent reminders and failed sends.
    """

    id: int
    owner_id: int
    platform: str
    role: str
    channel: str
    issue: str | None
    external_id: str
    note: str | None
    opened_at: datetime
    due_at: datetime | None
    status: CaseStatus
    snoozed_until: datetime | None
    reminders_sent: int
    last_reminded_at: datetime | None
    created_at: datetime
    updated_at: datetime
    remind_at: datetime | None = None
    site: str | None = None  # the platform's site (marketplace), when the user named one

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form: times as ISO-8601 text, the status as its value."""
        out: dict[str, object] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, datetime):
                value = value.isoformat()
            elif isinstance(value, CaseStatus):
                value = value.value
            out[field.name] = value
        return out


class DuplicateCaseError(Exception):
    """The owner already tracks a case with this platform case id that is not closed.

    Carries that case, so the bot can offer it ("add to the existing case") instead.
    """

    def __init__(self, existing: Case) -> None:
        super().__init__(
            f"{existing.platform} case {existing.external_id!r} is already tracked "
            f"as #{existing.id} ({existing.status.value})"
        )
        self.existing = existing


def clean_external_id(external_id: str) -> str:
    """The platform's case id as stored: trimmed, 1-64 characters, one line."""
    cleaned = external_id.strip()
    if not cleaned:
        raise ValueError("case id is empty")
    if len(cleaned) > MAX_EXTERNAL_ID_LEN:
        raise ValueError(f"case id is longer than {MAX_EXTERNAL_ID_LEN} characters")
    if CONTROL_IN_ID.search(cleaned):
        raise ValueError("case id contains control characters")
    return cleaned


def clean_note(note: str | None) -> str | None:
    """A note as stored: trimmed, at most 500 characters; empty means no note.

    Stored as typed (HTML, emoji and all): escaping belongs to whoever renders it.
    """
    if note is None:
        return None
    cleaned = note.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(cleaned) > MAX_NOTE_LEN:
        raise ValueError(f"note is longer than {MAX_NOTE_LEN} characters")
    if CONTROL_IN_NOTE.search(cleaned):
        raise ValueError("note contains control characters")
    return cleaned or None


def _clean_code(what: str, value: str) -> str:
    cleaned = value.strip()
    if not cleaned or len(cleaned) > MAX_CODE_LEN or CONTROL_IN_ID.search(cleaned):
        raise ValueError(f"{what} must be 1-{MAX_CODE_LEN} printable characters")
    return cleaned


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIST_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIST_LIMIT}")


class CaseStore:
    """Reads and writes cases; every user-facing method checks the owner.

    A case id from a button or a command is never trusted: a case of another user
    behaves exactly like a missing one (None / False), so ids leak nothing.
    """

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self._db = db
        self._clock: Clock = clock or SystemClock()

    async def add(
        self,
        owner_id: int,
        platform: str,
        role: str,
        channel: str,
        issue: str | None,
        external_id: str,
        note: str | None,
        opened_at: datetime,
        due_at: datetime | None,
        *,
        site: str | None = None,
    ) -> Case:
        """Start tracking a case; the first reminder is due at `due_at` (None: never).

        `site` is the platform's site (marketplace) the case is on, when known: the
        knowledge may give that site its own response window.

        Raises DuplicateCaseError if the owner has a case with this platform and case id
        that is not closed, ValueError for an empty/too long case id or too long note.
        The owner's user row is created if this is the first we hear of them.
        """
        values = (
            owner_id,
            _clean_code("platform", platform),
            _clean_code("role", role),
            _clean_code("channel", channel),
            None if issue is None else _clean_code("issue", issue),
            clean_external_id(external_id),
            clean_note(note),
            to_db(opened_at),
            to_db_or_none(due_at),
            None if site is None else _clean_code("site", site),
        )
        now = to_db(self._clock.now())
        async with self._db.transaction() as tx:
            await _refuse_duplicate(tx, owner_id, values[1], values[5], except_id=None)
            await tx.execute(
                "INSERT INTO users (user_id, created_at, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (user_id) DO NOTHING",
                (owner_id, now, now),
            )
            # owner_active copies users.active; the trigger keeps it in step later
            row = await tx.fetchone(
                f"""
                INSERT INTO cases (
                    owner_id, platform, role, channel, issue, external_id, note,
                    opened_at, due_at, site, remind_at, owner_active, created_at, updated_at)
                SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, active, ?, ?
                FROM users WHERE user_id = ?
                RETURNING {_COLUMNS}
                """,
                (*values, values[8], now, now, owner_id),
            )
        return _to_case(require_row(row, "case insert"))

    async def get(self, case_id: int, owner_id: int) -> Case | None:
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM cases WHERE id = ? AND owner_id = ?", (case_id, owner_id)
        )
        return None if row is None else _to_case(row)

    async def list_for_owner(
        self,
        owner_id: int,
        statuses: Iterable[CaseStatus] = (CaseStatus.OPEN,),
        limit: int = 50,
        offset: int = 0,
    ) -> list[Case]:
        """The owner's cases in these statuses, most urgent (earliest due) first."""
        _check_limit(limit)
        wanted = sorted({CaseStatus(status).value for status in statuses})
        if not wanted:
            return []
        marks = ", ".join("?" for _ in wanted)
        rows = await self._db.fetchall(
            f"""
            SELECT {_COLUMNS} FROM cases
            WHERE owner_id = ? AND status IN ({marks})
            ORDER BY due_at IS NULL, due_at, id
            LIMIT ? OFFSET ?
            """,
            (owner_id, *wanted, limit, max(offset, 0)),
        )
        return [_to_case(row) for row in rows]

    async def count_for_owner(
        self, owner_id: int, statuses: Iterable[CaseStatus] = (CaseStatus.OPEN,)
    ) -> int:
        wanted = sorted({CaseStatus(status).value for status in statuses})
        if not wanted:
            return 0
        marks = ", ".join("?" for _ in wanted)
        row = await self._db.fetchone(
            f"SELECT count(*) FROM cases WHERE owner_id = ? AND status IN ({marks})",
            (owner_id, *wanted),
        )
        return 0 if row is None else int(row[0])

    async def find_open(
        self, owner_id: int, platform: str, issue: str | None, *, exclude_id: int | None = None
    ) -> list[Case]:
        """The owner's open cases about the same platform and issue.

        The seeds' advice is to add to an existing case rather than open another; this
        finds the case to point to. `exclude_id` leaves out the case being looked at.
        """
        rows = await self._db.fetchall(
            f"""
            SELECT {_COLUMNS} FROM cases
            WHERE owner_id = ? AND status = 'open' AND platform = ? AND issue IS ?
              AND id IS NOT ?
            ORDER BY opened_at, id
            LIMIT ?
            """,
            (owner_id, platform, issue, exclude_id, MAX_LIST_LIMIT),
        )
        return [_to_case(row) for row in rows]

    async def set_status(self, case_id: int, owner_id: int, status: CaseStatus) -> bool:
        """Change the status; False if the case is not the owner's.

        Any claim on the case is dropped, so a reminder being sent right now does not
        reschedule it afterwards. Reopening a closed case whose case id is tracked again
        meanwhile raises DuplicateCaseError.
        """
        status = CaseStatus(status)
        now = to_db(self._clock.now())
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                f"SELECT {_COLUMNS} FROM cases WHERE id = ? AND owner_id = ?",
                (case_id, owner_id),
            )
            if row is None:
                return False
            case = _to_case(row)
            if case.status is CaseStatus.CLOSED and status is not CaseStatus.CLOSED:
                await _refuse_duplicate(
                    tx, owner_id, case.platform, case.external_id, except_id=case.id
                )
            await tx.execute(
                "UPDATE cases SET status = ?, claimed_until = NULL, updated_at = ? WHERE id = ?",
                (status.value, now, case_id),
            )
        return True

    async def snooze(self, case_id: int, owner_id: int, until: datetime) -> bool:
        """Remind again at `until` ("remind me later"); False unless an open case of theirs.

        Sets snoozed_until and the next reminder time, and drops any claim so that a
        reminder in flight does not overwrite the user's choice when it completes.
        """
        changed = await self._db.execute(
            """
            UPDATE cases SET snoozed_until = ?1, remind_at = ?1, claimed_until = NULL,
                             updated_at = ?2
            WHERE id = ?3 AND owner_id = ?4 AND status = 'open'
            """,
            (to_db(until), to_db(self._clock.now()), case_id, owner_id),
        )
        return changed == 1

    async def update(
        self,
        case_id: int,
        owner_id: int,
        *,
        external_id: str | None = None,
        note: str | None = None,
        due_at: datetime | None = None,
    ) -> Case | None:
        """Change what the user may edit; None leaves a field as it is, note="" clears it.

        A new `due_at` also re-arms the reminder for that moment (and ends any snooze):
        the user has just said when they expect an answer. Returns None if the case is not
        the owner's; raises DuplicateCaseError if the new case id is already tracked.
        """
        assignments: list[str] = []
        values: list[object] = []
        new_external_id = None if external_id is None else clean_external_id(external_id)
        if new_external_id is not None:
            assignments.append("external_id = ?")
            values.append(new_external_id)
        if note is not None:
            assignments.append("note = ?")
            values.append(clean_note(note))
        if due_at is not None:
            due = to_db(due_at)
            assignments.append(
                "due_at = ?, remind_at = ?, snoozed_until = NULL, claimed_until = NULL"
            )
            values.extend((due, due))
        now = to_db(self._clock.now())
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                f"SELECT {_COLUMNS} FROM cases WHERE id = ? AND owner_id = ?",
                (case_id, owner_id),
            )
            if row is None:
                return None
            case = _to_case(row)
            if not assignments:
                return case
            if (
                new_external_id is not None
                and new_external_id != case.external_id
                and case.status is not CaseStatus.CLOSED
            ):
                await _refuse_duplicate(
                    tx, owner_id, case.platform, new_external_id, except_id=case.id
                )
            # `assignments` are the fixed fragments above, never user input
            updated = await tx.fetchone(
                f"UPDATE cases SET {', '.join(assignments)}, updated_at = ? WHERE id = ?"
                f" RETURNING {_COLUMNS}",
                (*values, now, case_id),
            )
        return _to_case(require_row(updated, "case update"))

    async def delete_for_owner(self, owner_id: int) -> int:
        """Delete all the owner's cases, leaving no copy in the log; return how many."""
        deleted = await self._db.execute("DELETE FROM cases WHERE owner_id = ?", (owner_id,))
        await self._db.purge()
        return deleted

    async def export_for_owner(self, owner_id: int) -> list[dict[str, object]]:
        """Every case of the owner, any status, JSON-serialisable (for a data export)."""
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM cases WHERE owner_id = ? ORDER BY id", (owner_id,)
        )
        return [_to_case(row).to_dict() for row in rows]

    # --- scheduling: the database is the truth, the scheduler asks it -----------------

    async def next_due_at(self, *, max_reminders: int | None = None) -> datetime | None:
        """When the scheduler should next call `claim_due`; None if nothing is scheduled.

        The earliest reminder time among open cases of active users with reminders left
        (fewer than `max_reminders` sent, if given). For a claimed case that is when the
        claim runs out, so a crash while sending is retried then. May be in the past:
        then claim now.
        """
        row = await self._db.fetchone(_NEXT_DUE_SQL, {"max": max_reminders})
        return None if row is None else from_db(row["wake_at"])

    async def claim_due(
        self,
        now: datetime,
        limit: int,
        lease: timedelta,
        *,
        max_reminders: int | None = None,
    ) -> list[Case]:
        """Claim up to `limit` cases whose reminder is due at `now`, earliest first.

        One UPDATE ... RETURNING, so two claimers never get the same case while its claim
        (until now + lease) holds. Every claimed case must be finished with
        `complete_reminder` or `release_claim`; if the process dies first the claim runs
        out and the case is claimed again: at most one duplicate reminder per crash, never
        a lost one. Cases of inactive users and non-open cases are never claimed.
        """
        _check_limit(limit)
        if lease <= timedelta(0):
            raise ValueError("lease must be positive")
        rows = await self._db.fetchall(
            _CLAIM_SQL,
            {
                "until": to_db(now + lease),
                "now": to_db(now),
                "max": max_reminders,
                "limit": limit,
            },
        )
        cases = [_to_case(row) for row in rows]
        # RETURNING gives no order guarantee
        cases.sort(key=lambda case: (case.remind_at or now, case.id))
        return cases

    async def complete_reminder(
        self, case_id: int, sent_at: datetime, next_due_at: datetime | None
    ) -> bool:
        """Record a sent reminder and when the next one is due (None: no more; stays open).

        If the user acted on the case while the reminder was in flight (snooze, status,
        new due time: they drop the claim), their choice of next time is kept. Returns
        False if the case no longer exists (deleted meanwhile).
        """
        changed = await self._db.execute(
            """
            UPDATE cases SET
                reminders_sent = reminders_sent + 1,
                last_reminded_at = ?1,
                remind_at = CASE WHEN claimed_until IS NOT NULL THEN ?2 ELSE remind_at END,
                snoozed_until =
                    CASE WHEN claimed_until IS NOT NULL THEN NULL ELSE snoozed_until END,
                claimed_until = NULL
            WHERE id = ?3
            """,
            (to_db(sent_at), to_db_or_none(next_due_at), case_id),
        )
        return changed == 1

    async def release_claim(self, case_id: int, retry_at: datetime) -> bool:
        """Give a claimed case back after a failed send; it is due again at `retry_at`.

        False if there was no claim to release (the user acted meanwhile, or the case is
        gone): their choice stands.
        """
        changed = await self._db.execute(
            "UPDATE cases SET remind_at = ?, claimed_until = NULL"
            " WHERE id = ? AND claimed_until IS NOT NULL",
            (to_db(retry_at), case_id),
        )
        return changed == 1

    # --- counts for /stats ---------------------------------------------------------------

    async def count_open(self) -> int:
        row = await self._db.fetchone("SELECT count(*) FROM cases WHERE status = 'open'")
        return 0 if row is None else int(row[0])

    async def count_overdue(self, now: datetime) -> int:
        """Open cases whose response window (`due_at`) has passed."""
        row = await self._db.fetchone(
            "SELECT count(*) FROM cases WHERE status = 'open' AND due_at <= ?", (to_db(now),)
        )
        return 0 if row is None else int(row[0])


async def _refuse_duplicate(
    tx: Executor, owner_id: int, platform: str, external_id: str, *, except_id: int | None
) -> None:
    row = await tx.fetchone(
        f"""
        SELECT {_COLUMNS} FROM cases
        WHERE owner_id = ? AND platform = ? AND external_id = ? AND status <> 'closed'
          AND id IS NOT ?
        """,
        (owner_id, platform, external_id, except_id),
    )
    if row is not None:
        raise DuplicateCaseError(_to_case(row))


def _to_case(row: Row) -> Case:
    return Case(
        id=int(row["id"]),
        owner_id=int(row["owner_id"]),
        platform=row["platform"],
        role=row["role"],
        channel=row["channel"],
        issue=row["issue"],
        external_id=row["external_id"],
        note=row["note"],
        opened_at=from_db(row["opened_at"]),
        due_at=from_db_or_none(row["due_at"]),
        status=CaseStatus(row["status"]),
        snoozed_until=from_db_or_none(row["snoozed_until"]),
        reminders_sent=int(row["reminders_sent"]),
        last_reminded_at=from_db_or_none(row["last_reminded_at"]),
        created_at=from_db(row["created_at"]),
        updated_at=from_db(row["updated_at"]),
        remind_at=from_db_or_none(row["remind_at"]),
        site=row["site"],
    )
