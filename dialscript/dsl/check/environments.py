"""DS109: logical names (queues, e-mail, lookups...) that an environment of the bindings
file does not bind.  No bindings file found: nothing to check."""

from __future__ import annotations

from collections.abc import Iterator

from dialscript.bindings import CATEGORY
from dialscript.dsl import ast
from dialscript.dsl.check.context import CheckContext
from dialscript.dsl.check.names import did_you_mean
from dialscript.dsl.check.walk import keyword, statements
from dialscript.dsl.codes import Code
from dialscript.dsl.diagnostics import Diagnostic


def _logical_name(stmt: ast.Stmt) -> tuple[str, ast.Name] | None:
    match stmt:
        case ast.Transfer():
            return stmt.kind, stmt.destination
        case ast.Notify():
            return stmt.kind, stmt.destination
        case ast.Lookup():
            return "lookup", stmt.source
    return None


def unbound_names(context: CheckContext) -> Iterator[Diagnostic]:
    bindings = context.scope.bindings
    if bindings.path is None and not bindings.environments:
        return
    envs = context.options.environments or tuple(bindings.environments)
    where = bindings.path.name if bindings.path else "the bindings file"
    for _block, stmt in statements(context.scope.module):
        if isinstance(stmt, ast.Sms):
            lacking = [env for env in envs if not bindings.names(env, CATEGORY["sms"])]
            if lacking:
                yield Code.DS109.at(
                    keyword(stmt.span, "sms"),
                    f"no SMS gateway is bound in {', '.join(lacking)}",
                    hint=f"add [{lacking[0]}.sms] with a `default = ...` line to {where}",
                )
            continue
        found = _logical_name(stmt)
        if found is None:
            continue
        statement, name = found
        category = CATEGORY[statement]
        lacking = bindings.missing(category, name.value, envs)
        if not lacking:
            continue
        known = {n for env in envs for n in bindings.names(env, category)}
        hint = did_you_mean(name.value, known) or (
            f"add `{name.value} = ...` under [{lacking[0]}.{category}] in {where}"
        )
        places = ", ".join(lacking)
        yield Code.DS109.at(
            name.span,
            f'{statement} "{name.value}" is not bound in {places}',
            hint=hint,
        )
