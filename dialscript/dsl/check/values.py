"""DS111: values that cannot be right: reversed ranges, impossible dates and clock times,
unknown time zones and channels, keys used twice, zero counts."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterator

from dialscript.dsl import ast
from dialscript.dsl.check.context import CheckContext
from dialscript.dsl.check.names import did_you_mean
from dialscript.dsl.check.walk import conditions, find_in_line, statements, subexpressions
from dialscript.dsl.codes import Code
from dialscript.dsl.diagnostics import Diagnostic
from dialscript.dsl.span import Span

CHANNELS = ("agent", "ivr", "any")
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _reversed(span: Span, low: float, high: float) -> Diagnostic:
    return Code.DS111.at(
        span,
        f"the range {_number(low)}..{_number(high)} runs backwards",
        hint=f"write the smaller number first: {_number(high)}..{_number(low)}",
    )


def reversed_ranges(context: CheckContext) -> Iterator[Diagnostic]:
    """A range whose low end is above its high end, in a type, an answer or a condition."""
    module = context.scope.module
    specs: list[ast.TypeSpec] = []
    if module.flow is not None:
        specs.extend(d.type for d in module.flow.decls)
    for _block, stmt in statements(module):
        if isinstance(stmt, ast.Ask):
            if stmt.type is not None:
                specs.append(stmt.type)
            for route in stmt.routes:
                for pattern in route.patterns:
                    high = pattern.high
                    if pattern.kind == "range" and isinstance(pattern.value, float) and high:
                        if pattern.value > high:
                            yield _reversed(pattern.span, pattern.value, high)
        for expr in conditions(stmt):
            for sub in subexpressions(expr):
                if isinstance(sub, ast.InRange) and sub.low > sub.high:
                    yield _reversed(sub.span, sub.low, sub.high)
    for spec in specs:
        if spec.low is not None and spec.high is not None and spec.low > spec.high:
            yield _reversed(spec.span, spec.low, spec.high)


def _clock_ok(text: str) -> bool:
    hours, _, minutes = text.partition(":")
    return int(hours) <= 24 and int(minutes) < 60 and (int(hours) < 24 or int(minutes) == 0)


def _date_problem(text: str) -> str | None:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return f"{text} is not a date in the calendar"
    return None


def invalid_schedules(context: CheckContext) -> Iterator[Diagnostic]:
    """Unknown time zones, clock times past 24:00, hours that end before they start,
    impossible or reversed holiday dates."""
    sources = context.scope.sources
    for schedule in context.scope.module.schedules:
        if schedule.timezone is not None:
            try:
                zoneinfo.ZoneInfo(schedule.timezone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                span = _zone_span(context, schedule)
                hint = did_you_mean(schedule.timezone, _zones()) or (
                    "use a name from the tz database, e.g. Europe/Moscow or Asia/Shanghai"
                )
                yield Code.DS111.at(span, f'unknown time zone "{schedule.timezone}"', hint=hint)
        for hours in schedule.hours:
            if hours.first_day > hours.last_day:
                days = f"{_DAYS[hours.first_day]}-{_DAYS[hours.last_day]}"
                yield Code.DS111.at(
                    find_in_line(sources, hours.span, days),
                    f"the days {days} run backwards",
                    hint=f"write the earlier day first: {_DAYS[hours.last_day]}-"
                    f"{_DAYS[hours.first_day]}, or list the days on two lines",
                )
            for start, end in hours.ranges:
                for clock in (start, end):
                    if not _clock_ok(clock):
                        yield Code.DS111.at(
                            find_in_line(sources, hours.span, clock.lstrip("0") or clock),
                            f"{clock} is not a time of day",
                            hint="write hours 00..23 and minutes 00..59, e.g. 09:00-18:00",
                        )
                if _clock_ok(start) and _clock_ok(end) and start >= end:
                    yield Code.DS111.at(
                        find_in_line(sources, hours.span, f"{start}-{end}"),
                        f"the hours {start}-{end} end before they start",
                        hint="write the opening time first; for hours past midnight use two "
                        "ranges, e.g. 20:00-24:00 on one day and 00:00-02:00 on the next",
                    )
        for holiday in schedule.holidays:
            problems = [(d, _date_problem(d)) for d in dict.fromkeys((holiday.first, holiday.last))]
            for day, problem in problems:
                if problem is not None:
                    yield Code.DS111.at(
                        find_in_line(sources, holiday.span, day), problem,
                        hint="write dates as YYYY-MM-DD, e.g. 2026-02-28",
                    )  # fmt: skip
            if all(p is None for _, p in problems) and holiday.first > holiday.last:
                yield Code.DS111.at(
                    find_in_line(sources, holiday.span, holiday.first),
                    f"the holiday {holiday.first}..{holiday.last} ends before it starts",
                    hint=f"write the earlier date first: {holiday.last}..{holiday.first}",
                )


def _zone_span(context: CheckContext, schedule: ast.Schedule) -> Span:
    assert schedule.timezone is not None
    lines = context.scope.sources.get(schedule.span.path, "").splitlines()
    for number in range(schedule.span.line, min(schedule.span.end_line, len(lines)) + 1):
        column = lines[number - 1].find(schedule.timezone)
        if column >= 0 and "timezone" in lines[number - 1]:
            return Span(schedule.span.path, number, column + 1, number,
                        column + 1 + len(schedule.timezone))  # fmt: skip
    return schedule.name.span


_ZONES: list[str] = []


def _zones() -> list[str]:
    if not _ZONES:
        _ZONES.extend(sorted(zoneinfo.available_timezones()))
    return _ZONES


def unknown_channel(context: CheckContext) -> Iterator[Diagnostic]:
    header = context.scope.module.flow
    if header is None or header.channel is None or header.channel.value in CHANNELS:
        return
    name = header.channel
    yield Code.DS111.at(
        name.span,
        f'unknown channel "{name.value}"',
        hint=did_you_mean(name.value, CHANNELS)
        or "write `channel agent` (people read the script), `channel ivr` or `channel any`",
    )


def _pattern_key(pattern: ast.Pattern) -> str:
    if isinstance(pattern.value, float):
        return _number(pattern.value)
    return str(pattern.value if pattern.value is not None else pattern.kind)


def repeated_keys(context: CheckContext) -> Iterator[Diagnostic]:
    """A phone key or an answer used twice in one question, menu or choice list."""
    scope = context.scope
    for choices in scope.module.choices:
        seen: dict[str, ast.ChoiceOption] = {}
        for position, option in enumerate(choices.options, start=1):
            key = option.key or str(position)
            first = seen.get(key)
            if first is not None:
                span = (
                    find_in_line(scope.sources, option.span, f"key {key}")
                    if option.key
                    else (option.name.span)
                )
                how = "by its position" if option.key is None else "here"
                yield Code.DS111.at(
                    span,
                    f'key {key} is given {how} to "{option.name.value}" and also to '
                    f'"{first.name.value}"',
                    hint="give every option its own key with `key N`",
                )
            else:
                seen[key] = option
    for _block, stmt in statements(scope.module):
        if not isinstance(stmt, ast.Ask):
            continue
        routed: dict[str, ast.Pattern] = {}
        for route in stmt.routes:
            for pattern in route.patterns:
                if pattern.kind == "range":
                    continue
                key = _pattern_key(pattern)
                if key in routed:
                    what = "key" if stmt.is_menu else "answer"
                    yield Code.DS111.at(
                        pattern.span,
                        f"the {what} {key} is routed twice in this question",
                        hint=f"it was first routed at line {routed[key].span.line}; keep one route",
                    )
                else:
                    routed[key] = pattern
        mapped: dict[str, ast.KeyMap] = {}
        for key_map in stmt.key_maps:
            if key_map.key in mapped:
                yield Code.DS111.at(
                    key_map.span,
                    f"key {key_map.key} is mapped twice in this question",
                    hint=f"the first mapping is at line {mapped[key_map.key].span.line}",
                )
            mapped[key_map.key] = key_map


def handler_key_clashes(context: CheckContext) -> Iterator[Diagnostic]:
    """A question's phone key that is also a handler's key: the caller cannot mean both.

    Only for flows the IVR may run (`channel ivr` or `any`); an agent clicks buttons.
    """
    scope = context.scope
    channel = context.graph.model.channel
    if channel == "agent":
        return
    handler_keys: dict[str, str] = {}
    for handler in scope.handlers.values():
        for handler_key in handler.keys:
            handler_keys.setdefault(handler_key.value, handler.name.value)
    if not handler_keys:
        return
    for _block, stmt in statements(scope.module):
        node_id = context.node_of.get(id(stmt))
        node = context.graph.nodes.get(node_id) if node_id else None
        if not isinstance(stmt, ast.Ask) or node is None or node.kind != "ask":
            continue
        for key, answer in node.question.keys.items():
            owner = handler_keys.get(key)
            if owner is not None:
                what = "menu" if stmt.is_menu else "question"
                yield Code.DS111.at(
                    _key_span(scope.sources, stmt, key),
                    f'key {key} of this {what} is also the key of handler "{owner}"',
                    hint=f"pick another key for the answer {answer} (`key N` on the choice or "
                    f"a `key N = ANSWER` line), or another key for the handler",
                )


def _key_span(sources: dict[str, str], ask: ast.Ask, key: str) -> Span:
    for route in ask.routes:
        for pattern in route.patterns:
            if _pattern_key(pattern) == key:
                return pattern.span
    for key_map in ask.key_maps:
        if key_map.key == key:
            return key_map.span
    return Span(ask.span.path, ask.span.line, ask.span.column, ask.span.line,
                ask.span.column + (4 if ask.is_menu else 3))  # fmt: skip


def zero_counts(context: CheckContext) -> Iterator[Diagnostic]:
    """`max 0 digits`, `silence 0 times`, `at most 0 times`: counts that must be at least 1."""
    sources = context.scope.sources
    for _block, stmt in statements(context.scope.module):
        if isinstance(stmt, ast.Ask):
            if stmt.max_digits is not None and stmt.max_digits < 1:
                yield Code.DS111.at(
                    _max_span(sources, stmt), "a question must take at least 1 digit",
                    hint="write `max N digits` with N of 1 or more",
                )  # fmt: skip
            for fallback in (stmt.silence, stmt.invalid):
                if fallback is not None and fallback.times < 1:
                    yield Code.DS111.at(
                        fallback.span, "the count must be at least 1",
                        hint="`silence 1 times -> STEP` goes there after the first silence",
                    )  # fmt: skip
        elif isinstance(stmt, ast.Limit) and stmt.times < 1:
            yield Code.DS111.at(
                stmt.span, "`at most 0 times` would never let the call into the step",
                hint="write a count of 1 or more, or route the call elsewhere",
            )  # fmt: skip


def _max_span(sources: dict[str, str], ask: ast.Ask) -> Span:
    lines = sources.get(ask.span.path, "").splitlines()
    for number in range(ask.span.line, min(ask.span.end_line, len(lines)) + 1):
        text = lines[number - 1]
        column = text.find("max ")
        if column >= 0 and "digits" in text:
            end = text.find("digits", column) + len("digits")
            return Span(ask.span.path, number, column + 1, number, end + 1)
    return Span(ask.span.path, ask.span.line, ask.span.column, ask.span.line, ask.span.column + 3)
