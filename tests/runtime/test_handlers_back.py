"""Handlers resume the interrupted question; `Back` corrects the last answer; state round trip."""

from __future__ import annotations

from dialscript.runtime import commands as c
from dialscript.runtime import events as e
from dialscript.runtime.interpreter import feed, run_events, start
from dialscript.runtime.state import CallState

from .builders import NOW, nps

INPUTS = {"client_name": "Иван", "company": "ООО Ромашка"}


def test_handler_runs_and_resume_reasks_the_interrupted_question() -> None:
    graph = nps()
    state, _ = run_events(graph, [e.AgentAnswer("yes")], INPUTS, now=NOW)
    assert state.node == "rate"
    state, out = feed(graph, state, e.HandlerInvoked("off_topic"))
    assert [cmd.kind for cmd in out] == ["say", "ask"]
    assert state.node == "off_topic.1" and state.handlers == [
        {"node": "rate", "handler": "off_topic"}
    ]
    state, out = feed(graph, state, e.TextAnswer("Когда привезут заказ?"))
    notify = next(cmd for cmd in out if isinstance(cmd, c.Notify))
    assert notify.fields == {"company": "ООО Ромашка", "question": "Когда привезут заказ?"}
    assert notify.subject == "Вопрос ООО Ромашка"
    ask = out[-1]
    assert isinstance(ask, c.Ask) and ask.node == "rate" and ask.text.startswith("Оцените")
    assert state.node == "rate" and state.handlers == []
    state, out = feed(graph, state, e.AgentAnswer(9))
    assert out[-1] == c.Finished("completed", {"score": 9, "reason": None})


def test_ivr_handler_key_at_a_question() -> None:
    graph = nps()
    state, _ = start(graph, INPUTS, now=NOW, channel="ivr")
    state, out = feed(graph, state, e.Digits("9"))  # not a yes/no key: the handler's key
    assert state.handlers and state.node == "off_topic.1"


def test_a_valid_answer_wins_over_a_handler_key() -> None:
    graph = nps()
    state, _ = run_events(graph, [e.Digits("1"), e.Digits("9")], INPUTS, now=NOW, channel="ivr")
    assert state.finished and state.results["score"] == 9


def test_handler_unknown_or_not_at_a_question_is_ignored_with_a_warning() -> None:
    graph = nps()
    state, _ = start(graph, INPUTS, now=NOW)
    state, out = feed(graph, state, e.HandlerInvoked("nope"))
    assert out == [] and state.trace[-1]["warning"] == "no handler named 'nope'"


def test_back_returns_to_previous_question_keeping_the_audit_trail() -> None:
    graph = nps()
    state, _ = run_events(graph, [e.AgentAnswer("yes"), e.AgentAnswer(3)], INPUTS, now=NOW)
    assert state.node == "why" and state.results["score"] == 3
    state, out = feed(graph, state, e.Back())
    assert out[0] == c.SetResult("score", None)
    ask = out[-1]
    assert isinstance(ask, c.Ask) and ask.node == "rate"
    assert state.results.get("score") is None and "score" not in state.vars
    assert state.answers[-1]["value"] == 3 and state.answers[-1]["superseded"] is True
    state, out = feed(graph, state, e.AgentAnswer(10))
    assert out[-1] == c.Finished("completed", {"score": 10, "reason": None})
    assert [(a["var"], a["value"], a["superseded"]) for a in state.answers] == [
        ("ready", "yes", False),
        ("score", 3, True),
        ("score", 10, False),
    ]


def test_back_twice_reaches_the_first_question() -> None:
    graph = nps()
    state, _ = run_events(graph, [e.AgentAnswer("yes"), e.AgentAnswer(3), e.Back(), e.Back()],
                          INPUTS, now=NOW)  # fmt: skip
    assert state.node == "greeting.1" and state.checkpoints == []
    state, out = feed(graph, state, e.Back())
    assert out == [] and "back ignored" in state.trace[-1]["warning"]


def test_state_json_round_trip_mid_call_then_resume() -> None:
    graph = nps()
    state, _ = run_events(graph, [e.AgentAnswer("yes"), e.HandlerInvoked("off_topic")],
                          INPUTS, now=NOW)  # fmt: skip
    text = state.to_json()
    again = CallState.from_json(text)
    assert again == state and again.model_dump() == state.model_dump()
    assert CallState.model_validate(state.model_dump()) == state
    again, out = feed(graph, again, e.TextAnswer("вопрос"))
    again, out = feed(graph, again, e.AgentAnswer("8"))
    again, out = feed(graph, again, e.AgentAnswer("other"))
    assert out[-1] == c.Finished("completed", {"score": 8, "reason": "other"})


def test_same_events_same_result_with_or_without_round_trips() -> None:
    graph = nps()
    events = [e.AgentAnswer("yes"), e.Silence(), e.AgentAnswer("4"), e.Back(), e.AgentAnswer("6"),
              e.AgentAnswer("stock")]  # fmt: skip
    direct, out_direct = run_events(graph, events, INPUTS, now=NOW)
    state, out = start(graph, INPUTS, now=NOW)
    for event in events:
        state = CallState.model_validate(state.model_dump())
        state, more = feed(graph, state, event)
        out += more
    assert out == out_direct and state == direct
