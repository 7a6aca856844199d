"""The SQLite call journal: stdlib sqlite3, WAL, one transaction per step.

The tables and writes are :mod:`.schema`'s.  `step_statements` / `apply` let a journal
writer commit the steps of many calls in one transaction (group commit).
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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
from dialscript.runtime.store.schema import Statement


def read_trace(db: sqlite3.Connection, call_id: str) -> list[JsonDict]:
    """A call's trace entries from the `trace` table, in order."""
    rows = db.execute(schema.SELECT_TRACE, (call_id,)).fetchall()
    return [json.loads(row[0]) for row in rows]


class SqliteCallStore:
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

    # ------------------------------------------------------------ writing
    def begin_call(
        self,
        state: CallState,
        inputs: Mapping[str, Any],
        *,
        external_id: str | None = None,
        call_id: str | None = None,
    ) -> str:
        call_id = call_id or uuid.uuid4().hex
        self.apply([self.begin_statements(call_id, state, inputs, external_id=external_id)])
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

    begin_statements = staticmethod(schema.begin_statements)
    step_statements = staticmethod(schema.step_statements)

    def apply(self, groups: Sequence[Sequence[Statement]]) -> list[StoreError | None]:
        """Run every group in ONE transaction (group commit); per group, its error or None.

        If the transaction fails, each group is retried in its own transaction so that
        one bad step cannot lose the steps of other calls.
        """
        try:
            with self._transaction() as db:
                for group in groups:
                    self._run(db, group)
            return [None] * len(groups)
        except StoreError as error:
            if len(groups) == 1:
                return [error]
        errors: list[StoreError | None] = []
        for group in groups:
            try:
                with self._transaction() as db:
                    self._run(db, group)
                errors.append(None)
            except StoreError as error:
                errors.append(error)
        return errors

    @staticmethod
    def _run(db: sqlite3.Connection, group: Sequence[Statement]) -> None:
        for statement in group:
            if statement.many:
                db.executemany(statement.sql, statement.params)
                continue
            cursor = db.execute(statement.sql, statement.params)
            if statement.must_match is not None and cursor.rowcount == 0:
                raise CallNotFound(statement.must_match)

    def finish_call(
        self, call_id: str, *, outcome: str | None, ended: str, reason: str | None = None
    ) -> None:
        with self._transaction() as db:
            cursor = db.execute(schema.FINISH_CALL, (outcome, reason, ended, call_id))
            if cursor.rowcount == 0:
                raise CallNotFound(call_id)

    # ------------------------------------------------------------ reading
    def _call_row(self, call_id: str) -> sqlite3.Row:
        try:
            row = self._db.execute(schema.SELECT_CALL, (call_id,)).fetchone()
        except sqlite3.Error as error:
            raise _typed(error) from error
        if row is None:
            raise CallNotFound(call_id)
        return row  # type: ignore[no-any-return]

    def get_call(self, call_id: str) -> CallRecord:
        row = self._call_row(call_id)
        answers = self._db.execute(schema.SELECT_ANSWERS, (call_id,)).fetchall()
        return schema.call_record(row, tuple(schema.answer_record(a) for a in answers))

    def load_state(self, call_id: str) -> CallState:
        state = CallState.from_json(self._call_row(call_id)["state"])
        if not state.trace:  # journaled without its trace: the trace table holds it
            state.trace = self.trace(call_id)
        return state

    def trace(self, call_id: str) -> list[JsonDict]:
        return read_trace(self._db, call_id)

    def results(self, flow: str | None = None) -> list[ResultRecord]:
        if flow:
            rows = self._db.execute(schema.SELECT_FLOW_RESULTS, (flow,)).fetchall()
        else:
            rows = self._db.execute(schema.SELECT_RESULTS).fetchall()
        return [schema.result_record(r) for r in rows]

    def calls_in_progress(self) -> list[CallRecord]:
        rows = self._db.execute(schema.SELECT_IN_PROGRESS).fetchall()
        return [schema.call_record(row, ()) for row in rows]


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
