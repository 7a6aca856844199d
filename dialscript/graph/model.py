"""Typed nodes and routes of the FlowGraph (pydantic, frozen, `kind` discriminated).

A node is one action of a step (say, ask, branch, transfer, ...).  Its routes
say where the call goes next and on what: an answer, a condition, silence,
invalid input, an error, a failed transfer.  Spans point back at the .flow
line so a runtime problem can still name it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from dialscript.dsl.span import Span
from dialscript.graph.expr import Expr


class Layout:
    """Marks a field that says where something is written, not what the flow does
    (source positions, the file's path): the content hash leaves such fields out."""

    def __repr__(self) -> str:
        return "LAYOUT"


LAYOUT = Layout()

_FROZEN = ConfigDict(frozen=True, extra="forbid")

Text = dict[str, str]  # language -> template text
TypeKind = Literal[
    "yesno",
    "number",
    "scale",
    "one",
    "many",
    "text",
    "date",
    "time",
    "datetime",
    "phone",
    "digits",
    "keys",
]
SPECIAL_ANSWERS = ("dont_know", "refused")
RouteKind = Literal[
    "next",  # the following node of the step
    "goto",  # an explicit `-> step`
    "answer",  # an answer (or several) of a question
    "otherwise",  # any other valid answer
    "condition",  # an `if` that held
    "else",  # no `if` held
    "silence",  # silence N times
    "invalid",  # invalid input N times
    "error",  # a lookup failed
    "failed",  # a transfer, queue or bridge failed
    "limit",  # `at most N times` exceeded
]


class Route(BaseModel):
    model_config = _FROZEN

    kind: RouteKind
    target: str
    span: Annotated[Span | None, LAYOUT] = None
    answers: tuple[str | float, ...] = ()  # exact answers, for kind "answer"
    ranges: tuple[tuple[float, float], ...] = ()  # number ranges, for kind "answer"
    when: Expr | None = None  # for kind "condition"
    times: int | None = None  # for silence / invalid


class Choice(BaseModel):
    model_config = _FROZEN

    name: str
    label: Text
    key: str | None = None


class Question(BaseModel):
    """What an answer must be; the same for an agent's buttons and the caller's keypad."""

    model_config = _FROZEN

    type: TypeKind
    low: float | None = None
    high: float | None = None
    choices: tuple[Choice, ...] = ()
    choice_list: str | None = None
    keys: dict[str, str] = {}  # DTMF key -> answer, e.g. {"1": "yes", "0": "10"}
    max_digits: int = 1
    terminator: str | None = None
    accepts_special: bool = True  # dont_know / refused


class Check(BaseModel):
    model_config = _FROZEN

    when: Expr
    text: Text
    span: Annotated[Span | None, LAYOUT] = None


class _Node(BaseModel):
    model_config = _FROZEN

    id: str
    step: str
    span: Annotated[Span | None, LAYOUT] = None
    routes: tuple[Route, ...] = ()


class SayNode(_Node):
    kind: Literal["say"] = "say"
    text: Text


class PlayNode(_Node):
    kind: Literal["play"] = "play"
    audio: Text


class NoteNode(_Node):
    kind: Literal["note"] = "note"
    text: Text


class AskNode(_Node):
    kind: Literal["ask"] = "ask"
    var: str
    text: Text
    question: Question
    is_menu: bool = False
    reprompts: tuple[Text, ...] = ()
    hints: tuple[Text, ...] = ()
    timeout: float = 5.0
    requires: tuple[Check, ...] = ()
    confirms: tuple[Check, ...] = ()


class BranchNode(_Node):
    """Ordered `if` routes, then `else`, then `next` when nothing matched."""

    kind: Literal["branch"] = "branch"


class SetNode(_Node):
    kind: Literal["set"] = "set"
    var: str
    value: Expr


class CallNode(_Node):
    kind: Literal["call"] = "call"
    flow: str
    args: dict[str, Expr] = {}
    returning: dict[str, str] = {}  # local variable -> subflow result


class TransferNode(_Node):
    kind: Literal["transfer"] = "transfer"
    mode: Literal["transfer", "queue", "bridge"]
    destination: str
    timeout: float | None = None


class RecordNode(_Node):
    kind: Literal["record"] = "record"
    var: str
    prompt: Text | None = None
    max_seconds: float = 60.0


class HangupNode(_Node):
    kind: Literal["hangup"] = "hangup"
    cause: str | None = None


class SmsNode(_Node):
    kind: Literal["sms"] = "sms"
    to: str
    text: Text


class NotifyNode(_Node):
    kind: Literal["notify"] = "notify"
    channel: Literal["email", "webhook"]
    destination: str
    subject: Text | None = None
    fields: tuple[str, ...] = ()


class LookupNode(_Node):
    kind: Literal["lookup"] = "lookup"
    var: str
    source: str
    args: dict[str, Expr] = {}
    timeout: float = 5.0


class OutcomeNode(_Node):
    kind: Literal["outcome"] = "outcome"
    outcome: str


class ResumeNode(_Node):
    kind: Literal["resume"] = "resume"


class LimitNode(_Node):
    """Counts passes through its step; the `limit` route is taken past `times`."""

    kind: Literal["limit"] = "limit"
    times: int


Node = Annotated[
    SayNode
    | PlayNode
    | NoteNode
    | AskNode
    | BranchNode
    | SetNode
    | CallNode
    | TransferNode
    | RecordNode
    | HangupNode
    | SmsNode
    | NotifyNode
    | LookupNode
    | OutcomeNode
    | ResumeNode
    | LimitNode,
    Field(discriminator="kind"),
]

# ------------------------------------------------------------------ flow-level facts


class Variable(BaseModel):
    model_config = _FROZEN

    name: str
    role: Literal["input", "result", "var"]
    type: TypeKind
    low: float | None = None
    high: float | None = None
    choice_list: str | None = None
    optional: bool = False
    default: Expr | None = None


class Outcome(BaseModel):
    model_config = _FROZEN

    name: str
    title: str | None = None
    requires: tuple[str, ...] = ()


class Hours(BaseModel):
    model_config = _FROZEN

    days: tuple[int, ...]  # 0 = Monday
    ranges: tuple[tuple[str, str], ...]


class Schedule(BaseModel):
    model_config = _FROZEN

    name: str
    timezone: str = "UTC"
    hours: tuple[Hours, ...] = ()
    holidays: tuple[tuple[str, str], ...] = ()  # ISO date ranges, inclusive


class Handler(BaseModel):
    model_config = _FROZEN

    name: str
    title: str | None = None
    keys: tuple[str, ...] = ()
    entry: str
    span: Annotated[Span | None, LAYOUT] = None


class StepInfo(BaseModel):
    model_config = _FROZEN

    name: str
    entry: str
    span: Annotated[Span | None, LAYOUT] = None
    is_end: bool = False


BUILTIN_OUTCOMES = ("breakoff", "limit", "error")


class FlowModel(BaseModel):
    """The serialisable flow: what `compile` produces and `FlowGraph` wraps."""

    model_config = _FROZEN

    format: Literal["dialscript.flowgraph/1"] = "dialscript.flowgraph/1"
    name: str
    title: str | None = None
    path: Annotated[str | None, LAYOUT] = None
    languages: tuple[str, ...] = ("ru",)
    channel: Literal["agent", "ivr", "any"] = "any"
    budget_seconds: float | None = None
    record_calls: bool = False
    variables: tuple[Variable, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    choices: dict[str, tuple[Choice, ...]] = {}
    schedules: dict[str, Schedule] = {}
    start: str
    steps: tuple[StepInfo, ...] = ()
    handlers: tuple[Handler, ...] = ()
    nodes: tuple[Node, ...] = ()
    subflows: dict[str, FlowModel] = {}
