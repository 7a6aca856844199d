"""The PostgreSQL call journal (psycopg 3): the same tables and writes as SQLite's.

One server can then hold the journal of several ``serve-calls`` processes or
machines. Each store owns one connection; a lost connection is opened again on
the next write or read (what was committed stays committed; the write that met
the loss fails with :class:`StoreError`, as with SQLite).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.rows import dict_row

from dialscript.runtime.state import CallState
from dialscript.runtime.store import schema
from dialscript.runtime.store.base import (
    CallNotFound,
    CallRecord,
    JsonDict,
    ResultRecord,
    StoreError,
    StoreFull,
    StoreLocked,
    StoreReadOnly,
)
from dialscript.runtime.store.schema import Statement, format_style

__all__ = ["PostgresCallStore", "is_postgres_url"]

Connection = psycopg.Connection[dict[str, Any]]


def is_postgres_url(target: str) -> bool:
    """True for ``postgresql://...`` / ``postgres://...`` (libpq connection URIs)."""
    return target.startswith(("postgresql://", "postgres://"))


class PostgresCallStore:
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

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        try:
            yield self._connect()
        except psycopg.Error as error:
            raise _typed(error) from error

    # ------------------------------------------------------------ writing
    begin_statements = staticmethod(schema.begin_statements)
    step_statements = staticmethod(schema.step_statements)

    def begin_call(
        self,
        state: CallState,
        inputs: Mapping[str, Any],
        *,
        external_id: str | None = None,
        call_id: str | None = None,
    ) -> str:
        call_id = call_id or uuid.uuid4().hex
        errors = self.apply([self.begin_statements(call_id, state, inputs,
                                                   external_id=external_id)])  # fmt: skip
        if errors[0] is not None:
            raise errors[0]
        return call_id

    def record_step(
        self,
        call_id: str,
        state: CallState,
        trace_entries: Sequence[tuple[int, JsonDict]],
        new_answers: Sequence[tuple[int, JsonDict]],
    ) -> None:
        errors = self.apply([self.step_statements(call_id, state, trace_entries, new_answers)])
        if errors[0] is not None:
            raise errors[0]

    def apply(self, groups: Sequence[Sequence[Statement]]) -> list[StoreError | None]:
        """Run every group in ONE transaction (group commit); per group, its error or None.

        If the transaction fails, each group is retried in its own transaction so that
        one bad step cannot lose the steps of other calls.
        """
        try:
            with self._transaction() as db:
                for group in groups:
                    _run(db, group)
            return [None] * len(groups)
        except StoreError as error:
            if len(groups) == 1:
                return [error]
        errors: list[StoreError | None] = []
        for group in groups:
            try:
                with self._transaction() as db:
                    _run(db, group)
                errors.append(None)
            except StoreError as error:
                errors.append(error)
        return errors

    def finish_call(
        self, call_id: str, *, outcome: str | None, ended: str, reason: str | None = None
    ) -> None:
        with self._transaction() as db:
            cursor = db.execute(format_style(schema.FINISH_CALL),
                                (outcome, reason, ended, call_id))  # fmt: skip
            if cursor.rowcount == 0:
                raise CallNotFound(call_id)

    # ------------------------------------------------------------ reading
    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._reading() as db:
            return db.execute(format_style(sql), params).fetchall()

    def _call_row(self, call_id: str) -> dict[str, Any]:
        rows = self._rows(schema.SELECT_CALL, (call_id,))
        if not rows:
            raise CallNotFound(call_id)
        return rows[0]

    def get_call(self, call_id: str) -> CallRecord:
        row = self._call_row(call_id)
        answers = self._rows(schema.SELECT_ANSWERS, (call_id,))
        return schema.call_record(row, tuple(schema.answer_record(a) for a in answers))

    def load_state(self, call_id: str) -> CallState:
        state = CallState.from_json(self._call_row(call_id)["state"])
        if not state.trace:  # journaled without its trace: the trace table holds it
            state.trace = self.trace(call_id)
        return state

    def trace(self, call_id: str) -> list[JsonDict]:
        return [json.loads(row["entry"]) for row in self._rows(schema.SELECT_TRACE, (call_id,))]

    def results(self, flow: str | None = None) -> list[ResultRecord]:
        if flow:
            rows = self._rows(schema.SELECT_FLOW_RESULTS, (flow,))
        else:
            rows = self._rows(schema.SELECT_RESULTS)
        return [schema.result_record(r) for r in rows]

    def calls_in_progress(self) -> list[CallRecord]:
        return [schema.call_record(row, ()) for row in self._rows(schema.SELECT_IN_PROGRESS)]


def _run(db: Connection, group: Sequence[Statement]) -> None:
    with db.cursor() as cursor:
        for statement in group:
            sql = format_style(statement.sql)
            if statement.many:
                cursor.executemany(sql, statement.params)
                continue
            cursor.execute(sql, statement.params)
            if statement.must_match is not None and cursor.rowcount == 0:
                raise CallNotFound(statement.must_match)


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
