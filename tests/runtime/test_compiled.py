"""Small .flow texts compiled by the front end and run: the language's run-time meaning."""

from __future__ import annotations

from datetime import datetime

from dialscript.dsl.load import compile_text
from dialscript.graph.flowgraph import FlowGraph
from dialscript.runtime import commands as c
from dialscript.runtime import events as e
from dialscript.runtime.interpreter import run_events, start

from .builders import NOW


def graph(text: str) -> FlowGraph:
    result = compile_text(text)
    assert result.graph is not None, [d.message for d in result.diagnostics]
    return result.graph


def says(out: list[c.Command]) -> list[str]:
    return [cmd.text for cmd in out if isinstance(cmd, c.Say)]


IVR = """\
flow support "Support"
  languages ru, en
  channel ivr
  input order_id digits
  outcome served

schedule office
  timezone Europe/Samara
  mon-fri 09:00-18:00
  holiday 2026-01-01..2026-01-08

step main_menu
  menu
    ru "Статус заказа — 1, оператор — 0."
    en "Order status, press 1. Operator, press 0."
    1 -> order_status
    0 -> operator
    silence 2 times -> operator
    invalid 2 times -> operator

step order_status
  lookup order from order_api with id = order_id
    timeout 3s
    error -> operator
  say
    ru "Статус заказа: {{ order.status }}"
    en "Order status: {{ order.status }}"
  -> done

step operator
  if closed office -> after_hours
  queue support_line
    failed -> after_hours

end after_hours served
  say
    ru "Мы работаем по будням с 9 до 18"
    en "We work on weekdays from 9 to 18"

end done served
  say
    ru "До свидания"
    en "Goodbye"
"""


def test_ivr_menu_lookup_in_english() -> None:
    g = graph(IVR)
    state, out = start(g, {"order_id": "123"}, now=NOW, channel="ivr", language="en")
    ask = out[-1]
    assert isinstance(ask, c.Ask) and ask.text == "Order status, press 1. Operator, press 0."
    events = [e.Digits("1"), e.HttpResult({"status": "shipped"})]
    state, out = run_events(g, events, {"order_id": "123"}, now=NOW, channel="ivr", language="en")
    assert "Order status: shipped" in says(out) and state.outcome == "served"
    request = next(cmd for cmd in out if isinstance(cmd, c.HttpRequest))
    assert request.source == "order_api" and request.args == {"id": "123"} and request.timeout == 3


def test_ivr_operator_open_closed_and_failed_queue() -> None:
    g = graph(IVR)
    tuesday = datetime.fromisoformat("2026-11-24T10:30+04:00")
    state, out = run_events(g, [e.Digits("0")], now=tuesday, channel="ivr")
    assert isinstance(out[-1], c.Queue) and out[-1].destination == "support_line"
    state, out = run_events(g, [e.Digits("0"), e.TransferResult(ok=True)], now=tuesday)
    assert state.finished and state.outcome == "transferred"
    state, out = run_events(g, [e.Digits("0"), e.TransferResult(ok=False)], now=tuesday)
    assert state.outcome == "served" and says(out) == ["Мы работаем по будням с 9 до 18"]
    night = datetime.fromisoformat("2026-11-24T22:00+04:00")
    state, out = run_events(g, [e.Digits("0")], now=night)
    assert says(out) == ["Мы работаем по будням с 9 до 18"]


def test_ivr_silence_and_invalid_routes_and_lookup_error() -> None:
    g = graph(IVR)
    state, _ = run_events(g, [e.Silence(), e.Silence()], now=NOW)
    assert state.passes.get("operator") == 1
    state, _ = run_events(g, [e.Digits("7"), e.Digits("8")], now=NOW)
    assert state.passes.get("operator") == 1
    state, _ = run_events(g, [e.Digits("1"), e.HttpFailed("timeout")], now=NOW)
    assert state.passes.get("operator") == 1


LOOPS = """\
flow retry
  result tries number
  var n number = 0
  outcome gave_up

step ask_code
  at most 2 times -> give_up
  set n = n + 1
  set tries = n
  ask code "Код?" digits 4..4
    invalid -> ask_code
    require code != "0000" else "Код 0000 не подходит"
  -> ask_code

end give_up gave_up
  say "Попробуйте позже"
"""


def test_at_most_and_invalid_route_and_typed_results() -> None:
    g = graph(LOOPS)
    events = [e.AgentAnswer("12"), e.AgentAnswer("1234"), e.AgentAnswer("1234")]
    state, out = run_events(g, events, now=NOW)
    assert state.outcome == "gave_up" and state.results == {"tries": 2}
    assert out[-1] == c.Finished("gave_up", {"tries": 2})


SURVEY = """\
flow s
  language ru
  result score scale 1..10 optional
  result reason one of reasons optional
  outcome completed

choices reasons
  price "цена" key 5
  speed "скорость" key 6

step rate
  ask score "Оценка?"
    key 0 = 10
    confirm if score <= 2 "Вы уверены, что {{ score }}?"
    1..6 -> why
    dont_know, refused -> done
  -> done

step why
  ask reason "Почему?"
  -> done

end done completed
"""


def test_confirm_key_map_and_choice_keys() -> None:
    g = graph(SURVEY)
    state, out = run_events(g, [e.Digits("0")], now=NOW, channel="ivr")
    assert state.results == {"score": 10}
    state, out = run_events(g, [e.Digits("2")], now=NOW, channel="ivr")
    assert isinstance(out[-1], c.Ask) and out[-1].confirmation
    assert out[-1].text == "Вы уверены, что 2?"
    state, out = run_events(g, [e.Digits("2"), e.Digits("1"), e.Digits("6")], now=NOW)
    assert out[-1] == c.Finished("completed", {"score": 2, "reason": "speed"})
    state, out = run_events(g, [e.AgentAnswer("refused")], now=NOW)
    assert out[-1] == c.Finished("completed", {"score": "refused", "reason": None})
