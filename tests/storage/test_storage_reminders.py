"""The reminder schedule in the database: next_due_at, claims, leases, completion, retries."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from storage import CaseStatus, CaseStore, Database, UserStore
from storage.cases import _CLAIM_SQL, _NEXT_DUE_SQL

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
LEASE = timedelta(minutes=5)


def ids(cases: list[Any]) -> list[int]:
    return [case.id for case in cases]


async def test_nothing_scheduled(cases: CaseStore) -> None:
    assert await cases.next_due_at() is None
    assert await cases.claim_due(T0, 10, LEASE) == []


async def test_next_due_at_is_the_earliest_reminder(cases: CaseStore, new_case: Any) -> None:
    await new_case(due_at=T0 + 5 * HOUR)
    await new_case(due_at=T0 + 2 * HOUR, owner_id=2)
    await new_case(due_at=None)
    assert await cases.next_due_at() == T0 + 2 * HOUR


async def test_only_due_cases_are_claimed(cases: CaseStore, new_case: Any) -> None:
    due = await new_case(due_at=T0 + HOUR)
    exactly_now = await new_case(due_at=T0 + 2 * HOUR)
    await new_case(due_at=T0 + 3 * HOUR)

    claimed = await cases.claim_due(T0 + 2 * HOUR, 10, LEASE)

    assert ids(claimed) == [due.id, exactly_now.id]
    assert claimed[0].reminders_sent == 0


async def test_only_open_cases_are_claimed(cases: CaseStore, new_case: Any) -> None:
    answered = await new_case(due_at=T0)
    closed = await new_case(due_at=T0)
    still_open = await new_case(due_at=T0)
    await cases.set_status(answered.id, 1, CaseStatus.ANSWERED)
    await cases.set_status(closed.id, 1, CaseStatus.CLOSED)

    assert ids(await cases.claim_due(T0 + HOUR, 10, LEASE)) == [still_open.id]


async def test_cases_of_inactive_users_are_never_claimed(
    cases: CaseStore, users: UserStore, new_case: Any
) -> None:
    blocked = await new_case(owner_id=1, due_at=T0)
    active = await new_case(owner_id=2, due_at=T0 + HOUR)
    await users.set_active(1, False)

    assert await cases.next_due_at() == T0 + HOUR
    assert ids(await cases.claim_due(T0 + 2 * HOUR, 10, LEASE)) == [active.id]

    await users.ensure(1)  # they came back
    assert await cases.next_due_at() == T0
    assert ids(await cases.claim_due(T0 + 2 * HOUR, 10, LEASE)) == [blocked.id]


async def test_a_case_added_for_an_inactive_user_is_not_claimed(
    cases: CaseStore, users: UserStore, new_case: Any
) -> None:
    await users.ensure(1)
    await users.set_active(1, False)
    await new_case(owner_id=1, due_at=T0)
    assert await cases.next_due_at() is None
    assert await cases.claim_due(T0 + HOUR, 10, LEASE) == []


async def test_claims_respect_the_limit_earliest_first(cases: CaseStore, new_case: Any) -> None:
    made = [await new_case(due_at=T0 + i * timedelta(minutes=1)) for i in (4, 2, 3, 0, 1)]
    by_due = sorted(made, key=lambda case: case.due_at)

    first = await cases.claim_due(T0 + HOUR, 2, LEASE)
    second = await cases.claim_due(T0 + HOUR, 2, LEASE)
    third = await cases.claim_due(T0 + HOUR, 2, LEASE)

    assert ids(first) == ids(by_due[:2])
    assert ids(second) == ids(by_due[2:4])
    assert ids(third) == ids(by_due[4:])
    with pytest.raises(ValueError):
        await cases.claim_due(T0, 0, LEASE)
    with pytest.raises(ValueError):
        await cases.claim_due(T0, 1, timedelta(0))


async def test_a_claim_holds_for_the_lease_then_runs_out(cases: CaseStore, new_case: Any) -> None:
    case = await new_case(due_at=T0)
    now = T0 + HOUR

    assert ids(await cases.claim_due(now, 10, LEASE)) == [case.id]
    # within the lease nobody else gets it, and the scheduler is told when it runs out
    assert await cases.claim_due(now, 10, LEASE) == []
    assert await cases.claim_due(now + LEASE - timedelta(seconds=1), 10, LEASE) == []
    assert await cases.next_due_at() == now + LEASE
    # the claimer died without completing: the case comes back, not lost
    again = await cases.claim_due(now + LEASE, 10, LEASE)
    assert ids(again) == [case.id]
    assert await cases.next_due_at() == now + 2 * LEASE


async def test_complete_reminder_schedules_the_next(cases: CaseStore, new_case: Any) -> None:
    case = await new_case(due_at=T0)
    sent_at = T0 + HOUR
    await cases.claim_due(sent_at, 10, LEASE)

    assert await cases.complete_reminder(case.id, sent_at, sent_at + 24 * HOUR) is True

    done = await cases.get(case.id, 1)
    assert done is not None
    assert done.reminders_sent == 1
    assert done.last_reminded_at == sent_at
    assert done.remind_at == sent_at + 24 * HOUR
    assert done.due_at == case.due_at  # still overdue since the window ended
    assert done.status is CaseStatus.OPEN
    assert await cases.next_due_at() == sent_at + 24 * HOUR
    # the claim is gone, but the case is not due before the next time
    assert await cases.claim_due(sent_at + LEASE * 2, 10, LEASE) == []
    assert ids(await cases.claim_due(sent_at + 24 * HOUR, 10, LEASE)) == [case.id]


async def test_complete_reminder_without_a_next_time_ends_reminders(
    cases: CaseStore, new_case: Any
) -> None:
    case = await new_case(due_at=T0)
    await cases.claim_due(T0, 10, LEASE)
    await cases.complete_reminder(case.id, T0, None)

    done = await cases.get(case.id, 1)
    assert done is not None
    assert done.status is CaseStatus.OPEN and done.remind_at is None
    assert done.reminders_sent == 1
    assert await cases.next_due_at() is None
    assert await cases.claim_due(T0 + 1000 * HOUR, 10, LEASE) == []
    assert await cases.count_open() == 1


async def test_release_claim_retries_later(cases: CaseStore, new_case: Any) -> None:
    case = await new_case(due_at=T0)
    now = T0 + HOUR
    await cases.claim_due(now, 10, LEASE)
    retry_at = now + timedelta(seconds=30)

    assert await cases.release_claim(case.id, retry_at) is True

    assert await cases.next_due_at() == retry_at
    assert await cases.claim_due(retry_at - timedelta(seconds=1), 10, LEASE) == []
    retried = await cases.claim_due(retry_at, 10, LEASE)
    assert ids(retried) == [case.id]
    assert retried[0].reminders_sent == 0  # a failed send is not a reminder sent
    # nothing to release without a claim
    await cases.complete_reminder(case.id, retry_at, None)
    assert await cases.release_claim(case.id, retry_at) is False


async def test_a_snooze_during_a_send_wins_over_the_senders_next_time(
    cases: CaseStore, new_case: Any
) -> None:
    case = await new_case(due_at=T0)
    await cases.claim_due(T0, 10, LEASE)
    until = T0 + 72 * HOUR
    await cases.snooze(case.id, 1, until)  # the user pressed "remind me later"

    await cases.complete_reminder(case.id, T0, T0 + 24 * HOUR)

    done = await cases.get(case.id, 1)
    assert done is not None
    assert done.remind_at == until and done.snoozed_until == until
    assert done.reminders_sent == 1
    assert await cases.release_claim(case.id, T0 + HOUR) is False
    assert await cases.next_due_at() == until


async def test_a_served_snooze_is_cleared(cases: CaseStore, new_case: Any) -> None:
    case = await new_case(due_at=T0)
    await cases.snooze(case.id, 1, T0 + HOUR)
    assert ids(await cases.claim_due(T0 + HOUR, 10, LEASE)) == [case.id]
    await cases.complete_reminder(case.id, T0 + HOUR, T0 + 25 * HOUR)
    done = await cases.get(case.id, 1)
    assert done is not None and done.snoozed_until is None


async def test_a_status_change_drops_the_claim(cases: CaseStore, new_case: Any) -> None:
    case = await new_case(due_at=T0)
    await cases.claim_due(T0, 10, LEASE)
    await cases.set_status(case.id, 1, CaseStatus.ANSWERED)
    await cases.set_status(case.id, 1, CaseStatus.OPEN)
    # reopened within the lease: due again now, not after the old claim
    assert ids(await cases.claim_due(T0, 10, LEASE)) == [case.id]


async def test_max_reminders(cases: CaseStore, new_case: Any) -> None:
    tired = await new_case(due_at=T0)
    fresh = await new_case(due_at=T0 + HOUR)
    for round_ in range(2):
        sent = T0 + round_ * timedelta(minutes=1)
        await cases.claim_due(sent, 1, LEASE)
        await cases.complete_reminder(tired.id, sent, T0)

    assert await cases.next_due_at(max_reminders=2) == T0 + HOUR
    assert await cases.next_due_at(max_reminders=3) == T0
    assert ids(await cases.claim_due(T0 + 2 * HOUR, 10, LEASE, max_reminders=2)) == [fresh.id]


async def test_a_deleted_case_cannot_be_completed(
    cases: CaseStore, users: UserStore, new_case: Any
) -> None:
    case = await new_case(due_at=T0)
    await cases.claim_due(T0, 10, LEASE)
    await users.forget(1)
    assert await cases.complete_reminder(case.id, T0, T0 + HOUR) is False
    assert await cases.release_claim(case.id, T0 + HOUR) is False


async def test_the_schedule_survives_a_restart(db_path: Path) -> None:
    db = await Database.open(db_path)
    store = CaseStore(db)
    case = await store.add(1, "tmall", "buyer", "chat", None, "TM-1", None, T0, T0 + HOUR)
    await store.claim_due(T0 + HOUR, 10, LEASE)
    await db.close()  # "crash" after claiming, before sending

    db = await Database.open(db_path)
    try:
        store = CaseStore(db)
        assert await store.next_due_at() == T0 + HOUR + LEASE
        assert ids(await store.claim_due(T0 + HOUR + LEASE, 10, LEASE)) == [case.id]
    finally:
        await db.close()


def _plan(path: Path, sql: str, params: Mapping[str, object]) -> str:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    finally:
        conn.close()
    return "\n".join(row[-1] for row in rows)


async def test_the_scheduler_queries_read_an_index_not_the_table(db: Database) -> None:
    # the scheduler's cost must not grow with open cases: both queries walk cases_wake
    params = {"max": None, "now": "x", "until": "x", "limit": 10}
    for sql in (_NEXT_DUE_SQL, _CLAIM_SQL):
        plan = _plan(db.path, sql, params)
        assert "USING INDEX cases_wake" in plan or "USING COVERING INDEX cases_wake" in plan, plan
        assert "SCAN cases\n" not in plan + "\n", plan
        assert "TEMP B-TREE" not in plan, plan  # no sort of all candidates


def _bulk_insert(path: Path, count: int) -> None:
    """Many open cases in one statement: the API would take minutes for this."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.execute(
            "INSERT INTO users (user_id, created_at, updated_at) VALUES (1, ?1, ?1)",
            (T0.isoformat(timespec="microseconds"),),
        )
        conn.execute(
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
            INSERT INTO cases (owner_id, platform, role, channel, external_id, opened_at,
                               due_at, remind_at, created_at, updated_at)
            SELECT 1, 'amazon', 'seller', 'case_log', 'bulk-' || i, ?2,
                   strftime('%Y-%m-%dT%H:%M:%f000+00:00', ?2, '+' || (i % 1000) || ' minutes'),
                   strftime('%Y-%m-%dT%H:%M:%f000+00:00', ?2, '+' || (i % 1000) || ' minutes'),
                   ?2, ?2
            FROM n
            """,
            (count, T0.isoformat(timespec="microseconds")),
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


async def test_many_open_cases_are_claimed_a_batch_at_a_time(db: Database) -> None:
    store = CaseStore(db)
    _bulk_insert(db.path, 20_000)
    assert await store.count_open() == 20_000

    assert await store.next_due_at() == T0
    batch = await store.claim_due(T0 + 10 * HOUR, 100, LEASE)
    assert len(batch) == 100
    assert all(case.remind_at == T0 for case in batch[:20])
    assert await store.count_overdue(T0 + 17 * HOUR) == 20_000
    assert await store.count_overdue(T0) == 20
