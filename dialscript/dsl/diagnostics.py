"""Diagnostics as data, and their two renderings: the terminal and JSON.

Every problem the front end finds is a `Diagnostic` with a stable code from
`dialscript.dsl.codes`; nothing raises for bad flow text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from dialscript.dsl.span import Span


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    span: Span
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "path": self.span.path,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "hint": self.hint,
        }


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    span = diagnostic.span
    return (span.path, span.line, span.column, diagnostic.code)


def render_text(diagnostic: Diagnostic, sources: Mapping[str, str]) -> str:
    """gcc-style: location, severity[code], message, the source line, a caret, a hint.

    >>> d = Diagnostic("DS101", Severity.ERROR, 'unknown step "biling"',
    ...                Span("a.flow", 2, 8, 2, 14), 'did you mean "billing"?')
    >>> print(render_text(d, {"a.flow": "step x\\n  2 -> biling\\n"}))
    a.flow:2:8: error[DS101]: unknown step "biling"
        2 |   2 -> biling
          |        ^^^^^^
    hint: did you mean "billing"?
    """
    span = diagnostic.span
    out = [f"{span}: {diagnostic.severity}[{diagnostic.code}]: {diagnostic.message}"]
    lines = sources.get(span.path, "").splitlines()
    if 1 <= span.line <= len(lines):
        source_line = lines[span.line - 1].expandtabs(1)
        gutter = str(span.line).rjust(5)
        width = (span.end_column - span.column) if span.end_line == span.line else 0
        width = max(1, min(width, len(source_line) - span.column + 1))
        out.append(f"{gutter} | {source_line}")
        out.append(f"{' ' * len(gutter)} | {' ' * (span.column - 1)}{'^' * width}")
    if diagnostic.hint:
        out.append(f"hint: {diagnostic.hint}")
    return "\n".join(out)


def render_all(diagnostics: Iterable[Diagnostic], sources: Mapping[str, str]) -> str:
    return "\n\n".join(render_text(d, sources) for d in sorted(diagnostics, key=sort_key))


def render_json(diagnostics: Iterable[Diagnostic]) -> str:
    return json.dumps(
        [d.to_dict() for d in sorted(diagnostics, key=sort_key)], ensure_ascii=False, indent=2
    )
