"""Rules about a file's and a block's shape: header and steps, statements in the wrong place."""

from __future__ import annotations

from collections.abc import Iterator

from dialscript.dsl import ast
from dialscript.dsl.check.context import CheckContext
from dialscript.dsl.check.walk import first_line, keyword, own_blocks, statements
from dialscript.dsl.codes import Code
from dialscript.dsl.diagnostics import Diagnostic
from dialscript.dsl.span import Span


def missing_header_or_steps(context: CheckContext) -> Iterator[Diagnostic]:
    """DS108: steps without a `flow` header, a flow without steps, or an empty file.

    A file with no header and no steps that holds handlers, choices or schedules is a
    library for `import` and is fine.
    """
    module = context.scope.module
    start = Span(module.path, 1, 1, 1, 2)
    if module.flow is None and module.steps:
        first = module.steps[0]
        yield Code.DS108.at(
            first_line(first.span),
            "this file has steps but no flow header",
            hint='start the file with `flow NAME "title"` and its languages, inputs and results',
        )
    elif module.flow is not None and not module.steps:
        yield Code.DS108.at(
            module.flow.name.span,
            f'flow "{module.flow.name.value}" has no steps',
            hint="add at least one `step NAME` (or `end NAME OUTCOME`) block",
        )
    elif module.flow is None and not (module.handlers or module.choices or module.schedules):
        yield Code.DS108.at(
            start, "this file holds no flow", hint='start it with `flow NAME "title"` and a step'
        )


_STOPS = (ast.Goto, ast.Hangup, ast.Resume, ast.Else)


def _stops(stmt: ast.Stmt) -> bool:
    if isinstance(stmt, _STOPS):
        return True
    return isinstance(stmt, ast.Transfer) and stmt.failed is not None


def misplaced_statements(context: CheckContext) -> Iterator[Diagnostic]:
    """DS211: code after a jump, `resume` outside a handler, `else` with no `if` before it."""
    for block in own_blocks(context.scope.module):
        previous: ast.Stmt | None = None
        stopped_by: ast.Stmt | None = None
        for stmt in block.body:
            if stopped_by is not None:
                yield Code.DS211.at(
                    first_line(stmt.span),
                    f"this line never runs: the line {stopped_by.span.line} before it "
                    "already leaves the step",
                    hint="move it above that line, or into the step the call goes to",
                )
                break
            if isinstance(stmt, ast.Resume) and isinstance(block, ast.Step):
                yield Code.DS211.at(
                    keyword(stmt.span, "resume"),
                    "`resume` only works in a handler",
                    hint="a step says where to go with `-> STEP`, or ends with `hangup`",
                )
            if isinstance(stmt, ast.Else) and not isinstance(previous, ast.If):
                hint = "write `if CONDITION -> STEP` before it, or use `-> STEP` on its own"
                if isinstance(previous, ast.Ask):
                    hint = "to route any other answer, indent `else -> STEP` under the question"
                yield Code.DS211.at(keyword(stmt.span, "else"), "`else` with no `if` before it",
                                    hint=hint)  # fmt: skip
            if _stops(stmt):
                stopped_by = stmt
            previous = stmt


def lookup_without_error_branch(context: CheckContext) -> Iterator[Diagnostic]:
    """DS214: a lookup with no `error -> STEP`: when the service fails, the call goes on blind."""
    for _block, stmt in statements(context.scope.module):
        if isinstance(stmt, ast.Lookup) and stmt.error is None:
            yield Code.DS214.at(
                keyword(stmt.span, "lookup"),
                f'lookup "{stmt.var.value}" has no branch for when "{stmt.source.value}" fails',
                hint="add an indented line `error -> STEP` under the lookup",
            )
