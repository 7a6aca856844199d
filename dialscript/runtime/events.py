"""Events: what happens to a call, fed one at a time to the interpreter.

Frozen dataclasses, JSON-serialisable through `event_to_dict` / `event_from_dict`.
Every event may carry `at` (the channel's clock); the interpreter never reads
a clock of its own.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any, ClassVar

JsonDict = dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Event:
    kind: ClassVar[str] = ""
    at: datetime | None = field(default=None, kw_only=True)


@dataclass(frozen=True, slots=True)
class Answered(_Event):
    """The call was answered (informational: `start` already ran the flow up to its first wait)."""

    kind: ClassVar[str] = "answered"


@dataclass(frozen=True, slots=True)
class Digits(_Event):
    """Keys pressed by the caller, as collected by the channel (terminator optional)."""

    kind: ClassVar[str] = "digits"
    digits: str


@dataclass(frozen=True, slots=True)
class AgentAnswer(_Event):
    """An answer chosen or typed by the agent: a button value, a number, a word."""

    kind: ClassVar[str] = "agent_answer"
    value: str | int | float | bool | list[str]


@dataclass(frozen=True, slots=True)
class TextAnswer(_Event):
    """A free-text answer (speech recognition, chat, terminal)."""

    kind: ClassVar[str] = "text_answer"
    text: str


@dataclass(frozen=True, slots=True)
class Silence(_Event):
    """The question's no-input timeout expired."""

    kind: ClassVar[str] = "silence"


@dataclass(frozen=True, slots=True)
class HttpResult(_Event):
    kind: ClassVar[str] = "http_result"
    data: JsonDict


@dataclass(frozen=True, slots=True)
class HttpFailed(_Event):
    kind: ClassVar[str] = "http_failed"
    reason: str


@dataclass(frozen=True, slots=True)
class TransferResult(_Event):
    kind: ClassVar[str] = "transfer_result"
    ok: bool
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Hangup(_Event):
    """The other side hung up (or the channel was lost)."""

    kind: ClassVar[str] = "hangup"
    cause: str = "NORMAL_CLEARING"


@dataclass(frozen=True, slots=True)
class Tick(_Event):
    """The clock moved on; only updates the time schedules are evaluated against."""

    kind: ClassVar[str] = "tick"
    now: datetime


@dataclass(frozen=True, slots=True)
class HandlerInvoked(_Event):
    """The agent pressed a handler's button (IVR: its key, see `Digits`)."""

    kind: ClassVar[str] = "handler"
    name: str


@dataclass(frozen=True, slots=True)
class Back(_Event):
    """The agent corrects the last answer: go back to the previous question."""

    kind: ClassVar[str] = "back"


Event = (
    Answered
    | Digits
    | AgentAnswer
    | TextAnswer
    | Silence
    | HttpResult
    | HttpFailed
    | TransferResult
    | Hangup
    | Tick
    | HandlerInvoked
    | Back
)

EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls
    for cls in (
        Answered,
        Digits,
        AgentAnswer,
        TextAnswer,
        Silence,
        HttpResult,
        HttpFailed,
        TransferResult,
        Hangup,
        Tick,
        HandlerInvoked,
        Back,
    )
}


def event_to_dict(event: Event) -> JsonDict:
    """`{"kind": ..., fields...}` with datetimes as ISO strings."""
    data = asdict(event)
    for name, value in data.items():
        if isinstance(value, datetime):
            data[name] = value.isoformat()
    return {"kind": event.kind, **data}


def event_from_dict(data: JsonDict) -> Event:
    """The inverse of `event_to_dict`; raises ValueError on an unknown kind."""
    kind = data.get("kind")
    cls = EVENT_TYPES.get(str(kind))
    if cls is None:
        raise ValueError(f"unknown event kind {kind!r}")
    names = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        if name == "kind" or name not in names:
            continue
        if name in ("at", "now") and isinstance(value, str):
            value = datetime.fromisoformat(value)
        kwargs[name] = value
    return cls(**kwargs)
