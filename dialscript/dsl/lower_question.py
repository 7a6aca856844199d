"""Lowering of questions: the answer type, choices and phone keys of an `ask` or `menu`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dialscript.dsl import ast
from dialscript.dsl.lower_expr import lower_text
from dialscript.graph import model as ir

if TYPE_CHECKING:
    from dialscript.dsl.resolve import Scope, Variable

_MAX_TYPED_DIGITS = 20


def question_type(ask: ast.Ask, variable: Variable | None) -> ast.TypeSpec | None:
    if ask.type is not None:
        return ask.type
    if variable is not None and variable.type is not None:
        return variable.type
    return None


def lower_question(scope: Scope, ask: ast.Ask, variable: Variable | None) -> ir.Question:
    """The question's answer model, the same for an agent's buttons and the caller's keypad."""
    if ask.is_menu:
        return _menu(ask)
    spec = question_type(ask, variable)
    kind = spec.kind if spec else "text"
    low = spec.low if spec else None
    high = spec.high if spec else None
    choices: tuple[ir.Choice, ...] = ()
    choice_list = spec.choices.value if spec and spec.choices else None
    keys: dict[str, str] = {}
    max_digits = 1
    if kind == "yesno":
        keys = {"1": "yes", "2": "no"}
    elif kind in ("one", "many") and choice_list and choice_list in scope.choices:
        options = scope.choices[choice_list].options
        choices = tuple(
            ir.Choice(name=o.name.value, label=lower_text(scope, o.label), key=o.key)
            for o in options
        )
        for position, option in enumerate(options, start=1):
            keys[option.key or str(position)] = option.name.value
        max_digits = max((len(k) for k in keys), default=1)
    elif kind in ("number", "scale"):
        max_digits = len(str(int(high))) if high is not None and high >= 0 else 3
    elif kind == "digits":
        max_digits = int(high) if high is not None else _MAX_TYPED_DIGITS
    elif kind == "phone":
        max_digits = 15
    for key_map in ask.key_maps:
        keys[key_map.key] = _pattern_value(key_map.answer)
    return ir.Question(
        type=kind,
        low=low,
        high=high,
        choices=choices,
        choice_list=choice_list,
        keys=keys,
        max_digits=ask.max_digits or max_digits,
        terminator=ask.terminator,
    )


def _menu(ask: ast.Ask) -> ir.Question:
    keys: dict[str, str] = {}
    for route in ask.routes:
        for pattern in route.patterns:
            if pattern.kind in ("number", "sign"):
                key = _pattern_value(pattern)
                keys[key] = key
    for key_map in ask.key_maps:
        keys[key_map.key] = _pattern_value(key_map.answer)
    return ir.Question(
        type="keys",
        keys=keys,
        choices=tuple(ir.Choice(name=k, label={}, key=k) for k in keys),
        max_digits=ask.max_digits or max((len(k) for k in keys), default=1),
        terminator=ask.terminator,
        accepts_special=False,
    )


def _pattern_value(pattern: ast.Pattern) -> str:
    if pattern.kind in ("yes", "no", "dont_know", "refused"):
        return pattern.kind
    if pattern.kind == "number" and isinstance(pattern.value, float):
        return _number_text(pattern.value)
    return str(pattern.value)


def _number_text(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def route_for_patterns(route: ast.Route, question: ir.Question) -> ir.Route:
    answers: list[str | float] = []
    ranges: list[tuple[float, float]] = []
    for pattern in route.patterns:
        if pattern.kind == "range":
            assert isinstance(pattern.value, float) and pattern.high is not None
            ranges.append((pattern.value, pattern.high))
        elif pattern.kind == "number" and question.type not in ("keys", "digits"):
            assert isinstance(pattern.value, float)
            answers.append(pattern.value)
        else:
            answers.append(_pattern_value(pattern))
    return ir.Route(
        kind="answer",
        target=route.target.value,
        answers=tuple(answers),
        ranges=tuple(ranges),
        span=route.span,
    )
