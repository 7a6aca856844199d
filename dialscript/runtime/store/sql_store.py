"""What the SQLite and PostgreSQL journals share: the writes, group commit and the reads.

A store says how to open a transaction (`_transaction`, which also turns its driver's
errors into :class:`StoreError`), how to read rows (`_rows`), and the placeholder style
of its driver (`_sql`); the rest is here, on :mod:`.schema`'s statements.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from dialscript.runtime.state import CallState
from dialscript.runtime.store import schema
from dialscript.runtime.store.base import (
    CallNotFound,
    CallRecord,
    JsonDict,
    ResultRecord,
    StoreError,
)
from dialscript.runtime.store.schema import Row, Statement

__all__ = ["SqlCallStore"]


class _Cursor(Protocol):
    rowcount: int

    def execute(self, sql: Any, params: Any = ..., /) -> Any: ...

    def executemany(self, sql: Any, params: Any, /) -> Any: ...

    def close(self) -> None: ...


class _Connection(Protocol):
    def cursor(self) -> Any: ...


class SqlCallStore:
    """`CallStore` on :mod:`.schema`'s tables, for a DB-API connection."""

    def _transaction(self) -> AbstractContextManager[_Connection]:
        raise NotImplementedError

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        raise NotImplementedError

    @staticmethod
    def _sql(sql: str) -> str:
        """``sql`` in the driver's placeholder style (schema's statements use ``?``)."""
        return sql

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

    def _run(self, db: _Connection, group: Sequence[Statement]) -> None:
        cursor: _Cursor = db.cursor()
        try:
            for statement in group:
                sql = self._sql(statement.sql)
                if statement.many:
                    cursor.executemany(sql, statement.params)
                    continue
                cursor.execute(sql, statement.params)
                if statement.must_match is not None and cursor.rowcount == 0:
                    raise CallNotFound(statement.must_match)
        finally:
            cursor.close()

    def finish_call(
        self, call_id: str, *, outcome: str | None, ended: str, reason: str | None = None
    ) -> None:
        values = (outcome, reason, ended, call_id)
        with self._transaction() as db:
            self._run(db, [Statement(schema.FINISH_CALL, values, must_match=call_id)])

    # ------------------------------------------------------------ reading
    def _call_row(self, call_id: str) -> Row:
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
