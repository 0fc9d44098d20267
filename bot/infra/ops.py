"""Operator commands on the database — backup, restore — and the lock a running bot holds.

No Telegram here: `python -m bot backup|restore|health` start fast and need no token.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import sys
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TextIO

from bot.core.config import ConfigError, Settings, load_settings
from storage.db import Database, DatabaseError
from storage.migrations import APPLICATION_ID, LATEST_VERSION

EXIT_OK = 0
EXIT_FAILED = 1
HEALTH_TIMEOUT = 5.0

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; the bot runs there without one
    fcntl = None  # type: ignore[assignment]


class DatabaseInUseError(Exception):
    """Another process (a running bot, a restore) holds the database's lock."""


class BackupRefusedError(DatabaseError):
    """`backup` would write over a file it must not (the live database's, or not a backup)."""


def real_path(db: Path) -> Path:
    """The database's own path, symlinks resolved: one database has one lock file."""
    return db.resolve()


def lock_path(db: Path) -> Path:
    real = real_path(db)
    return real.with_name(real.name + ".lock")


def companions(db: Path) -> list[Path]:
    """The live database's files, which `backup` never writes over (real paths)."""
    real = real_path(db)
    return [real, *(real.with_name(real.name + suffix) for suffix in ("-wal", "-shm", ".lock"))]


class DatabaseLock:
    """An exclusive `flock` on `<db>.lock`, held by a running bot for its whole life.

    The kernel drops it when the process ends, however it ends, so a crash never leaves
    a stale lock. `restore` takes the same lock: it cannot run under a bot, and a bot
    cannot start in the middle of a restore. The lock file sits beside the database's
    real path (symlinks resolved), so every path to one database meets the same lock;
    `backup` refuses to write over it.
    """

    def __init__(self, db: Path) -> None:
        self.path = lock_path(db)
        self._file: TextIO | None = None

    def acquire(self) -> DatabaseLock:
        """Take the lock or raise DatabaseInUseError (never waits)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        if fcntl is not None:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                handle.close()
                raise DatabaseInUseError(
                    f"{self.path.with_suffix('')} is in use by {holder} (it holds {self.path})"
                ) from exc
        # who holds it, for the message above; informative only, the flock is the lock
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        self._file = handle
        return self

    def release(self) -> None:
        handle, self._file = self._file, None
        if handle is None:
            return
        handle.seek(0)
        handle.truncate()
        handle.close()  # closing drops the flock

    def __enter__(self) -> DatabaseLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


# --- backup -------------------------------------------------------------------------------


def backup_target(path: Path, now: datetime) -> Path:
    """A directory gets a time-stamped file name; anything else is the file itself."""
    if path.is_dir():
        return path / f"kefu-{now.strftime('%Y%m%d-%H%M%S')}.sqlite3"
    return path


SQLITE_MAGIC = b"SQLite format 3\x00"


def is_kefu_backup(path: Path) -> bool:
    """A file `backup` wrote: SQLite, kefu-bot's mark, one self-contained file (not WAL)."""
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError:
        return False
    return (
        len(header) == 100
        and header.startswith(SQLITE_MAGIC)
        and int.from_bytes(header[68:72], "big") == APPLICATION_ID
        # file format versions 18-19: 1 (rollback journal), 2 (WAL: a live database)
        and header[18:20] == b"\x01\x01"
    )


def check_backup_target(db: Path, target: Path) -> None:
    """Refuse (DatabaseError) to write over the live database, its -wal, -shm and lock
    files (by any path: symlink or hard link), or an existing file that is not a backup."""
    real = target.resolve()
    for protected in companions(db):
        same = real == protected
        if not same and target.exists() and protected.exists():
            same = os.path.samefile(target, protected)
        if same:
            raise BackupRefusedError(
                f"{target} is the live database's own file ({protected.name}); "
                "choose another file or a directory"
            )
    if target.exists() and not target.is_dir() and not is_kefu_backup(target):
        raise BackupRefusedError(
            f"{target} exists and is not a kefu-bot backup; remove it or choose another file"
        )


def backup(db: Path, target: Path) -> Path:
    """A consistent copy of `db` at `target` (SQLite's online backup, safe beside a bot).

    Writes only a new file or over an earlier backup (check_backup_target).
    """
    if not db.is_file():
        raise DatabaseError(f"{db} does not exist: nothing to back up (is BOT_DB right?)")
    target = backup_target(target, datetime.now(UTC))
    check_backup_target(db, target)
    asyncio.run(_backup(db, target))
    return target


async def _backup(db: Path, target: Path) -> None:
    database = await Database.open(db)
    try:
        await database.backup(target)
    finally:
        await database.close()


def run_backup(path: str, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        settings = load_settings()
        if path.endswith(("/", os.sep)):  # "backups/": a directory, made if need be
            Path(path).mkdir(parents=True, exist_ok=True)
        target = backup(settings.db, Path(path))
    except ConfigError as exc:
        print(exc, file=err)
        return ConfigError.EXIT_CODE
    except BackupRefusedError as exc:
        print(f"backup refused, nothing written: {exc}", file=err)
        return EXIT_FAILED
    except (DatabaseError, OSError, ValueError, sqlite3.Error) as exc:
        print(f"backup failed: {exc}", file=err)
        return EXIT_FAILED
    size = target.stat().st_size
    print(f"backup written: {target} ({size // 1024} KiB)", file=out)
    return EXIT_OK


# --- restore ------------------------------------------------------------------------------


def _check_restorable(candidate: Path, label: str) -> None:
    """Refuse (DatabaseError, one line) a copy without kefu-bot's mark, one that fails
    SQLite's integrity check, or one whose schema is newer than this code."""
    try:
        connection = sqlite3.connect(f"file:{candidate}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DatabaseError(f"{label} cannot be opened ({exc})") from exc
    try:
        application_id = int(connection.execute("PRAGMA application_id").fetchone()[0])
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        if application_id != APPLICATION_ID or version == 0:
            raise DatabaseError(
                f"{label} is not a kefu-bot backup (no kefu-bot mark: application_id "
                f"{application_id:#x}, schema version {version})"
            )
        if version > LATEST_VERSION:
            raise DatabaseError(
                f"{label} has schema version {version}, newer than this kefu-bot knows "
                f"({LATEST_VERSION}); restore it with a newer kefu-bot"
            )
        problems = [str(row[0]) for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(
            f"{label} is damaged: it fails SQLite's integrity check ({exc})"
        ) from exc
    finally:
        connection.close()
    if problems != ["ok"]:
        more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
        first = " ".join(problems[0].split())[:200]
        raise DatabaseError(
            f"{label} is damaged: it fails SQLite's integrity check ({first}{more})"
        )


async def _validate(candidate: Path, label: str) -> None:
    """Open a copy as the bot would (ours? schema not too new? migrate it); DatabaseError."""
    try:
        database = await Database.open(candidate)
    except DatabaseError as exc:
        raise DatabaseError(str(exc).replace(str(candidate), label)) from exc
    await database.close()


def _set_aside(db: Path, stamp: str) -> Path | None:
    """Move the current database (and its -wal/-shm) out of the way; where it went."""
    if not db.exists():
        return None
    # a clean close by the last connection folds the WAL into the file and removes it
    try:
        connection = sqlite3.connect(db)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
    except sqlite3.Error:
        pass  # a broken file (often why one restores) is moved aside as it is
    aside = db.with_name(f"{db.name}.replaced-{stamp}")
    # the WAL first: a crash after it leaves the old file valid as of its last checkpoint
    for suffix in ("-wal", "-shm"):
        extra = db.with_name(db.name + suffix)
        if extra.exists():
            os.replace(extra, aside.with_name(aside.name + suffix))
    os.replace(db, aside)
    return aside


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def restore(db: Path, source: Path) -> Path | None:
    """Replace `db` with the backup `source`; the old database is kept beside it.

    Refuses (DatabaseInUseError) while a bot holds the lock, and (DatabaseError) a file
    without kefu-bot's mark (PRAGMA application_id), one that fails PRAGMA
    integrity_check, or one with a newer schema. The backup is copied next to `db`,
    checked and migrated there, and only then renamed into place: `db` is never
    half-written.
    Returns where the previous database was moved, or None if there was none.
    """
    if not source.is_file():
        raise DatabaseError(f"{source} does not exist or is not a file")
    db = real_path(db)  # BOT_DB may be a symlink: the file it names is replaced
    if db.exists() and (source.resolve() == db or os.path.samefile(source, db)):
        raise DatabaseError(f"{source} is the database itself")
    with DatabaseLock(db):
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        db.parent.mkdir(parents=True, exist_ok=True)
        candidate = db.with_name(f".{db.name}.restore-{os.getpid()}")
        for leftover in _with_sidecars(candidate):
            leftover.unlink(missing_ok=True)
        try:
            # the online backup API, not a file copy: a backup's own -wal is read too
            _copy(source, candidate)
            _check_restorable(candidate, str(source))
            asyncio.run(_validate(candidate, str(source)))
            aside = _set_aside(db, stamp)
            os.replace(candidate, db)
            _fsync_dir(db.parent)
        finally:
            for leftover in _with_sidecars(candidate):
                leftover.unlink(missing_ok=True)
    return aside


def _with_sidecars(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def _copy(source: Path, target: Path) -> None:
    try:
        src = sqlite3.connect(source)
    except sqlite3.Error as exc:
        raise DatabaseError(f"{source} cannot be opened ({exc})") from exc
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{source} is not a kefu-bot database ({exc})") from exc
    finally:
        src.close()


def run_restore(path: str, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        settings = load_settings()
        aside = restore(settings.db, Path(path))
    except ConfigError as exc:
        print(exc, file=err)
        return ConfigError.EXIT_CODE
    except DatabaseInUseError as exc:
        print(f"restore refused: {exc}; stop the bot first", file=err)
        return EXIT_FAILED
    except (DatabaseError, OSError) as exc:
        print(f"restore failed, nothing changed: {exc}", file=err)
        return EXIT_FAILED
    print(f"restored {settings.db} from {path}", file=out)
    if aside is not None:
        print(f"the previous database is kept as {aside}", file=out)
    return EXIT_OK


# --- health -------------------------------------------------------------------------------


def health_url(settings: Settings) -> str | None:
    """Where this configuration serves /healthz (None: no HTTP server configured)."""
    port = settings.webhook_port if settings.webhook_mode else settings.http_port
    if port is None:
        return None
    host = settings.webhook_listen
    if host in ("0.0.0.0", "", "::"):  # listening everywhere: ask locally
        host = "127.0.0.1" if host != "::" else "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/healthz"


def run_health(out: TextIO | None = None, err: TextIO | None = None) -> int:
    """`python -m bot health`: GET /healthz of the bot this environment configures."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(exc, file=err)
        return ConfigError.EXIT_CODE
    url = health_url(settings)
    if url is None:
        print("no HTTP server configured: set BOT_HTTP_PORT (or run in webhook mode)", file=err)
        return ConfigError.EXIT_CODE
    try:
        with urllib.request.urlopen(url, timeout=HEALTH_TIMEOUT) as response:
            body = response.read().decode()
    except urllib.error.HTTPError as exc:
        print(f"unhealthy ({exc.code}): {exc.read().decode(errors='replace')}", file=err)
        return EXIT_FAILED
    except (OSError, ValueError) as exc:
        print(f"no answer from {url}: {exc}", file=err)
        return EXIT_FAILED
    try:
        report = json.loads(body)
    except ValueError:
        report = body
    print(json.dumps(report, ensure_ascii=False) if isinstance(report, dict) else report, file=out)
    return EXIT_OK
