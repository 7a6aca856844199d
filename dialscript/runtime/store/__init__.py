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


def is_postgres_url(target: str) -> bool:
    """True for ``postgresql://...`` / ``postgres://...`` (libpq connection URIs)."""
    return target.startswith(("postgresql://", "postgres://"))


def open_store(target: str | Path) -> SqliteCallStore | PostgresCallStore:
    """The journal at ``target``: a ``postgresql://`` URL (PostgreSQL), else a SQLite file
    (or ``":memory:"``)."""
    if is_postgres_url(str(target)):
        # psycopg is imported only for a PostgreSQL journal (it takes ~0.2 s to load)
        from dialscript.runtime.store.postgres import PostgresCallStore

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
    "is_postgres_url",
    "open_store",
]
