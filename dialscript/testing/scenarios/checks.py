"""The Then steps' checks: each compares what the call did with what the scenario expects.

Texts match as a case-insensitive substring, or as a regular expression when
written `/like this/`.  "Heard", "asked" and "hint" look at the commands since
the latest When step; transfers, messages, results and the outcome at the whole
call.  A failure says what was expected, what happened, and where the call was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from dialscript.runtime import commands as c
from dialscript.testing.scenarios.world import ScenarioCall, quoted, value_text


def matches(expected: str, text: str) -> bool:
    """`/regex/` searches, anything else is a case-insensitive substring.

    >>> matches("/оцените.*10/", "Оцените от 1 до 10"), matches("ДО 10", "Оцените от 1 до 10")
    (False, True)
    """
    if len(expected) >= 2 and expected.startswith("/") and expected.endswith("/"):
        return re.search(expected[1:-1], text) is not None
    return _fold(expected) in _fold(text)


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _any(expected: str, texts: Iterable[str]) -> bool:
    return any(matches(expected, t) for t in texts)


def spoken(commands: Iterable[c.Command]) -> list[str]:
    """What the caller hears: says, questions, audio files, recording prompts."""
    found: list[str] = []
    for command in commands:
        if isinstance(command, c.Say) and command.text:
            found.append(command.text)
        elif isinstance(command, c.Ask) and command.text:
            found.append(command.text)
        elif isinstance(command, c.Play):
            found.append(command.audio)
        elif isinstance(command, c.Record) and command.prompt:
            found.append(command.prompt)
    return found


def hears(call: ScenarioCall, expected: str, *, negate: bool = False) -> None:
    heard = spoken(call.recent())
    if _any(expected, heard) == negate:
        verb = "heard" if negate else "did not hear"
        raise call.fail(
            f'the caller {verb} "{expected}"; heard since the last When: {quoted(heard)}'
        )


def asked(call: ScenarioCall, expected: str) -> None:
    questions = [cmd.text for cmd in call.recent() if isinstance(cmd, c.Ask)]
    if not _any(expected, questions):
        raise call.fail(
            f'the agent was not asked "{expected}"; asked since the last When: {quoted(questions)}'
        )


def hint(call: ScenarioCall, expected: str) -> None:
    shown: list[str] = []
    for command in call.recent():
        if isinstance(command, c.Ask):
            shown.extend(command.hints)
        elif isinstance(command, c.ShowNote):
            shown.append(command.text)
    if not _any(expected, shown):
        raise call.fail(
            f'the agent did not see the hint "{expected}"; shown since the last When: '
            f"{quoted(shown)}"
        )


def transferred(call: ScenarioCall, name: str, kinds: tuple[str, ...]) -> None:
    moves = [cmd for cmd in call.commands if isinstance(cmd, c.Transfer | c.Queue | c.Bridge)]
    if any(cmd.kind in kinds and cmd.destination == name for cmd in moves):
        return
    what = "queued to" if kinds == ("queue",) else "transferred to"
    happened = ", ".join(f'{cmd.kind} "{cmd.destination}"' for cmd in moves) or "no transfer"
    raise call.fail(f'the call was not {what} "{name}": {happened}')


def outcome(call: ScenarioCall, expected: str) -> None:
    call.settle()
    actual = call.state.outcome
    if actual != expected:
        raise call.fail(f'outcome is {value_text(actual)}, expected "{expected}"')


def _value(call: ScenarioCall, name: str) -> Any:
    variables = call.graph.variables
    if name not in variables:
        names = ", ".join(v.name for v in variables.values() if v.role == "result")
        raise call.fail(f'the flow has no result "{name}" (its results: {names or "none"})')
    state = call.state
    return (state.results if variables[name].role == "result" else state.vars).get(name)


def result_set(call: ScenarioCall, name: str) -> None:
    if _value(call, name) is None:
        raise call.fail(f'result "{name}" is not set, expected a value')


def result(call: ScenarioCall, name: str, expected: Any) -> None:
    actual = _value(call, name)
    if not _same(actual, expected):
        shown = expected if isinstance(expected, str) or expected is None else _number(expected)
        raise call.fail(f'result "{name}" is {value_text(actual)}, expected {value_text(shown)}')


def _number(value: float) -> int | float:
    return int(value) if value == int(value) else value


def _same(actual: Any, expected: Any) -> bool:
    if expected is None:
        return actual is None
    if isinstance(expected, float):
        if isinstance(actual, bool) or not isinstance(actual, int | float):
            return False
        return float(actual) == expected
    if isinstance(actual, list):
        return sorted(str(a) for a in actual) == sorted(p.strip() for p in expected.split(","))
    if isinstance(actual, bool):
        return ("yes" if actual else "no") == str(expected)
    return actual is not None and str(actual) == str(expected)


def notified(call: ScenarioCall, channel: str, destination: str, text: str | None) -> None:
    sent = [cmd for cmd in call.commands if isinstance(cmd, c.Notify) and cmd.channel == channel]
    for cmd in sent:
        if cmd.destination != destination:
            continue
        parts = [cmd.subject or "", *(str(v) for v in cmd.fields.values() if v is not None)]
        if text is None or _any(text, parts):
            return
    noun = "an e-mail" if channel == "email" else "a webhook"
    about = f' containing "{text}"' if text is not None else ""
    happened = (
        "; ".join(f'to "{cmd.destination}": {cmd.subject or ""} {cmd.fields}' for cmd in sent)
        or "none"
    )
    raise call.fail(f'{noun} to "{destination}"{about} was not sent; sent: {happened}')


def sms(call: ScenarioCall, to: str, text: str | None) -> None:
    sent = [cmd for cmd in call.commands if isinstance(cmd, c.SendSms)]
    numbers = {to}
    if call.started:
        value = call.state.vars.get(to, call.ready.inputs.get(to))
        if value is not None:
            numbers.add(str(value))
    for cmd in sent:
        if cmd.to in numbers and (text is None or matches(text, cmd.text)):
            return
    about = f' containing "{text}"' if text is not None else ""
    happened = "; ".join(f'to {cmd.to}: "{cmd.text}"' for cmd in sent) or "none"
    raise call.fail(f'an SMS to "{to}"{about} was not sent; sent: {happened}')


def no_sms(call: ScenarioCall) -> None:
    sent = [cmd for cmd in call.commands if isinstance(cmd, c.SendSms)]
    if sent:
        raise call.fail(f'an SMS was sent to {sent[0].to}: "{sent[0].text}"')


def recorded(call: ScenarioCall) -> None:
    if not any(isinstance(cmd, c.Record) for cmd in call.commands):
        raise call.fail("the caller was not recorded")


def over(call: ScenarioCall) -> None:
    call.settle()
    if not call.state.finished:
        raise call.fail("the call is not over")


def waiting(call: ScenarioCall) -> None:
    state = call.state
    if state.finished or state.wait not in ("answer", "confirm"):
        raise call.fail("the call is not waiting for an answer")
