"""Votes and reply times: one vote per message, folded floods, medians, the 90-day sweep,
and the migration that adds the tables to a database holding data."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from storage import CaseStore, Database, UserStore
from storage.feedback import (
    KEY_BYTES,
    MAX_VOTES_PER_DAY,
    AnswerKey,
    FeedbackStore,
    VoteKind,
    VoteOutcome,
)
from storage.timestamps import to_db
from tests.storage.conftest import T0, FixedClock, database_at_version

DAY = timedelta(days=1)
PHONE = AnswerKey("amazon", "buyer", "general", "jp", "phone")
HOURS = AnswerKey("amazon", "seller", "general", "", "hours")


def key(chat: int, message: int) -> bytes:
    return chat.to_bytes(8, "big") + message.to_bytes(8, "big")


@pytest.fixture
def store(db: Database, clock: FixedClock) -> FeedbackStore:
    return FeedbackStore(db, clock)


async def test_a_message_counts_once_and_a_second_vote_replaces_the_first(
    store: FeedbackStore,
) -> None:
    assert await store.vote(key(1, 10), PHONE, VoteKind.DOWN) is VoteOutcome.NEW
    for _ in range(100):
        assert await store.vote(key(1, 10), PHONE, VoteKind.DOWN) is VoteOutcome.SAME
    assert await store.vote(key(1, 10), PHONE, VoteKind.BROKEN) is VoteOutcome.CHANGED
    # a forged button naming another answer on the same message moves nothing
    assert await store.vote(key(1, 10), HOURS, VoteKind.UP) is VoteOutcome.CHANGED
    assert await store.vote(key(1, 11), PHONE, VoteKind.BROKEN) is VoteOutcome.NEW
    votes = await store.votes()
    assert [(v.answer, v.vote, v.count) for v in votes] == [
        (PHONE, VoteKind.BROKEN, 1), (PHONE, VoteKind.UP, 1)]


async def test_a_flood_folds_into_one_count_per_vote_and_moves_no_answer(
    store: FeedbackStore, db: Database
) -> None:
    day = T0.date().isoformat()
    # fill the day up to the cap directly: the cap, not the loop, is what is tested
    await db.execute(
        """
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
        INSERT INTO feedback_votes (day, message_key, platform, role, issue, vote)
        SELECT ?, randomblob(16), 'amazon', 'buyer', 'general', 'up' FROM n
        """,
        (MAX_VOTES_PER_DAY, day),
    )
    for i in range(30):
        assert await store.vote(key(2, i), PHONE, VoteKind.WRONG) is VoteOutcome.OVERFLOW
    rows = await db.fetchall("SELECT count(*) AS n FROM feedback_votes")
    assert rows[0]["n"] == MAX_VOTES_PER_DAY + 1
    votes = {(v.answer, v.vote): v.count for v in await store.votes()}
    assert votes[(None, VoteKind.WRONG)] == 30
    assert (PHONE, VoteKind.WRONG) not in votes


async def test_keys_are_cleared_after_two_days_and_votes_deleted_after_90(
    store: FeedbackStore, db: Database, clock: FixedClock
) -> None:
    await store.vote(key(3, 1), PHONE, VoteKind.UP)
    clock.advance(3 * DAY)
    assert await store.sweep() == 0
    row = await db.fetchone("SELECT message_key FROM feedback_votes")
    assert row is not None and row["message_key"] is None
    assert len(await store.votes()) == 1
    clock.advance(88 * DAY)
    assert await store.sweep() == 1
    assert await store.votes() == []


async def test_forget_clears_one_chats_keys_only(store: FeedbackStore, db: Database) -> None:
    await store.vote(key(4, 1), PHONE, VoteKind.UP)
    await store.vote(key(5, 1), PHONE, VoteKind.UP)
    assert await store.forget_chat((4).to_bytes(8, "big")) == 1
    rows = await db.fetchall("SELECT message_key FROM feedback_votes ORDER BY id")
    assert [r["message_key"] for r in rows] == [None, key(5, 1)]
    with pytest.raises(ValueError):
        await store.vote(b"short", PHONE, VoteKind.UP)
    assert len(key(1, 1)) == KEY_BYTES


async def test_reply_time_median_counts_each_report_and_forgets_after_90_days(
    store: FeedbackStore, clock: FixedClock
) -> None:
    for hours in (10, 31, 31, 40, 90):
        assert await store.record_reply_time("amazon", "seller", "seller_case", "us", hours)
    await store.record_reply_time("amazon", "seller", "seller_case", "jp", 2)
    us = await store.reply_time("amazon", "seller", "seller_case", "us")
    assert us is not None and (us.median_hours, us.count) == (31, 5)
    every = await store.reply_time("amazon", "seller", "seller_case", None)
    assert every is not None and (every.median_hours, every.count) == (31, 6)
    assert await store.reply_time("amazon", "buyer", "seller_case", "us") is None
    stats = await store.reply_times()
    assert [(s.site, s.median_hours, s.count) for s in stats] == [("us", 31, 5), ("jp", 2, 1)]
    # an even count: the middle two, rounded half up
    await store.record_reply_time("amazon", "seller", "seller_case", "jp", 5)
    jp = await store.reply_time("amazon", "seller", "seller_case", "jp")
    assert jp is not None and jp.median_hours == 4
    clock.advance(89 * DAY)
    assert (await store.reply_time("amazon", "seller", "seller_case", "us")) is not None
    clock.advance(DAY)
    assert await store.reply_time("amazon", "seller", "seller_case", "us") is None
    assert await store.sweep() == 6  # rows: us 10, 31 (twice counted), 40, 90; jp 2, 5
    assert await store.reply_times() == []


async def test_reply_times_refuse_what_could_identify_or_is_not_a_wait(
    store: FeedbackStore,
) -> None:
    with pytest.raises(ValueError):
        await store.record_reply_time("amazon", "seller", "seller_case", "us", -1)
    with pytest.raises(ValueError):
        await store.record_reply_time("", "seller", "seller_case", None, 1)
    assert await store.record_reply_time("amazon", "seller", "seller_case", None, 10**6)
    stat = await store.reply_time("amazon", "seller", "seller_case", None)
    assert stat is not None and stat.median_hours == 8784


async def test_sharing_is_the_users_and_goes_with_them(
    store: FeedbackStore, users: UserStore
) -> None:
    await users.ensure(7)
    assert await store.sharing(7) is None
    assert await store.set_sharing(7, True) is None
    assert await store.set_sharing(7, False) is True
    assert await store.sharing(7) is False
    await users.forget(7)
    assert await store.sharing(7) is None


async def test_version_5_adds_the_tables_and_keeps_version_4_data(tmp_path: Path) -> None:
    path = tmp_path / "v4.sqlite3"
    old = database_at_version(path, 4)
    try:
        old.execute(
            "INSERT INTO users (user_id, lang, created_at, updated_at) VALUES (7, 'zh', ?, ?)",
            (to_db(T0), to_db(T0)),
        )
        old.execute(
            """
            INSERT INTO cases (owner_id, platform, role, channel, external_id, opened_at,
                               site, created_at, updated_at)
            VALUES (7, 'amazon', 'seller', 'seller_case', '111', ?, 'us', ?, ?)
            """,
            (to_db(T0), to_db(T0), to_db(T0)),
        )
        old.execute("INSERT INTO misses (day, kind, text) VALUES ('2025-03-01', 'not_sure', 'x')")
    finally:
        old.close()
    db = await Database.open(path)
    try:
        clock = FixedClock(T0)
        [case] = await CaseStore(db, clock).list_for_owner(7)
        assert (case.external_id, case.site) == ("111", "us")
        misses = await db.fetchall("SELECT text FROM misses")
        assert [m["text"] for m in misses] == ["x"]
        store = FeedbackStore(db, clock)
        await store.set_sharing(7, True)
        assert await store.vote(key(7, 1), PHONE, VoteKind.UP) is VoteOutcome.NEW
    finally:
        await db.close()
