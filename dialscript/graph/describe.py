"""Short human wording of FlowGraph parts (expressions, routes, nodes) for drawings and diffs."""

from __future__ import annotations

from dialscript.graph.expr import (
    Arith,
    BoolOp,
    Cmp,
    Expr,
    InList,
    InRange,
    IsSet,
    Lit,
    Not,
    OpenNow,
    Var,
)
from dialscript.graph.model import Node, Question, Route, Text, Variable

__all__ = [
    "expr_text",
    "node_prompt",
    "node_title",
    "number",
    "route_label",
    "text_of",
    "type_text",
]


def number(value: float) -> str:
    """7.0 -> '7', 2.5 -> '2.5'."""
    return str(int(value)) if float(value).is_integer() else str(value)


def expr_text(expr: Expr) -> str:
    """An expression as the analyst would write it.

    >>> expr_text(Cmp(op="<=", left=Var(path=("score",)), right=Lit(value=8.0)))
    'score <= 8'
    """
    match expr:
        case Lit(value=bool() as flag):
            return "yes" if flag else "no"
        case Lit(value=float() | int() as value):
            return number(value)
        case Lit(value=str() as value):
            return value if value.isidentifier() else f'"{value}"'
        case Lit():
            return "nothing"
        case Var(path=path):
            return ".".join(path)
        case Cmp(op=op, left=left, right=right):
            return f"{expr_text(left)} {op} {expr_text(right)}"
        case InRange(value=value, low=low, high=high):
            return f"{expr_text(value)} in {number(low)}..{number(high)}"
        case InList(value=value, options=options):
            return f"{expr_text(value)} in [{', '.join(expr_text(o) for o in options)}]"
        case IsSet(value=value, negated=negated):
            return f"{expr_text(value)} is {'not ' if negated else ''}set"
        case Not(value=value):
            return f"not {_grouped(value)}"
        case BoolOp(kind=kind, values=values):
            return f" {kind} ".join(_grouped(v) for v in values)
        case Arith(op=op, left=left, right=right):
            return f"{expr_text(left)} {op} {expr_text(right)}"
        case OpenNow(schedule=schedule, want_open=want_open):
            return f"{'open' if want_open else 'closed'} {schedule}"
    raise TypeError(f"no wording for expression {type(expr).__name__}")


def _grouped(expr: Expr) -> str:
    text = expr_text(expr)
    return f"({text})" if isinstance(expr, BoolOp) else text


def route_label(route: Route) -> str:
    """What makes the call take this route: '9, 10', 'silence 2 times', 'if score <= 8'."""
    if route.kind == "answer":
        parts = [a if isinstance(a, str) else number(a) for a in route.answers]
        parts += [f"{number(low)}..{number(high)}" for low, high in route.ranges]
        return ", ".join(parts)
    if route.kind == "condition" and route.when is not None:
        return f"if {expr_text(route.when)}"
    if route.kind in ("silence", "invalid") and route.times is not None:
        return f"{route.kind} {route.times} times"
    return {"next": "", "goto": "", "otherwise": "else"}.get(route.kind, route.kind)


def text_of(text: Text | None, language: str | None = None) -> str:
    """The text in one language (the first one given when that is missing)."""
    if not text:
        return ""
    if language and language in text:
        return text[language]
    return next(iter(text.values()))


def type_text(spec: Question | Variable) -> str:
    """'number 1..10', 'one of reasons', 'yes/no'."""
    kind = spec.type
    if kind == "yesno":
        return "yes/no"
    if kind in ("one", "many"):
        return f"{kind} of {spec.choice_list or '?'}"
    if spec.low is not None and spec.high is not None:
        return f"{kind} {number(spec.low)}..{number(spec.high)}"
    return kind


def node_title(node: Node) -> str:
    """One line naming what the node does, without its prompt text."""
    match node.kind:
        case "ask":
            return f"{'menu' if node.is_menu else 'ask'} {node.var} ({type_text(node.question)})"
        case "branch":
            return "if"
        case "set":
            return f"set {node.var} = {expr_text(node.value)}"
        case "call":
            return f"call {node.flow}"
        case "transfer":
            return f"{node.mode} {node.destination}"
        case "record":
            return f"record {node.var}"
        case "hangup":
            return f"hangup {node.cause}" if node.cause else "hangup"
        case "sms":
            return f"sms {node.to}"
        case "notify":
            return f"{node.channel} {node.destination}"
        case "lookup":
            return f"lookup {node.var} from {node.source}"
        case "outcome":
            return f"outcome {node.outcome}"
        case "limit":
            return f"at most {node.times} times"
        case kind:
            return kind


def node_prompt(node: Node, language: str | None = None) -> str:
    """The text the node says, plays or shows ('' when it has none)."""
    match node.kind:
        case "say" | "note" | "ask" | "sms":
            return text_of(node.text, language)
        case "play":
            return text_of(node.audio, language)
        case "record":
            return text_of(node.prompt, language)
        case "notify":
            return text_of(node.subject, language)
    return ""
