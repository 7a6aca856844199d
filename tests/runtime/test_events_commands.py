"""Events and commands are JSON values."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from dialscript.runtime import commands as c
from dialscript.runtime import events as e
from dialscript.runtime.interpreter import run_events

from .builders import NOW, nps

EVENTS: list[e.Event] = [
    e.Answered(),
    e.Digits("10#"),
    e.AgentAnswer(["a", "b"]),
    e.TextAnswer("да", at=datetime(2026, 1, 1, 9)),
    e.Silence(),
    e.HttpResult({"status": "shipped"}),
    e.HttpFailed("timeout"),
    e.TransferResult(ok=False, reason="busy"),
    e.Hangup("USER_BUSY"),
    e.Tick(datetime(2026, 1, 1, 9, 30)),
    e.HandlerInvoked("off_topic"),
    e.Back(),
]


@pytest.mark.parametrize("event", EVENTS, ids=lambda ev: ev.kind)
def test_event_round_trip(event: e.Event) -> None:
    data = json.loads(json.dumps(e.event_to_dict(event)))
    assert e.event_from_dict(data) == event


def test_unknown_event_kind() -> None:
    with pytest.raises(ValueError, match="unknown event kind"):
        e.event_from_dict({"kind": "explode"})


def test_commands_serialise() -> None:
    _, out = run_events(nps(), [e.AgentAnswer("yes"), e.AgentAnswer(3)], {"client_name": "A"},
                        now=NOW)  # fmt: skip
    data = json.loads(json.dumps([c.command_to_dict(cmd) for cmd in out]))
    assert [d["kind"] for d in data] == ["say", "ask", "ask", "set_result", "ask"]
    assert data[1]["question"]["type"] == "yesno"
    assert data[1]["options"][0] == {"value": "yes", "label": "Да", "key": "1"}
