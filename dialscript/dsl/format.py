"""The formatter: the canonical layout of a .flow file, built from the grammar's own tokens.

Only whitespace changes.  Tokens, comments and texts stay as written, so the
formatted flow compiles to the same graph (the same content hash).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from lark import Token

from dialscript.dsl.parser import grammar, parse

__all__ = ["format_text"]

INDENT = "  "
CONTINUATION = "    "  # extra indentation of a line continued with a backslash
_ARROW = "->"
_NO_SPACE_BEFORE = frozenset({",", ")", "]", "..", "."})
_NO_SPACE_AFTER = frozenset({"(", "[", "..", "."})


@dataclass(slots=True)
class _Code:
    """One statement or declaration, possibly continued over several lines with `\\`."""

    depth: int
    tokens: list[Token]
    indent: int  # the original indentation, to place the comments around it
    comment: str | None = None  # an end-of-line comment
    opens_block: bool = False
    align_to: int = 0  # the column of `->` when it is aligned with its neighbours


@dataclass(slots=True)
class _Comment:
    column: int
    text: str
    depth: int = 0


@dataclass(slots=True)
class _Blank:
    pass


_Item = _Code | _Comment | _Blank


@dataclass(slots=True)
class _Layout:
    """Walks the token stream, cutting it into lines and gaps of comments and blank lines."""

    source: str
    items: list[_Item] = field(default_factory=list)
    indents: list[int] = field(default_factory=lambda: [0])  # open blocks' original indents
    pending: list[_Comment | _Blank] = field(default_factory=list)

    def run(self, tokens: Iterable[Token]) -> list[_Item]:
        depth = 0
        in_line = False
        for token in tokens:
            if token.type == "_INDENT":
                depth += 1
            elif token.type == "_DEDENT":
                depth -= 1
            elif token.type == "_NL":
                segments = token.value.replace("\r", "").split("\n")
                head = segments[0].strip()
                if in_line:
                    self._finish(head or None)
                    in_line = False
                elif head:  # a comment on the file's first line
                    self.pending.append(_Comment((token.column or 1) - 1, head))
                self.pending.extend(_gap_item(segment) for segment in segments[1:-1])
            else:
                if not in_line:
                    self._place_comments(depth, self._indent_of(token))
                    self.items.append(_Code(depth, [], self._indent_of(token)))
                    in_line = True
                code = self.items[-1]
                assert isinstance(code, _Code)
                code.tokens.append(token)
        self._place_comments(None, 0)
        _mark_blocks(self.items)
        return self.items

    def _indent_of(self, token: Token) -> int:
        start = self.source.rfind("\n", 0, token.start_pos or 0) + 1
        return len(self.source[start : token.start_pos].expandtabs(8))

    def _finish(self, comment: str | None) -> None:
        code = self.items[-1]
        assert isinstance(code, _Code)
        code.comment = comment
        del self.indents[code.depth :]
        self.indents.append(code.indent)

    def _place_comments(self, depth: int | None, indent: int) -> None:
        """A comment joins the deepest open block (or the one opening) it is indented into."""
        candidates = list(self.indents)
        if depth is not None and depth == len(candidates):
            candidates.append(indent)
        for item in self.pending:
            if isinstance(item, _Comment):
                item.depth = max(
                    d for d, col in enumerate(candidates) if col <= item.column or d == 0
                )
            self.items.append(item)
        self.pending = []


def _gap_item(segment: str) -> _Comment | _Blank:
    text = segment.strip()
    if not text:
        return _Blank()
    return _Comment(len(segment.expandtabs(8)) - len(segment.lstrip()), text)


def _mark_blocks(items: list[_Item]) -> None:
    codes = [item for item in items if isinstance(item, _Code)]
    for code, following in zip(codes, codes[1:], strict=False):
        code.opens_block = following.depth > code.depth


# ------------------------------------------------------------------ spacing


def _join(tokens: list[Token], source: str, depth: int) -> str:
    out = [tokens[0].value]
    for previous, token in zip(tokens, tokens[1:], strict=False):
        between = source[previous.end_pos : token.start_pos]
        if "\n" in between:  # a backslash continuation: keep the line break
            out.append(" \\\n" + INDENT * depth + CONTINUATION)
        elif _spaced(previous, token):
            out.append(" ")
        out.append(token.value)
    return "".join(out)


def _spaced(previous: Token, token: Token) -> bool:
    if token.value in _NO_SPACE_BEFORE and token.type != "STRING":
        return False
    if previous.value in _NO_SPACE_AFTER and previous.type != "STRING":
        return False
    # the dash of an hour range: 09:00-18:00
    return not (
        (token.value == "-" and previous.type == "CLOCK")
        or (previous.value == "-" and token.type == "CLOCK")
    )


def _arrow_at(code: _Code, source: str) -> int | None:
    """The index of a route's `->`, when the line is a route with something before it."""
    for index, token in enumerate(code.tokens):
        if token.value == _ARROW and token.type != "STRING":
            left = code.tokens[:index]
            if not left or "\n" in source[left[0].start_pos : code.tokens[-1].end_pos]:
                return None
            return index
    return None


_KEYWORD_ROUTES = {
    "silence": "counted",
    "invalid": "counted",
    "if": "condition",
    "else": "else",
    "error": "other",
    "failed": "other",
    "at": "other",
}


def _route_class(code: _Code) -> str:
    """Routes align with their own kind: answers, silence/invalid counts, if/else, the rest."""
    first = code.tokens[0]
    return "answer" if first.type == "STRING" else _KEYWORD_ROUTES.get(first.value, "answer")


def _align_routes(items: list[_Item], source: str) -> None:
    """Consecutive routes of one kind in one block get their `->` in one column."""
    group: list[tuple[_Code, int]] = []
    kind = ""

    def close() -> None:
        width = max((len(_join(c.tokens[:i], source, c.depth)) for c, i in group), default=0)
        for code, _ in group:
            code.align_to = width
        group.clear()

    for item in items:
        if isinstance(item, _Comment):
            continue
        arrow = _arrow_at(item, source) if isinstance(item, _Code) else None
        if arrow is None or not isinstance(item, _Code):
            close()
            continue
        this = _route_class(item)
        joins = this == kind or (this == "else" and kind in ("answer", "condition"))
        if not group or group[0][0].depth != item.depth or not joins:
            close()
            kind = "condition" if this == "else" else this
        group.append((item, arrow))
    close()


def _code_text(code: _Code, source: str) -> str:
    arrow = _arrow_at(code, source) if code.align_to else None
    if arrow is None:
        return INDENT * code.depth + _join(code.tokens, source, code.depth)
    left = _join(code.tokens[:arrow], source, code.depth).ljust(code.align_to)
    return f"{INDENT * code.depth}{left} {_join(code.tokens[arrow:], source, code.depth)}"


def _render_codes(items: list[_Item], source: str) -> dict[int, str]:
    """Each line's text; end-of-line comments of neighbouring lines share one column."""
    _align_routes(items, source)
    texts: dict[int, str] = {}
    run: list[_Code] = []

    def close() -> None:
        width = max((len(texts[id(code)]) for code in run), default=0)
        for code in run:
            texts[id(code)] = f"{texts[id(code)].ljust(width)}  {code.comment}"
        run.clear()

    for item in items:
        if isinstance(item, _Code):
            texts[id(item)] = _code_text(item, source)
            if item.comment and "\n" not in texts[id(item)]:
                run.append(item)
                continue
        close()
    close()
    return texts


# ------------------------------------------------------------------ blank lines


def _gaps(items: list[_Item]) -> Iterator[tuple[_Code | None, list[_Item], _Code | None]]:
    previous: _Code | None = None
    gap: list[_Item] = []
    for item in items:
        if isinstance(item, _Code):
            yield previous, gap, item
            previous, gap = item, []
        else:
            gap.append(item)
    yield previous, gap, None


def _normalise_gap(
    previous: _Code | None, gap: list[_Item], following: _Code | None
) -> list[_Item]:
    """At most one blank line in a row; none at the ends of the file or at a block's start."""
    if previous is not None and following is not None and following.depth > previous.depth:
        return [item for item in gap if not isinstance(item, _Blank)]
    out: list[_Item] = []
    for item in gap:
        if isinstance(item, _Blank) and (isinstance(out[-1], _Blank) if out else not previous):
            continue
        out.append(item)
    if following is None:
        while out and isinstance(out[-1], _Blank):
            out.pop()
    if previous is None or following is None:
        return out
    if following.depth == 0 and (previous.depth > 0 or following.opens_block):
        if not any(isinstance(item, _Blank) for item in out):
            at = next(
                (i for i, it in enumerate(out) if isinstance(it, _Comment) and it.depth == 0),
                len(out),
            )
            out.insert(at, _Blank())
    return out


def _render(items: list[_Item], source: str) -> str:
    texts = _render_codes(items, source)
    lines: list[str] = []
    for previous, gap, following in _gaps(items):
        for item in _normalise_gap(previous, gap, following):
            if isinstance(item, _Comment):
                lines.append(INDENT * item.depth + item.text)
            else:
                lines.append("")
        if following is not None:
            lines.append(texts[id(following)])
    return "\n".join(lines) + "\n"


def format_text(text: str, *, path: str = "<flow>") -> str:
    """The flow in its canonical layout; raises FlowSyntaxError when it does not parse.

    >>> flow = 'step a\\n    say   "Hi"   # greet\\n    -> b\\nend b completed\\n'
    >>> print(format_text(flow), end="")
    step a
      say "Hi"  # greet
      -> b
    <BLANKLINE>
    end b completed
    """
    source = text.removeprefix("\ufeff").replace("\r\n", "\n")
    if not source.endswith("\n"):
        source += "\n"
    parse(source, path=path)
    tokens = grammar().parse_interactive(source).iter_parse()
    return _render(_Layout(source).run(tokens), source)
