"""Persistence with aiosqlite: users, cases, groups, anonymous misses, migrations."""

from storage.cases import (
    MAX_EXTERNAL_ID_LEN,
    MAX_NOTE_LEN,
    Case,
    CaseStatus,
    CaseStore,
    DuplicateCaseError,
)
from storage.db import Database
from storage.errors import DatabaseError, WriteFailed
from storage.groups import GroupSettings, GroupStore
from storage.misses import MissCount, MissKind, MissStore, MissSummary
from storage.redact import redact
from storage.timestamps import Clock, SystemClock
from storage.users import UserSettings, UserStore

__all__ = [
    "MAX_EXTERNAL_ID_LEN",
    "MAX_NOTE_LEN",
    "Case",
    "CaseStatus",
    "CaseStore",
    "Clock",
    "Database",
    "DatabaseError",
    "DuplicateCaseError",
    "GroupSettings",
    "GroupStore",
    "MissCount",
    "MissKind",
    "MissStore",
    "MissSummary",
    "SystemClock",
    "UserSettings",
    "UserStore",
    "WriteFailed",
    "redact",
]
