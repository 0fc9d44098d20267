"""Misses: counted anonymously per day (each sender once per text), allow-listed before
storage, shown only once several senders asked, read as a capped top list and a summary,
and swept after 30 days — on a real SQLite file."""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from storage import Database, MissKind, MissStore
from storage.errors import WriteFailed
from storage.migrations import LATEST_VERSION
from storage.misses import (
    EARLIER_TEXT,
    MAX_MISSES_PER_DAY,
    MAX_TEXTS_PER_SENDER,
    MAX_TOP,
    MIN_SENDERS,
    OVERFLOW_TEXT,
    RETENTION_DAYS,
)
from storage.redact import PLACEHOLDER, Vocabulary
from tests.storage.conftest import T0, FixedClock, database_at_version

DAY = timedelta(days=1)
_SENDERS = itertools.count(1000)


# words the knowledge files would give (storage never reads them itself)
KNOWN = Vocabulary.of(["ebay", "京东", "人工"])


@pytest.fixture
def misses(db: Database, clock: FixedClock) -> MissStore:
    return MissStore(db, clock, KNOWN)


async def ask(
    store: MissStore, kind: str, text: str, platform: str | None = None, *, senders: int = 1
) -> str | None:
    """`text` asked by `senders` different new senders; the text as stored."""
    stored = None
    for _ in range(senders):
        stored = await store.record(kind, text, platform, sender=next(_SENDERS))
    return stored


async def test_the_same_question_with_other_numbers_is_one_row_counted(
    misses: MissStore, db_path: Path
) -> None:
    assert await misses.record("not_sure", "客服电话 400-810-5666 是真的吗", sender=1) == (
        f"客服电话 {PLACEHOLDER} 是真的吗"
    )
    await misses.record(MissKind.NOT_SURE, "客服电话 400 820 8686 是真的吗", sender=2)
    assert await misses.top() == []  # two senders: counted, not shown
    await misses.record(MissKind.NOT_SURE, "客服电话 一三八一二三四五六七八 是真的吗", sender=3)
    [top] = await misses.top()
    assert (top.kind, top.platform, top.text, top.count, top.last_day) == (
        MissKind.NOT_SURE, None, f"客服电话 {PLACEHOLDER} 是真的吗", 3, T0.date()
    )


async def test_nothing_identifying_reaches_the_file(misses: MissStore, db_path: Path) -> None:
    await misses.record(
        "uncovered",
        "ebay order 112-1234567-1234567, me: bob@example.com, @bob_smith, "
        "see https://ebay-help.example/x?u=42, call +1 (888) 280-4331, case 1234567890, "
        "I am Jennifer Lopez, 742 Evergreen Terrace, 微信 wxid_k8j2h3, 电话一三八一二三四五六七八",
        platform="ebay",
        sender=123456789,
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
    for secret in ("1234567", "bob", "example", "42", "888", "4331", "1234567890",
                   "jennifer", "lopez", "742", "evergreen", "wxid", "一三八", "123456789"):
        assert secret not in text.casefold()
    assert PLACEHOLDER in text


async def test_one_sender_counts_once_per_text_and_day(
    misses: MissStore, clock: FixedClock
) -> None:
    for _ in range(500):
        await misses.record("not_sure", "客服在哪", sender=42)
    await ask(misses, "not_sure", "客服怎么联系", senders=MIN_SENDERS)
    summary = await misses.summary()
    assert summary.total == 1 + MIN_SENDERS  # 500 sends by one sender count once
    assert [(m.text, m.count) for m in await misses.top()] == [("客服怎么联系", 3)]
    assert summary.hidden == 1
    clock.advance(DAY)  # a new day, a new key: the same sender counts once more
    await misses.record("not_sure", "客服在哪", sender=42)
    await misses.record("not_sure", "客服在哪", sender=42)
    assert (await misses.summary()).total == 2 + MIN_SENDERS


async def test_a_sender_adds_at_most_a_few_texts_a_day(
    misses: MissStore, db: Database, clock: FixedClock
) -> None:
    words = ["退款", "退货", "物流", "包裹", "订单", "账号", "密码", "客服", "卖家", "买家",
             "邮件", "电话", "平台", "网站", "链接", "短信", "快递", "商家", "地址", "付款",
             "支付", "发票", "审核", "申诉", "工单"]
    for word in words:  # 25 different texts from one sender
        await misses.record("not_sure", f"{word}怎么办", sender=7)
    await misses.record("not_sure", "客服怎么办", sender=8)  # others are not held back
    rows = await db.fetchall("SELECT text, count FROM misses ORDER BY text")
    counted = {r["text"]: r["count"] for r in rows}
    assert len(counted) == MAX_TEXTS_PER_SENDER + 1
    assert counted[OVERFLOW_TEXT] == 1  # the sender's 5 more: folded, counted once
    assert counted["客服怎么办"] == 2
    assert (await misses.summary()).total == MAX_TEXTS_PER_SENDER + 2
    clock.advance(DAY)
    assert await misses.record("not_sure", "退款怎么办", sender=7) == "退款怎么办"


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
    await ask(misses, "not_sure", "old question", senders=3)
    clock.advance(RETENTION_DAYS * DAY)  # "old question" is now outside the window
    await ask(misses, "uncovered", "ebay customer service", platform="ebay", senders=3)
    await ask(misses, "not_sure", "order question", senders=3)
    await ask(misses, "not_sure", "account question", senders=4)
    await ask(misses, "not_sure", "refund question", senders=2)  # never 3 on one day
    clock.advance(DAY)
    await ask(misses, "not_sure", "order question", senders=1)
    await ask(misses, "not_sure", "refund question", senders=2)
    await ask(misses, "not_sure", "payment question", senders=3)
    top = await misses.top()
    assert [(m.text, m.count) for m in top] == [
        ("order question", 4),  # as many as the next, but asked more recently
        ("account question", 4),
        ("payment question", 3),
        ("ebay customer service", 3),
    ]
    assert top[3].platform == "ebay" and top[3].kind is MissKind.UNCOVERED
    assert [m.text for m in await misses.top(limit=2)] == ["order question", "account question"]
    assert [m.text for m in await misses.top(days=1)] == ["payment question"]
    with pytest.raises(ValueError):
        await misses.top(limit=0)


async def test_top_never_returns_more_than_the_cap(misses: MissStore, db: Database) -> None:
    await db.execute(
        """
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
        INSERT INTO misses (day, kind, platform, text, count)
        SELECT ?, 'not_sure', '', 'q' || i, 3 FROM n
        """,
        (MAX_TOP + 5, T0.date().isoformat()),
    )
    assert len(await misses.top(limit=10_000)) == MAX_TOP


async def test_summary_counts_by_kind_and_platform(misses: MissStore, clock: FixedClock) -> None:
    await ask(misses, "uncovered", "京东客服", platform="jd", senders=3)
    await ask(misses, "uncovered", "京东人工", platform="jd")
    await ask(misses, "uncovered", "ebay phone", platform="ebay")
    await ask(misses, "not_sure", "怎么办")
    summary = await misses.summary()
    assert summary.total == 6
    assert summary.by_kind == {MissKind.NOT_SURE: 1, MissKind.UNCOVERED: 5}
    assert summary.by_platform == {"ebay": 1, "jd": 4}
    assert summary.hidden == 3  # all but 京东客服, which three senders asked
    clock.advance(RETENTION_DAYS * DAY)
    assert (await misses.summary()).total == 0


async def test_the_sweep_deletes_what_is_older_than_30_days(
    misses: MissStore, clock: FixedClock, db: Database
) -> None:
    await ask(misses, "not_sure", "first day", senders=3)
    clock.advance(DAY)
    await ask(misses, "not_sure", "next day", senders=3)
    clock.advance((RETENTION_DAYS - 2) * DAY)  # the first day is the window's first day
    assert await misses.sweep() == 0
    assert {m.text for m in await misses.top()} == {"first day", "next day"}
    clock.advance(DAY)
    assert await misses.sweep() == 1
    rows = await db.fetchall("SELECT text FROM misses")
    assert [r["text"] for r in rows] == ["next day"]
    clock.advance(365 * DAY)
    assert await misses.sweep() == 1
    assert await db.fetchall("SELECT * FROM misses") == []


async def test_days_are_utc_days(db: Database) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    # 01:00 in Shanghai on 2 March is still 1 March in UTC
    clock = FixedClock(datetime(2025, 3, 2, 1, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    store = MissStore(db, clock)
    await ask(store, "not_sure", "问题", senders=3)
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
    assert await ask(misses, "not_sure", "one more new question") == OVERFLOW_TEXT
    assert await ask(misses, "not_sure", "and another") == OVERFLOW_TEXT
    await db.execute("UPDATE misses SET text = '客服' WHERE text = 'q1'")
    assert await ask(misses, "not_sure", "客服") == "客服"  # a known text still counts itself
    rows = await db.fetchall("SELECT count(*) AS n, sum(count) AS total FROM misses")
    assert (rows[0]["n"], rows[0]["total"]) == (MAX_MISSES_PER_DAY + 1, MAX_MISSES_PER_DAY + 3)


async def test_version_3_adds_misses_to_a_version_2_file(tmp_path: Path) -> None:
    path = tmp_path / "v2.sqlite3"
    old = database_at_version(path, 2)
    try:
        old.execute(
            "INSERT INTO users (user_id, created_at, updated_at) VALUES (7, 'x', 'x')"
        )
    finally:
        old.close()
    db = await Database.open(path)
    try:
        version = await db.fetchone("PRAGMA user_version")
        assert version is not None and version[0] == LATEST_VERSION
        assert (await db.fetchone("SELECT count(*) FROM users"))[0] == 1  # type: ignore[index]
        store = MissStore(db, FixedClock(T0))
        await ask(store, "not_sure", "hello?", senders=3)
        assert [m.text for m in await store.top()] == ["hello"]
    finally:
        await db.close()


async def test_version_4_keeps_the_counts_of_a_version_3_file_not_its_texts(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v3.sqlite3"
    old = database_at_version(path, 3)
    try:
        old.execute("INSERT INTO users (user_id, created_at, updated_at) VALUES (7, 'x', 'x')")
        old.executemany(
            "INSERT INTO misses (day, kind, platform, text, count) VALUES (?, ?, ?, ?, ?)",
            [
                ("2025-03-01", "not_sure", "", "我叫王小明 电话一三八一二三四五六七八", 2),
                ("2025-03-01", "not_sure", "", "mail bob at example dot com", 5),
                ("2025-03-01", "uncovered", "jd", "京东客服 <n>", 4),
                ("2025-03-02", "not_sure", "", OVERFLOW_TEXT, 9),
            ],
        )
    finally:
        old.close()
    db = await Database.open(path)
    try:
        version = await db.fetchone("PRAGMA user_version")
        assert version is not None and version[0] == LATEST_VERSION
        assert (await db.fetchone("SELECT count(*) FROM users"))[0] == 1  # type: ignore[index]
        rows = await db.fetchall(
            "SELECT day, kind, platform, text, count FROM misses ORDER BY 1, 2"
        )
        assert [tuple(r) for r in rows] == [
            ("2025-03-01", "not_sure", "", EARLIER_TEXT, 7),
            ("2025-03-01", "uncovered", "jd", EARLIER_TEXT, 4),
            ("2025-03-02", "not_sure", "", EARLIER_TEXT, 9),
        ]
        store = MissStore(db, FixedClock(T0))
        summary = await store.summary(days=3650)
        assert (summary.total, summary.hidden, summary.by_platform) == (20, 20, {"jd": 4})
        assert await store.top(days=3650) == []  # counted, never listed
    finally:
        await db.close()


async def test_a_sender_counts_once_even_when_asking_at_the_same_moment(
    misses: MissStore,
) -> None:
    await asyncio.gather(*(misses.record("not_sure", "客服在哪", sender=9) for _ in range(10)))
    assert (await misses.summary()).total == 1


async def test_a_miss_the_database_refused_counts_when_asked_again(
    misses: MissStore, db: Database
) -> None:
    await db.execute("PRAGMA query_only = ON")  # writes refused, as on a read-only disk
    with pytest.raises(WriteFailed):
        await misses.record("not_sure", "客服在哪", sender=9)
    await db.execute("PRAGMA query_only = OFF")
    await misses.record("not_sure", "客服在哪", sender=9)
    assert (await misses.summary()).total == 1
