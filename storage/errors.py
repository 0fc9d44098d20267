"""Errors of the storage layer that callers are expected to handle."""


class DatabaseError(Exception):
    """The database file cannot be used as it is; the message names the file and why.

    Raised instead of repairing or recreating anything: a user's cases live in that file,
    so an operator decides what to do with it.
    """


class WriteFailed(Exception):
    """A write the database could not take: read-only file or mount, full disk, I/O error.

    `reason` is "read-only", "disk full", "I/O error" or "cannot open"; the SQLite error
    is the `__cause__`. Nothing was saved: a handler tells the user to try again later.
    Reads may still work (a read-only disk still lists cases).
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"database write failed: {reason} ({detail})")
        self.reason = reason
        self.detail = detail
