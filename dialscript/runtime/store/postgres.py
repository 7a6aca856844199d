"""The PostgreSQL call journal (psycopg 3): the same tables and writes as SQLite's.

One server can then hold the journal of several ``serve-calls`` processes or
machines. Each store owns one connection; a lost connection is opened again on
the next write or read (what was committed stays committed; the write that met
the loss fails with :class:`StoreError`, as with SQLite).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.rows import dict_row

from dialscript.runtime.store import schema
from dialscript.runtime.store.base import (
    StoreError,
    StoreFull,
    StoreLocked,
    StoreReadOnly,
)
from dialscript.runtime.store.schema import Row, format_style
from dialscript.runtime.store.sql_store import SqlCallStore

__all__ = ["PostgresCallStore"]

Connection = psycopg.Connection[dict[str, Any]]


class PostgresCallStore(SqlCallStore):
    """`CallStore` over one PostgreSQL database (a libpq URL), with group commit."""

    def __init__(self, url: str, *, lock_timeout: float = 5.0) -> None:
        self.path = url
        self.lock_timeout = lock_timeout
        self._db: Connection | None = None
        with self._transaction() as db:
            db.execute("SELECT pg_advisory_xact_lock(727372)")  # one schema creator at a time
            for statement in schema.SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)

    # ------------------------------------------------------------ connection
    def _connect(self) -> Connection:
        if self._db is None or self._db.closed or self._db.broken:
            try:
                self._db = psycopg.connect(self.path, row_factory=dict_row, autocommit=True,
                                           connect_timeout=10)  # fmt: skip
                self._db.execute(
                    "SELECT set_config('lock_timeout', %s, false)",
                    (f"{int(self.lock_timeout * 1000)}ms",),
                )
            except psycopg.Error as error:
                self._db = None
                raise _typed(error) from error
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        db = self._connect()
        try:
            with db.transaction():
                yield db
        except psycopg.Error as error:
            raise _typed(error) from error

    _sql = staticmethod(format_style)

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        db = self._connect()
        try:
            return list(db.execute(format_style(sql), params).fetchall())
        except psycopg.Error as error:
            raise _typed(error) from error


def _typed(error: psycopg.Error) -> StoreError:
    """The journal's exception for a PostgreSQL error (full, locked, read-only, other)."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if isinstance(error, pg_errors.DiskFull | pg_errors.OutOfMemory):
        return StoreFull(f"the call journal is full: {text}")
    if isinstance(error, pg_errors.LockNotAvailable | pg_errors.DeadlockDetected |
                  pg_errors.QueryCanceled):  # fmt: skip
        return StoreLocked(f"the call journal is locked: {text}")
    if isinstance(error, pg_errors.ReadOnlySqlTransaction | pg_errors.InsufficientPrivilege):
        return StoreReadOnly(f"the call journal cannot be written: {text}")
    return StoreError(f"the call journal failed: {text}")
