"""Lowering of conditions and texts: AST expressions -> graph expressions, Text -> {lang: text}."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dialscript.dsl import ast
from dialscript.graph import expr as ir

if TYPE_CHECKING:
    from dialscript.dsl.resolve import Scope


def lower_text(scope: Scope | None, text: ast.Text) -> dict[str, str]:
    """{language: text}; an untagged text belongs to the flow's first language."""
    default = scope.default_language if scope else "en"
    return {variant.lang or default: variant.value for variant in text.variants}


def lower_expr(scope: Scope | None, node: ast.Expr) -> ir.Expr:
    match node:
        case ast.Literal_():
            return ir.Lit(value=node.value)
        case ast.Ref():
            return _ref(scope, node)
        case ast.Compare():
            return ir.Cmp(op=node.op, left=lower_expr(scope, node.left),
                          right=lower_expr(scope, node.right))  # fmt: skip
        case ast.InRange():
            return ir.InRange(value=lower_expr(scope, node.value), low=node.low, high=node.high)
        case ast.InList():
            return ir.InList(
                value=lower_expr(scope, node.value),
                options=tuple(lower_expr(scope, o) for o in node.options),
            )
        case ast.IsSet():
            return ir.IsSet(value=lower_expr(scope, node.value), negated=node.negated)
        case ast.Not():
            return ir.Not(value=lower_expr(scope, node.value))
        case ast.BoolOp():
            return ir.BoolOp(kind=node.op, values=tuple(lower_expr(scope, v) for v in node.values))
        case ast.Arith():
            return ir.Arith(op=node.op, left=lower_expr(scope, node.left),
                            right=lower_expr(scope, node.right))  # fmt: skip
        case ast.ScheduleTest():
            return ir.OpenNow(schedule=node.schedule.value, want_open=node.want_open)
    raise TypeError(f"no lowering for {type(node).__name__}")


def _ref(scope: Scope | None, node: ast.Ref) -> ir.Expr:
    """A variable, or, when no variable has that name, a choice option used as a value."""
    head = node.path[0]
    if (
        scope is not None
        and len(node.path) == 1
        and head not in scope.variables
        and scope.choice_member(head) is not None
    ):
        return ir.Lit(value=head)
    return ir.Var(path=node.path)
