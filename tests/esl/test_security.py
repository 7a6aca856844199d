"""Caller-controlled text can never become a command, a header, or an expansion."""

from __future__ import annotations

import pytest

from dialscript.runtime.esl import CallSession, UnsafeValue
from dialscript.testing.fake_freeswitch.wire import CommandReader

from .helpers import call_through, run

CONTACT = "Ivan\n\nbgapi originate sofia/gateway/gw/900 &park()\n\n"
EXPANSION = "${system(id)}"


def test_injection_attempts_are_inert_body_text_on_the_wire() -> None:
    async def handler(session: CallSession) -> None:
        await session.answer()
        await session.speak(f"Hello {CONTACT}")
        await session.speak(f"Your code is {EXPANSION}")
        await session.set_variable("contact_name", CONTACT)
        await session.hangup()

    call, outcome = run(call_through(handler))
    assert outcome.error is None

    commands = CommandReader().feed(bytes(call.wire_in))
    lines = [c.line for c in commands]
    assert "bgapi originate sofia/gateway/gw/900 &park()" not in lines
    assert not any(line.startswith(("bgapi", "api")) for line in lines)
    speak = [c for c in commands if c.get("execute-app-name") == "speak"]
    assert [c.body for c in speak] == [
        f"flite|kal|Hello {CONTACT}".encode(),
        f"flite|kal|Your code is {EXPANSION}".encode(),
    ]
    for cmd in speak:
        assert cmd.get("content-type") == "text/plain"
        assert cmd.get("content-length") == str(len(cmd.body or b""))
        assert cmd.get("execute-app-arg") is None

    # The switch saw the literal text and expanded nothing (expansion disabled on the channel).
    assert call.api_expansions == []
    runs = [r for r in call.apps if r.name == "speak"]
    assert runs[1].expanded_arg == f"flite|kal|Your code is {EXPANSION}"
    assert call.variable("contact_name") == CONTACT
    assert call.hangup_cause == "NORMAL_CLEARING"


def test_expansion_guard_when_channel_still_expands() -> None:
    async def handler(session: CallSession) -> None:
        assert not session.expansion_disabled
        with pytest.raises(UnsafeValue):
            await session.speak(EXPANSION)
        with pytest.raises(UnsafeValue):
            await session.set_variable("x", "$\\{system(id)}")
        # The raw connection API does not guard: this shows what the guard prevents.
        await session.connection.execute_and_wait("speak", f"flite|kal|{EXPANSION}")

    call, outcome = run(call_through(handler, server={"disable_expansion": False}))
    assert outcome.error is None
    assert call.api_expansions == ["system(id)"]


def test_dialplan_can_disable_expansion_before_socket() -> None:
    async def handler(session: CallSession) -> None:
        assert session.expansion_disabled
        await session.speak(EXPANSION)

    call, _ = run(
        call_through(handler, place={"variables": {"app_disable_expand_variables": "true"}})
    )
    assert call.app_names == ["speak"]  # no extra `set` needed
    assert call.api_expansions == []


def test_peer_allow_list_closes_other_addresses() -> None:
    async def handler(session: CallSession) -> None:
        raise AssertionError("must not run")

    call, outcome = run(call_through(handler, server={"allowed_peers": ["10.0.0.0/8"]}))
    assert outcome.session is None
    assert call.commands == []
    assert not call.connected.is_set()
