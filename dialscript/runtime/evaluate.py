"""Expressions of the FlowGraph, compiled once into closures and evaluated without `eval`.

`compile_expr(expr, schedules)` returns `fn(vars, clock) -> value`.  Values are
JSON values: numbers, strings ("yes"/"no", choice names, dont_know/refused),
lists (many-of answers), dicts (lookup results) and None (unset).  A type
mismatch is never an error: the comparison is simply false.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dialscript.graph.expr import (
    Arith,
    BoolOp,
    Cmp,
    Expr,
    InList,
    InRange,
    IsSet,
    Lit,
    Not,
    OpenNow,
    Var,
)
from dialscript.graph.model import Schedule

Vars = Mapping[str, Any]
Compiled = Callable[[Vars, str], Any]


def normalise(value: Any) -> Any:
    """bool -> "yes"/"no"; integral floats -> int; everything else unchanged."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def truthy(value: Any) -> bool:
    if value is None or value is False:
        return False
    if value is True:
        return True
    if isinstance(value, str):
        return value not in ("", "no", "dont_know", "refused")
    if isinstance(value, int | float):
        return value != 0
    return bool(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", ".")) if value.strip() else None
        except ValueError:
            return None
    return None


def equal(left: Any, right: Any) -> bool:
    left, right = normalise(left), normalise(right)
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, list):
        return any(equal(item, right) for item in left)
    if isinstance(right, list):
        return any(equal(left, item) for item in right)
    if isinstance(left, int | float) or isinstance(right, int | float):
        a, b = _number(left), _number(right)
        return a is not None and a == b
    return bool(left == right)


def _order(op: str, left: Any, right: Any) -> bool:
    a, b = _number(left), _number(right)
    if a is None or b is None:
        if isinstance(left, str) and isinstance(right, str):
            a_s, b_s = left, right
            return _ORDER[op](a_s, b_s)
        return False
    return _ORDER[op](a, b)


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: bool(a < b),
    "<=": lambda a, b: bool(a <= b),
    ">": lambda a, b: bool(a > b),
    ">=": lambda a, b: bool(a >= b),
}


def arith(op: str, left: Any, right: Any) -> Any:
    """`+`/`-` on numbers; `+` joins two texts; anything else is unset (None)."""
    numeric = (int, float)
    if type(left) in numeric and type(right) in numeric:
        return normalise(left + right if op == "+" else left - right)
    if op == "+" and isinstance(left, str) and isinstance(right, str):
        return left + right
    a, b = _number(left), _number(right)
    if a is not None and b is not None:
        return normalise(a + b if op == "+" else a - b)
    return None


# ------------------------------------------------------------------ schedules


@lru_cache(maxsize=256)
def parse_clock(clock: str) -> datetime:
    moment = datetime.fromisoformat(clock)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _clock_time(text: str) -> time:
    hours, minutes = text.split(":")
    if int(hours) >= 24:
        return time.max
    return time(int(hours), int(minutes))


def is_open(schedule: Schedule, clock: str) -> bool:
    """Is the schedule open at `clock` (ISO time; naive means UTC), holidays included?"""
    local = parse_clock(clock).astimezone(_zone(schedule.timezone))
    day = local.date().isoformat()
    for first, last in schedule.holidays:
        if first <= day <= last:
            return False
    now = local.time().replace(tzinfo=None)
    weekday = local.weekday()
    for hours in schedule.hours:
        if weekday not in hours.days:
            continue
        for start, end in hours.ranges:
            if _clock_time(start) <= now < _clock_time(end):
                return True
    return False


# ------------------------------------------------------------------ compilation


def compile_expr(expr: Expr, schedules: Mapping[str, Schedule]) -> Compiled:
    """A closure evaluating `expr` over variables and the event clock.

    >>> fn = compile_expr(Cmp(op="<=", left=Var(path=("score",)), right=Lit(value=8.0)), {})
    >>> fn({"score": 7}, "2026-01-01T00:00:00"), fn({}, "2026-01-01T00:00:00")
    (True, False)
    """
    match expr:
        case Lit():
            constant = normalise(expr.value)
            return lambda v, c: constant
        case Var():
            return _compile_var(expr.path)
        case Cmp():
            return _compile_cmp(expr, schedules)
        case InRange():
            inner, low, high = compile_expr(expr.value, schedules), expr.low, expr.high

            def in_range(v: Vars, c: str) -> bool:
                number = _number(inner(v, c))
                return number is not None and low <= number <= high

            return in_range
        case InList():
            inner = compile_expr(expr.value, schedules)
            options = [compile_expr(o, schedules) for o in expr.options]
            return lambda v, c: any(equal(inner(v, c), o(v, c)) for o in options)
        case IsSet():
            inner, negated = compile_expr(expr.value, schedules), expr.negated
            return lambda v, c: (inner(v, c) is None) is negated
        case Not():
            inner = compile_expr(expr.value, schedules)
            return lambda v, c: not truthy(inner(v, c))
        case BoolOp():
            parts = [compile_expr(p, schedules) for p in expr.values]
            if expr.kind == "and":
                return lambda v, c: all(truthy(p(v, c)) for p in parts)
            return lambda v, c: any(truthy(p(v, c)) for p in parts)
        case Arith():
            left, right, op = (compile_expr(expr.left, schedules),
                               compile_expr(expr.right, schedules), expr.op)  # fmt: skip
            return lambda v, c: arith(op, left(v, c), right(v, c))
        case OpenNow():
            schedule, want = schedules.get(expr.schedule), expr.want_open
            if schedule is None:
                return lambda v, c: not want
            found = schedule
            return lambda v, c: is_open(found, c) is want
    raise TypeError(f"no evaluation for {type(expr).__name__}")


def _compile_var(path: tuple[str, ...]) -> Compiled:
    head = path[0]
    if len(path) == 1:
        return lambda v, c: v.get(head)
    rest = path[1:]

    def dotted(v: Vars, c: str) -> Any:
        value: Any = v.get(head)
        for name in rest:
            if not isinstance(value, dict):
                return None
            value = value.get(name)
        return normalise(value)

    return dotted


def _compile_cmp(expr: Cmp, schedules: Mapping[str, Schedule]) -> Compiled:
    left, right, op = (
        compile_expr(expr.left, schedules),
        compile_expr(expr.right, schedules),
        expr.op,
    )
    if op == "==":
        return lambda v, c: equal(left(v, c), right(v, c))
    if op == "!=":
        return lambda v, c: not equal(left(v, c), right(v, c))
    # fast path for number-vs-number, the common loop guard
    compare = _ORDER[op]

    def ordered(v: Vars, c: str) -> bool:
        a, b = left(v, c), right(v, c)
        if type(a) in (int, float) and type(b) in (int, float):
            return compare(a, b)
        return _order(op, a, b)

    return ordered
