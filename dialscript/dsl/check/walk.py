"""Walking the AST for the rules: the texts, expressions and names each statement holds."""

from __future__ import annotations

from collections.abc import Iterator

from dialscript.dsl import ast
from dialscript.dsl.span import Span

Block = ast.Step | ast.Handler


def own_blocks(module: ast.Module) -> Iterator[Block]:
    """The steps and handlers written in this file, in source order."""
    blocks: list[Block] = [*module.steps, *module.handlers]
    blocks.sort(key=lambda b: (b.span.line, b.span.column))
    yield from blocks


def statements(module: ast.Module) -> Iterator[tuple[Block, ast.Stmt]]:
    for block in own_blocks(module):
        for stmt in block.body:
            yield block, stmt


def spoken_texts(stmt: ast.Stmt) -> Iterator[ast.Text]:
    """Texts a caller hears (or an agent reads aloud): each must exist in every language."""
    match stmt:
        case ast.Say():
            yield stmt.text
        case ast.Play():
            yield stmt.audio
        case ast.Ask() if stmt.text is not None:
            yield stmt.text
        case ast.Record() if stmt.prompt is not None:
            yield stmt.prompt
        case ast.Sms():
            yield stmt.text
    if isinstance(stmt, ast.Ask):
        yield from stmt.reprompts
        yield from (r.message for r in stmt.requires)
        yield from (c.question for c in stmt.confirms)


def texts(stmt: ast.Stmt) -> Iterator[ast.Text]:
    """Every text of a statement, spoken or not (all are jinja2 templates)."""
    yield from spoken_texts(stmt)
    match stmt:
        case ast.Note():
            yield stmt.text
        case ast.Ask():
            yield from stmt.hints
        case ast.Notify() if stmt.subject is not None:
            yield stmt.subject


def conditions(stmt: ast.Stmt) -> Iterator[ast.Expr]:
    """Expressions a statement evaluates (conditions, assigned values, arguments)."""
    match stmt:
        case ast.If():
            yield stmt.condition
        case ast.SetVar():
            yield stmt.value
        case ast.Ask():
            yield from (r.condition for r in stmt.requires)
            yield from (c.condition for c in stmt.confirms)
        case ast.Call():
            yield from (a.value for a in stmt.args)
        case ast.Lookup():
            yield from (a.value for a in stmt.args)


def subexpressions(expr: ast.Expr) -> Iterator[ast.Expr]:
    """The expression and everything inside it, parents first."""
    yield expr
    match expr:
        case ast.Compare() | ast.Arith():
            yield from subexpressions(expr.left)
            yield from subexpressions(expr.right)
        case ast.InRange() | ast.IsSet() | ast.Not():
            yield from subexpressions(expr.value)
        case ast.InList():
            yield from subexpressions(expr.value)
            for option in expr.options:
                yield from subexpressions(option)
        case ast.BoolOp():
            for value in expr.values:
                yield from subexpressions(value)


def refs(expr: ast.Expr) -> Iterator[ast.Ref]:
    for sub in subexpressions(expr):
        if isinstance(sub, ast.Ref):
            yield sub


def first_line(span: Span) -> Span:
    """The span cut to its first line, for a caret under a multi-line statement."""
    if span.end_line == span.line:
        return span
    return Span(span.path, span.line, span.column, span.line, span.column + 1)


def keyword(span: Span, word: str) -> Span:
    """The span of the statement's first word (`ask`, `say`, `else`...)."""
    return Span(span.path, span.line, span.column, span.line, span.column + len(word))


def find_in_line(sources: dict[str, str], span: Span, needle: str, start: int = 0) -> Span:
    """Where `needle` stands on the span's first line (after column `start`), else the span."""
    lines = sources.get(span.path, "").splitlines()
    if not 1 <= span.line <= len(lines):
        return first_line(span)
    line = lines[span.line - 1]
    index = line.find(needle, max(span.column - 1, start))
    if index < 0:
        return first_line(span)
    return Span(span.path, span.line, index + 1, span.line, index + 1 + len(needle))
