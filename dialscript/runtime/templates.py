"""Prompt text: jinja2 in a sandbox; an unknown name never breaks a live call.

Unknown names render as a visible placeholder (`[?name]`) and are reported
back to the caller of `render`, which notes them in the call's trace.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from jinja2 import ChainableUndefined, Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment

_missing: ContextVar[list[str] | None] = ContextVar("dialscript_missing", default=None)


class PlaceholderUndefined(ChainableUndefined):
    """Renders as `[?name]` and records the name instead of raising."""

    __slots__ = ()

    def _note(self) -> str:
        name = self._undefined_name or "?"
        found = _missing.get()
        if found is not None and name not in found:
            found.append(name)
        return f"[?{name}]"

    def __str__(self) -> str:
        return self._note()

    def __html__(self) -> str:
        return self._note()


_ENV = SandboxedEnvironment(
    undefined=PlaceholderUndefined,
    autoescape=False,  # spoken/plain text; the agent console escapes for HTML itself
    keep_trailing_newline=False,
)


@lru_cache(maxsize=4096)
def _template(source: str) -> Template | None:
    try:
        return _ENV.from_string(source)
    except TemplateError:
        return None


def render(source: str, context: Mapping[str, Any]) -> tuple[str, list[str]]:
    """The text with `{{ ... }}` filled in, and the warnings it raised.

    >>> render("Hello {{ name }}, {{ who }}", {"name": "Ivan"})
    ('Hello Ivan, [?who]', ['unknown name in text: who'])
    """
    if "{" not in source:
        return source, []
    parts = _simple(source)
    if parts is not None:
        return _fill(parts, context)
    template = _template(source)
    if template is None:
        return source, [f"template error in text: {source[:60]!r}"]
    found: list[str] = []
    token = _missing.set(found)
    try:
        text = template.render(context)
    except Exception as error:  # noqa: BLE001 - a live call must go on; the trace says why
        return source, [f"template failed ({type(error).__name__}): {error}"]
    finally:
        _missing.reset(token)
    return text, [f"unknown name in text: {name}" for name in found]


# ------------------------------------------------------------------ fast path
# Most prompts only interpolate names (`{{ client_name }}`, `{{ order.status }}`);
# those are filled without building a jinja context, with the same output.

_NAME = re.compile(r"\{\{\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*\}\}")


@lru_cache(maxsize=4096)
def _simple(source: str) -> tuple[str | tuple[str, ...], ...] | None:
    """Literal text and dotted names, or None when the template needs jinja."""
    parts: list[str | tuple[str, ...]] = []
    position = 0
    for match in _NAME.finditer(source):
        parts.append(source[position : match.start()])
        parts.append(tuple(match.group(1).split(".")))
        position = match.end()
    parts.append(source[position:])
    literal = "".join(p for p in parts if isinstance(p, str))
    if "{{" in literal or "{%" in literal or "{#" in literal:
        return None
    return tuple(parts)


def _fill(
    parts: tuple[str | tuple[str, ...], ...], context: Mapping[str, Any]
) -> tuple[str, list[str]]:
    out: list[str] = []
    missing: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        value: Any = context
        for name in part:
            # (the context is a Mapping: only looked-up values need the costlier check)
            if (value is context or isinstance(value, Mapping)) and name in value:
                value = value[name]
            else:
                value = _MISSING
                break
        if value is _MISSING:
            name = part[-1] if len(part) == 1 or part[0] in context else part[0]
            if name not in missing:
                missing.append(name)
            out.append(f"[?{name}]")
        else:
            out.append(str(value))
    return "".join(out), [f"unknown name in text: {name}" for name in missing]


_MISSING = object()
