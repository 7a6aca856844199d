"""The `{{ }}` templates in texts: which names they read, and whether jinja2 can parse them.

Most texts hold no template or only `{{ name }}` / `{{ name.field }}`; those are read
with one regular expression.  Anything else goes through a sandboxed jinja2 parse
(cached per text), so an editor can check a large flow on every keystroke.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

from dialscript.dsl import ast
from dialscript.dsl.check.context import CheckContext
from dialscript.dsl.check.names import did_you_mean
from dialscript.dsl.check.walk import find_in_line, first_line, statements, texts
from dialscript.dsl.codes import Code
from dialscript.dsl.diagnostics import Diagnostic

_SIMPLE = re.compile(r"\{\{-?\s*([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*-?\}\}")
_MARKUP = ("{{", "{%", "{#")


@dataclass(frozen=True, slots=True)
class Template:
    names: tuple[str, ...]  # top-level names read, in order of appearance
    error: str | None = None


@lru_cache(maxsize=1)
def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=True)


@lru_cache(maxsize=4096)
def read_template(text: str) -> Template:
    """The names a template reads, or why jinja2 cannot parse it.

    >>> read_template("{{ client_name }}, {{ order.status }}")
    Template(names=('client_name', 'order'), error=None)
    >>> read_template("{{ name").error
    "unexpected end of template, expected 'end of print statement'."
    """
    if not any(mark in text for mark in _MARKUP):
        return Template(())
    simple = tuple(m.group(1) for m in _SIMPLE.finditer(text))
    rest = _SIMPLE.sub("", text)
    if not any(mark in rest for mark in _MARKUP) and "}}" not in rest:
        return Template(tuple(dict.fromkeys(simple)))
    try:
        parsed = _environment().parse(text)
    except TemplateSyntaxError as error:
        return Template((), error.message or str(error))
    found = meta.find_undeclared_variables(parsed)
    ordered = sorted(found, key=lambda name: (_position(text, name), name))
    return Template(tuple(ordered))


def _position(text: str, name: str) -> int:
    match = re.search(rf"\b{re.escape(name)}\b", text)
    return match.start() if match else len(text)


def template_names(context: CheckContext) -> set[str]:
    """What a template may name: variables and choice lists (`{{ reasons }}` lists labels)."""
    return {*context.scope.variables, *context.scope.choices}


def _variant_texts(text: ast.Text) -> Iterator[ast.TextVariant]:
    yield from text.variants


def unknown_template_variables(context: CheckContext) -> Iterator[Diagnostic]:
    """DS103: `{{ name }}` in a text naming no variable or choice list."""
    known = template_names(context)
    sources = context.scope.sources
    for _block, stmt in statements(context.scope.module):
        for text in texts(stmt):
            for variant in _variant_texts(text):
                for name in read_template(variant.value).names:
                    if name in known:
                        continue
                    span = find_in_line(sources, variant.span, name, _brace(sources, variant))
                    hint = did_you_mean(name, known) or (
                        f"declare it in the flow header (`var {name} text`) or fix the name"
                    )
                    yield Code.DS103.at(
                        span, f'the text uses "{{{{ {name} }}}}", but no variable "{name}" exists',
                        hint=hint,
                    )  # fmt: skip


def broken_templates(context: CheckContext) -> Iterator[Diagnostic]:
    """DS111: a `{{ }}` template that jinja2 cannot read (an unclosed `{{`, a stray `%}`)."""
    for _block, stmt in statements(context.scope.module):
        for text in texts(stmt):
            for variant in _variant_texts(text):
                error = read_template(variant.value).error
                if error is not None:
                    yield Code.DS111.at(
                        first_line(variant.span),
                        f"the {{{{ }}}} placeholders of this text are broken: {error}",
                        hint='write a placeholder as "{{ name }}", with both braces on each side',
                    )


def _brace(sources: dict[str, str], variant: ast.TextVariant) -> int:
    """Search names after the opening quote, so `ru` or `say` never match."""
    lines = sources.get(variant.span.path, "").splitlines()
    if not 1 <= variant.span.line <= len(lines):
        return 0
    line = lines[variant.span.line - 1]
    quote = line.find('"', variant.span.column - 1)
    return quote if quote >= 0 else 0
