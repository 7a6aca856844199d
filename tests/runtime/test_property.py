"""Random event sequences never raise, and the call always ends or waits validly."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from dialscript.dsl.load import compile_file
from dialscript.graph.flowgraph import FlowGraph
from dialscript.runtime import events as e
from dialscript.runtime.interpreter import feed, start
from dialscript.runtime.simulator import Simulator
from dialscript.runtime.state import CallState

from .builders import NOW, nps

GRAPH = nps()
WORDS = ["yes", "no", "да", "7", "0", "10", "11", "delivery", "другое", "не знаю", "", "x" * 50]

EVENT = st.one_of(
    st.builds(e.Answered),
    st.builds(e.Digits, st.text(alphabet="0123456789*#", max_size=3)),
    st.builds(
        e.AgentAnswer,
        st.one_of(
            st.sampled_from(WORDS),
            st.integers(-5, 20),
            st.floats(allow_nan=True),
            st.booleans(),
            st.lists(st.sampled_from(WORDS), max_size=3),
        ),
    ),  # fmt: skip
    st.builds(e.TextAnswer, st.one_of(st.sampled_from(WORDS), st.text(max_size=10))),
    st.builds(e.Silence),
    st.builds(e.HttpResult, st.dictionaries(st.text(max_size=5), st.integers(), max_size=3)),
    st.builds(e.HttpFailed, st.text(max_size=5)),
    st.builds(e.TransferResult, st.booleans()),
    st.builds(e.Hangup),
    st.builds(e.Tick, st.just(NOW + timedelta(minutes=1))),
    st.builds(e.HandlerInvoked, st.sampled_from(["off_topic", "missing"])),
    st.builds(e.Back),
)


def check_valid(graph: FlowGraph, state: CallState) -> None:
    if state.finished:
        assert state.wait is None
        return
    assert state.wait in ("answer", "confirm", "http", "transfer")
    plan_graph = graph
    for name in state.path:
        plan_graph = plan_graph.subflows[name]
    node = plan_graph.nodes[state.node or ""]
    expected = {"answer": "ask", "confirm": "ask", "http": "lookup", "transfer": "transfer"}
    assert node.kind == expected[state.wait]


@settings(max_examples=300, deadline=None)
@given(st.lists(EVENT, max_size=25), st.sampled_from(["agent", "ivr"]))
def test_random_events_never_raise(events: list[e.Event], channel: str) -> None:
    state, _ = start(GRAPH, {"client_name": "A"}, now=NOW, channel=channel)  # type: ignore[arg-type]
    check_valid(GRAPH, state)
    for event in events:
        state, _ = feed(GRAPH, state, event)
        check_valid(GRAPH, state)
    assert CallState.from_json(state.to_json()) == state
    # pydantic-core's one-pass JSON holds what json.dumps wrote before (a float may be
    # spelt otherwise: pydantic writes 1.2e-7 where json.dumps writes 1.2e-07)
    assert json.loads(state.to_json()) == json.loads(
        json.dumps(state.model_dump(), ensure_ascii=False, separators=(",", ":"))
    )


@cache
def compiled_nps() -> FlowGraph:
    graph = compile_file(
        str(Path(__file__).resolve().parents[2] / "flows" / "nps_survey.flow")
    ).graph
    assert graph is not None
    return graph


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(["yes", "7", "3", "silence", "back", "!off_topic", "hangup",
                                 "delivery", "вопрос"]), max_size=15))  # fmt: skip
def test_random_scripts_on_the_compiled_nps_flow(items: list[str]) -> None:
    graph = compiled_nps()
    sim = Simulator(graph, inputs={"client_name": "A"}, now=datetime(2026, 11, 24, 10, 30))
    result = sim.run_script(items)
    assert result.state.finished and result.record()["outcome"] is not None
