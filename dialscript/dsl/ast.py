"""The syntax tree: what the parser builds from one .flow file.

Frozen slotted dataclasses, span first.  Nothing here knows about lark; the
checker and the lowering pass read these nodes and never the parse tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from dialscript.dsl.span import Span

# ------------------------------------------------------------------ basics


@dataclass(frozen=True, slots=True)
class Name:
    """An identifier as written, with where it was written."""

    span: Span
    value: str


@dataclass(frozen=True, slots=True)
class TextVariant:
    span: Span
    lang: str | None  # None: the flow's first language
    value: str


@dataclass(frozen=True, slots=True)
class Text:
    """Prompt text, in one or several languages."""

    span: Span
    variants: tuple[TextVariant, ...]


TypeKind = Literal[
    "yesno", "number", "scale", "one", "many", "text", "date", "time", "datetime", "phone", "digits"
]


@dataclass(frozen=True, slots=True)
class TypeSpec:
    span: Span
    kind: TypeKind
    low: float | None = None
    high: float | None = None
    choices: Name | None = None


# ------------------------------------------------------------------ expressions


@dataclass(frozen=True, slots=True)
class Literal_:
    """A number, a string, yes/no or a special answer (dont_know, refused)."""

    span: Span
    kind: Literal["number", "string", "yesno", "special"]
    value: float | str | bool


@dataclass(frozen=True, slots=True)
class Ref:
    """A variable, a field of a lookup result (order.status) or a choice member."""

    span: Span
    path: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Compare:
    span: Span
    op: Literal["==", "!=", "<", "<=", ">", ">="]
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class InRange:
    span: Span
    value: Expr
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class InList:
    span: Span
    value: Expr
    options: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class IsSet:
    span: Span
    value: Expr
    negated: bool


@dataclass(frozen=True, slots=True)
class Not:
    span: Span
    value: Expr


@dataclass(frozen=True, slots=True)
class BoolOp:
    span: Span
    op: Literal["and", "or"]
    values: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Arith:
    span: Span
    op: Literal["+", "-"]
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class ScheduleTest:
    """`open office` / `closed office`: business hours at the call's time."""

    span: Span
    schedule: Name
    want_open: bool


Expr = Literal_ | Ref | Compare | InRange | InList | IsSet | Not | BoolOp | Arith | ScheduleTest

# ------------------------------------------------------------------ questions


@dataclass(frozen=True, slots=True)
class Pattern:
    """One answer an ask block routes: yes, no, 7, 1..8, a choice, a key."""

    span: Span
    kind: Literal["yes", "no", "dont_know", "refused", "name", "number", "range", "sign"]
    value: str | float | None = None
    high: float | None = None


@dataclass(frozen=True, slots=True)
class Route:
    span: Span
    patterns: tuple[Pattern, ...]
    target: Name


@dataclass(frozen=True, slots=True)
class Fallback:
    """`silence 2 times -> x` / `invalid 3 times -> x`."""

    span: Span
    times: int
    target: Name


@dataclass(frozen=True, slots=True)
class Require:
    """A hard check: the answer is refused and the question asked again."""

    span: Span
    condition: Expr
    message: Text


@dataclass(frozen=True, slots=True)
class Confirm:
    """A soft check: when the condition holds, the client confirms the answer."""

    span: Span
    condition: Expr
    question: Text


@dataclass(frozen=True, slots=True)
class KeyMap:
    span: Span
    key: str
    answer: Pattern


# ------------------------------------------------------------------ statements


@dataclass(frozen=True, slots=True)
class Say:
    span: Span
    text: Text


@dataclass(frozen=True, slots=True)
class Play:
    span: Span
    audio: Text


@dataclass(frozen=True, slots=True)
class Note:
    span: Span
    text: Text


@dataclass(frozen=True, slots=True)
class Ask:
    span: Span
    is_menu: bool
    var: Name | None
    text: Text | None
    type: TypeSpec | None
    routes: tuple[Route, ...] = ()
    hints: tuple[Text, ...] = ()
    reprompts: tuple[Text, ...] = ()
    timeout: float | None = None
    silence: Fallback | None = None
    invalid: Fallback | None = None
    otherwise: Name | None = None
    requires: tuple[Require, ...] = ()
    confirms: tuple[Confirm, ...] = ()
    key_maps: tuple[KeyMap, ...] = ()
    max_digits: int | None = None
    terminator: str | None = None


@dataclass(frozen=True, slots=True)
class If:
    span: Span
    condition: Expr
    target: Name


@dataclass(frozen=True, slots=True)
class Else:
    span: Span
    target: Name


@dataclass(frozen=True, slots=True)
class Goto:
    span: Span
    target: Name


@dataclass(frozen=True, slots=True)
class SetVar:
    span: Span
    name: Name
    value: Expr


@dataclass(frozen=True, slots=True)
class Arg:
    span: Span
    name: Name
    value: Expr


@dataclass(frozen=True, slots=True)
class Call:
    """Run another flow (a subflow) with parameters, keeping its results."""

    span: Span
    flow: Name
    args: tuple[Arg, ...]
    returning: tuple[Arg, ...]


@dataclass(frozen=True, slots=True)
class Transfer:
    span: Span
    kind: Literal["transfer", "queue", "bridge"]
    destination: Name
    failed: Name | None = None
    timeout: float | None = None


@dataclass(frozen=True, slots=True)
class Record:
    span: Span
    var: Name
    prompt: Text | None
    max_seconds: float | None


@dataclass(frozen=True, slots=True)
class Hangup:
    span: Span
    cause: Name | None


@dataclass(frozen=True, slots=True)
class Sms:
    span: Span
    to: Name
    text: Text


@dataclass(frozen=True, slots=True)
class Notify:
    span: Span
    kind: Literal["email", "webhook"]
    destination: Name
    subject: Text | None
    fields: tuple[Name, ...]


@dataclass(frozen=True, slots=True)
class Lookup:
    span: Span
    var: Name
    source: Name
    args: tuple[Arg, ...]
    timeout: float | None
    error: Name | None


@dataclass(frozen=True, slots=True)
class SetOutcome:
    span: Span
    name: Name


@dataclass(frozen=True, slots=True)
class Resume:
    span: Span


@dataclass(frozen=True, slots=True)
class Limit:
    """`at most 3 times -> operator`: a guard on passes through a step."""

    span: Span
    times: int
    target: Name


Stmt = (
    Say
    | Play
    | Note
    | Ask
    | If
    | Else
    | Goto
    | SetVar
    | Call
    | Transfer
    | Record
    | Hangup
    | Sms
    | Notify
    | Lookup
    | SetOutcome
    | Resume
    | Limit
)

# ------------------------------------------------------------------ declarations


@dataclass(frozen=True, slots=True)
class Decl:
    """An input, a result or a working variable of the flow."""

    span: Span
    role: Literal["input", "result", "var"]
    name: Name
    type: TypeSpec
    optional: bool = False
    default: Expr | None = None


@dataclass(frozen=True, slots=True)
class OutcomeDecl:
    span: Span
    name: Name
    title: str | None
    requires: tuple[Name, ...]


@dataclass(frozen=True, slots=True)
class FlowHeader:
    span: Span
    name: Name
    title: str | None
    languages: tuple[Name, ...]
    channel: Name | None
    budget_seconds: float | None
    decls: tuple[Decl, ...]
    outcomes: tuple[OutcomeDecl, ...]
    record_calls: bool


@dataclass(frozen=True, slots=True)
class ChoiceOption:
    span: Span
    name: Name
    label: Text
    key: str | None


@dataclass(frozen=True, slots=True)
class Choices:
    span: Span
    name: Name
    options: tuple[ChoiceOption, ...]


@dataclass(frozen=True, slots=True)
class Hours:
    span: Span
    first_day: int  # 0 = Monday
    last_day: int
    ranges: tuple[tuple[str, str], ...]  # ("09:00", "18:00")


@dataclass(frozen=True, slots=True)
class Holiday:
    span: Span
    first: str  # ISO date
    last: str


@dataclass(frozen=True, slots=True)
class Schedule:
    span: Span
    name: Name
    timezone: str | None
    hours: tuple[Hours, ...]
    holidays: tuple[Holiday, ...]


@dataclass(frozen=True, slots=True)
class Import:
    span: Span
    path: str


@dataclass(frozen=True, slots=True)
class Step:
    """A named step; `end NAME OUTCOME` steps carry the outcome they set."""

    span: Span
    name: Name
    body: tuple[Stmt, ...]
    end_outcome: Name | None = None


@dataclass(frozen=True, slots=True)
class Handler:
    """Reachable from any step; ends with `resume`, a jump or the end of the call."""

    span: Span
    name: Name
    title: str | None
    keys: tuple[Name, ...]
    body: tuple[Stmt, ...]


@dataclass(frozen=True, slots=True)
class Module:
    """One parsed .flow file."""

    span: Span
    path: str
    flow: FlowHeader | None
    imports: tuple[Import, ...]
    choices: tuple[Choices, ...]
    schedules: tuple[Schedule, ...]
    start: Name | None
    steps: tuple[Step, ...]
    handlers: tuple[Handler, ...]
