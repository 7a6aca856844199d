"""The lexer: flow text -> tokens for the LALR parser, indentation included.

One compiled regular expression cuts the text into lexemes; the parser's
current state decides what a lexeme is: `text` is the answer type after `ask`,
and a plain name in a list of choices.  This is what lark's contextual lexer
does, done once per lexeme instead of once per candidate terminal, with the
indentation post-lexer folded in (dsl/indent.py keeps its rules).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lark import Token
from lark.common import LexerConf
from lark.exceptions import UnexpectedCharacters
from lark.lexer import Lexer, LexerState

from dialscript.dsl.indent import IndentMismatch

_LEXEME = re.compile(
    r"""
      (?P<nl>(?:\r?\n[\t ]*|\#[^\n]*)+)
    | (?P<space>[\t \f]+|\\[\t \f]*\r?\n)
    | (?P<string>"(?:\\.|[^"\\\n])*")
    | (?P<digits>[0-9][0-9A-Za-z:.\-]*)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<symbol>->|\.\.|==|!=|<=|>=|[<>=,.()\[\]+\-])
    """,
    re.VERBOSE,
)
# Numbers, dates, times and durations start alike; the first form that the
# parser accepts here wins, else the first that matches.
_DIGIT_FORMS = (
    ("DATE", re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")),
    ("CLOCK", re.compile(r"[0-9]{1,2}:[0-9]{2}")),
    ("DURATION", re.compile(r"[0-9]+(?:ms|s|min|m|h)\b")),
    ("KEY", re.compile(r"[0-9](?![0-9])")),
    ("NUMBER", re.compile(r"[0-9]+(?:\.[0-9]+)?")),
)
_WORD_FORMS = (
    ("YESNO", re.compile(r"yes/no")),
    ("DAYS", re.compile(r"(?:mon|tue|wed|thu|fri|sat|sun)(?:-(?:mon|tue|wed|thu|fri|sat|sun))?\b")),
    ("TZNAME", re.compile(r"UTC\b|[A-Za-z_]+(?:/[A-Za-z0-9_+\-]+)+")),
)
_KINDS = {
    "transfer": "TRANSFER_KIND",
    "queue": "TRANSFER_KIND",
    "bridge": "TRANSFER_KIND",
    "email": "NOTIFY_KIND",
    "webhook": "NOTIFY_KIND",
}
_SYMBOLS = {"==": "COMPARE", "!=": "COMPARE", "<=": "COMPARE", ">=": "COMPARE", "<": "COMPARE",
            ">": "COMPARE", "+": "SIGN"}  # fmt: skip
_TAB = 8


class FlowLexer(Lexer):
    __future_interface__ = 2  # lex(lexer_state, parser_state), with the TextSlice as given

    def __init__(self, conf: LexerConf) -> None:
        self.literals: dict[str, str] = {}
        for terminal in conf.terminals:
            if terminal.pattern.type == "str":
                self.literals[terminal.pattern.value] = terminal.name
        self.allowed = {t.name for t in conf.terminals if not t.name.startswith("__IGNORE")}

    def lex(self, lexer_state: LexerState, parser_state: Any) -> Iterator[Token]:
        source = lexer_state.text
        text = source.text if hasattr(source, "text") else source
        assert isinstance(text, str)
        states = parser_state.parse_conf.parse_table.states
        pos = 0
        line = 1
        line_start = 0
        levels = [0]
        length = len(text)
        match = _LEXEME.match
        while pos < length:
            found = match(text, pos)
            if found is None:
                allowed = self._accepted(states, parser_state)
                raise UnexpectedCharacters(  # type: ignore[no-untyped-call]
                    text, pos, line, pos - line_start + 1, allowed=allowed, state=parser_state
                )
            group = found.lastgroup
            value = found.group()
            column = pos - line_start + 1
            if group == "nl":
                newlines = value.count("\n")
                end = pos + len(value)
                token = Token("_NL", value, pos, line, column, line + newlines, 1, end)
                yield token
                if newlines:
                    line += newlines
                    line_start = pos + value.rfind("\n") + 1
                pos = end
                indent_str = value.rsplit("\n", 1)[1] if newlines else ""
                if not newlines:
                    continue
                indent = indent_str.count(" ") + indent_str.count("\t") * _TAB
                if indent > levels[-1]:
                    levels.append(indent)
                    yield Token("_INDENT", indent_str, pos, line, 1, line, indent + 1, pos)
                    continue
                inner = levels[-1]
                while indent < levels[-1]:
                    inner = levels.pop()
                    yield Token("_DEDENT", indent_str, pos, line, 1, line, indent + 1, pos)
                if indent != levels[-1]:
                    raise IndentMismatch(line, indent + 1, inner, levels[-1])
                continue
            if group == "space":
                if "\n" in value:
                    line += 1
                    line_start = pos + value.rfind("\n") + 1
                pos += len(value)
                continue
            accepted = states[parser_state.position]
            if group == "word":
                kind, value = self._word(text, pos, value, accepted)
            elif group == "digits":
                kind, value = self._digits(text, pos, value, accepted)
            elif group == "string":
                kind = "STRING"
                if value in ('"*"', '"#"'):
                    kind = _first(("KEY_SIGN", "KEY", "STRING"), accepted)
            else:
                kind = self.literals.get(value) or _SYMBOLS[value]
                if value == "-":
                    kind = _first(("MINUS", "SIGN"), accepted)
                elif value == "=" and "EQUAL" not in accepted and "COMPARE" in accepted:
                    kind = "COMPARE"
            end = pos + len(value)
            yield Token(kind, value, pos, line, column, line, column + len(value), end)
            pos = end
        for _ in levels[1:]:
            yield Token("_DEDENT", "", pos, line, 1, line, 1, pos)

    def _word(self, text: str, pos: int, word: str, accepted: Any) -> tuple[str, str]:
        for kind, pattern in _WORD_FORMS:
            if kind in accepted:
                form = pattern.match(text, pos)
                if form is not None:
                    return kind, form.group()
        keyword = self.literals.get(word) or _KINDS.get(word)
        if keyword is not None and keyword in accepted:
            return keyword, word
        if word == "optional" and "OPTIONAL" in accepted:
            return "OPTIONAL", word
        if "NAME" in accepted or keyword is None:
            return "NAME", word
        return "NAME", word

    def _digits(self, text: str, pos: int, lexeme: str, accepted: Any) -> tuple[str, str]:
        fallback: tuple[str, str] | None = None
        for kind, pattern in _DIGIT_FORMS:
            form = pattern.match(text, pos)
            if form is None:
                continue
            if kind in accepted:
                return kind, form.group()
            if fallback is None and kind != "KEY":
                fallback = (kind, form.group())
        assert fallback is not None  # NUMBER matches any digit
        return fallback

    def _accepted(self, states: Any, parser_state: Any) -> set[str]:
        return {name for name in states[parser_state.position] if name in self.allowed}


def _first(kinds: tuple[str, ...], accepted: Any) -> str:
    for kind in kinds:
        if kind in accepted:
            return kind
    return kinds[-1]
