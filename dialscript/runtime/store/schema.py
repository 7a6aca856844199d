"""The journal's tables and writes, in the SQL that SQLite and PostgreSQL both speak.

Schema (see docs/runtime.md): `calls` (one row per call, with the state JSON
for resuming, stored without its trace), `answers` (the audit trail, `superseded` set
by Back) and `trace` (what the interpreter did, step by step; `load_state` puts it back
into a state journaled without it).  Statements use `?` placeholders; a store whose
driver wants another style converts them (:func:`format_style`).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from dialscript.runtime.state import CallState
from dialscript.runtime.store.base import AnswerRecord, CallRecord, JsonDict, ResultRecord

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

UPDATE_STEP = (
    "UPDATE calls SET state = ?, outcome = ?, reason = ?, finished = ?, results = ?,"
    " ended = CASE WHEN ? THEN COALESCE(ended, ?) ELSE ended END WHERE id = ?"
)
UPSERT_TRACE = (
    "INSERT INTO trace (call_id, seq, at, step, node, event, entry)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (call_id, seq) DO UPDATE SET at = excluded.at, step = excluded.step,"
    " node = excluded.node, event = excluded.event, entry = excluded.entry"
)
UPSERT_ANSWER = (
    "INSERT INTO answers (call_id, seq, step, node, var, value, raw, via, at,"
    " superseded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (call_id, seq) DO UPDATE SET value = excluded.value,"
    " superseded = excluded.superseded"
)
INSERT_CALL = (
    "INSERT INTO calls (id, flow, flow_hash, channel, external_id, inputs, started,"
    " state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
FINISH_CALL = (
    "UPDATE calls SET finished = 1, outcome = COALESCE(?, outcome),"
    " reason = COALESCE(?, reason), ended = ? WHERE id = ?"
)
SELECT_CALL = "SELECT * FROM calls WHERE id = ?"
SELECT_ANSWERS = (
    "SELECT seq, step, node, var, value, at, superseded FROM answers WHERE call_id = ? ORDER BY seq"
)
SELECT_TRACE = "SELECT entry FROM trace WHERE call_id = ? ORDER BY seq"
SELECT_RESULTS = "SELECT * FROM calls ORDER BY started"
SELECT_FLOW_RESULTS = "SELECT * FROM calls WHERE flow = ? ORDER BY started"
SELECT_IN_PROGRESS = "SELECT * FROM calls WHERE finished = 0 ORDER BY started"


class Row(Protocol):
    """A result row read by column name (sqlite3.Row, psycopg's dict rows)."""

    def __getitem__(self, key: str, /) -> Any: ...


@lru_cache(maxsize=64)
def format_style(sql: str) -> str:
    """``?`` placeholders as ``%s`` (psycopg); the statements hold no other ``?`` or ``%``."""
    return sql.replace("?", "%s")


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def state_json(state: CallState) -> str:
    """The state for resuming, without its trace: the trace table holds every entry
    (`load_state` puts it back; `dialscript replay` reads it with `read_trace`).  A step's
    cost no longer grows with the length of the call."""
    if not state.trace:
        return state.to_json()
    bare = copy.copy(state)
    bare.trace = []
    return bare.to_json()


@dataclass(frozen=True, slots=True)
class Statement:
    """One prepared write: `many` runs `params` as executemany rows; `call_id` is checked
    to exist when `must_match` (an UPDATE of a call that is not journaled)."""

    sql: str
    params: Sequence[Any]
    many: bool = False
    must_match: str | None = None


def begin_statements(
    call_id: str, state: CallState, inputs: Mapping[str, Any], *, external_id: str | None
) -> list[Statement]:
    """The writes of `begin_call`, serialised now (pure)."""
    return [Statement(INSERT_CALL, (call_id, state.flow, state.flow_hash, state.channel,
                                    external_id, to_json(dict(inputs)), state.clock,
                                    state_json(state)))]  # fmt: skip


def step_statements(
    call_id: str,
    state: CallState,
    trace_entries: Sequence[tuple[int, JsonDict]],
    new_answers: Sequence[tuple[int, JsonDict]],
) -> list[Statement]:
    """The writes of `record_step`, serialised now (pure): the caller may hand them to
    another thread."""
    out = [Statement(UPDATE_STEP, (state_json(state), state.outcome, state.reason,
                                   int(state.finished), to_json(state.results),
                                   bool(state.finished), state.clock, call_id),
                     must_match=call_id)]  # fmt: skip
    if trace_entries:
        out.append(Statement(UPSERT_TRACE, [
            (call_id, seq, t.get("at"), t.get("step"), t.get("node"), t.get("event"),
             to_json(t)) for seq, t in trace_entries], many=True))  # fmt: skip
    if new_answers:
        out.append(Statement(UPSERT_ANSWER, [
            (call_id, seq, a["step"], a["node"], a["var"], to_json(a.get("value")),
             to_json(a.get("raw")), a.get("via"), a["at"], int(bool(a.get("superseded"))))
            for seq, a in new_answers], many=True))  # fmt: skip
    return out


def call_record(row: Row, answers: tuple[AnswerRecord, ...]) -> CallRecord:
    """A `calls` row (and its answers) as a :class:`CallRecord`."""
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


def answer_record(row: Row) -> AnswerRecord:
    return AnswerRecord(row["seq"], row["step"], row["node"], row["var"],
                        json.loads(row["value"]), row["at"], bool(row["superseded"]))  # fmt: skip


def result_record(row: Row) -> ResultRecord:
    return ResultRecord(row["id"], row["flow"], row["flow_hash"], json.loads(row["inputs"]),
                        json.loads(row["results"]), row["outcome"], row["started"],
                        row["ended"])  # fmt: skip
