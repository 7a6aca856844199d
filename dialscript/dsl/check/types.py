"""DS206: values of different kinds compared or combined (a yes/no with a number, a choice
with a text, `<` on yes/no, `+` on text, a condition that is not a yes/no)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dialscript.dsl import ast
from dialscript.dsl.check.context import CheckContext
from dialscript.dsl.check.walk import statements
from dialscript.dsl.codes import Code
from dialscript.dsl.diagnostics import Diagnostic
from dialscript.dsl.resolve import Scope
from dialscript.dsl.span import Span


@dataclass(frozen=True, slots=True)
class Kind:
    """What a value is: `name` plus, for choices, the list (or lists, for a bare option)."""

    name: str  # number digits text string date time datetime yesno choice many member
    #            special condition any
    lists: tuple[str, ...] = ()
    option: str | None = None

    def describe(self) -> str:
        match self.name:
            case "choice" | "many":
                return f"a choice of {self.lists[0]}"
            case "member":
                return f'the choice "{self.option}" of {" / ".join(self.lists)}'
            case "string":
                return "a text in quotes"
            case "special":
                return "dont_know / refused"
            case "condition":
                return "a condition"
            case "yesno":
                return "a yes/no answer"
        return {"number": "a number", "digits": "a digit string", "text": "a text"}.get(
            self.name, f"a {self.name}"
        )


ANY = Kind("any")
CONDITION = Kind("condition")
NUMBER = Kind("number")
_SPEC = {"scale": "number", "phone": "text", "one": "choice", "many": "many"}
_TEXTUAL = {"text", "string", "digits", "date", "time", "datetime"}
_ORDERED = {"number", "digits", "date", "time", "datetime"}


def kind_of_spec(spec: ast.TypeSpec | None) -> Kind:
    if spec is None:
        return ANY
    name = _SPEC.get(spec.kind, spec.kind)
    return Kind(name, (spec.choices.value,) if spec.choices else ())


def _same_family(a: Kind, b: Kind) -> bool:
    if "any" in (a.name, b.name) or "special" in (a.name, b.name):
        return True
    if a.name in ("choice", "many") and b.name in ("choice", "many", "member"):
        return bool(set(a.lists) & set(b.lists))
    if b.name in ("choice", "many"):
        return _same_family(b, a)
    if a.name == "member" and b.name == "member":
        return bool(set(a.lists) & set(b.lists))
    if a.name == b.name:
        return True
    if {a.name, b.name} <= {"number", "digits"}:
        return True
    if a.name in _TEXTUAL and b.name in _TEXTUAL:
        return "string" in (a.name, b.name) or "digits" in (a.name, b.name)
    return (
        a.name == "condition" and b.name == "yesno" or a.name == "yesno" and b.name == "condition"
    )


class _Types:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.members: dict[str, list[str]] = {}
        for name, choices in scope.choices.items():
            for option in choices.options:
                self.members.setdefault(option.name.value, []).append(name)
        self.found: list[Diagnostic] = []

    def problem(self, span: Span, message: str, hint: str) -> None:
        self.found.append(Code.DS206.at(span, message, hint=hint))

    def kind(self, expr: ast.Expr) -> Kind:
        match expr:
            case ast.Literal_():
                return Kind({"number": "number", "string": "string", "yesno": "yesno",
                             "special": "special"}[expr.kind])  # fmt: skip
            case ast.Ref():
                return self.ref(expr)
            case ast.Compare():
                self.compare(expr)
                return CONDITION
            case ast.InRange():
                value = self.kind(expr.value)
                if value.name not in ("number", "digits", "any"):
                    self.problem(expr.span, f"`in {_n(expr.low)}..{_n(expr.high)}` needs a number, "
                                 f"but this is {value.describe()}",
                                 "compare it with `==`, or test a number variable")  # fmt: skip
                return CONDITION
            case ast.InList():
                value = self.kind(expr.value)
                for option in expr.options:
                    other = self.kind(option)
                    if not _same_family(value, other):
                        self.mismatch(option.span, value, other)
                return CONDITION
            case ast.IsSet() | ast.ScheduleTest():
                if isinstance(expr, ast.IsSet):
                    self.kind(expr.value)
                return CONDITION
            case ast.Not():
                self.condition(expr.value)
                return CONDITION
            case ast.BoolOp():
                for operand in expr.values:
                    self.condition(operand)
                return CONDITION
            case ast.Arith():
                for side in (expr.left, expr.right):
                    kind = self.kind(side)
                    if kind.name not in ("number", "any"):
                        message = f"`{expr.op}` works on numbers, but this is {kind.describe()}"
                        self.problem(side.span, message, "add and subtract numbers only")
                return NUMBER
        raise TypeError(f"no type for {type(expr).__name__}")

    def ref(self, ref: ast.Ref) -> Kind:
        variable = self.scope.variables.get(ref.path[0])
        if variable is not None:
            return ANY if len(ref.path) > 1 else kind_of_spec(variable.type)
        lists = self.members.get(ref.path[0])
        if lists and len(ref.path) == 1:
            return Kind("member", tuple(lists), ref.path[0])
        return ANY

    def condition(self, expr: ast.Expr) -> None:
        kind = self.kind(expr)
        if kind.name not in ("condition", "yesno", "any"):
            self.problem(
                expr.span,
                f"this is {kind.describe()}, not a yes/no condition",
                "compare it with something, e.g. `score > 8` or `reason == other`",
            )

    def compare(self, expr: ast.Compare) -> None:
        left, right = self.kind(expr.left), self.kind(expr.right)
        if not _same_family(left, right):
            self.mismatch(expr.span, left, right)
            return
        if expr.op in ("<", "<=", ">", ">="):
            for kind in (left, right):
                if kind.name not in _ORDERED and kind.name != "any" and kind.name != "string":
                    self.problem(
                        expr.span,
                        f"`{expr.op}` compares numbers, dates or times, "
                        f"but this is {kind.describe()}",
                        "use `==` or `!=` for yes/no answers, choices and texts",
                    )
                    return

    def mismatch(self, span: Span, left: Kind, right: Kind) -> None:
        hint = "compare values of the same kind"
        if "string" in (left.name, right.name) and {"choice", "many", "member"} & {
            left.name,
            right.name,
        }:
            hint = "name the choice without quotes, e.g. `reason == other`"
        elif {left.name, right.name} == {"yesno", "number"}:
            hint = "compare a yes/no answer with yes or no"
        elif "member" in (left.name, right.name):
            hint = "compare the variable with a choice of its own list"
        self.problem(span, f"{left.describe()} is compared with {right.describe()}", hint)


def _n(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def mixed_types(context: CheckContext) -> Iterator[Diagnostic]:
    """DS206: conditions, `set` values and `require` checks whose parts do not fit together."""
    scope = context.scope
    types = _Types(scope)
    for _block, stmt in statements(scope.module):
        match stmt:
            case ast.If():
                types.condition(stmt.condition)
            case ast.Ask():
                checks: list[ast.Require | ast.Confirm] = [*stmt.requires, *stmt.confirms]
                for check in checks:
                    types.condition(check.condition)
            case ast.SetVar():
                variable = scope.variables.get(stmt.name.value)
                value = types.kind(stmt.value)
                if variable is not None:
                    target = kind_of_spec(variable.type)
                    if value.name == "condition":
                        value = Kind("yesno")
                    if not _same_family(target, value):
                        types.problem(
                            stmt.value.span,
                            f'"{stmt.name.value}" holds {target.describe()}, '
                            f"but this is {value.describe()}",
                            "set it to a value of its own kind",
                        )
    yield from types.found
