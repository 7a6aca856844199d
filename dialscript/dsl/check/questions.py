"""Rules about questions and menus: a type to answer with, answers it can give, answers it
routes, and a way out on silence and wrong keys."""

from __future__ import annotations

import math
from collections.abc import Iterator

from dialscript.dsl import ast
from dialscript.dsl.check.context import CheckContext
from dialscript.dsl.check.walk import keyword, statements
from dialscript.dsl.codes import Code
from dialscript.dsl.diagnostics import Diagnostic
from dialscript.dsl.lower_question import question_type
from dialscript.graph.model import SPECIAL_ANSWERS, AskNode, Question

_LIST_LIMIT = 200  # integer ranges longer than this are checked as intervals only


def _n(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _asks(context: CheckContext) -> Iterator[tuple[ast.Step | ast.Handler, ast.Ask, AskNode]]:
    for block, stmt in statements(context.scope.module):
        if isinstance(stmt, ast.Ask):
            node = context.graph.nodes.get(context.node_of.get(id(stmt), ""))
            if isinstance(node, AskNode):
                yield block, stmt, node


def untyped_questions(context: CheckContext) -> Iterator[Diagnostic]:
    """DS213: a question whose variable is not declared and that names no answer type."""
    scope = context.scope
    for block, stmt in statements(scope.module):
        if not isinstance(stmt, ast.Ask) or stmt.is_menu:
            continue
        var = scope.ask_var(block, stmt)
        if question_type(stmt, scope.variables.get(var)) is not None:
            continue
        span = stmt.var.span if stmt.var else keyword(stmt.span, "ask")
        named = f'"{var}"' if stmt.var else f'of step "{var}"'
        yield Code.DS213.at(
            span,
            f"the question {named} has no answer type",
            hint=f"put the type after the question text (yes/no, number 1..10, one of LIST, "
            f"text, date...), or declare `result {var} TYPE` in the flow header",
        )


# ------------------------------------------------------------------ impossible answers


def _impossible(pattern: ast.Pattern, question: Question, digits: int | None) -> str | None:
    """Why the question can never give this answer, or None when it can."""
    kind = pattern.kind
    qtype = question.type
    if kind in ("dont_know", "refused"):
        return None if question.accepts_special else "a menu has keys only"
    if qtype == "keys":
        if kind == "sign":
            return None
        if kind == "number" and isinstance(pattern.value, float):
            value = pattern.value
            if value == int(value) and value >= 0 and len(_n(value)) <= (digits or 1):
                return None
            return f"{_n(value)} is not a key on a phone keypad"
        return 'a menu\'s answers are phone keys (0-9, "*", "#")'
    if qtype == "yesno":
        return None if kind in ("yes", "no") else "a yes/no question answers yes or no"
    if qtype in ("one", "many"):
        return None if kind == "name" else f"the answers are the choices of {question.choice_list}"
    if qtype in ("number", "scale"):
        if kind not in ("number", "range"):
            return "the answer is a number"
        assert isinstance(pattern.value, float)
        low_end, high_end = pattern.value, pattern.high if kind == "range" else pattern.value
        assert high_end is not None
        low, high = question.low, question.high
        outside = (low is not None and high_end < low) or (high is not None and low_end > high)
        partly = (low is not None and low_end < low) or (high is not None and high_end > high)
        if outside or partly:
            text = _n(low_end) if kind == "number" else f"{_n(low_end)}..{_n(high_end)}"
            bounds = f"{_n(low or 0)}..{_n(high or 0)}"
            where = "outside" if outside else "partly outside"
            return f"{text} is {where} the answers {bounds}"
        if qtype == "scale" and kind == "number" and low_end != int(low_end):
            return f"a scale answers whole numbers, not {_n(low_end)}"
        return None
    if qtype == "digits":
        if kind == "number" and isinstance(pattern.value, float) and pattern.value >= 0:
            return None
        return "the answer is a string of digits"
    return f"a {qtype} answer cannot be routed by value; test it with `if` after the question"


def impossible_answers(context: CheckContext) -> Iterator[Diagnostic]:
    """DS212: an answer route (or `key N = answer`) the question can never give."""
    for _block, ask, node in _asks(context):
        question = node.question
        patterns = [p for r in ask.routes for p in r.patterns]
        patterns += [k.answer for k in ask.key_maps if not ask.is_menu]
        for pattern in patterns:
            reason = _impossible(pattern, question, ask.max_digits)
            if reason is not None:
                yield Code.DS212.at(
                    pattern.span,
                    f"this question can never give this answer: {reason}",
                    hint=_answers_hint(question),
                )


def _answers_hint(question: Question) -> str:
    match question.type:
        case "yesno":
            return "route `yes -> STEP` and `no -> STEP`"
        case "one" | "many":
            names = ", ".join(c.name for c in question.choices)
            return f"route its choices: {names}" if names else "route the list's choices"
        case "number" | "scale" if question.low is not None and question.high is not None:
            return f"route numbers or ranges within {_n(question.low)}..{_n(question.high)}"
        case "keys":
            return 'route keys 0-9, "*" or "#"'
    return "route dont_know / refused, or use `else -> STEP`"


# ------------------------------------------------------------------ unhandled answers


def _missing_integers(question: Question, node: AskNode) -> str | None:
    low, high = question.low, question.high
    covered: list[tuple[float, float]] = []
    for route in node.routes:
        covered.extend((float(a), float(a)) for a in route.answers if isinstance(a, float))
        covered.extend(route.ranges)
    if low is None or high is None:
        return "other numbers" if covered else "any number"
    if high - low > _LIST_LIMIT:
        covered.sort()
        reach = low
        for start, end in covered:
            if start > reach:
                return f"{_n(reach)}..{_n(start)}"
            reach = max(reach, end + (1 if question.type == "scale" else 0))
        return None if reach >= high else f"{_n(reach)}..{_n(high)}"
    gaps: list[tuple[int, int]] = []
    for value in range(math.ceil(low), math.floor(high) + 1):
        if any(a <= value <= b for a, b in covered):
            continue
        if gaps and gaps[-1][1] == value - 1:
            gaps[-1] = (gaps[-1][0], value)
        else:
            gaps.append((value, value))
    return ", ".join(f"{a}" if a == b else f"{a}..{b}" for a, b in gaps) or None


def _missing(question: Question, node: AskNode) -> str | None:
    answered = {a for r in node.routes if r.kind == "answer" for a in r.answers}
    if question.type == "yesno":
        missing = [a for a in ("yes", "no") if a not in answered]
    elif question.type in ("one", "many"):
        missing = [c.name for c in question.choices if c.name not in answered]
    elif question.type in ("number", "scale"):
        gap = _missing_integers(question, node)
        missing = [gap] if gap else []
    else:
        return "any answer"
    if question.accepts_special:
        missing += [a for a in SPECIAL_ANSWERS if a not in answered]
    return ", ".join(missing) or None


def unhandled_answers(context: CheckContext) -> Iterator[Diagnostic]:
    """DS204: the question is the step's last line, has no `else`, and some answers it
    can give have no route (dont_know and refused included: every question accepts them)."""
    for _block, ask, node in _asks(context):
        kinds = {r.kind for r in node.routes}
        if ask.is_menu or not node.routes or kinds & {"next", "otherwise", "goto"}:
            continue
        missing = _missing(node.question, node)
        if missing is None:
            continue
        yield Code.DS204.at(
            keyword(ask.span, "ask"),
            f"after this question, the call has nowhere to go on: {missing}",
            hint="route those answers, add `else -> STEP` under the question, "
            "or a line after it saying where to go",
        )


def questions_without_fallback(context: CheckContext) -> Iterator[Diagnostic]:
    """DS205: a menu (unless `channel agent`), or any question of a `channel ivr` flow, with
    no `silence N times -> STEP` or no `invalid N times -> STEP`."""
    channel = context.graph.model.channel
    if channel == "agent":
        return
    for _block, ask, _node in _asks(context):
        if not (ask.is_menu or channel == "ivr"):
            continue
        missing = [
            what
            for what, fallback in (("silence", ask.silence), ("invalid", ask.invalid))
            if fallback is None
        ]
        if not missing:
            continue
        what = "menu" if ask.is_menu else "question"
        cases = {"silence": "says nothing", "invalid": "presses a wrong key"}
        when = " or ".join(cases[m] for m in missing)
        lines = " and ".join(f"`{m} 2 times -> STEP`" for m in missing)
        yield Code.DS205.at(
            keyword(ask.span, "menu" if ask.is_menu else "ask"),
            f"this {what} has no way out when the caller {when}",
            hint=f"add {lines} under it (e.g. to an operator)",
        )
