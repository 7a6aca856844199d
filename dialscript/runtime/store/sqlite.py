"""The SQLite call journal: stdlib sqlite3, WAL, one transaction per step.

Schema (see docs/runtime.md): `calls` (one row per call, with the state JSON
for resuming, stored without its trace), `answers` (the audit trail, `superseded` set
by Back) and `trace` (what the interpreter did, step by step; `load_state` puts it back
into a state journaled without it).  `step_statements` / `apply` let a journal writer
commit the steps of many calls in one transaction (group commit).
"""

from __future__ import annotations

import copy
import json
import sqlite3
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dialscript.runtime.state import CallState
from dialscript.runtime.store.base import (
    AnswerRecord,
    CallNotFound,
    CallRecord,
    JsonDict,
    ResultRecord,
    StoreError,
    StoreFull,
    StoreLocked,
    StoreReadOnly,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    id          TEXT PRIMARY KEY,
    flow        TEXT NOT NULL,
    flow_hash   TEXT NOT NULL,
    channel     TEXT NOT NULL,
    external_id TEXT,
    inputs      TEXT NOT NULL,
    started     TEXT NOT NULL,
    ended       TEXT,
    outcome     TEXT,
    reason      TEXT,
    finished    INTEGER NOT NULL DEFAULT 0,
    results     TEXT NOT NULL DEFAULT '{}',
    state       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS calls_flow ON calls (flow, finished);
CREATE INDEX IF NOT EXISTS calls_external ON calls (external_id);
CREATE TABLE IF NOT EXISTS answers (
    call_id    TEXT NOT NULL REFERENCES calls (id),
    seq        INTEGER NOT NULL,
    step       TEXT NOT NULL,
    node       TEXT NOT NULL,
    var        TEXT NOT NULL,
    value      TEXT,
    raw        TEXT,
    via        TEXT,
    at         TEXT NOT NULL,
    superseded INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (call_id, seq)
);
CREATE TABLE IF NOT EXISTS trace (
    call_id TEXT NOT NULL REFERENCES calls (id),
    seq     INTEGER NOT NULL,
    at      TEXT,
    step    TEXT,
    node    TEXT,
    event   TEXT,
    entry   TEXT NOT NULL,
    PRIMARY KEY (call_id, seq)
);
"""


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _state_json(state: CallState) -> str:
    """The state for resuming, without its trace: the trace table holds every entry
    (`load_state` puts it back; `dialscript replay` reads it with `read_trace`).  A step's
    cost no longer grows with the length of the call."""
    if not state.trace:
        return state.to_json()
    bare = copy.copy(state)
    bare.trace = []
    return bare.to_json()


def read_trace(db: sqlite3.Connection, call_id: str) -> list[JsonDict]:
    """A call's trace entries from the `trace` table, in order."""
    rows = db.execute(
        "SELECT entry FROM trace WHERE call_id = ? ORDER BY seq", (call_id,)
    ).fetchall()
    return [json.loads(row[0]) for row in rows]


@dataclass(frozen=True, slots=True)
class Statement:
    """One prepared write: `many` runs `params` as executemany rows; `call_id` is checked
    to exist when `must_match` (an UPDATE of a call that is not journaled)."""

    sql: str
    params: Sequence[Any]
    many: bool = False
    must_match: str | None = None


_UPDATE_STEP = (
    "UPDATE calls SET state = ?, outcome = ?, reason = ?, finished = ?, results = ?,"
    " ended = CASE WHEN ? THEN COALESCE(ended, ?) ELSE ended END WHERE id = ?"
)
_INSERT_TRACE = (
    "INSERT OR REPLACE INTO trace (call_id, seq, at, step, node, event, entry)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_UPSERT_ANSWER = (
    "INSERT INTO answers (call_id, seq, step, node, var, value, raw, via, at,"
    " superseded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (call_id, seq) DO UPDATE SET value = excluded.value,"
    " superseded = excluded.superseded"
)
_INSERT_CALL = (
    "INSERT INTO calls (id, flow, flow_hash, channel, external_id, inputs, started,"
    " state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


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
                for statement in SCHEMA.split(";"):
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

    @staticmethod
    def begin_statements(
        call_id: str, state: CallState, inputs: Mapping[str, Any], *, external_id: str | None
    ) -> list[Statement]:
        """The writes of `begin_call`, serialised now (pure)."""
        return [Statement(_INSERT_CALL, (call_id, state.flow, state.flow_hash, state.channel,
                                         external_id, _json(dict(inputs)), state.clock,
                                         _state_json(state)))]  # fmt: skip

    @staticmethod
    def step_statements(
        call_id: str,
        state: CallState,
        trace_entries: Sequence[tuple[int, JsonDict]],
        new_answers: Sequence[tuple[int, JsonDict]],
    ) -> list[Statement]:
        """The writes of `record_step`, serialised now (pure): the caller may hand them to
        another thread."""
        out = [Statement(_UPDATE_STEP, (_state_json(state), state.outcome, state.reason,
                                        int(state.finished), _json(state.results),
                                        int(state.finished), state.clock, call_id),
                         must_match=call_id)]  # fmt: skip
        if trace_entries:
            out.append(Statement(_INSERT_TRACE, [
                (call_id, seq, t.get("at"), t.get("step"), t.get("node"), t.get("event"),
                 _json(t)) for seq, t in trace_entries], many=True))  # fmt: skip
        if new_answers:
            out.append(Statement(_UPSERT_ANSWER, [
                (call_id, seq, a["step"], a["node"], a["var"], _json(a.get("value")),
                 _json(a.get("raw")), a.get("via"), a["at"], int(bool(a.get("superseded"))))
                for seq, a in new_answers], many=True))  # fmt: skip
        return out

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
            cursor = db.execute(
                "UPDATE calls SET finished = 1, outcome = COALESCE(?, outcome),"
                " reason = COALESCE(?, reason), ended = ? WHERE id = ?",
                (outcome, reason, ended, call_id),
            )
            if cursor.rowcount == 0:
                raise CallNotFound(call_id)

    # ------------------------------------------------------------ reading
    def _call_row(self, call_id: str) -> sqlite3.Row:
        try:
            row = self._db.execute("SELECT * FROM calls WHERE id = ?", (call_id,)).fetchone()
        except sqlite3.Error as error:
            raise _typed(error) from error
        if row is None:
            raise CallNotFound(call_id)
        return row  # type: ignore[no-any-return]

    def get_call(self, call_id: str) -> CallRecord:
        row = self._call_row(call_id)
        answers = self._db.execute(
            "SELECT seq, step, node, var, value, at, superseded FROM answers WHERE call_id = ?"
            " ORDER BY seq",
            (call_id,),
        ).fetchall()
        return _record(row, tuple(
            AnswerRecord(a["seq"], a["step"], a["node"], a["var"], json.loads(a["value"]),
                         a["at"], bool(a["superseded"]))
            for a in answers
        ))  # fmt: skip

    def load_state(self, call_id: str) -> CallState:
        state = CallState.from_json(self._call_row(call_id)["state"])
        if not state.trace:  # journaled without its trace: the trace table holds it
            state.trace = self.trace(call_id)
        return state

    def trace(self, call_id: str) -> list[JsonDict]:
        return read_trace(self._db, call_id)

    def results(self, flow: str | None = None) -> list[ResultRecord]:
        query = "SELECT * FROM calls" + (" WHERE flow = ?" if flow else "") + " ORDER BY started"
        rows = self._db.execute(query, (flow,) if flow else ()).fetchall()
        return [
            ResultRecord(r["id"], r["flow"], r["flow_hash"], json.loads(r["inputs"]),
                         json.loads(r["results"]), r["outcome"], r["started"], r["ended"])
            for r in rows
        ]  # fmt: skip

    def calls_in_progress(self) -> list[CallRecord]:
        rows = self._db.execute("SELECT * FROM calls WHERE finished = 0 ORDER BY started")
        return [_record(row, ()) for row in rows.fetchall()]


def _record(row: sqlite3.Row, answers: tuple[AnswerRecord, ...]) -> CallRecord:
    return CallRecord(
        id=row["id"],
        flow=row["flow"],
        flow_hash=row["flow_hash"],
        channel=row["channel"],
        external_id=row["external_id"],
        inputs=json.loads(row["inputs"]),
        started=row["started"],
        ended=row["ended"],
        outcome=row["outcome"],
        reason=row["reason"],
        finished=bool(row["finished"]),
        results=json.loads(row["results"]),
        answers=answers,
    )


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
