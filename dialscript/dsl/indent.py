"""The indentation post-lexer: leading whitespace becomes _INDENT/_DEDENT tokens."""

from __future__ import annotations

from collections.abc import Iterator

from lark import Token
from lark.indenter import Indenter


class IndentMismatch(Exception):
    """A line closes a block but does not line up with any open one."""

    def __init__(self, line: int, column: int, inner: int, outer: int) -> None:
        super().__init__(f"line {line}: indentation {column - 1}, expected {inner} or {outer}")
        self.line = line
        self.column = column
        self.inner = inner
        self.outer = outer


class FlowIndenter(Indenter):
    NL_type = "_NL"
    OPEN_PAREN_types: list[str] = []
    CLOSE_PAREN_types: list[str] = []
    INDENT_type = "_INDENT"
    DEDENT_type = "_DEDENT"
    tab_len = 8

    def handle_NL(self, token: Token) -> Iterator[Token]:
        yield token
        indent_str = token.rsplit("\n", 1)[1]
        indent = indent_str.count(" ") + indent_str.count("\t") * self.tab_len
        if indent > self.indent_level[-1]:
            self.indent_level.append(indent)
            yield Token.new_borrow_pos(self.INDENT_type, indent_str, token)
            return
        inner = self.indent_level[-1]
        while indent < self.indent_level[-1]:
            inner = self.indent_level.pop()
            yield Token.new_borrow_pos(self.DEDENT_type, indent_str, token)
        if indent != self.indent_level[-1]:
            line = token.end_line or token.line or 1
            raise IndentMismatch(line, indent + 1, inner, self.indent_level[-1])
