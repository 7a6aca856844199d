"""Rules about languages: texts tagged with an undeclared language, texts missing one."""

from __future__ import annotations

from collections.abc import Iterator

from dialscript.dsl import ast
from dialscript.dsl.check.context import CheckContext
from dialscript.dsl.check.names import did_you_mean
from dialscript.dsl.check.walk import first_line, spoken_texts, statements, texts
from dialscript.dsl.codes import Code
from dialscript.dsl.diagnostics import Diagnostic
from dialscript.dsl.span import Span


def _all_texts(context: CheckContext, spoken: bool) -> Iterator[ast.Text]:
    module = context.scope.module
    for choices in module.choices:
        yield from (option.label for option in choices.options)
    for _block, stmt in statements(module):
        yield from (spoken_texts(stmt) if spoken else texts(stmt))


def undeclared_languages(context: CheckContext) -> Iterator[Diagnostic]:
    """DS107: an `en "..."` line in a flow whose header does not declare `en`."""
    languages = context.scope.languages
    declared = ", ".join(languages)
    for text in _all_texts(context, spoken=False):
        for variant in text.variants:
            if variant.lang is None or variant.lang in languages:
                continue
            span = Span(variant.span.path, variant.span.line, variant.span.column,
                        variant.span.line, variant.span.column + len(variant.lang))  # fmt: skip
            hint = did_you_mean(variant.lang, languages) or (
                f"the flow declares {declared}; add it to the header: "
                f"`languages {declared}, {variant.lang}`"
            )
            yield Code.DS107.at(
                span, f'"{variant.lang}" is not one of the flow\'s languages', hint=hint
            )


def missing_translations(context: CheckContext) -> Iterator[Diagnostic]:
    """DS209: in a flow of several languages, a text the client hears or reads (prompts,
    reprompts, check messages, SMS) or a choice label missing one.  Hints and notes are
    for the agent and may stay in the first language."""
    languages = context.scope.languages
    if len(languages) < 2:
        return
    default = languages[0]
    for text in _all_texts(context, spoken=True):
        present = {variant.lang or default for variant in text.variants}
        missing = [lang for lang in languages if lang not in present]
        if not missing or not text.variants:
            continue
        names = ", ".join(missing)
        spoken = ", ".join(languages)
        if all(variant.lang is None for variant in text.variants):
            lines = " and ".join(f'`{lang} "..."`' for lang in languages)
            hint = f"end the line before the text and put {lines} on lines under it"
        else:
            hint = f'add a line `{missing[0]} "..."` under it; the flow speaks {spoken}'
        yield Code.DS209.at(first_line(text.span), f"this text has no {names} version", hint=hint)
