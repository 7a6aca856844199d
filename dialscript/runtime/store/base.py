"""The call journal's interface: what any store (SQLite, PostgreSQL) must offer.

Exceptions::

    StoreError                the journal could not do what was asked
    ├── StoreFull             the disk (or the database's size cap) is full
    ├── StoreLocked           another writer holds the database too long
    ├── StoreReadOnly         the database cannot be written
    └── CallNotFound          no call with that id
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from dialscript.runtime.state import CallState

JsonDict = dict[str, Any]


class StoreError(Exception):
    """The journal failed; what was committed before stays committed."""


class StoreFull(StoreError):
    pass


class StoreLocked(StoreError):
    pass


class StoreReadOnly(StoreError):
    pass


class CallNotFound(StoreError, LookupError):
    pass


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    seq: int
    step: str
    node: str
    var: str
    value: Any
    at: str
    superseded: bool


@dataclass(frozen=True, slots=True)
class CallRecord:
    id: str
    flow: str
    flow_hash: str
    channel: str
    external_id: str | None
    inputs: JsonDict
    started: str
    ended: str | None
    outcome: str | None
    reason: str | None
    finished: bool
    results: JsonDict
    answers: tuple[AnswerRecord, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class ResultRecord:
    """One line of a campaign's results: who was called, what they said, how it ended."""

    call_id: str
    flow: str
    flow_hash: str
    inputs: JsonDict
    results: JsonDict
    outcome: str | None
    started: str
    ended: str | None

    def to_dict(self) -> JsonDict:
        return {
            "call_id": self.call_id,
            "flow": self.flow,
            "flow_hash": self.flow_hash,
            "inputs": self.inputs,
            "results": self.results,
            "outcome": self.outcome,
            "started": self.started,
            "ended": self.ended,
        }


class CallStore(Protocol):
    """A journal of calls, written one step at a time (one transaction per step)."""

    def begin_call(
        self,
        state: CallState,
        inputs: Mapping[str, Any],
        *,
        external_id: str | None = None,
        call_id: str | None = None,
    ) -> str: ...

    def record_step(
        self,
        call_id: str,
        state: CallState,
        trace_entries: Sequence[tuple[int, JsonDict]],
        new_answers: Sequence[tuple[int, JsonDict]],
    ) -> None:
        """Atomically: the new state, trace entries and new or changed answers (by seq)."""

    def finish_call(
        self, call_id: str, *, outcome: str | None, ended: str, reason: str | None = None
    ) -> None: ...

    def get_call(self, call_id: str) -> CallRecord: ...

    def load_state(self, call_id: str) -> CallState: ...

    def results(self, flow: str | None = None) -> list[ResultRecord]: ...

    def calls_in_progress(self) -> list[CallRecord]: ...

    def close(self) -> None: ...
