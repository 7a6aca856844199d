"""Prompt text split into literal runs and `{{ placeholder }}` fields, for highlighting."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Segment", "fields_of", "segments"]

_FIELD = re.compile(r"\{\{\s*(.*?)\s*\}\}")


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of literal text (`field` is None) or one placeholder (`text` is its expression)."""

    text: str
    field: bool = False


def segments(source: str) -> tuple[Segment, ...]:
    """Literal runs and fields, in order.

    >>> [(s.text, s.field) for s in segments("{{ client_name }}, добрый день!")]
    [('client_name', True), (', добрый день!', False)]
    """
    out: list[Segment] = []
    pos = 0
    for match in _FIELD.finditer(source):
        if match.start() > pos:
            out.append(Segment(source[pos : match.start()]))
        out.append(Segment(match.group(1), field=True))
        pos = match.end()
    if pos < len(source):
        out.append(Segment(source[pos:]))
    return tuple(out)


def fields_of(source: str) -> tuple[str, ...]:
    """The placeholder expressions of a template, in order, without repeats."""
    return tuple(dict.fromkeys(m.group(1) for m in _FIELD.finditer(source)))
