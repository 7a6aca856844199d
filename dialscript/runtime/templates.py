"""Prompt text: jinja2 in a sandbox; an unknown name never breaks a live call.

Unknown names render as a visible placeholder (`[?name]`) and are reported
back to the caller of `render`, which notes them in the call's trace.
"""

from __future__ import annotations

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
