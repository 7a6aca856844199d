"""`Back` restores exactly the snapshot fields, and the snapshot copies its containers."""

from __future__ import annotations

from dialscript.runtime.state import SNAPSHOT_FIELDS, CallState


def test_snapshot_holds_every_restorable_field_as_a_copy() -> None:
    state = CallState("f", "h", "agent", "ru", "2026-01-01T00:00:00", vars={"a": 1})
    snapshot = state.snapshot()
    assert tuple(snapshot) == SNAPSHOT_FIELDS
    snapshot["vars"]["a"] = 2
    assert state.vars == {"a": 1}
    state.vars["b"] = 3
    state.restore(snapshot)
    assert state.vars == {"a": 2}


def test_ivr_calls_take_no_back_checkpoints() -> None:
    from datetime import datetime

    from dialscript.dsl.load import compile_text
    from dialscript.runtime import events as e
    from dialscript.runtime.interpreter import run_events

    compiled = compile_text(
        'flow f\n  result ok yes/no\n  outcome done\nstep q\n  ask ok "OK?"\n'
        "    else -> bye\n  -> bye\nend bye done\n"
    )
    assert compiled.graph is not None
    now = datetime(2026, 1, 1)
    agent, _ = run_events(compiled.graph, [e.AgentAnswer("yes")], now=now, channel="agent")
    ivr, _ = run_events(compiled.graph, [e.Digits("1")], now=now, channel="ivr")
    assert len(agent.checkpoints) == 1 and ivr.checkpoints == []
    assert agent.results == ivr.results == {"ok": "yes"}


def test_audit_keeps_non_finite_answers_as_text() -> None:
    from datetime import datetime

    from dialscript.dsl.load import compile_text
    from dialscript.runtime import events as e
    from dialscript.runtime.interpreter import run_events
    from dialscript.runtime.state import CallState as State

    compiled = compile_text(
        'flow f\n  result note text\n  outcome done\nstep q\n  ask note "Note?"\n'
        "    else -> bye\n  -> bye\nend bye done\n"
    )
    assert compiled.graph is not None
    state, _ = run_events(
        compiled.graph, [e.AgentAnswer(float("inf"))], now=datetime(2026, 1, 1), channel="agent"
    )
    assert state.answers[0]["raw"] == "inf"
    assert State.from_json(state.to_json()) == state
