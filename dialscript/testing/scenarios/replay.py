"""Replay: re-run recorded calls against a changed flow and list those that would now differ.

Calls come from a call journal (SQLite, as written by `SqliteCallStore`: each
call's state holds its answers, the trace table its trace) or from JSON lines, one call per line:
either a journal row (`{"id", "inputs", "state", ...}`) or an exact record
`{"call_id", "flow", "inputs", "channel", "language", "started", "events": [...],
"steps", "outcome", "results"}` with events as `event_to_dict` writes them.
From a trace the events are rebuilt: answers from the audit trail, silences,
handlers, back, hang-ups, lookup results from the call's variables.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from dialscript.graph import model as m
from dialscript.graph.flowgraph import FlowGraph
from dialscript.runtime import events as e
from dialscript.runtime.interpreter import Channel, feed, start
from dialscript.runtime.state import CallState
from dialscript.runtime.store import is_postgres_url, open_store
from dialscript.runtime.store.sqlite import read_trace

JsonDict = dict[str, Any]
_INVALID = "\ufffd"  # an answer no question accepts: stands for an invalid answer not recorded


@dataclass
class RecordedCall:
    call_id: str
    flow: str
    inputs: JsonDict
    channel: str
    language: str | None
    started: datetime
    events: list[e.Event]
    steps: list[str]
    outcome: str | None
    results: JsonDict
    exact: bool = False  # events as recorded, not rebuilt from a trace

    def to_dict(self) -> JsonDict:
        return {"call_id": self.call_id, "flow": self.flow, "inputs": self.inputs,
                "channel": self.channel, "language": self.language,
                "started": self.started.isoformat(),
                "events": [e.event_to_dict(ev) for ev in self.events], "steps": self.steps,
                "outcome": self.outcome, "results": self.results}  # fmt: skip


@dataclass
class Difference:
    call: RecordedCall
    changes: list[str] = field(default_factory=list)

    def render(self) -> str:
        lines = [f"call {self.call.call_id} ({self.call.started.isoformat()}):"]
        lines += [f"  {change}" for change in self.changes]
        return "\n".join(lines)


# ------------------------------------------------------------------ reading


def steps_of(trace: Iterable[JsonDict]) -> list[str]:
    """The steps a call went through, in order (`subflow.step` inside subflows)."""
    found: list[str] = []
    for entry in trace:
        if "step" not in entry:
            continue
        name = f"{entry['flow']}.{entry['step']}" if entry.get("flow") else str(entry["step"])
        if not found or found[-1] != name:
            found.append(name)
    return found


def _at(entry: JsonDict, fallback: datetime) -> datetime:
    try:
        return datetime.fromisoformat(str(entry.get("at")))
    except ValueError:
        return fallback


def _note_arg(entry: JsonDict, prefix: str, suffix: str) -> str | None:
    note = str(entry.get("note", ""))
    if note.startswith(prefix) and note.endswith(suffix):
        return note[len(prefix) : len(note) - len(suffix)]
    return None


def rebuild_events(state: CallState, graph: FlowGraph | None = None) -> list[e.Event]:
    """The events that produced `state`, rebuilt from its trace, answers and variables."""
    answers = iter(state.answers)
    started = datetime.fromisoformat(state.clock)
    events: list[e.Event] = []
    for entry in state.trace:
        kind = entry.get("event")
        if kind is None or kind == "start":
            continue
        at = _at(entry, started)
        event = _rebuild(kind, entry, at, answers, state, graph)
        if event is not None:
            events.append(event)
    return events


def _rebuild(kind: str, entry: JsonDict, at: datetime, answers: Iterator[JsonDict],
             state: CallState, graph: FlowGraph | None) -> e.Event | None:  # fmt: skip
    handler = _note_arg(entry, "handler ", " invoked")
    if handler is not None:
        return e.HandlerInvoked(handler, at=at)
    if kind in ("digits", "agent_answer", "text_answer"):
        if "answer" in entry:
            given = next(answers, None)
            raw = given["raw"] if given else entry["answer"]
            via = given["via"] if given else "agent"
            if via == "digits":
                return e.Digits(str(raw), at=at)
            return e.TextAnswer(str(raw), at=at) if via == "text" else e.AgentAnswer(raw, at=at)
        if "confirm" in entry:
            return e.AgentAnswer(entry["confirm"], at=at)
        if "confirmed" in entry:
            return e.AgentAnswer("no", at=at)
        if str(entry.get("why", "")).startswith("invalid"):
            return e.Digits(_INVALID, at=at) if kind == "digits" else e.TextAnswer(_INVALID, at=at)
        return None
    if kind == "http_result":
        var = _lookup_var(graph, str(entry.get("node")))
        data = state.vars.get(var) if var else None
        return e.HttpResult(data if isinstance(data, dict) else {}, at=at)
    if kind == "http_failed":
        return e.HttpFailed(str(entry.get("http", "failed")).removeprefix("failed: "), at=at)
    if kind == "transfer_result":
        ok = entry.get("transfer") == "ok"
        return e.TransferResult(ok, None if ok else "failed", at=at)
    if kind == "hangup":
        cause = _note_arg(entry, "the caller hung up (", ")")
        return e.Hangup(cause or "NORMAL_CLEARING", at=at)
    simple: dict[str, e.Event] = {
        "silence": e.Silence(at=at),
        "back": e.Back(at=at),
        "answered": e.Answered(at=at),
        "tick": e.Tick(at, at=at),
    }
    return simple.get(kind)


def _lookup_var(graph: FlowGraph | None, node_id: str) -> str | None:
    if graph is None:
        return None
    node = graph.nodes.get(node_id)
    return node.var if isinstance(node, m.LookupNode) else None


def _from_state(call_id: str, inputs: JsonDict, state: CallState, started: str | None,
                graph: FlowGraph | None) -> RecordedCall:  # fmt: skip
    first = next((t.get("at") for t in state.trace if t.get("at")), None) or started or state.clock
    return RecordedCall(
        call_id=call_id, flow=state.flow, inputs=inputs, channel=state.channel,
        language=state.language, started=datetime.fromisoformat(str(first)),
        events=rebuild_events(state, graph), steps=steps_of(state.trace),
        outcome=state.outcome, results=dict(state.results),
    )  # fmt: skip


def read_journal(path: Path, graph: FlowGraph | None = None) -> list[RecordedCall]:
    """Every call in a SQLite call journal, oldest first."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    try:
        rows = db.execute("SELECT id, inputs, started, state FROM calls ORDER BY started, id")
        calls = []
        for row in rows.fetchall():
            state = CallState.from_json(row["state"])
            # The state column is journaled without its trace; the trace table has it all
            # (journals written before that still carry it in the state).
            state.trace = read_trace(db, row["id"]) or state.trace
            calls.append(_from_state(row["id"], json.loads(row["inputs"]), state,
                                     row["started"], graph))  # fmt: skip
        return calls
    finally:
        db.close()


def read_jsonl(path: Path, graph: FlowGraph | None = None) -> list[RecordedCall]:
    """Calls from JSON lines: exact records with events, or journal rows with their state."""
    calls: list[RecordedCall] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        data = json.loads(line)
        if not isinstance(data, dict):
            raise ValueError(f"{path}:{number}: expected a JSON object per line")
        if "events" in data:
            calls.append(RecordedCall(
                call_id=str(data.get("call_id", number)), flow=str(data.get("flow", "")),
                inputs=dict(data.get("inputs") or {}), channel=str(data.get("channel", "agent")),
                language=data.get("language"), started=datetime.fromisoformat(data["started"]),
                events=[e.event_from_dict(ev) for ev in data["events"]],
                steps=list(data.get("steps") or []), outcome=data.get("outcome"),
                results=dict(data.get("results") or {}), exact=True,
            ))  # fmt: skip
        else:
            state = data["state"]
            state = CallState.from_json(state) if isinstance(state, str) else (
                CallState.model_validate(state))  # fmt: skip
            inputs = data.get("inputs") or {}
            inputs = json.loads(inputs) if isinstance(inputs, str) else inputs
            calls.append(_from_state(str(data.get("id", data.get("call_id", number))), inputs,
                                     state, data.get("started"), graph))  # fmt: skip
    return calls


def read_store(url: str, graph: FlowGraph | None = None) -> list[RecordedCall]:
    """Every call in a PostgreSQL call journal, oldest first."""
    store = open_store(url)
    try:
        return [_from_state(r.call_id, r.inputs, store.load_state(r.call_id), r.started, graph)
                for r in store.results()]  # fmt: skip
    finally:
        store.close()


def read_calls(target: str | Path, graph: FlowGraph | None = None) -> list[RecordedCall]:
    """A journal (a SQLite file or a ``postgresql://`` URL) or JSON lines; files are told
    apart by their first bytes."""
    if is_postgres_url(str(target)):
        return read_store(str(target), graph)
    path = Path(target)
    with path.open("rb") as file:
        head = file.read(16)
    if head.startswith(b"SQLite format 3"):
        return read_journal(path, graph)
    return read_jsonl(path, graph)


# ------------------------------------------------------------------ replaying


def replay_call(graph: FlowGraph, call: RecordedCall) -> CallState:
    """The recorded call's events fed to `graph`: the state it ends in."""
    channel: Channel = "ivr" if call.channel == "ivr" else "agent"
    language = call.language if call.language in graph.model.languages else None
    state, _ = start(graph, call.inputs, now=call.started, channel=channel, language=language)
    for event in call.events:
        if state.finished:
            break
        state, _ = feed(graph, state, event)
    return state


def compare(call: RecordedCall, state: CallState) -> list[str]:
    """What differs between the recorded call and its replay."""
    changes: list[str] = []
    new_steps = steps_of(state.trace)
    if call.steps and new_steps != call.steps:
        index = next((i for i, (a, b) in enumerate(zip(call.steps, new_steps, strict=False))
                      if a != b), min(len(call.steps), len(new_steps)))  # fmt: skip
        old = call.steps[index] if index < len(call.steps) else "(end)"
        new = new_steps[index] if index < len(new_steps) else "(end)"
        after = f" after {call.steps[index - 1]}" if index else ""
        changes.append(f"path: {old} -> {new}{after} "
                       f"(was {' > '.join(call.steps)}; now {' > '.join(new_steps)})")  # fmt: skip
    if state.outcome != call.outcome:
        changes.append(f"outcome: {call.outcome} -> {state.outcome}")
    for name in sorted(set(call.results) | set(state.results)):
        old_value, new_value = call.results.get(name), state.results.get(name)
        if old_value != new_value:
            changes.append(f"result {name}: {old_value!r} -> {new_value!r}")
    return changes


def replay(graph: FlowGraph, calls: Iterable[RecordedCall]) -> tuple[int, list[Difference]]:
    """Replay the calls of `graph`'s flow; how many ran, and those that now differ."""
    ran = 0
    differences: list[Difference] = []
    for call in calls:
        if call.flow and call.flow != graph.name:
            continue
        ran += 1
        changes = compare(call, replay_call(graph, call))
        if changes:
            differences.append(Difference(call, changes))
    return ran, differences
