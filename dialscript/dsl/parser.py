"""Stage 1: flow text -> AST.  Syntax errors become diagnostics in the analyst's words."""

from __future__ import annotations

import threading
from functools import lru_cache

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from dialscript.dsl import ast
from dialscript.dsl.codes import Code
from dialscript.dsl.diagnostics import Diagnostic
from dialscript.dsl.indent import IndentMismatch
from dialscript.dsl.lexer import FlowLexer
from dialscript.dsl.span import Span
from dialscript.dsl.syntax_words import explain, opening_block
from dialscript.dsl.transform import ToAst


class FlowSyntaxError(Exception):
    """The text could not be parsed; `diagnostic` says where and why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


_BUILDER = ToAst()
# The AST is built during the parse by one shared builder whose `path` is set per
# file; the lock keeps two threads from parsing through it at once.
_PARSE_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def grammar() -> Lark:
    """The LALR parser, built once per process from the packaged grammar."""
    return Lark.open_from_package(
        "dialscript",
        "dialscript.lark",
        ("grammar",),
        parser="lalr",
        lexer=FlowLexer,
        maybe_placeholders=False,
        transformer=_BUILDER,
        cache=True,  # the LALR tables, kept in the temp folder: ~1 s less per start
    )


def parse(text: str, *, path: str = "<flow>") -> ast.Module:
    """Parse one file; raise FlowSyntaxError with a diagnostic on the first syntax error.

    >>> module = parse('flow hello "Hi"\\nstep greet\\n  say "Hello"\\n  hangup\\n')
    >>> module.flow.name.value, [s.name.value for s in module.steps]
    ('hello', ['greet'])
    """
    source = text if text.endswith("\n") else text + "\n"
    if source.startswith("\ufeff"):
        source = source[1:]
    parser = grammar()
    try:
        with _PARSE_LOCK:
            _BUILDER.path = path
            module = parser.parse(source)
    except IndentMismatch as error:
        raise FlowSyntaxError(_indent_diagnostic(error, path)) from None
    except UnexpectedInput as error:
        raise FlowSyntaxError(_syntax_diagnostic(error, source, path)) from None
    assert isinstance(module, ast.Module)
    return module


def _indent_diagnostic(error: IndentMismatch, path: str) -> Diagnostic:
    return Code.DS003.at(
        Span.point(path, error.line, error.column),
        f"this line's indentation ({error.column - 1} spaces) matches no open block",
        hint=f"indent it by {error.inner} spaces to stay in the block above, "
        f"or by {error.outer} to close it",
    )


def _syntax_diagnostic(error: UnexpectedInput, source: str, path: str) -> Diagnostic:
    lines = source.splitlines()
    if isinstance(error, UnexpectedCharacters):
        line, column = error.line, error.column
        position = error.pos_in_stream or 0
        char = source[position] if position < len(source) else ""
        span = Span.point(path, line, column)
        if char == '"':
            return Code.DS004.at(
                span, "this text has no closing quote", hint='end the text with " on the same line'
            )
        if char == "\t":
            return Code.DS002.at(span, "a tab is not allowed here", hint="use spaces")
        return Code.DS002.at(
            span,
            f"unexpected character {char!r}",
            hint=_block_hint(set(error.allowed or ()), lines, line),
        )
    if isinstance(error, UnexpectedEOF):
        last = max(1, len(lines))
        span = Span.point(path, last, 1 + len(lines[-1]) if lines else 1)
        return Code.DS001.at(
            span,
            "the file ends too early",
            hint=_block_hint(set(error.expected), lines, last),
        )
    assert isinstance(error, UnexpectedToken)
    token: Token = error.token
    line = token.line or len(lines) or 1
    column = token.column or 1
    expected = set(error.expected)
    if token.type in ("_DEDENT", "$END"):
        span = Span.point(path, line, column)
        what = "the block ends"
    elif token.type == "_NL":
        line_text = lines[line - 1] if line - 1 < len(lines) else ""
        column = len(line_text.rstrip()) + 1
        span = Span.point(path, line, column)
        what = "the line ends"
    elif token.type == "_INDENT":
        line = token.end_line or line
        column = token.end_column or 1
        span = Span.point(path, line, column)
        what = "this line is indented"
    else:
        width = max(1, (token.end_column or column + 1) - column)
        span = Span(path, line, column, line, column + width)
        what = f"found {_show(token)}"
    before = lines[line - 1][: column - 1] if 0 < line <= len(lines) else ""
    wanted, hint = explain(str(token), token.type, expected, before)
    return Code.DS001.at(
        span,
        f"{what}, but {wanted} was expected",
        hint=hint or _block_hint(expected, lines, line),
    )


def _show(token: Token) -> str:
    if token.type == "STRING":
        return "a text in quotes"
    if token.type == "NAME":
        return f'the name "{token}"'
    return f'"{token}"'


def _block_hint(expected: set[str], lines: list[str], line: int) -> str | None:
    block = opening_block(lines, line)
    if "_DEDENT" in expected and block:
        return f"the block of {block} is still open here; check the indentation"
    if "_INDENT" in expected:
        return "indent the lines that belong to this statement by two more spaces"
    if block:
        return f"this line is inside {block}"
    return None
