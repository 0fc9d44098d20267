"""Errors of the storage layer that callers are expected to handle."""


class DatabaseError(Exception):
    """The database file cannot be used as it is; the message names the file and why.

    Raised instead of repairing or recreating anything: a user's cases live in that file,
    so an operator decides what to do with it.
    """
