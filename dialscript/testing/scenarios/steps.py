"""The step library: every Given / When / Then of dialscript scenarios, in English and Russian.

Loaded by the pytest plugin (`dialscript.testing.pytest_plugin`), so a repository
of flows writes `.feature` files and no Python.  Each step is one function
registered under its English and Russian wordings; the work is done by
`ScenarioCall` (the call) and `checks` (the Then steps).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Literal

import pytest
from pytest_bdd import parsers, step

from dialscript.runtime import events as e
from dialscript.testing.scenarios import checks
from dialscript.testing.scenarios.world import ScenarioCall, ScenarioFailure, parse_time

StepKind = Literal["given", "when", "then"]
Func = Callable[..., None]
Q = r'"(?P<{}>[^"]*)"'  # a quoted argument

# Every wording, for the docs and the completeness test: (kind, English, Russian, ...).
CATALOGUE: list[tuple[StepKind, tuple[str, ...]]] = []


def _define(kind: StepKind, *patterns: str) -> Callable[[Func], Func]:
    """Register `func` under every regex in `patterns` (English first, then Russian)."""

    def apply(func: Func) -> Func:
        for pattern in patterns:
            step(parsers.re(pattern), kind, stacklevel=2)(func)
        CATALOGUE.append((kind, patterns))
        return func

    return apply


def _q(name: str) -> str:
    return Q.format(name)


# ---------------------------------------------------------------- Given


@_define(
    "given",
    rf"the flow {_q('path')}",
    rf"(?:сценарий|поток) {_q('path')}",
)
def given_flow(
    dialscript_call: ScenarioCall, path: str, datatable: list[list[str]] | None = None
) -> None:
    dialscript_call.use_flow(path, _table(datatable))


@_define("given", r"the inputs", r"(?:входные данные|данные клиента)")
def given_inputs(dialscript_call: ScenarioCall, datatable: list[list[str]] | None = None) -> None:
    dialscript_call.ready.inputs.update(_table(datatable))


@_define("given", rf"the time is {_q('moment')}", rf"(?:время|сейчас) {_q('moment')}")
def given_time(dialscript_call: ScenarioCall, moment: str) -> None:
    when = parse_time(moment)
    dialscript_call.ready.now = when
    if dialscript_call.started:
        dialscript_call.send(e.Tick(when, at=when))


@_define(
    "given",
    rf"the lookup {_q('name')} returns",
    rf"(?:справочник|запрос) {_q('name')} возвращает",
)
def given_lookup(dialscript_call: ScenarioCall, name: str, docstring: str | None = None) -> None:
    try:
        data = json.loads(docstring or "{}")
    except json.JSONDecodeError as error:
        raise ScenarioFailure(f'the answer of lookup "{name}" is not JSON: {error}') from None
    if not isinstance(data, dict):
        raise ScenarioFailure(f'the answer of lookup "{name}" must be a JSON object')
    dialscript_call.ready.lookups[name] = data


@_define(
    "given",
    rf"the lookup {_q('name')} fails",
    rf"(?:справочник|запрос) {_q('name')} (?:недоступен|не отвечает)",
)
def given_lookup_fails(dialscript_call: ScenarioCall, name: str) -> None:
    dialscript_call.ready.lookups[name] = e.HttpFailed("failed in the scenario")


@_define("given", rf"the channel is {_q('channel')}", rf"канал {_q('channel')}")
def given_channel(dialscript_call: ScenarioCall, channel: str) -> None:
    if channel not in ("agent", "ivr"):
        raise ScenarioFailure(f'the channel is "agent" or "ivr", not "{channel}"')
    dialscript_call.ready.channel = "ivr" if channel == "ivr" else "agent"


@_define("given", rf"the language is {_q('language')}", rf"язык {_q('language')}")
def given_language(dialscript_call: ScenarioCall, language: str) -> None:
    languages = dialscript_call.graph.model.languages
    if language not in languages:
        raise ScenarioFailure(f'the flow speaks {", ".join(languages)}, not "{language}"')
    dialscript_call.ready.language = language


# ---------------------------------------------------------------- When


@_define(
    "when",
    r"the call is answered",
    r"звонок принят",
    r"клиент (?:берёт|взял|снимает) трубку",
)
def when_answered(dialscript_call: ScenarioCall) -> None:
    dialscript_call.answer_call()


@_define("when", rf"the caller presses {_q('keys')}", rf"клиент нажимает {_q('keys')}")
def when_presses(dialscript_call: ScenarioCall, keys: str) -> None:
    dialscript_call.send(e.Digits(keys))


@_define(
    "when",
    rf"the (?:client|caller|agent) answers {_q('answer')}",
    rf"(?:клиент|оператор) отвечает {_q('answer')}",
)
def when_answers(dialscript_call: ScenarioCall, answer: str) -> None:
    event: e.Event
    if "|" in answer:
        event = e.AgentAnswer([part.strip() for part in answer.split("|") if part.strip()])
    elif dialscript_call.ready.channel == "ivr":
        event = e.TextAnswer(answer)
    else:
        event = e.AgentAnswer(answer)
    dialscript_call.send(event)


@_define(
    "when",
    r"the (?:caller|client) stays silent(?: (?P<times>\d+) times)?",
    r"клиент молчит(?: (?P<times>\d+) раза?)?",
)
def when_silent(dialscript_call: ScenarioCall, times: str | None = None) -> None:
    for _ in range(int(times or 1)):
        dialscript_call.send(e.Silence())


@_define("when", r"the (?:caller|client) hangs up", r"клиент (?:кладёт|положил|бросает) трубку")
def when_hangs_up(dialscript_call: ScenarioCall) -> None:
    dialscript_call.send(e.Hangup())


@_define(
    "when",
    rf"the agent opens the handler {_q('name')}",
    rf"оператор открывает обработчик {_q('name')}",
)
def when_handler(dialscript_call: ScenarioCall, name: str) -> None:
    names = [h.name for h in dialscript_call.graph.model.handlers]
    if name not in names:
        raise dialscript_call.fail(f'the flow has no handler "{name}" (it has: {", ".join(names)})')
    dialscript_call.send(e.HandlerInvoked(name))


@_define("when", r"the agent goes back", r"оператор возвращается (?:назад|к предыдущему вопросу)")
def when_back(dialscript_call: ScenarioCall) -> None:
    dialscript_call.send(e.Back())


@_define("when", r"the transfer fails", r"перевод не удался", r"перевод не состоялся")
def when_transfer_fails(dialscript_call: ScenarioCall) -> None:
    if not dialscript_call.started or dialscript_call.state.wait != "transfer":
        raise dialscript_call.fail("no transfer, queue or bridge is waiting to fail")
    dialscript_call.send(e.TransferResult(False, "failed in the scenario"))


@_define("when", r"the transfer connects", r"перевод (?:удался|состоялся)")
def when_transfer_connects(dialscript_call: ScenarioCall) -> None:
    if not dialscript_call.started or dialscript_call.state.wait != "transfer":
        raise dialscript_call.fail("no transfer, queue or bridge is waiting to connect")
    dialscript_call.send(e.TransferResult(True))


# ---------------------------------------------------------------- Then


@_define("then", rf"the caller hears {_q('text')}", rf"клиент слышит {_q('text')}")
def then_hears(dialscript_call: ScenarioCall, text: str) -> None:
    checks.hears(dialscript_call, text)


@_define(
    "then",
    rf"the caller does not hear {_q('text')}",
    rf"клиент не слышит {_q('text')}",
)
def then_not_hears(dialscript_call: ScenarioCall, text: str) -> None:
    checks.hears(dialscript_call, text, negate=True)


@_define(
    "then",
    rf"the (?:agent|caller|client) is asked {_q('text')}",
    rf"(?:оператор задаёт вопрос|клиенту задают вопрос|оператор видит вопрос) {_q('text')}",
)
def then_asked(dialscript_call: ScenarioCall, text: str) -> None:
    checks.asked(dialscript_call, text)


@_define(
    "then",
    rf"the agent sees the (?:hint|note) {_q('text')}",
    rf"оператор видит (?:подсказку|заметку) {_q('text')}",
)
def then_hint(dialscript_call: ScenarioCall, text: str) -> None:
    checks.hint(dialscript_call, text)


@_define(
    "then",
    rf"the call is transferred to {_q('name')}",
    rf"звонок переведён на {_q('name')}",
)
def then_transferred(dialscript_call: ScenarioCall, name: str) -> None:
    checks.transferred(dialscript_call, name, ("transfer", "bridge"))


@_define(
    "then",
    rf"the call is queued to {_q('name')}",
    rf"звонок поставлен в очередь {_q('name')}",
)
def then_queued(dialscript_call: ScenarioCall, name: str) -> None:
    checks.transferred(dialscript_call, name, ("queue",))


@_define("then", rf"the outcome is {_q('name')}", rf"исход {_q('name')}")
def then_outcome(dialscript_call: ScenarioCall, name: str) -> None:
    checks.outcome(dialscript_call, name)


@_define(
    "then",
    rf"the result {_q('name')} is (?P<value>-?\d+(?:[.,]\d+)?)",
    rf"результат {_q('name')} равен (?P<value>-?\d+(?:[.,]\d+)?)",
)
def then_result_number(dialscript_call: ScenarioCall, name: str, value: str) -> None:
    checks.result(dialscript_call, name, float(value.replace(",", ".")))


@_define(
    "then",
    rf"the result {_q('name')} is {_q('value')}",
    rf"результат {_q('name')} равен {_q('value')}",
)
def then_result_text(dialscript_call: ScenarioCall, name: str, value: str) -> None:
    checks.result(dialscript_call, name, value)


@_define(
    "then",
    rf"the result {_q('name')} is not set",
    rf"результат {_q('name')} не задан",
)
def then_result_unset(dialscript_call: ScenarioCall, name: str) -> None:
    checks.result(dialscript_call, name, None)


@_define("then", rf"the result {_q('name')} is set", rf"результат {_q('name')} задан")
def then_result_set(dialscript_call: ScenarioCall, name: str) -> None:
    checks.result_set(dialscript_call, name)


@_define(
    "then",
    rf"an e-mail is sent to {_q('destination')}(?: containing {_q('text')})?",
    rf"письмо отправлено на {_q('destination')}(?: с текстом {_q('text')})?",
)
def then_email(dialscript_call: ScenarioCall, destination: str, text: str | None = None) -> None:
    checks.notified(dialscript_call, "email", destination, text)


@_define(
    "then",
    rf"a webhook is sent to {_q('destination')}(?: containing {_q('text')})?",
    rf"вебхук отправлен на {_q('destination')}(?: с текстом {_q('text')})?",
)
def then_webhook(dialscript_call: ScenarioCall, destination: str, text: str | None = None) -> None:
    checks.notified(dialscript_call, "webhook", destination, text)


@_define(
    "then",
    rf"an SMS is sent to {_q('to')}(?: containing {_q('text')})?",
    rf"SMS отправлено на {_q('to')}(?: с текстом {_q('text')})?",
)
def then_sms(dialscript_call: ScenarioCall, to: str, text: str | None = None) -> None:
    checks.sms(dialscript_call, to, text)


@_define("then", r"no SMS is sent", r"SMS не отправлено")
def then_no_sms(dialscript_call: ScenarioCall) -> None:
    checks.no_sms(dialscript_call)


@_define(
    "then",
    r"the caller's message is recorded",
    r"сообщение клиента записано",
)
def then_recorded(dialscript_call: ScenarioCall) -> None:
    checks.recorded(dialscript_call)


@_define("then", r"the call is over", r"звонок (?:завершён|окончен)")
def then_over(dialscript_call: ScenarioCall) -> None:
    checks.over(dialscript_call)


@_define(
    "then",
    r"the call is waiting for an answer",
    r"звонок ждёт ответа",
)
def then_waiting(dialscript_call: ScenarioCall) -> None:
    checks.waiting(dialscript_call)


def _table(datatable: list[list[str]] | None) -> dict[str, Any]:
    """`| name | value |` rows (an optional `| name | value |` header row is skipped)."""
    if not datatable:
        return {}
    rows = datatable
    if [cell.strip().casefold() for cell in rows[0]] in (["name", "value"], ["поле", "значение"]):
        rows = rows[1:]
    found: dict[str, Any] = {}
    for row in rows:
        if len(row) != 2:
            raise ScenarioFailure(f"an inputs table has two columns, name and value: {row}")
        found[row[0].strip()] = row[1].strip()
    return found


@pytest.fixture
def dialscript_call(request: pytest.FixtureRequest) -> Any:
    """The scenario's call; its trace goes to flow coverage when the scenario ends."""
    from dialscript.testing.pytest_plugin import new_call

    call = new_call(request.config)
    yield call
    call.finish()
