"""The call journal: every step of every call, so a crash or a hangup loses nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from dialscript.runtime.store.base import (
    AnswerRecord,
    CallNotFound,
    CallRecord,
    CallStore,
    ResultRecord,
    StoreError,
    StoreFull,
    StoreLocked,
    StoreReadOnly,
)
from dialscript.runtime.store.sqlite import SqliteCallStore

if TYPE_CHECKING:
    from dialscript.runtime.store.postgres import PostgresCallStore


def open_store(target: str | Path) -> SqliteCallStore | PostgresCallStore:
    """The journal at ``target``: a ``postgresql://`` URL (PostgreSQL), else a SQLite file
    (or ``":memory:"``)."""
    from dialscript.runtime.store.postgres import PostgresCallStore, is_postgres_url

    if is_postgres_url(str(target)):
        return PostgresCallStore(str(target))
    return SqliteCallStore(target)


__all__ = [
    "AnswerRecord",
    "CallNotFound",
    "CallRecord",
    "CallStore",
    "ResultRecord",
    "SqliteCallStore",
    "StoreError",
    "StoreFull",
    "StoreLocked",
    "StoreReadOnly",
    "open_store",
]
