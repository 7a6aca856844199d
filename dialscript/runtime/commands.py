"""Commands: what the interpreter asks a channel to do (say, ask, transfer, hang up...).

Slotted dataclasses, read-only by convention: nothing changes a command once the
interpreter issued it (they are not frozen because building a frozen dataclass costs
a slow attribute call per field, and a call issues about a dozen commands).
`command_to_dict` gives their JSON form.  Channels (ESL, agent screen, terminal,
tests) translate them; the interpreter never does IO.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from dialscript.graph.model import Question

JsonDict = dict[str, Any]


@dataclass(slots=True)
class _Command:
    kind: ClassVar[str] = ""


@dataclass(slots=True)
class Say(_Command):
    """Text to speak (IVR) or read out (agent)."""

    kind: ClassVar[str] = "say"
    text: str
    lang: str
    node: str
    span: str | None = None
    prompt: str | None = None  # recording id of a fixed text (no fields), see graph/prompts.py


@dataclass(slots=True)
class Play(_Command):
    kind: ClassVar[str] = "play"
    audio: str
    lang: str
    node: str


@dataclass(slots=True)
class ShowNote(_Command):
    """Shown to the agent, never spoken (not sent on the IVR channel)."""

    kind: ClassVar[str] = "note"
    text: str
    node: str


@dataclass(slots=True)
class Option:
    """One valid answer for buttons and menus: the stored value, its label, its key."""

    value: str
    label: str
    key: str | None = None


@dataclass(slots=True)
class Ask(_Command):
    """Collect an answer: the agent gets buttons/fields, the IVR plays text and reads keys."""

    kind: ClassVar[str] = "ask"
    node: str
    var: str
    text: str
    lang: str
    question: Question
    options: tuple[Option, ...] = ()
    keys: dict[str, str] = field(default_factory=dict)
    max_digits: int = 1
    terminator: str | None = None
    timeout: float = 5.0
    attempt: int = 1
    hints: tuple[str, ...] = ()
    confirmation: bool = False
    span: str | None = None
    prompt: str | None = None  # recording id of the text asked, when it names no fields


@dataclass(slots=True)
class Transfer(_Command):
    kind: ClassVar[str] = "transfer"
    destination: str
    timeout: float | None = None
    node: str = ""


@dataclass(slots=True)
class Queue(_Command):
    kind: ClassVar[str] = "queue"
    destination: str
    timeout: float | None = None
    node: str = ""


@dataclass(slots=True)
class Bridge(_Command):
    kind: ClassVar[str] = "bridge"
    destination: str
    timeout: float | None = None
    node: str = ""


@dataclass(slots=True)
class Record(_Command):
    """Record the caller; the recording is stored under `reference` (also set into `var`)."""

    kind: ClassVar[str] = "record"
    var: str
    max_seconds: float
    reference: str
    prompt: str | None = None


@dataclass(slots=True)
class SendSms(_Command):
    kind: ClassVar[str] = "sms"
    to: str
    text: str


@dataclass(slots=True)
class Notify(_Command):
    kind: ClassVar[str] = "notify"
    channel: str  # "email" | "webhook"
    destination: str
    subject: str | None
    fields: dict[str, Any]


@dataclass(slots=True)
class HttpRequest(_Command):
    """A lookup: answer with `HttpResult(data)` or `HttpFailed(reason)`."""

    kind: ClassVar[str] = "http"
    source: str
    args: dict[str, Any]
    timeout: float
    var: str


@dataclass(slots=True)
class SetResult(_Command):
    kind: ClassVar[str] = "set_result"
    name: str
    value: Any


@dataclass(slots=True)
class SetOutcome(_Command):
    kind: ClassVar[str] = "set_outcome"
    name: str


@dataclass(slots=True)
class Hangup(_Command):
    kind: ClassVar[str] = "hangup"
    cause: str | None = None


@dataclass(slots=True)
class Finished(_Command):
    """The flow is over: the outcome and the typed results (the call record)."""

    kind: ClassVar[str] = "finished"
    outcome: str | None
    results: dict[str, Any]
    reason: str | None = None


Command = (
    Say
    | Play
    | ShowNote
    | Ask
    | Transfer
    | Queue
    | Bridge
    | Record
    | SendSms
    | Notify
    | HttpRequest
    | SetResult
    | SetOutcome
    | Hangup
    | Finished
)


def command_to_dict(command: Command) -> JsonDict:
    """The command's JSON form: `{"kind": ..., fields...}`."""
    data: JsonDict = {"kind": command.kind}
    for name in command.__dataclass_fields__:
        value = getattr(command, name)
        if isinstance(value, Question):
            value = value.model_dump(mode="json")
        elif name == "options":
            value = [{"value": o.value, "label": o.label, "key": o.key} for o in value]
        elif isinstance(value, tuple):
            value = list(value)
        data[name] = value
    return data
