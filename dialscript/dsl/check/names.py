"""Rules about names: steps, variables, choices, schedules, outcomes, subflows."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

from dialscript.dsl import ast
from dialscript.dsl.check.context import CheckContext
from dialscript.dsl.codes import Code
from dialscript.dsl.diagnostics import Diagnostic


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f'did you mean "{close[0]}"?' if close else None


def _targets(stmt: ast.Stmt) -> Iterator[ast.Name]:
    match stmt:
        case ast.If() | ast.Else() | ast.Goto() | ast.Limit():
            yield stmt.target
        case ast.Ask():
            yield from (r.target for r in stmt.routes)
            if stmt.otherwise:
                yield stmt.otherwise
            for fallback in (stmt.silence, stmt.invalid):
                if fallback:
                    yield fallback.target
        case ast.Transfer() if stmt.failed:
            yield stmt.failed
        case ast.Lookup() if stmt.error:
            yield stmt.error


def unknown_steps(context: CheckContext) -> Iterator[Diagnostic]:
    """DS101: a `->` (or any route) naming a step that does not exist."""
    scope = context.scope
    known = list(scope.steps)
    blocks: list[ast.Step | ast.Handler] = [*scope.steps.values(), *scope.module.handlers]
    for block in blocks:
        for stmt in block.body:
            for target in _targets(stmt):
                if target.value not in scope.steps:
                    hint = did_you_mean(target.value, known) or "define it with `step NAME`"
                    yield Code.DS101.at(target.span, f'unknown step "{target.value}"', hint=hint)
    start = scope.module.start
    if start is not None and start.value not in scope.steps:
        hint = did_you_mean(start.value, known) or "name one of the flow's steps"
        yield Code.DS101.at(start.span, f'the start step "{start.value}" is not defined', hint=hint)
