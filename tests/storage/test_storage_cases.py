"""Cases: adding, owner checks, duplicates, edits, listing, export, awkward text."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from storage import (
    MAX_EXTERNAL_ID_LEN,
    MAX_NOTE_LEN,
    CaseStatus,
    CaseStore,
    DuplicateCaseError,
    UserStore,
)

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
BEIJING = timezone(timedelta(hours=8))


async def test_add_returns_the_stored_case(cases: CaseStore, users: UserStore, clock: Any) -> None:
    opened = datetime(2025, 3, 1, 16, 0, tzinfo=BEIJING)  # 08:00 UTC
    case = await cases.add(
        owner_id=11,
        platform="amazon",
        role="seller",
        channel="case_log",
        issue="listing",
        external_id="  15882736451 ",
        note="asked about ASIN B0TEST",
        opened_at=opened,
        due_at=opened + timedelta(hours=24),
    )
    assert case.owner_id == 11
    assert (case.platform, case.role, case.channel, case.issue) == (
        "amazon",
        "seller",
        "case_log",
        "listing",
    )
    assert case.external_id == "15882736451"  # trimmed
    assert case.note == "asked about ASIN B0TEST"
    assert case.opened_at == T0 and case.opened_at.tzinfo is UTC
    assert case.due_at == T0 + timedelta(hours=24)
    assert case.remind_at == case.due_at  # the first reminder is due when the window ends
    assert case.status is CaseStatus.OPEN
    assert (case.snoozed_until, case.reminders_sent, case.last_reminded_at) == (None, 0, None)
    assert case.created_at == case.updated_at == clock.now()
    assert await cases.get(case.id, 11) == case
    # the owner's user row exists now (forget can find them)
    assert await users.get(11) is not None


async def test_another_owner_sees_nothing(cases: CaseStore, new_case: Any) -> None:
    case = await new_case(owner_id=1)
    assert await cases.get(case.id, 2) is None
    assert await cases.set_status(case.id, 2, CaseStatus.CLOSED) is False
    assert await cases.snooze(case.id, 2, T0 + timedelta(days=3)) is False
    assert await cases.update(case.id, 2, note="mine now") is None
    assert await cases.list_for_owner(2) == []
    assert await cases.find_open(2, case.platform, case.issue) == []
    assert await cases.export_for_owner(2) == []
    assert await cases.delete_for_owner(2) == 0
    assert await cases.get(case.id, 1) == case  # untouched by any of it


async def test_a_missing_case_is_none(cases: CaseStore) -> None:
    assert await cases.get(12345, 1) is None
    assert await cases.set_status(12345, 1, CaseStatus.ANSWERED) is False
    assert await cases.update(12345, 1, note="x") is None


async def test_a_live_duplicate_is_refused_with_the_existing_case(
    cases: CaseStore, new_case: Any
) -> None:
    first = await new_case(owner_id=1, external_id="777")
    with pytest.raises(DuplicateCaseError) as caught:
        await new_case(owner_id=1, external_id=" 777 ")
    assert caught.value.existing == first
    assert await cases.count_for_owner(1) == 1

    # an answered case still counts as live
    await cases.set_status(first.id, 1, CaseStatus.ANSWERED)
    with pytest.raises(DuplicateCaseError):
        await new_case(owner_id=1, external_id="777")


async def test_what_is_not_a_duplicate(cases: CaseStore, new_case: Any) -> None:
    first = await new_case(owner_id=1, external_id="777")
    await new_case(owner_id=1, external_id="777", platform="tmall")
    await new_case(owner_id=2, external_id="777")
    await cases.set_status(first.id, 1, CaseStatus.CLOSED)
    again = await new_case(owner_id=1, external_id="777")  # the old one is closed
    assert again.id != first.id
    # reopening the closed one would make two live cases with one platform id
    with pytest.raises(DuplicateCaseError) as caught:
        await cases.set_status(first.id, 1, CaseStatus.OPEN)
    assert caught.value.existing.id == again.id
    closed = await cases.get(first.id, 1)
    assert closed is not None and closed.status is CaseStatus.CLOSED


@pytest.mark.parametrize("external_id", ["", "   ", "1" * (MAX_EXTERNAL_ID_LEN + 1), "12\n34"])
async def test_a_bad_case_id_is_refused(cases: CaseStore, new_case: Any, external_id: str) -> None:
    with pytest.raises(ValueError):
        await new_case(external_id=external_id)
    assert await cases.count_open() == 0


async def test_a_case_id_of_exactly_the_limit_is_kept(new_case: Any) -> None:
    case = await new_case(external_id="9" * MAX_EXTERNAL_ID_LEN)
    assert case.external_id == "9" * MAX_EXTERNAL_ID_LEN


@pytest.mark.parametrize("field", ["platform", "role", "channel", "issue"])
async def test_empty_catalog_codes_are_refused(new_case: Any, field: str) -> None:
    with pytest.raises(ValueError, match=field):
        await new_case(**{field: " "})


async def test_html_and_emoji_are_stored_exactly(cases: CaseStore, new_case: Any) -> None:
    note = "<b>急</b> & <a href=\"x\">客服</a> 😀👍🏽 'quotes'\nsecond line"
    case = await new_case(note=note, external_id="<script>1</script>")
    stored = await cases.get(case.id, case.owner_id)
    assert stored is not None
    assert stored.note == note
    assert stored.external_id == "<script>1</script>"


async def test_a_note_over_the_limit_is_refused(cases: CaseStore, new_case: Any) -> None:
    with pytest.raises(ValueError, match=str(MAX_NOTE_LEN)):
        await new_case(note="长" * 5000)
    with pytest.raises(ValueError):
        await new_case(note="😀" * (MAX_NOTE_LEN + 1))
    assert await cases.count_open() == 0
    # the limit counts characters, not bytes: 500 emoji fit
    case = await new_case(note="😀" * MAX_NOTE_LEN)
    assert case.note == "😀" * MAX_NOTE_LEN


async def test_an_empty_note_is_no_note(new_case: Any) -> None:
    case = await new_case(note="   \n ")
    assert case.note is None


async def test_naive_times_are_refused(new_case: Any) -> None:
    with pytest.raises(ValueError, match="naive"):
        await new_case(opened_at=datetime(2025, 3, 1, 8, 0))


async def test_a_case_without_due_time_is_never_reminded(cases: CaseStore, new_case: Any) -> None:
    case = await new_case(due_at=None)
    assert case.due_at is None and case.remind_at is None
    assert await cases.next_due_at() is None


async def test_list_for_owner_filters_and_orders(cases: CaseStore, new_case: Any) -> None:
    late = await new_case(due_at=T0 + timedelta(days=3))
    soon = await new_case(due_at=T0 + timedelta(hours=2))
    undated = await new_case(due_at=None)
    answered = await new_case(due_at=T0 + timedelta(hours=1))
    await cases.set_status(answered.id, 1, CaseStatus.ANSWERED)
    await new_case(owner_id=2)

    open_ids = [case.id for case in await cases.list_for_owner(1)]
    assert open_ids == [soon.id, late.id, undated.id]
    both = await cases.list_for_owner(1, (CaseStatus.OPEN, CaseStatus.ANSWERED))
    assert [case.id for case in both] == [answered.id, soon.id, late.id, undated.id]
    assert [case.id for case in await cases.list_for_owner(1, limit=2)] == [soon.id, late.id]
    assert [case.id for case in await cases.list_for_owner(1, limit=2, offset=2)] == [undated.id]
    assert await cases.list_for_owner(1, ()) == []
    assert await cases.count_for_owner(1) == 3
    with pytest.raises(ValueError):
        await cases.list_for_owner(1, limit=0)


async def test_find_open_gives_the_case_to_add_to(cases: CaseStore, new_case: Any) -> None:
    a = await new_case(issue="account_health")
    b = await new_case(issue="account_health")
    await new_case(issue="listing")
    await new_case(issue="account_health", platform="tmall")
    await new_case(owner_id=2, issue="account_health")
    closed = await new_case(issue="account_health")
    await cases.set_status(closed.id, 1, CaseStatus.CLOSED)
    no_issue = await new_case(issue=None)

    found = await cases.find_open(1, "amazon", "account_health")
    assert [case.id for case in found] == [a.id, b.id]
    others = await cases.find_open(1, "amazon", "account_health", exclude_id=b.id)
    assert [case.id for case in others] == [a.id]
    assert [case.id for case in await cases.find_open(1, "amazon", None)] == [no_issue.id]


async def test_set_status(cases: CaseStore, new_case: Any, clock: Any) -> None:
    case = await new_case()
    clock.advance(timedelta(hours=5))
    assert await cases.set_status(case.id, 1, CaseStatus.ANSWERED) is True
    answered = await cases.get(case.id, 1)
    assert answered is not None
    assert answered.status is CaseStatus.ANSWERED
    assert answered.updated_at == clock.now()
    assert await cases.count_open() == 0
    with pytest.raises(ValueError):
        await cases.set_status(case.id, 1, "lost")  # type: ignore[arg-type]


async def test_snooze(cases: CaseStore, new_case: Any) -> None:
    case = await new_case()
    until = T0 + timedelta(days=2, hours=3)
    assert await cases.snooze(case.id, 1, until) is True
    snoozed = await cases.get(case.id, 1)
    assert snoozed is not None
    assert snoozed.snoozed_until == until
    assert snoozed.remind_at == until
    assert snoozed.due_at == case.due_at  # the platform's window did not move

    await cases.set_status(case.id, 1, CaseStatus.CLOSED)
    assert await cases.snooze(case.id, 1, until + timedelta(days=1)) is False


async def test_update(cases: CaseStore, new_case: Any, clock: Any) -> None:
    case = await new_case(note="first")
    await cases.snooze(case.id, 1, T0 + timedelta(days=5))
    clock.advance(timedelta(minutes=1))
    new_due = T0 + timedelta(days=2)

    updated = await cases.update(case.id, 1, external_id=" 42 ", note="second", due_at=new_due)

    assert updated is not None
    assert (updated.external_id, updated.note) == ("42", "second")
    assert updated.due_at == new_due
    assert updated.remind_at == new_due  # re-armed for the new deadline
    assert updated.snoozed_until is None
    assert updated.updated_at == clock.now()
    assert await cases.get(case.id, 1) == updated

    unchanged = await cases.update(case.id, 1)
    assert unchanged == updated
    cleared = await cases.update(case.id, 1, note="")
    assert cleared is not None and cleared.note is None and cleared.external_id == "42"


async def test_update_refuses_bad_or_duplicate_values(cases: CaseStore, new_case: Any) -> None:
    case = await new_case(external_id="1")
    other = await new_case(external_id="2")
    with pytest.raises(DuplicateCaseError) as caught:
        await cases.update(case.id, 1, external_id="2")
    assert caught.value.existing.id == other.id
    with pytest.raises(ValueError):
        await cases.update(case.id, 1, note="x" * (MAX_NOTE_LEN + 1))
    assert await cases.get(case.id, 1) == case
    # keeping its own id is not a duplicate of itself
    assert await cases.update(case.id, 1, external_id="1") is not None


async def test_delete_for_owner(cases: CaseStore, new_case: Any) -> None:
    for _ in range(3):
        await new_case(owner_id=1)
    kept = await new_case(owner_id=2)
    assert await cases.delete_for_owner(1) == 3
    assert await cases.list_for_owner(1) == []
    assert await cases.get(kept.id, 2) == kept


async def test_export_is_json_serialisable(cases: CaseStore, new_case: Any) -> None:
    case = await new_case(note="备注 😀 <i>x</i>")
    await cases.set_status(case.id, 1, CaseStatus.ANSWERED)
    await new_case(owner_id=2)

    exported = await cases.export_for_owner(1)

    text = json.dumps(exported, ensure_ascii=False)
    assert json.loads(text) == exported
    assert len(exported) == 1
    (item,) = exported
    assert item["id"] == case.id
    assert item["status"] == "answered"
    assert item["note"] == "备注 😀 <i>x</i>"
    assert item["opened_at"] == "2025-03-01T08:00:00+00:00"
    assert item["last_reminded_at"] is None


async def test_counts_for_stats(cases: CaseStore, new_case: Any) -> None:
    now = T0 + timedelta(days=1, hours=1)
    await new_case(due_at=T0 + timedelta(hours=1))  # overdue
    await new_case(due_at=now)  # due exactly now: overdue
    await new_case(due_at=T0 + timedelta(days=3))  # not yet
    answered = await new_case(due_at=T0)
    await cases.set_status(answered.id, 1, CaseStatus.ANSWERED)  # not open

    assert await cases.count_open() == 3
    assert await cases.count_overdue(now) == 2
