"""The one SQLite connection: safe opening, pragmas, migrations, transactions, backup."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any, NoReturn

import aiosqlite

from storage.errors import DatabaseError, WriteFailed
from storage.migrations import APPLICATION_ID, LATEST_VERSION, apply_migrations, read_version

__all__ = [
    "Database", "DatabaseError", "Executor", "Row", "WriteFailed", "require_row",
    "unwritable_file", "write_failure_reason",
]

logger = logging.getLogger(__name__)

Row = sqlite3.Row
# STRICT tables need 3.37 (RETURNING 3.35, generated columns 3.31)
MIN_SQLITE_VERSION = (3, 37, 0)
DEFAULT_BUSY_TIMEOUT_MS = 5000
# less free space than this beside the database: health reports the disk full before a
# write fails (a checkpoint alone may need a few MiB)
MIN_FREE_BYTES = 8 * 1024 * 1024

# SQLite's primary result codes that mean "this write cannot be stored" (WriteFailed)
_WRITE_FAILURES = {
    sqlite3.SQLITE_READONLY: "read-only",
    sqlite3.SQLITE_FULL: "disk full",
    sqlite3.SQLITE_IOERR: "I/O error",
    sqlite3.SQLITE_CANTOPEN: "cannot open",
}
# these fail only writes; an I/O error or CANTOPEN may also be a failed read
_ONLY_WRITES = frozenset({sqlite3.SQLITE_READONLY, sqlite3.SQLITE_FULL})
_WRITE_KEYWORDS = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE", "BEGIN", "COMMIT"})


def _keyword(sql: str) -> str:
    return sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""


def write_failure_reason(exc: BaseException, sql: str, in_transaction: bool) -> str | None:
    """Why `sql` could not be stored ("read-only", "disk full", "I/O error", "cannot
    open"), or None if `exc` is not a failed write (a constraint, a lock, a failed read)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if not isinstance(exc, sqlite3.Error) or not isinstance(code, int):
        return None
    primary = code & 0xFF
    reason = _WRITE_FAILURES.get(primary)
    if reason is None:
        return None
    if primary in _ONLY_WRITES or in_transaction or _keyword(sql) in _WRITE_KEYWORDS:
        return reason
    return None


class WriteLog:
    """Failed writes, by reason (for /metrics), and whether writes are failing now."""

    def __init__(self) -> None:
        self.failures: Counter[str] = Counter()
        # the last failure, until a write succeeds again
        self.failing: WriteFailed | None = None
        self.in_transaction = False
        # set while health finds a file of the database that cannot be written: writes
        # are refused here instead of reaching SQLite, which grows the log through a -shm
        # it cannot extend and dies of SIGBUS
        self.refused: str | None = None

    def refuse(self, sql: str) -> None:
        """Raise WriteFailed for a write while the files cannot take one."""
        if self.refused is not None and _keyword(sql) in _WRITE_KEYWORDS:
            self.failures["read-only"] += 1
            failure = WriteFailed("read-only", self.refused)
            self.failing = failure
            raise failure

    def failed(self, exc: sqlite3.Error, sql: str) -> WriteFailed | None:
        reason = write_failure_reason(exc, sql, self.in_transaction)
        if reason is None:
            return None
        self.failures[reason] += 1
        failure = WriteFailed(reason, " ".join(str(exc).split()))
        self.failing = failure
        return failure

    def succeeded(self, sql: str) -> None:
        keyword = _keyword(sql)
        if keyword == "COMMIT" or (not self.in_transaction and keyword in _WRITE_KEYWORDS):
            self.failing = None


class Executor:
    """Runs statements on the connection; `Database.transaction()` hands one out.

    A write the database cannot store raises WriteFailed (its SQLite error the cause).
    """

    def __init__(self, conn: aiosqlite.Connection, writes: WriteLog | None = None) -> None:
        self._conn = conn
        self._writes = writes or WriteLog()

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one statement; return how many rows it changed."""
        self._writes.refuse(sql)
        try:
            async with self._conn.execute(sql, params) as cursor:
                count = cursor.rowcount
        except sqlite3.Error as exc:
            self._raise(exc, sql)
        self._writes.succeeded(sql)
        return count

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        """Run one statement (SELECT or ... RETURNING) and read all its rows.

        The rows are read in the same call as the statement runs, so an UPDATE ...
        RETURNING has finished, and committed in autocommit mode, when this returns.
        """
        self._writes.refuse(sql)
        try:
            rows = list(await self._conn.execute_fetchall(sql, params))
        except sqlite3.Error as exc:
            self._raise(exc, sql)
        self._writes.succeeded(sql)
        return rows

    def _raise(self, exc: sqlite3.Error, sql: str) -> NoReturn:
        failure = self._writes.failed(exc, sql)
        if failure is None:
            raise exc
        raise failure from exc

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None


def require_row(row: Row | None, what: str) -> Row:
    """The row a statement must return (an upsert's RETURNING); a missing one is a bug."""
    if row is None:
        raise RuntimeError(f"{what} returned no row")
    return row


class Database:
    """Owns the bot's single aiosqlite connection; build it with `await Database.open(path)`.

    One connection is shared by every task, so an asyncio lock serialises its use: a
    single statement outside a transaction must not slip into another task's open
    transaction (it would commit or roll back with it).
    """

    def __init__(
        self,
        conn: aiosqlite.Connection,
        path: Path,
        busy_timeout_ms: int,
        identity: tuple[int, int] | None = None,
    ) -> None:
        self._conn = conn
        self._path = path
        self._busy_timeout_ms = busy_timeout_ms
        # (device, inode) of the file opened: health notices when `path` is another one
        self._identity = identity
        self._writes = WriteLog()
        self._file_reported = False
        self._executor = Executor(conn, self._writes)
        self._lock = asyncio.Lock()
        self._tx_task: asyncio.Task[Any] | None = None

    @classmethod
    async def open(
        cls, path: str | Path, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS
    ) -> Database:
        """Open (or create) the database file and bring its schema up to date.

        An existing file is only ever read until it has been recognised as ours; anything
        else (garbage, someone else's SQLite file, a newer schema) raises DatabaseError
        and the file is left exactly as it was.
        """
        path = Path(path)
        label = str(path)
        if sqlite3.sqlite_version_info < MIN_SQLITE_VERSION:
            needed = ".".join(map(str, MIN_SQLITE_VERSION))
            raise DatabaseError(
                f"{label}: SQLite {sqlite3.sqlite_version} is too old, kefu-bot needs {needed}"
            )
        await asyncio.to_thread(_prepare_location, path, label)
        try:
            # isolation_level=None: no implicit BEGIN, transactions are explicit below;
            # timeout is SQLite's busy_timeout: wait that long for another writer's lock
            conn = await aiosqlite.connect(
                path, isolation_level=None, timeout=busy_timeout_ms / 1000
            )
        except sqlite3.Error as exc:
            raise DatabaseError(f"{label} cannot be opened ({exc})") from exc
        try:
            conn.row_factory = sqlite3.Row
            await _prepare(conn, label)
        except sqlite3.Error as exc:
            await conn.close()
            if exc.sqlite_errorcode in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
                raise DatabaseError(f"{label} is not a kefu-bot database ({exc})") from exc
            raise DatabaseError(f"{label} cannot be used ({exc})") from exc
        except BaseException:
            await conn.close()
            raise
        identity = await asyncio.to_thread(_identity, path)
        return cls(conn, path, busy_timeout_ms, identity)

    @property
    def path(self) -> Path:
        return self._path

    @property
    def write_failures(self) -> Counter[str]:
        """Writes that raised WriteFailed since the database was opened, by reason."""
        return self._writes.failures

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one statement in its own transaction; return how many rows it changed."""
        self._refuse_inside_transaction()
        async with self._lock:
            return await self._executor.execute(sql, params)

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        self._refuse_inside_transaction()
        async with self._lock:
            return await self._executor.fetchall(sql, params)

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        self._refuse_inside_transaction()
        async with self._lock:
            return await self._executor.fetchone(sql, params)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Executor]:
        """Run several statements as one: all of them commit, or none (on any exception).

        BEGIN IMMEDIATE takes the write lock up front, so a read-then-write inside the
        block cannot fail half-way with SQLITE_BUSY; waiting for another process's lock
        is bounded by busy_timeout.
        """
        self._refuse_inside_transaction()
        async with self._lock:
            self._tx_task = asyncio.current_task()
            self._writes.in_transaction = True
            try:
                # a BEGIN whose await is cancelled still runs on aiosqlite's thread, so
                # it needs the same ROLLBACK as a failed body (queued after it, in order)
                await self._executor.execute("BEGIN IMMEDIATE")
                yield self._executor
                await self._executor.execute("COMMIT")
            except BaseException:
                await self._rollback()
                raise
            finally:
                self._writes.in_transaction = False
                self._tx_task = None

    async def purge(self) -> bool:
        """Copy the write-ahead log into the file and empty it, so what was just deleted
        (zeroed in the pages by secure_delete) leaves no old copy in the -wal either.

        False (and a log line) if another process's reader held part of the log back;
        the next checkpoint takes the rest.
        """
        self._refuse_inside_transaction()
        async with self._lock:
            row = await self._executor.fetchone("PRAGMA wal_checkpoint(TRUNCATE)")
        complete = row is not None and int(row[0]) == 0
        if not complete:
            logger.warning("checkpoint after a deletion incomplete: a reader holds the log")
        return complete

    async def backup(self, target: str | Path) -> None:
        """Write a consistent copy of everything committed to `target`, a single file.

        Uses SQLite's online backup API through a second, short-lived connection: in WAL
        mode that reader sees the last commit and runs beside the bot's writes instead of
        holding them up. The copy is built next to `target` and renamed over it, so a
        failed backup never destroys the previous good one.
        """
        await asyncio.to_thread(_copy_database, self._path, Path(target), self._busy_timeout_ms)

    async def check(self) -> None:
        """Read the schema through the shared connection (health checks); sqlite3.Error if not."""
        await self.fetchone("SELECT count(*) FROM sqlite_schema")

    async def health(self) -> str:
        """"ok", or one line saying why the database cannot keep what the bot writes.

        Cheap enough for every health check: two stat calls, then BEGIN IMMEDIATE, a
        write and ROLLBACK (nothing reaches the disk). While writes are failing (the last
        one raised WriteFailed) the probe's write is committed instead — a no-op change
        that proves, or not, that the disk takes writes again. The problem starts with
        "deleted:", "replaced:" or "not writable:".
        """
        problem = await asyncio.to_thread(self._file_problem)
        unwritable = None if problem else await asyncio.to_thread(unwritable_file, self._path)
        if unwritable != self._writes.refused:
            if unwritable is not None:  # once: health checks come every few seconds
                logger.error("database file cannot be written", extra={"problem": unwritable})
            else:
                logger.warning("database files writable again")
            self._writes.refused = unwritable
        if unwritable is not None:
            problem = f"not writable: {unwritable}"
        if problem is not None:
            if problem.startswith(("deleted:", "replaced:")) and not self._file_reported:
                self._file_reported = True  # once: health checks come every few seconds
                logger.critical("database file gone while open", extra={"problem": problem})
            return problem
        self._refuse_inside_transaction()
        async with self._lock:
            try:
                async with self._conn.execute("PRAGMA user_version") as cursor:
                    row = await cursor.fetchone()
                version = int(row[0]) if row is not None else 0
                try:
                    await self._conn.execute("BEGIN IMMEDIATE")
                    # PRAGMA takes no bound parameters; the value is the file's own int
                    await self._conn.execute(f"PRAGMA user_version = {version:d}")
                    if self._writes.failing is not None:
                        await self._conn.execute("COMMIT")
                        self._writes.failing = None
                finally:
                    await self._rollback()
            except sqlite3.Error as exc:
                reason = write_failure_reason(exc, "BEGIN", True)
                if reason is None:
                    raise
                return f"not writable: {reason} ({' '.join(str(exc).split())})"
        failing = self._writes.failing
        if failing is not None:
            return f"not writable: {failing.reason} ({failing.detail})"
        return "ok"

    def _file_problem(self) -> str | None:
        """Is `path` still the file the connection has open, on a disk with room left?"""
        try:
            stat = os.stat(self._path)
        except FileNotFoundError:
            return (
                f"deleted: {self._path} no longer exists; what the bot saves now goes into "
                "the deleted file and is lost at the next start"
            )
        except OSError as exc:
            return f"not writable: cannot stat {self._path} ({exc.strerror or exc})"
        if self._identity is not None and (stat.st_dev, stat.st_ino) != self._identity:
            return (
                f"replaced: {self._path} is no longer the file the bot has open; what it "
                "saves now is lost at the next start"
            )
        free = free_bytes(self._path.parent)
        if free is not None and free < MIN_FREE_BYTES:
            return f"not writable: disk full ({free // 1024} KiB free beside {self._path.name})"
        return None

    async def close(self) -> None:
        """Close the connection once running work is done; safe to call twice."""
        self._refuse_inside_transaction()
        async with self._lock:
            await self._conn.close()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def _refuse_inside_transaction(self) -> None:
        # the lock is not re-entrant: waiting for it from inside our own transaction
        # would hang forever, so say what went wrong instead
        if self._tx_task is not None and self._tx_task is asyncio.current_task():
            raise RuntimeError(
                "inside Database.transaction() run statements on the executor it yields"
            )

    async def _rollback(self) -> None:
        # SQLite may already have rolled back (some errors do); nothing is left to undo.
        # On the connection itself: a failed ROLLBACK is not one more failed write
        with contextlib.suppress(sqlite3.OperationalError):
            async with self._conn.execute("ROLLBACK"):
                pass


async def _prepare(conn: aiosqlite.Connection, label: str) -> None:
    """Pragmas and migrations, in an order that writes nothing before the file is known."""
    await _check_is_ours(conn, label)
    async with conn.execute("PRAGMA journal_mode = WAL") as cursor:
        row = await cursor.fetchone()
    mode = str(row[0]).lower() if row is not None else "?"
    if mode != "wal":
        raise DatabaseError(f"{label} cannot use WAL mode (journal_mode stays {mode!r})")
    await conn.execute("PRAGMA foreign_keys = ON")
    await conn.execute("PRAGMA synchronous = NORMAL")
    # what is deleted is overwritten with zeros, not only unlinked (/forget, the sweep)
    await conn.execute("PRAGMA secure_delete = ON")
    await apply_migrations(conn, label)


async def _check_is_ours(conn: aiosqlite.Connection, label: str) -> None:
    """Refuse foreign or newer files before anything (even WAL mode) is written to them."""
    # the first read of the header: garbage raises SQLITE_NOTADB here
    async with conn.execute("PRAGMA application_id") as cursor:
        row = await cursor.fetchone()
    application_id = int(row[0]) if row is not None else 0
    version = await read_version(conn)
    if application_id not in (0, APPLICATION_ID):
        raise DatabaseError(
            f"{label} is not a kefu-bot database (application_id {application_id:#x})"
        )
    if application_id == 0:
        async with conn.execute("SELECT count(*) FROM sqlite_schema") as cursor:
            row = await cursor.fetchone()
        if version != 0 or (row is not None and int(row[0]) > 0):
            raise DatabaseError(
                f"{label} is not a kefu-bot database (it holds other data and no kefu-bot mark)"
            )
    if version > LATEST_VERSION:
        raise DatabaseError(
            f"{label} has schema version {version}, newer than this kefu-bot knows "
            f"({LATEST_VERSION}); run a newer kefu-bot or restore a backup"
        )


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def free_bytes(directory: Path) -> int | None:
    """Bytes an unprivileged process may still write in `directory` (None: not known)."""
    statvfs = getattr(os, "statvfs", None)
    if statvfs is None:  # Windows
        return None
    try:
        result = statvfs(directory)
    except OSError:
        return None
    return int(result.f_bavail * result.f_frsize)


def _prepare_location(path: Path, label: str) -> None:
    """Make sure `path` can be a database file: nothing else in its place, its folder made,
    and the file, its -wal and -shm writable (SQLite would run read-only, or die of SIGBUS
    on a -shm it cannot extend)."""
    if path.exists() and not path.is_file():
        raise DatabaseError(f"{label} is not a regular file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            f"{label}: cannot create its directory ({exc.strerror or exc})"
        ) from exc
    problem = unwritable_file(path)
    if problem is None and not os.access(path.parent, os.W_OK | os.X_OK):
        problem = f"{path.parent} cannot be written (the -wal and -shm files are made there)"
    if problem is not None:
        raise DatabaseError(
            f"{label}: {problem}; the bot writes the database and its -wal and -shm files "
            "beside it (check their owner, mode and attributes: chmod, chown, chattr -i)"
        )


def _log_files(path: Path) -> tuple[Path, Path, Path]:
    return path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def unwritable_file(path: Path) -> str | None:
    """One line on the first of the database, its -wal and -shm that exists and cannot be
    opened for writing (read-only, immutable, not a file); None if none.

    An actual open, not os.access: root passes every access check, an immutable file or
    a directory still refuses it.
    """
    for candidate in _log_files(path):
        try:
            fd = os.open(candidate, os.O_RDWR)
        except FileNotFoundError:
            continue  # made when needed
        except OSError as exc:
            return f"{candidate.name} cannot be written ({exc.strerror or exc})"
        os.close(fd)
    return None


def _copy_database(source: Path, target: Path, busy_timeout_ms: int) -> None:
    if target.resolve() == source.resolve():
        raise ValueError(f"backup target {target} is the database itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    try:
        src = sqlite3.connect(source, timeout=busy_timeout_ms / 1000)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
                # a backup must be one self-contained file, not a database plus its -wal
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
