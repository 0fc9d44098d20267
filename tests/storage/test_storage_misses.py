"""Misses: counted anonymously per day, redacted before storage, read as a capped top list
and a summary, and swept after 30 days — on a real SQLite file."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from storage import Database, MissKind, MissStore
from storage.migrations import LATEST_VERSION, MIGRATIONS, split_statements
from storage.misses import MAX_MISSES_PER_DAY, MAX_TOP, OVERFLOW_TEXT, RETENTION_DAYS
from tests.storage.conftest import T0, FixedClock

DAY = timedelta(days=1)


@pytest.fixture
def misses(db: Database, clock: FixedClock) -> MissStore:
    return MissStore(db, clock)


async def test_the_same_question_with_other_numbers_is_one_row_counted(
    misses: MissStore, db_path: Path
) -> None:
    assert await misses.record("not_sure", "京东客服电话 400-810-5666 是真的吗") == (
        "京东客服电话 <n> 是真的吗"
    )
    await misses.record(MissKind.NOT_SURE, "京东客服电话 400 820 8686 是真的吗")
    [top] = await misses.top()
    assert (top.kind, top.platform, top.text, top.count, top.last_day) == (
        MissKind.NOT_SURE, None, "京东客服电话 <n> 是真的吗", 2, T0.date()
    )


async def test_nothing_identifying_reaches_the_file(misses: MissStore, db_path: Path) -> None:
    await misses.record(
        "uncovered",
        "ebay order 112-1234567-1234567, me: bob@example.com, @bob_smith, "
        "see https://ebay-help.example/x?u=42, call +1 (888) 280-4331, case 1234567890",
        platform="ebay",
    )
    raw = sqlite3.connect(db_path)
    try:
        columns = [row[1] for row in raw.execute("PRAGMA table_info(misses)")]
        rows = raw.execute("SELECT * FROM misses").fetchall()
    finally:
        raw.close()
    # no user id, no chat id, no moment: a day, the kind, the platform, the text, a count
    assert columns == ["day", "kind", "platform", "text", "count"]
    [(day, kind, platform, text, count)] = rows
    assert (day, kind, platform, count) == (T0.date().isoformat(), "uncovered", "ebay", 1)
    for secret in ("1234567", "bob", "example", "42", "888", "4331", "1234567890"):
        assert secret not in text
    assert "<email>" in text and "<link>" in text and "<user>" in text and "<n>" in text


async def test_kinds_and_platforms_are_checked(misses: MissStore, db: Database) -> None:
    with pytest.raises(ValueError, match="not_sure"):
        await misses.record("not_sure", "问题", platform="jd")
    with pytest.raises(ValueError, match="platform"):
        await misses.record("uncovered", "京东客服")
    with pytest.raises(ValueError, match="platform"):
        await misses.record("uncovered", "京东客服", platform="x" * 65)
    with pytest.raises(ValueError):
        await misses.record("lost", "问题")
    # the table refuses the same, whoever writes to it
    with pytest.raises(sqlite3.IntegrityError):
        await db.execute(
            "INSERT INTO misses (day, kind, platform, text) "
            "VALUES ('2025-03-01', 'uncovered', '', 'x')"
        )
    with pytest.raises(sqlite3.IntegrityError):
        await db.execute(
            "INSERT INTO misses (day, kind, text) VALUES ('2025-03-01', 'not_sure', '')"
        )


async def test_blank_questions_are_not_stored(misses: MissStore) -> None:
    assert await misses.record("not_sure", "  \n\t ") is None
    assert await misses.top() == []


async def test_top_is_ordered_capped_and_limited_to_the_window(
    misses: MissStore, clock: FixedClock
) -> None:
    await misses.record("not_sure", "old question")
    clock.advance(RETENTION_DAYS * DAY)  # "old question" is now outside the window
    for _ in range(3):
        await misses.record("uncovered", "ebay customer service", platform="ebay")
    for _ in range(2):
        await misses.record("not_sure", "b question")
    for _ in range(2):
        await misses.record("not_sure", "a question")
    clock.advance(DAY)
    await misses.record("not_sure", "b question")
    await misses.record("not_sure", "c question")
    top = await misses.top()
    assert [(m.text, m.count) for m in top] == [
        ("b question", 3),
        ("ebay customer service", 3),  # as many, but asked less recently
        ("a question", 2),
        ("c question", 1),
    ]
    assert top[1].platform == "ebay" and top[1].kind is MissKind.UNCOVERED
    assert [m.text for m in await misses.top(limit=2)] == ["b question", "ebay customer service"]
    assert [m.text for m in await misses.top(days=1)] == ["b question", "c question"]
    with pytest.raises(ValueError):
        await misses.top(limit=0)


async def test_top_never_returns_more_than_the_cap(misses: MissStore) -> None:
    for i in range(MAX_TOP + 5):
        await misses.record("not_sure", f"question {chr(0x4E00 + i)}")
    assert len(await misses.top(limit=10_000)) == MAX_TOP


async def test_summary_counts_by_kind_and_platform(misses: MissStore, clock: FixedClock) -> None:
    await misses.record("uncovered", "京东客服", platform="jd")
    await misses.record("uncovered", "京东人工", platform="jd")
    await misses.record("uncovered", "ebay phone", platform="ebay")
    await misses.record("not_sure", "怎么办")
    summary = await misses.summary()
    assert summary.total == 4
    assert summary.by_kind == {MissKind.NOT_SURE: 1, MissKind.UNCOVERED: 3}
    assert summary.by_platform == {"ebay": 1, "jd": 2}
    clock.advance(RETENTION_DAYS * DAY)
    assert (await misses.summary()).total == 0


async def test_the_sweep_deletes_what_is_older_than_30_days(
    misses: MissStore, clock: FixedClock, db: Database
) -> None:
    await misses.record("not_sure", "day one")
    clock.advance(DAY)
    await misses.record("not_sure", "day two")
    clock.advance((RETENTION_DAYS - 2) * DAY)  # day one is the window's first day
    assert await misses.sweep() == 0
    assert {m.text for m in await misses.top()} == {"day one", "day two"}
    clock.advance(DAY)
    assert await misses.sweep() == 1
    rows = await db.fetchall("SELECT text FROM misses")
    assert [r["text"] for r in rows] == ["day two"]
    clock.advance(365 * DAY)
    assert await misses.sweep() == 1
    assert await db.fetchall("SELECT * FROM misses") == []


async def test_days_are_utc_days(db: Database) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    # 01:00 in Shanghai on 2 March is still 1 March in UTC
    clock = FixedClock(datetime(2025, 3, 2, 1, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    store = MissStore(db, clock)
    await store.record("not_sure", "问题")
    [row] = await store.top()
    assert row.last_day == date(2025, 3, 1)


async def test_a_flood_of_distinct_questions_is_capped_and_still_counted(
    misses: MissStore, db: Database
) -> None:
    await db.execute(
        """
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
        INSERT INTO misses (day, kind, platform, text) SELECT ?, 'not_sure', '', 'q' || i FROM n
        """,
        (MAX_MISSES_PER_DAY, T0.date().isoformat()),
    )
    assert await misses.record("not_sure", "one more new question") == OVERFLOW_TEXT
    assert await misses.record("not_sure", "and another") == OVERFLOW_TEXT
    assert await misses.record("not_sure", "q1") == "q1"  # a known text still counts itself
    rows = await db.fetchall("SELECT count(*) AS n, sum(count) AS total FROM misses")
    assert (rows[0]["n"], rows[0]["total"]) == (MAX_MISSES_PER_DAY + 1, MAX_MISSES_PER_DAY + 3)


async def test_version_3_adds_misses_to_a_version_2_file(tmp_path: Path) -> None:
    path = tmp_path / "v2.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    try:
        for script in MIGRATIONS[:2]:
            for statement in split_statements(script):
                old.execute(statement)
        old.execute("PRAGMA user_version = 2")
        old.execute(
            "INSERT INTO users (user_id, created_at, updated_at) VALUES (7, 'x', 'x')"
        )
    finally:
        old.close()
    db = await Database.open(path)
    try:
        version = await db.fetchone("PRAGMA user_version")
        assert version is not None and version[0] == LATEST_VERSION >= 3
        assert (await db.fetchone("SELECT count(*) FROM users"))[0] == 1  # type: ignore[index]
        store = MissStore(db, FixedClock(T0))
        await store.record("not_sure", "hello?")
        assert [m.text for m in await store.top()] == ["hello?"]
    finally:
        await db.close()
