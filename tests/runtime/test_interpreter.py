"""The interpreter on the hand-built NPS survey: answers, routes, results, outcomes."""

from __future__ import annotations

from typing import Any

import pytest

from dialscript.runtime import commands as c
from dialscript.runtime import events as e
from dialscript.runtime.interpreter import feed, run_events, start

from .builders import NOW, nps

INPUTS = {"client_name": "Иван", "company": "ООО Ромашка"}


def kinds(commands: list[c.Command]) -> list[str]:
    return [cmd.kind for cmd in commands]


def finished(commands: list[c.Command]) -> c.Finished:
    last = commands[-1]
    assert isinstance(last, c.Finished)
    return last


def test_start_says_greeting_and_asks() -> None:
    state, out = start(nps(), INPUTS, now=NOW)
    assert kinds(out) == ["say", "ask"]
    assert isinstance(out[0], c.Say) and out[0].text == "Иван, добрый день!"
    ask = out[1]
    assert isinstance(ask, c.Ask)
    assert ask.keys == {"1": "yes", "2": "no"}
    assert [o.value for o in ask.options] == ["yes", "no", "dont_know", "refused"]
    assert state.wait == "answer" and state.node == "greeting.1" and not state.finished


def test_full_survey_low_score_asks_reason() -> None:
    events = [e.AgentAnswer("да"), e.AgentAnswer("7"), e.AgentAnswer("срок доставки товара")]
    state, out = run_events(nps(), events, INPUTS, now=NOW)
    done = finished(out)
    assert done.outcome == "completed"
    assert done.results == {"score": 7, "reason": "delivery"}
    assert state.finished and out[-2] == c.Hangup(None)
    says = [cmd.text for cmd in out if isinstance(cmd, c.Say)]
    assert says[-1] == "Спасибо, Иван!"


def test_high_score_skips_reason() -> None:
    state, out = run_events(nps(), [e.AgentAnswer("yes"), e.AgentAnswer(10)], INPUTS, now=NOW)
    assert finished(out).results == {"score": 10, "reason": None}


@pytest.mark.parametrize(
    "answer",
    [e.AgentAnswer("7"), e.AgentAnswer(7), e.AgentAnswer(7.0), e.Digits("7"), e.TextAnswer("7")],
)
def test_agent_and_ivr_answers_agree(answer: e.Event) -> None:
    state, _ = run_events(nps(), [e.Digits("1"), answer], INPUTS, now=NOW)
    assert state.vars["score"] == 7 and state.results["score"] == 7


@pytest.mark.parametrize("answer", [e.Digits("10"), e.Digits("0"), e.AgentAnswer("10"),
                                    e.AgentAnswer("0")])  # fmt: skip
def test_ten_by_digits_key_map_and_agent(answer: e.Event) -> None:
    graph = nps()
    state, _ = start(graph, INPUTS, now=NOW)
    state, _ = feed(graph, state, e.Digits("1"))
    state, out = feed(graph, state, answer)
    assert finished(out).results["score"] == 10


def test_invalid_answer_reasks_then_goes_on_after_three() -> None:
    graph = nps()
    state, _ = start(graph, INPUTS, now=NOW)
    state, _ = feed(graph, state, e.AgentAnswer("yes"))
    state, out = feed(graph, state, e.AgentAnswer("11"))
    assert kinds(out) == ["ask"] and isinstance(out[0], c.Ask) and out[0].attempt == 2
    assert out[0].text == "Ещё раз: 1-10?"
    state, out = feed(graph, state, e.AgentAnswer("abc"))
    assert isinstance(out[0], c.Ask) and out[0].attempt == 3
    assert out[0].text == "Оцените по шкале от 1 до 10"  # reprompts used up: the question again
    state, out = feed(graph, state, e.AgentAnswer("-1"))
    # no invalid route: after 3 attempts the call goes on (the branch: score unset -> else)
    assert finished(out).outcome == "completed"
    assert any("going on" in t.get("warning", "") for t in state.trace)


def test_silence_route_after_n_times() -> None:
    graph = nps()
    state, _ = start(graph, INPUTS, now=NOW)
    state, _ = feed(graph, state, e.AgentAnswer("yes"))
    state, out = feed(graph, state, e.Silence())
    assert kinds(out) == ["ask"]
    state, out = feed(graph, state, e.Silence())
    assert finished(out).outcome == "no_answer"


def test_yes_no_in_three_languages_and_keys() -> None:
    graph = nps()
    for word in ("нет", "No", "不", "2"):
        state, _ = start(graph, INPUTS, now=NOW)
        state, out = feed(graph, state, e.AgentAnswer(word))
        assert finished(out).outcome == "callback", word


def test_dont_know_accepted_by_survey_question() -> None:
    graph = nps()
    state, out = run_events(graph, [e.AgentAnswer("yes"), e.AgentAnswer("затрудняюсь ответить")],
                            INPUTS, now=NOW)  # fmt: skip
    # dont_know is not <= 8: the branch goes to thanks
    assert finished(out).results["score"] == "dont_know"


def test_hangup_keeps_answers_with_breakoff() -> None:
    graph = nps()
    events = [e.AgentAnswer("yes"), e.AgentAnswer("5"), e.Hangup("NORMAL_CLEARING")]
    state, out = run_events(graph, events, INPUTS, now=NOW)
    done = finished(out)
    assert done.outcome == "breakoff" and done.results["score"] == 5
    assert c.Hangup("NORMAL_CLEARING") not in out  # the caller hung up: nothing to hang up
    assert [a["var"] for a in state.answers] == ["ready", "score"]


def test_events_after_the_end_are_ignored() -> None:
    graph = nps()
    state, _ = run_events(graph, [e.Hangup()], INPUTS, now=NOW)
    again, out = feed(graph, state, e.AgentAnswer("yes"))
    assert out == [] and again.finished and again.outcome == "breakoff"


def test_feed_leaves_the_given_state_untouched() -> None:
    graph = nps()
    state, _ = start(graph, INPUTS, now=NOW)
    before = state.model_dump()
    feed(graph, state, e.AgentAnswer("yes"))
    assert state.model_dump() == before


def test_hints_render_choice_list_labels() -> None:
    state, out = run_events(nps(), [e.AgentAnswer("yes"), e.AgentAnswer(3)], INPUTS, now=NOW)
    ask = out[-1]
    assert isinstance(ask, c.Ask) and ask.var == "reason"
    assert ask.hints == ("Варианты: ассортимент товара, наличие товара на складе, "
                         "срок доставки товара, другое",)  # fmt: skip
    assert [o.key for o in ask.options][:4] == ["1", "2", "3", "4"]


def test_unknown_template_name_renders_placeholder_and_warns() -> None:
    state, out = start(nps(), {}, now=NOW)
    assert isinstance(out[0], c.Say) and out[0].text == "[?client_name], добрый день!"
    warnings = [t["warning"] for t in state.trace if "warning" in t]
    assert "input client_name was not given" in warnings
    assert "unknown name in text: client_name" in warnings


def test_trace_and_audit_carry_event_time() -> None:
    graph = nps()
    state, _ = start(graph, INPUTS, now=NOW)
    later = NOW.replace(minute=31)
    state, _ = feed(graph, state, e.AgentAnswer("yes", at=later))
    assert state.answers[0]["at"] == later.isoformat()
    assert state.trace[0]["event"] == "start" and state.trace[0]["node"] == "greeting"
    entry: dict[str, Any] = next(t for t in state.trace if t.get("event") == "agent_answer")
    assert entry["at"] == later.isoformat() and entry["answer"] == "yes"
