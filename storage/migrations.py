"""The schema as an ordered list of migrations; the applied count is PRAGMA user_version."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import aiosqlite

from storage.errors import DatabaseError

# Marks a file as ours (PRAGMA application_id, bytes 68-71 of the header: "kefu"), so
# pointing BOT_DB at some other SQLite file is refused instead of migrated into.
APPLICATION_ID = 0x6B656675

# Migration N (1-based) turns a version N-1 database into version N. Append only: never
# edit a migration that has shipped, a database out there already ran it.
MIGRATIONS: tuple[str, ...] = (
    # 1: users, cases, group chats.
    f"""
    PRAGMA application_id = {APPLICATION_ID};

    CREATE TABLE users (
        user_id      INTEGER PRIMARY KEY,
        lang         TEXT,
        timezone     TEXT,
        quiet_start  TEXT,
        quiet_end    TEXT,
        active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        last_seen_at TEXT,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        CHECK ((quiet_start IS NULL) = (quiet_end IS NULL))
    ) STRICT;

    CREATE INDEX users_seen ON users (last_seen_at) WHERE active = 1;

    CREATE TABLE cases (
        id               INTEGER PRIMARY KEY,
        owner_id         INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
        platform         TEXT NOT NULL,
        role             TEXT NOT NULL,
        channel          TEXT NOT NULL,
        issue            TEXT,
        external_id      TEXT NOT NULL CHECK (length(external_id) BETWEEN 1 AND 64),
        note             TEXT CHECK (length(note) <= 500),
        opened_at        TEXT NOT NULL,
        due_at           TEXT,
        status           TEXT NOT NULL DEFAULT 'open'
                         CHECK (status IN ('open', 'answered', 'closed')),
        snoozed_until    TEXT,
        remind_at        TEXT,
        reminders_sent   INTEGER NOT NULL DEFAULT 0 CHECK (reminders_sent >= 0),
        last_reminded_at TEXT,
        claimed_until    TEXT,
        -- a copy of users.active kept by the trigger below, so wake_at can be indexed
        owner_active     INTEGER NOT NULL DEFAULT 1 CHECK (owner_active IN (0, 1)),
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL,
        -- when the scheduler must next look at the case (NULL: never). A claimed case
        -- wakes when its claim runs out, so a crash while sending delays, never loses.
        wake_at          TEXT GENERATED ALWAYS AS (
            CASE WHEN status = 'open' AND owner_active = 1 AND remind_at IS NOT NULL
                 THEN max(remind_at, coalesce(claimed_until, remind_at)) END
        ) VIRTUAL
    ) STRICT;

    -- one live case per platform case id and owner; closed ones may repeat
    CREATE UNIQUE INDEX cases_live_external
        ON cases (owner_id, platform, external_id) WHERE status <> 'closed';
    CREATE INDEX cases_owner ON cases (owner_id, status);
    -- only schedulable cases: next_due_at and claim_due read the head of this index
    CREATE INDEX cases_wake ON cases (wake_at) WHERE wake_at IS NOT NULL;
    CREATE INDEX cases_status_due ON cases (status, due_at);

    CREATE TRIGGER users_active_to_cases AFTER UPDATE OF active ON users
    WHEN OLD.active IS NOT NEW.active
    BEGIN
        UPDATE cases SET owner_active = NEW.active WHERE owner_id = NEW.user_id;
    END;

    CREATE TABLE group_chats (
        chat_id           INTEGER PRIMARY KEY,
        lang              TEXT,
        reply_to_mentions INTEGER NOT NULL DEFAULT 1 CHECK (reply_to_mentions IN (0, 1)),
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL
    ) STRICT;
    """,
    # 2: a case remembers its site (a site may have its own response window); cases from
    # before, and cases on platforms without sites, have none.
    """
    ALTER TABLE cases ADD COLUMN site TEXT CHECK (length(site) BETWEEN 1 AND 64);
    """,
    # 3: questions the bot could not answer confidently, or about platforms it does not
    # cover, counted per day for the operators (storage/misses.py). Anonymous by design:
    # no user or chat id, only the day, and the text redacted before it is stored. The
    # key starts with the day, so the 30-day window and the sweep read a range of it.
    """
    CREATE TABLE misses (
        day      TEXT NOT NULL CHECK (length(day) = 10),
        kind     TEXT NOT NULL CHECK (kind IN ('not_sure', 'uncovered')),
        -- the uncovered platform's id; '' for not_sure (NULLs would defeat the key)
        platform TEXT NOT NULL DEFAULT '' CHECK (length(platform) <= 64),
        text     TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 200),
        count    INTEGER NOT NULL DEFAULT 1 CHECK (count >= 1),
        PRIMARY KEY (day, kind, platform, text),
        CHECK ((kind = 'uncovered') = (platform <> ''))
    ) STRICT, WITHOUT ROWID;
    """,
    # 4: a miss keeps only allow-listed words and its count is of different senders
    # (storage/misses.py). Texts stored before were redacted by a deny-list that let
    # personal data through, so they are not kept: their counts are, one row per day,
    # kind and platform under a marker text (EARLIER_TEXT there).
    """
    INSERT INTO misses (day, kind, platform, text, count)
    SELECT day, kind, platform, '(questions from before the anonymous form)', sum(count)
    FROM misses GROUP BY day, kind, platform;

    DELETE FROM misses WHERE text <> '(questions from before the anonymous form)';
    """,
    # 5: what users report (storage/feedback.py). Votes under answers name the answer
    # (platform, role, issue, site, aspect) and the vote, never a user, chat or question;
    # while an answer's buttons can still be pressed a vote keeps a keyed hash of its
    # message (so a second tap changes it), then the sweep clears the hash. Reply times
    # of tracked cases are counts per day and whole hour, no case, user or chat. Whether
    # a user shares reply times is theirs, and goes with their row (/forget).
    """
    CREATE TABLE feedback_votes (
        id          INTEGER PRIMARY KEY,
        day         TEXT NOT NULL CHECK (length(day) = 10),
        message_key BLOB CHECK (message_key IS NULL OR length(message_key) = 16),
        -- '' everywhere: the day's votes past the cap, folded into one count per vote
        platform    TEXT NOT NULL CHECK (length(platform) <= 64),
        role        TEXT NOT NULL CHECK (length(role) <= 64),
        issue       TEXT NOT NULL CHECK (length(issue) <= 64),
        site        TEXT NOT NULL DEFAULT '' CHECK (length(site) <= 64),
        aspect      TEXT NOT NULL DEFAULT '' CHECK (length(aspect) <= 64),
        vote        TEXT NOT NULL CHECK (vote IN
                        ('up', 'down', 'wrong', 'off_topic', 'broken', 'other')),
        count       INTEGER NOT NULL DEFAULT 1 CHECK (count >= 1),
        CHECK (platform <> '' OR (message_key IS NULL AND role = '' AND issue = ''))
    ) STRICT;
    CREATE UNIQUE INDEX feedback_votes_message ON feedback_votes (message_key)
        WHERE message_key IS NOT NULL;
    CREATE UNIQUE INDEX feedback_votes_overflow ON feedback_votes (day, vote)
        WHERE platform = '';
    CREATE INDEX feedback_votes_day ON feedback_votes (day);

    CREATE TABLE reply_times (
        day      TEXT NOT NULL CHECK (length(day) = 10),
        platform TEXT NOT NULL CHECK (length(platform) BETWEEN 1 AND 64),
        role     TEXT NOT NULL CHECK (length(role) BETWEEN 1 AND 64),
        channel  TEXT NOT NULL CHECK (length(channel) BETWEEN 1 AND 64),
        site     TEXT NOT NULL DEFAULT '' CHECK (length(site) <= 64),
        hours    INTEGER NOT NULL CHECK (hours BETWEEN 0 AND 8784),
        count    INTEGER NOT NULL DEFAULT 1 CHECK (count >= 1),
        PRIMARY KEY (day, platform, role, channel, site, hours)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX reply_times_channel ON reply_times (platform, channel, day);

    CREATE TABLE reply_time_sharing (
        user_id    INTEGER PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
        share      INTEGER NOT NULL CHECK (share IN (0, 1)),
        decided_at TEXT NOT NULL
    ) STRICT;
    """,
)

LATEST_VERSION = len(MIGRATIONS)


def split_statements(script: str) -> list[str]:
    """The statements of a script, split where SQLite itself sees a statement end.

    Needed because `executescript` commits any open transaction first, which would
    break "each migration in its own transaction"; `complete_statement` knows that a
    trigger body's inner semicolons do not end the CREATE TRIGGER.
    """
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip() and not _only_comments(pending):
        raise ValueError(f"unterminated SQL statement in migration: {pending.strip()[:80]!r}")
    return statements


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in text.splitlines())


async def read_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row is not None else 0


async def apply_migrations(
    conn: aiosqlite.Connection, label: str, migrations: Sequence[str] = MIGRATIONS
) -> int:
    """Bring the database up to `len(migrations)`; return the version it ended at.

    Each migration runs in its own BEGIN IMMEDIATE transaction together with the bump of
    user_version, and the version is re-read inside that transaction, so a failure leaves
    the previous version intact and two processes starting at once apply each step once.
    `conn` must be in autocommit mode (isolation_level=None).
    """
    known = len(migrations)
    version = await read_version(conn)
    if version > known:
        raise DatabaseError(_too_new(label, version, known))
    while version < known:
        await conn.execute("BEGIN IMMEDIATE")
        try:
            version = await read_version(conn)
            if version > known:
                raise DatabaseError(_too_new(label, version, known))
            if version < known:
                for statement in split_statements(migrations[version]):
                    await conn.execute(statement)
                version += 1
                # PRAGMA takes no bound parameters; the value is our own int
                await conn.execute(f"PRAGMA user_version = {version:d}")
            await conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # some errors have already rolled back
                await conn.execute("ROLLBACK")
            raise
    return version


def _too_new(label: str, version: int, known: int) -> str:
    return (
        f"{label} has schema version {version}, newer than this kefu-bot knows "
        f"({known}); run a newer kefu-bot or restore a backup"
    )
