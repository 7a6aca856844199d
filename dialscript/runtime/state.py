"""The state of one call: a plain, JSON-serialisable value the interpreter threads through.

`CallState` is a slotted dataclass, cheap to copy (containers are copied
shallowly; their items are never mutated in place).  `model_dump` /
`model_validate` give its JSON form, validated by pydantic on the way in only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import TypeAdapter

JsonDict = dict[str, Any]

# The parts of the state a `Back` checkpoint restores.
SNAPSHOT_FIELDS = (
    "node",
    "wait",
    "pending",
    "vars",
    "results",
    "outcome",
    "attempts",
    "passes",
    "handlers",
    "calls",
)


@dataclass(frozen=True, slots=True)
class Limits:
    """Guard rails: node executions per call, passes through any one step."""

    max_steps: int = 10_000
    max_passes: int = 100


@dataclass(slots=True)
class CallState:
    """Where the call is, what it knows, and what happened so far."""

    flow: str
    flow_hash: str
    channel: str
    language: str
    clock: str  # ISO time of the latest event that carried one
    node: str | None = None  # current node of the innermost (sub)flow
    wait: str | None = None  # "answer" | "confirm" | "http" | "transfer" | None
    pending: Any = None  # the answer waiting for a confirmation
    vars: JsonDict = field(default_factory=dict)
    results: JsonDict = field(default_factory=dict)
    outcome: str | None = None
    reason: str | None = None
    finished: bool = False
    attempts: dict[str, list[int]] = field(default_factory=dict)  # node -> [silence, invalid]
    passes: dict[str, int] = field(default_factory=dict)  # step -> entries
    steps: int = 0  # node executions so far
    handlers: list[JsonDict] = field(default_factory=list)  # handler return stack
    calls: list[JsonDict] = field(default_factory=list)  # subflow call stack
    answers: list[JsonDict] = field(default_factory=list)  # audit trail
    trace: list[JsonDict] = field(default_factory=list)
    checkpoints: list[JsonDict] = field(default_factory=list)  # for `Back`
    max_steps: int = 10_000
    max_passes: int = 100

    # ------------------------------------------------------------ copying
    def copy(self) -> CallState:
        """A new state sharing no mutable container with this one (items are immutable)."""
        return CallState(
            self.flow,
            self.flow_hash,
            self.channel,
            self.language,
            self.clock,
            self.node,
            self.wait,
            self.pending,
            self.vars.copy(),
            self.results.copy(),
            self.outcome,
            self.reason,
            self.finished,
            self.attempts.copy(),
            self.passes.copy(),
            self.steps,
            self.handlers.copy(),
            self.calls.copy(),
            self.answers.copy(),
            self.trace.copy(),
            self.checkpoints.copy(),
            self.max_steps,
            self.max_passes,
        )

    def snapshot(self) -> JsonDict:
        """The restorable part of the state (for `Back`): the SNAPSHOT_FIELDS, copied."""
        return {
            "node": self.node,
            "wait": self.wait,
            "pending": _clone(self.pending),
            "vars": self.vars.copy(),
            "results": self.results.copy(),
            "outcome": self.outcome,
            "attempts": self.attempts.copy(),
            "passes": self.passes.copy(),
            "handlers": self.handlers.copy(),
            "calls": self.calls.copy(),
        }

    def restore(self, snapshot: JsonDict) -> None:
        for name in SNAPSHOT_FIELDS:
            setattr(self, name, _clone(snapshot[name]))

    @property
    def path(self) -> list[str]:
        """The subflow names from the top flow down to the running one."""
        return [frame["flow"] for frame in self.calls]

    # ------------------------------------------------------------ JSON form
    def model_dump(self) -> JsonDict:
        return _adapter().dump_python(self, mode="json")  # type: ignore[no-any-return]

    @classmethod
    def model_validate(cls, data: JsonDict) -> CallState:
        return _adapter().validate_python(data)

    def to_json(self) -> str:
        # Serialised by pydantic-core in one pass: the same text as json.dumps of
        # model_dump() (compact, non-ASCII kept), five times faster; the journal writes it
        # at every step.
        return _adapter().dump_json(self).decode("utf-8")

    @classmethod
    def from_json(cls, text: str | bytes) -> CallState:
        return _adapter().validate_json(text)


def _clone(value: Any) -> Any:
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return list(value)
    return value


@cache
def _adapter() -> TypeAdapter[CallState]:
    return TypeAdapter(CallState)
