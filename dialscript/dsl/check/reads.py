"""Reading variables before they have a value, and outcomes without the results they require.

Both rules read `CheckContext.set_facts` (dsl/check/dataflow.py).  Optional
results may be read unset in texts, arguments and notifications (they read as
empty); in a condition they must be guarded by `is set`.
"""

from __future__ import annotations

from collections.abc import Iterator

from dialscript.dsl import ast
from dialscript.dsl.check.context import CheckContext
from dialscript.dsl.check.dataflow import Names
from dialscript.dsl.check.templates import read_template
from dialscript.dsl.check.walk import find_in_line, own_blocks, refs, texts
from dialscript.dsl.codes import Code
from dialscript.dsl.diagnostics import Diagnostic
from dialscript.dsl.span import Span


def proven_if_true(expr: ast.Expr) -> frozenset[str]:
    match expr:
        case ast.IsSet(value=ast.Ref(path=path), negated=False):
            return frozenset({path[0]})
        case ast.BoolOp(op="and"):
            return frozenset().union(*(proven_if_true(v) for v in expr.values))
        case ast.Not():
            return proven_if_false(expr.value)
    return frozenset()


def proven_if_false(expr: ast.Expr) -> frozenset[str]:
    match expr:
        case ast.IsSet(value=ast.Ref(path=path), negated=True):
            return frozenset({path[0]})
        case ast.BoolOp(op="or"):
            return frozenset().union(*(proven_if_false(v) for v in expr.values))
        case ast.Not():
            return proven_if_true(expr.value)
    return frozenset()


def unguarded_reads(expr: ast.Expr, known: Names | frozenset[str]) -> Iterator[ast.Ref]:
    """Variables the expression reads that `known` (plus its own guards) does not cover."""
    match expr:
        case ast.IsSet():
            return
        case ast.Ref():
            if expr.path[0] not in known:
                yield expr
        case ast.BoolOp():
            for value in expr.values:
                yield from unguarded_reads(value, known)
                proven = proven_if_true(value) if expr.op == "and" else proven_if_false(value)
                known = known | proven
        case _:
            for ref in refs(expr):
                if ref.path[0] not in known:
                    yield ref


class _Reporter:
    def __init__(self, context: CheckContext) -> None:
        self.context = context
        self.variables = context.scope.variables
        self.facts = context.set_facts
        self.optional = frozenset(n for n, v in self.variables.items() if v.optional)
        self.seen: set[tuple[str, int, int]] = set()

    def report(self, node: str, name: str, span: Span) -> Iterator[Diagnostic]:
        key = (name, span.line, span.column)
        if name not in self.variables or key in self.seen:
            return
        self.seen.add(key)
        step = self.context.graph.nodes[node].step
        source = self.facts.missing_from(node, name, step)
        origin = self.context.graph.nodes[source].step if source else None
        where = f'when the call comes from "{origin}"' if origin else "on some path"
        yield Code.DS207.at(
            span,
            f'"{name}" may not have a value yet here',
            hint=f"it is not set {where}; set it earlier, or check `if {name} is set` first",
        )

    def expression(
        self, node: str, expr: ast.Expr, state: Names, strict: bool
    ) -> Iterator[Diagnostic]:
        known = state if strict else state | self.optional
        for ref in unguarded_reads(expr, known):
            yield from self.report(node, ref.path[0], ref.span)

    def text(self, node: str, text: ast.Text, state: Names) -> Iterator[Diagnostic]:
        sources = self.context.scope.sources
        for variant in text.variants:
            for name in read_template(variant.value).names:
                if name not in state and name not in self.optional:
                    span = find_in_line(sources, variant.span, name, variant.span.column)
                    yield from self.report(node, name, span)

    def names(self, node: str, names: tuple[ast.Name, ...], state: Names) -> Iterator[Diagnostic]:
        for name in names:
            if name.value not in state and name.value not in self.optional:
                yield from self.report(node, name.value, name.span)


def read_before_set(context: CheckContext) -> Iterator[Diagnostic]:
    """DS207: a variable read on a path where nothing has set it yet."""
    reporter = _Reporter(context)
    before = context.set_facts.before
    for block in own_blocks(context.scope.module):
        failed: frozenset[str] = frozenset()
        for stmt in block.body:
            node = context.node_of.get(id(stmt))
            state = before.get(node) if node is not None else None
            if node is None or state is None:
                continue
            if isinstance(stmt, ast.If):
                yield from reporter.expression(node, stmt.condition, state | failed, True)
                failed = failed | proven_if_false(stmt.condition)
                continue
            failed = frozenset()
            checks: list[ast.Require | ast.Confirm] = []
            if isinstance(stmt, ast.Ask):
                checks = [*stmt.requires, *stmt.confirms]
            answered = state
            if isinstance(stmt, ast.Ask):
                answered = state | {context.scope.ask_var(block, stmt)}
            said_after = {
                id(c.message if isinstance(c, ast.Require) else c.question) for c in checks
            }
            for text in texts(stmt):
                yield from reporter.text(node, text, answered if id(text) in said_after else state)
            match stmt:
                case ast.Ask():
                    for check in checks:
                        yield from reporter.expression(node, check.condition, answered, True)
                case ast.SetVar():
                    yield from reporter.expression(node, stmt.value, state, True)
                case ast.Call() | ast.Lookup():
                    for arg in stmt.args:
                        yield from reporter.expression(node, arg.value, state, False)
                case ast.Sms():
                    yield from reporter.names(node, (stmt.to,), state)
                case ast.Notify():
                    yield from reporter.names(node, stmt.fields, state)


def outcome_without_result(context: CheckContext) -> Iterator[Diagnostic]:
    """DS208: an outcome reached where a result it `requires` has no value."""
    facts = context.set_facts
    outcomes = context.scope.outcomes
    names: dict[str, ast.Name] = {}
    for block in own_blocks(context.scope.module):
        if isinstance(block, ast.Step) and block.end_outcome is not None:
            names[block.name.value] = block.end_outcome
        for stmt in block.body:
            node = context.node_of.get(id(stmt))
            if isinstance(stmt, ast.SetOutcome) and node is not None:
                names[node] = stmt.name
    for node_id, name in names.items():
        state = facts.before.get(node_id)
        decl = outcomes.get(name.value)
        if state is None or decl is None:
            continue
        for required in decl.requires:
            if required.value in state or required.value not in context.scope.variables:
                continue
            source = facts.missing_from(node_id, required.value, context.graph.nodes[node_id].step)
            step = context.graph.nodes[source].step if source else None
            where = f'coming from "{step}"' if step else "on some path"
            yield Code.DS208.at(
                name.span,
                f'outcome "{name.value}" requires "{required.value}", which may not be set here',
                hint=f'"{required.value}" is not set {where}; route that path to another '
                f"outcome, or set {required.value} first",
            )
