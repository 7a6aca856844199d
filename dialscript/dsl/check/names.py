"""Rules about names: steps, variables, choices, schedules, outcomes, subflows."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

from dialscript.dsl import ast
from dialscript.dsl.check.context import CheckContext
from dialscript.dsl.check.walk import conditions, own_blocks, refs, statements, subexpressions
from dialscript.dsl.codes import Code
from dialscript.dsl.diagnostics import Diagnostic
from dialscript.dsl.lower_question import question_type
from dialscript.dsl.resolve import Scope
from dialscript.dsl.span import Span


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
    """DS101: a `->` (or any route, in a step or a handler) naming a step that does not exist."""
    scope = context.scope
    known = list(scope.steps)
    for block in own_blocks(scope.module):
        for stmt in block.body:
            for target in _targets(stmt):
                if target.value in scope.steps:
                    continue
                if target.value in scope.handlers:
                    hint = f'"{target.value}" is a handler; handlers start on their key or button'
                else:
                    hint = did_you_mean(target.value, known) or "define it with `step NAME`"
                yield Code.DS101.at(target.span, f'unknown step "{target.value}"', hint=hint)
    start = scope.module.start
    if start is not None and start.value not in scope.steps:
        hint = did_you_mean(start.value, known) or "name one of the flow's steps"
        yield Code.DS101.at(start.span, f'the start step "{start.value}" is not defined', hint=hint)


# ------------------------------------------------------------------ duplicates


def _twice(kind: str, name: ast.Name, first: Span) -> Diagnostic:
    return Code.DS102.at(
        name.span,
        f'{kind} "{name.value}" is named twice',
        hint=f"the first one is at line {first.line}; remove or rename one of them",
    )


def _repeated(kind: str, names: Iterable[ast.Name]) -> Iterator[Diagnostic]:
    seen: dict[str, Span] = {}
    for name in names:
        if name.value in seen:
            yield _twice(kind, name, seen[name.value])
        else:
            seen[name.value] = name.span


def duplicate_names(context: CheckContext) -> Iterator[Diagnostic]:
    """DS102 (beyond what resolve finds): a language, argument or field named twice."""
    header = context.scope.module.flow
    if header is not None:
        yield from _repeated("language", header.languages)
        for outcome in header.outcomes:
            yield from _repeated("required result", outcome.requires)
    for _block, stmt in statements(context.scope.module):
        match stmt:
            case ast.Call():
                yield from _repeated("parameter", (a.name for a in stmt.args))
                yield from _repeated("returned variable", (a.name for a in stmt.returning))
            case ast.Lookup():
                yield from _repeated("parameter", (a.name for a in stmt.args))
            case ast.Notify():
                yield from _repeated("field", stmt.fields)


# ------------------------------------------------------------------ variables


def _choice_list_of(scope: Scope, expr: ast.Expr) -> str | None:
    if isinstance(expr, ast.Ref) and len(expr.path) == 1:
        variable = scope.variables.get(expr.path[0])
        if variable and variable.type and variable.type.choices:
            return variable.type.choices.value
    return None


def _compared_lists(scope: Scope, expr: ast.Expr) -> dict[int, str]:
    """id(Ref) -> the choice list of what it is compared with (`reason == other`)."""
    found: dict[int, str] = {}
    for sub in subexpressions(expr):
        pairs: list[tuple[ast.Expr, ast.Expr]] = []
        if isinstance(sub, ast.Compare):
            pairs = [(sub.left, sub.right), (sub.right, sub.left)]
        elif isinstance(sub, ast.InList):
            pairs = [(sub.value, option) for option in sub.options]
        for this, other in pairs:
            listed = _choice_list_of(scope, this)
            if listed and isinstance(other, ast.Ref):
                found[id(other)] = listed
    return found


def _unknown_ref(scope: Scope, ref: ast.Ref, listed: str | None) -> Diagnostic | None:
    head = ref.path[0]
    if head in scope.variables:
        return None
    options = scope.choices.get(listed) if listed else None
    if options is not None and len(ref.path) == 1:
        names = [o.name.value for o in options.options]
        if head in names or scope.choice_member(head) is not None:
            return None  # an option of another list: DS206 says so
        hint = did_you_mean(head, names) or f"the choices of {listed} are: {', '.join(names)}"
        return Code.DS104.at(ref.span, f'"{head}" is not a choice of "{listed}"', hint=hint)
    if len(ref.path) == 1 and scope.choice_member(head) is not None:
        return None
    span = Span(ref.span.path, ref.span.line, ref.span.column, ref.span.line,
                ref.span.column + len(head))  # fmt: skip
    hint = did_you_mean(head, scope.variables) or (
        f"declare it in the flow header: `var {head} TYPE`, `input {head} TYPE` "
        f"or `result {head} TYPE`"
    )
    return Code.DS103.at(span, f'unknown variable "{head}"', hint=hint)


def _variable_names(stmt: ast.Stmt) -> Iterator[ast.Name]:
    match stmt:
        case ast.SetVar():
            yield stmt.name
        case ast.Sms():
            yield stmt.to
        case ast.Notify():
            yield from stmt.fields
        case ast.Call():
            yield from (a.name for a in stmt.returning)


def unknown_variables(context: CheckContext) -> Iterator[Diagnostic]:
    """DS103: a condition, `set`, `sms`, `with` field or `requires` naming no variable.

    A name compared with a `one of` variable that is no choice of its list is DS104.
    """
    scope = context.scope
    expressions: list[ast.Expr] = []
    names: list[ast.Name] = []
    header = scope.module.flow
    if header is not None:
        expressions.extend(d.default for d in header.decls if d.default is not None)
        for outcome in header.outcomes:
            names.extend(outcome.requires)
    for _block, stmt in statements(scope.module):
        expressions.extend(conditions(stmt))
        names.extend(_variable_names(stmt))
    for expr in expressions:
        listed = _compared_lists(scope, expr)
        for ref in refs(expr):
            problem = _unknown_ref(scope, ref, listed.get(id(ref)))
            if problem is not None:
                yield problem
    for name in names:
        if name.value not in scope.variables:
            hint = did_you_mean(name.value, scope.variables) or (
                f"declare it in the flow header, e.g. `result {name.value} text`"
            )
            yield Code.DS103.at(name.span, f'unknown variable "{name.value}"', hint=hint)


# ------------------------------------------------------------------ choices and schedules


def _type_specs(context: CheckContext) -> Iterator[ast.TypeSpec]:
    header = context.scope.module.flow
    if header is not None:
        yield from (d.type for d in header.decls)
    for _block, stmt in statements(context.scope.module):
        if isinstance(stmt, ast.Ask) and stmt.type is not None:
            yield stmt.type


def unknown_choices(context: CheckContext) -> Iterator[Diagnostic]:
    """DS104: `one of X` with no `choices X`, an answer that is no choice of the question's
    list, and `open X` / `closed X` with no `schedule X`."""
    scope = context.scope
    for spec in _type_specs(context):
        if spec.choices is not None and spec.choices.value not in scope.choices:
            name = spec.choices
            hint = did_you_mean(name.value, scope.choices) or (
                f"define the list: `choices {name.value}` with one option per line"
            )
            yield Code.DS104.at(name.span, f'unknown choice list "{name.value}"', hint=hint)
    for block, stmt in statements(scope.module):
        for expr in conditions(stmt):
            for sub in subexpressions(expr):
                if isinstance(sub, ast.ScheduleTest) and sub.schedule.value not in scope.schedules:
                    name = sub.schedule
                    hint = did_you_mean(name.value, scope.schedules) or (
                        f"define it: `schedule {name.value}` with its hours"
                    )
                    yield Code.DS104.at(name.span, f'unknown schedule "{name.value}"', hint=hint)
        if isinstance(stmt, ast.Ask) and not stmt.is_menu:
            yield from _unknown_answers(scope, block, stmt)


def _unknown_answers(
    scope: Scope, block: ast.Step | ast.Handler, ask: ast.Ask
) -> Iterator[Diagnostic]:
    spec = question_type(ask, scope.variables.get(scope.ask_var(block, ask)))
    if spec is None or spec.choices is None or spec.choices.value not in scope.choices:
        return
    listed = spec.choices.value
    options = [o.name.value for o in scope.choices[listed].options]
    patterns = [p for r in ask.routes for p in r.patterns] + [k.answer for k in ask.key_maps]
    for pattern in patterns:
        if pattern.kind == "name" and pattern.value not in options:
            hint = did_you_mean(str(pattern.value), options) or (
                f"the choices of {listed} are: {', '.join(options)}"
            )
            yield Code.DS104.at(
                pattern.span, f'"{pattern.value}" is not a choice of "{listed}"', hint=hint
            )


# ------------------------------------------------------------------ outcomes and subflows


def unknown_outcomes(context: CheckContext) -> Iterator[Diagnostic]:
    """DS105: `outcome X` or `end STEP X` with no `outcome X` in the header."""
    scope = context.scope
    names: list[ast.Name] = []
    for block in own_blocks(scope.module):
        if isinstance(block, ast.Step) and block.end_outcome is not None:
            names.append(block.end_outcome)
        names.extend(s.name for s in block.body if isinstance(s, ast.SetOutcome))
    for name in names:
        if name.value not in scope.outcomes:
            hint = did_you_mean(name.value, scope.outcomes) or (
                f'declare it in the flow header: `outcome {name.value} "title"`'
            )
            yield Code.DS105.at(name.span, f'unknown outcome "{name.value}"', hint=hint)


def unknown_subflows(context: CheckContext) -> Iterator[Diagnostic]:
    """DS106: a call to a flow that no import brings, a parameter that is not one of its
    inputs, a result it does not return, or a required input left out."""
    scope = context.scope
    for _block, stmt in statements(scope.module):
        if not isinstance(stmt, ast.Call):
            continue
        sub = scope.subflows.get(stmt.flow.value)
        if sub is None:
            hint = did_you_mean(stmt.flow.value, scope.subflows) or (
                f'import the file that holds `flow {stmt.flow.value}`: import "file.flow"'
            )
            yield Code.DS106.at(stmt.flow.span, f'unknown subflow "{stmt.flow.value}"', hint=hint)
            continue
        inputs = {n: v for n, v in sub.variables.items() if v.role == "input"}
        results = [n for n, v in sub.variables.items() if v.role == "result"]
        for arg in stmt.args:
            if arg.name.value not in inputs:
                hint = did_you_mean(arg.name.value, inputs) or _listing("inputs", inputs)
                yield Code.DS106.at(
                    arg.name.span,
                    f'"{arg.name.value}" is not an input of subflow "{sub.name}"',
                    hint=hint,
                )
        for arg in stmt.returning:
            value = arg.value
            returned = value.path[0] if isinstance(value, ast.Ref) else None
            if returned is None or len(value.path) != 1 or returned not in results:  # type: ignore[union-attr]
                what = returned or "this value"
                hint = (did_you_mean(returned, results) if returned else None) or _listing(
                    "results", results
                )
                yield Code.DS106.at(
                    value.span, f'"{what}" is not a result of subflow "{sub.name}"', hint=hint
                )
        given = {a.name.value for a in stmt.args}
        missing = [n for n, v in inputs.items() if not v.optional and n not in given]
        if missing:
            names = ", ".join(missing)
            example = ", ".join(f"{n} = ..." for n in missing)
            yield Code.DS106.at(
                stmt.flow.span,
                f'subflow "{sub.name}" needs {names}, but the call does not give '
                f"{'it' if len(missing) == 1 else 'them'}",
                hint=f"add `with {example}`",
            )


def _listing(what: str, names: Iterable[str]) -> str:
    found = ", ".join(names)
    return f"its {what} are: {found}" if found else f"it has no {what}"
