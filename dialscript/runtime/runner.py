"""A call in progress: the interpreter plus the journal, persisting every step.

`CallRunner.start(...)` begins a call and journals it; `runner.feed(event)`
advances it, committing state, trace and answers in one transaction before the
new state is adopted: if the journal fails (`StoreError`), the runner keeps the
last committed state and the error propagates.  `CallRunner.resume(...)` picks a
call up again from the journal after a crash.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from dialscript.graph.flowgraph import FlowGraph
from dialscript.runtime import commands as c
from dialscript.runtime import events as e
from dialscript.runtime.interpreter import DEFAULT_LIMITS, Channel, feed, start
from dialscript.runtime.state import CallState, Limits
from dialscript.runtime.store.base import CallStore, JsonDict, StoreError


class FlowMismatch(StoreError):
    """The journaled call ran another version of the flow than the one given to resume it."""


class CallRunner:
    def __init__(self, graph: FlowGraph, store: CallStore, call_id: str, state: CallState) -> None:
        self.graph = graph
        self.store = store
        self.call_id = call_id
        self.state = state

    @classmethod
    def start(
        cls,
        graph: FlowGraph,
        store: CallStore,
        inputs: Mapping[str, Any] | None = None,
        *,
        now: datetime,
        channel: Channel = "agent",
        language: str | None = None,
        external_id: str | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> tuple[CallRunner, list[c.Command]]:
        """Begin and journal a call; its first step is committed before commands are returned."""
        state, commands = start(graph, inputs, now=now, channel=channel, language=language,
                                limits=limits)  # fmt: skip
        empty = CallState(state.flow, state.flow_hash, state.channel, state.language, state.clock)
        call_id = store.begin_call(empty, dict(inputs or {}), external_id=external_id)
        runner = cls(graph, store, call_id, empty)
        runner._commit(state)
        return runner, commands

    @classmethod
    def resume(cls, graph: FlowGraph, store: CallStore, call_id: str) -> CallRunner:
        """The call as last journaled (raises FlowMismatch if the flow changed since)."""
        state = store.load_state(call_id)
        if state.flow_hash != graph.content_hash:
            raise FlowMismatch(
                f"call {call_id} ran flow {state.flow} version {state.flow_hash[:12]},"
                f" not {graph.content_hash[:12]}"
            )
        return cls(graph, store, call_id, state)

    @property
    def finished(self) -> bool:
        return self.state.finished

    def feed(self, event: e.Event) -> list[c.Command]:
        state, commands = feed(self.graph, self.state, event)
        self._commit(state)
        return commands

    def _commit(self, state: CallState) -> None:
        old = self.state
        entries = state.trace
        trace = [(i, entries[i]) for i in range(len(old.trace), len(entries))]  # the new ones
        answers = changed_answers(old.answers, state.answers)
        self.store.record_step(self.call_id, state, trace, answers)
        self.state = state


def changed_answers(old: list[JsonDict], new: list[JsonDict]) -> list[tuple[int, JsonDict]]:
    """New answers and those whose record changed (a `Back` marks them superseded)."""
    return [(i, a) for i, a in enumerate(new) if i >= len(old) or old[i] != a]
