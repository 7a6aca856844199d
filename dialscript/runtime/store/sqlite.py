"""The SQLite call journal: stdlib sqlite3, WAL, one transaction per step.

The tables, writes and reads are :mod:`.schema`'s and :mod:`.sql_store`'s; `apply` lets
a journal writer commit the steps of many calls in one transaction (group commit).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dialscript.runtime.store import schema
from dialscript.runtime.store.base import (
    JsonDict,
    StoreError,
    StoreFull,
    StoreLocked,
    StoreReadOnly,
)
from dialscript.runtime.store.schema import Row
from dialscript.runtime.store.sql_store import SqlCallStore


def read_trace(db: sqlite3.Connection, call_id: str) -> list[JsonDict]:
    """A call's trace entries from the `trace` table, in order."""
    rows = db.execute(schema.SELECT_TRACE, (call_id,)).fetchall()
    return [json.loads(row[0]) for row in rows]


class SqliteCallStore(SqlCallStore):
    """`CallStore` over one SQLite file (or ":memory:")."""

    def __init__(self, path: str | Path, *, timeout: float = 5.0) -> None:
        self.path = str(path)
        self._db: sqlite3.Connection
        try:
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None,
                                       check_same_thread=False)  # fmt: skip
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            with self._transaction():
                for statement in schema.SCHEMA.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
        except sqlite3.Error as error:
            raise _typed(error) from error

    @property
    def connection(self) -> sqlite3.Connection:
        return self._db

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise _typed(error) from error
        try:
            yield self._db
            self._db.execute("COMMIT")
        except BaseException as error:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            if isinstance(error, sqlite3.Error):
                raise _typed(error) from error
            raise

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as error:
            raise _typed(error) from error


def _typed(error: sqlite3.Error) -> StoreError:
    """The journal's exception for a sqlite3 error (full, locked, read-only, other)."""
    name = getattr(error, "sqlite_errorname", "") or ""
    text = str(error)
    if name.startswith("SQLITE_FULL") or "full" in text:
        return StoreFull(f"the call journal is full: {text}")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return StoreLocked(f"the call journal is locked: {text}")
    if name.startswith("SQLITE_READONLY") or "readonly" in text:
        return StoreReadOnly(f"the call journal cannot be written: {text}")
    return StoreError(f"the call journal failed: {text}")
