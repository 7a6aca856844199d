"""support_ivr and the NPS survey end to end: OutboundServer + CallService + fake FreeSWITCH."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from dialscript.runtime.channels import UNUSED_EVENTS
from dialscript.testing.fake_freeswitch import (
    Faults,
    HangUp,
    HangUpDuring,
    Press,
    ScriptedCaller,
    Silence,
)

from .harness import AS_IVR, NPS_INPUTS, new_rig, place, run

CALLER = {"caller": "+8613800000000"}


def pagd(call: object) -> list[list[str]]:
    return [a.args for a in call.apps if a.name == "play_and_get_digits"]  # type: ignore[attr-defined]


def test_balance_branch_by_dtmf(tmp_path: Path) -> None:
    rig = new_rig(tmp_path, {"billing_balance": {"amount": "42.50"}})
    caller = ScriptedCaller([Press("1"), Press("1"), Press("12345678#"), Press("5")])
    call = run(place(rig, "support_ivr", caller, inputs=CALLER))
    record = rig.record(call)
    assert record.finished and record.outcome == "self_service"
    assert record.results == {"rating": 5}
    assert record.flow == "support_ivr" and record.flow_hash
    assert [a.var for a in record.answers] == ["main_menu", "billing_menu", "account", "rating"]
    assert rig.integrations.lookups.calls == [("billing_balance", {"account": "12345678"})]
    # keys, one try each, terminators and valid-key regexps come from the flow; the waits
    # (5 s and 10 s in the flow) are capped by [test.telephony] no_input_ms and digit_timeout_ms
    menu, billing, account, rating = pagd(call)
    assert menu[:5] == ["1", "1", "1", "1500", "none"] and menu[8] == "^[0123]$"
    assert menu[9] == "1500"
    assert billing[8] == "^[0123*]$"
    assert account[:5] == ["1", "10", "1", "1500", "#"] and account[8] == "^[0-9]{1,10}$"
    assert rating[8] == "^[012345]$"
    # FreeSWITCH 1.10 reads all of `say:` as text: engine and voice are channel variables
    assert menu[5].startswith("say:账单与缴费请按1")
    # Chinese has a voice of its own in the bindings: espeak-ng's Mandarin, not flite
    assert call.variable("tts_engine") == "tts_commandline" and call.variable("tts_voice") == "cmn"
    speaks = [a.arg for a in call.apps if a.name == "speak"]
    assert "tts_commandline|cmn|您的账户余额为 42.50 元。" in speaks
    assert call.variable("dialscript_result_rating") == "5"
    assert call.variable("dialscript_outcome") == "self_service"
    assert call.apps[3].name == "playback"
    assert call.apps[3].arg == "/usr/share/freeswitch/sounds/dialscript/audio/zh/welcome.wav"
    assert call.hangup_cause == "NORMAL_CLEARING" and call.warnings == []


def test_tech_fault_goes_to_the_callcenter_queue(tmp_path: Path) -> None:
    rig = new_rig(tmp_path)
    call = run(place(rig, "support_ivr", ScriptedCaller([Press("2"), Press("2")]), inputs=CALLER))
    queue = [a for a in call.apps if a.name == "callcenter"]
    assert [a.arg for a in queue] == ["tech_support@test"]
    record = rig.record(call)
    assert record.outcome == "to_agent" and record.finished
    assert record.reason == "transferred"


def test_silence_twice_falls_back_to_the_operator(tmp_path: Path) -> None:
    rig = new_rig(tmp_path)
    call = run(place(rig, "support_ivr", ScriptedCaller([Silence(), Silence()]), inputs=CALLER))
    assert len(pagd(call)) == 2
    assert [a.arg for a in call.apps if a.name == "callcenter"] == ["general_support@test"]
    assert rig.record(call).outcome == "to_agent"


def test_invalid_keys_three_times_fall_back_to_the_operator(tmp_path: Path) -> None:
    rig = new_rig(tmp_path)
    caller = ScriptedCaller([Press("9"), Press("7"), Press("#")])
    call = run(place(rig, "support_ivr", caller, inputs=CALLER))
    assert len(pagd(call)) == 3
    assert [a.arg for a in call.apps if a.name == "callcenter"] == ["general_support@test"]
    trace_outcome = rig.record(call)
    assert trace_outcome.outcome == "to_agent"
    assert call.variable("dialscript_in_1_invalid") == "9"


def test_operator_key_from_a_submenu(tmp_path: Path) -> None:
    rig = new_rig(tmp_path)
    call = run(place(rig, "support_ivr", ScriptedCaller([Press("1"), Press("0")]), inputs=CALLER))
    assert [a.arg for a in call.apps if a.name == "callcenter"] == ["general_support@test"]


def test_failed_queue_leaves_a_voicemail_and_emails_it(tmp_path: Path) -> None:
    rig = new_rig(tmp_path)
    caller = ScriptedCaller([Press("0")], bridge_outcome="NO_AGENT_TIMEOUT")
    call = run(place(rig, "support_ivr", caller, inputs=CALLER))
    record = rig.record(call)
    assert record.outcome == "message_left"
    recording = next(a for a in call.apps if a.name == "record")
    assert recording.args[0].startswith(f"/tmp/dialscript-recordings/{call.uuid}/")
    assert recording.args[1] == "60"
    assert [(s.kind, s.destination) for s in rig.integrations.sent] == [("email", "support_inbox")]


def test_sms_branch_uses_the_sms_sender(tmp_path: Path) -> None:
    rig = new_rig(tmp_path)
    caller = ScriptedCaller([Press("1"), Press("2"), Silence()])
    run(place(rig, "support_ivr", caller, inputs=CALLER))
    assert [(s.kind, s.destination) for s in rig.integrations.sent] == [("sms", "+8613800000000")]


def test_caller_hangs_up_after_the_score_question(tmp_path: Path) -> None:
    rig = new_rig(tmp_path)

    async def scenario() -> tuple[object, set[asyncio.Task[object]]]:
        caller = ScriptedCaller([Press("1"), Press("3"), HangUp()])
        call = await place(rig, "nps_survey", caller, inputs=NPS_INPUTS, extra_vars=AS_IVR)
        return call, asyncio.all_tasks() - {asyncio.current_task()}

    call, leftover = run(scenario())
    assert leftover == set()
    record = rig.record(call)  # type: ignore[arg-type]
    assert record.finished and record.outcome == "breakoff"
    assert record.results["score"] == 3
    assert [(a.var, a.value) for a in record.answers] == [("greeting", "yes"), ("score", 3)]
    assert record.reason is not None and "hung up" in record.reason


def test_hangup_during_a_prompt_keeps_the_answers(tmp_path: Path) -> None:
    rig = new_rig(tmp_path)
    caller = ScriptedCaller([Press("1"), HangUpDuring(app="play_and_get_digits", occurrence=2)])
    call = run(place(rig, "support_ivr", caller, inputs=CALLER))
    record = rig.record(call)
    assert record.outcome == "breakoff" and record.finished
    assert [a.var for a in record.answers] == ["main_menu"]


def test_dropped_socket_mid_call_keeps_the_journal_consistent(tmp_path: Path) -> None:
    rig = new_rig(tmp_path)
    caller = ScriptedCaller([Press("1"), Press("3"), Press("2")])
    # apps: set, answer, record_session, speak, pagd(yes), speak, pagd(score), set, pagd <- drop
    faults = Faults(drop_during_app=9)
    call = run(
        place(rig, "nps_survey", caller, inputs=NPS_INPUTS, faults=faults, extra_vars=AS_IVR)
    )
    record = rig.record(call)
    assert record.finished and record.outcome == "breakoff"
    assert record.results["score"] == 3
    assert record.ended is not None
    state = rig.store.load_state(record.id)
    assert state.finished and state.outcome == "breakoff"
    assert "ESL_CONNECTION_LOST" in (state.reason or "")


def test_unknown_flow_is_refused(tmp_path: Path) -> None:
    rig = new_rig(tmp_path)
    call = run(place(rig, "../etc/passwd", ScriptedCaller(), inputs=CALLER))
    assert call.hangup_cause == "UNALLOCATED_NUMBER"
    assert rig.store.results() == []


def test_peer_allow_list_refuses_other_addresses(tmp_path: Path) -> None:
    rig = new_rig(tmp_path)
    call = run(place(rig, "support_ivr", ScriptedCaller(), allowed=("10.0.0.0/8",)))
    assert call.apps == [] and "connect" not in call.commands
    assert rig.store.results() == []


def _sendmsg_bodies(wire: bytes) -> list[tuple[dict[str, str], bytes]]:
    """Split what the app sent into commands as FreeSWITCH's read_packet does."""
    out: list[tuple[dict[str, str], bytes]] = []
    rest = wire
    while rest.strip(b"\n"):
        rest = rest.lstrip(b"\n")
        head, _, rest = rest.partition(b"\n\n")
        lines = head.decode().split("\n")
        headers = dict(line.split(": ", 1) for line in lines[1:])
        size = int(headers.get("content-length", "0"))
        body, rest = rest[:size], rest[size:]
        out.append(({"command": lines[0], **headers}, body))
    return out


def test_hostile_contact_names_stay_inert_text_on_the_wire(tmp_path: Path) -> None:
    rig = new_rig(tmp_path)
    names = ["Ivan\n\nbgapi originate sofia/gateway/x/1 &park()", "${system(id)}"]
    for name in names:
        inputs = {**NPS_INPUTS, "client_name": name}
        call = run(place(rig, "nps_survey", ScriptedCaller([HangUp()]), inputs=inputs,
                         extra_vars=AS_IVR))  # fmt: skip
        frames = _sendmsg_bodies(bytes(call.wire_in))
        assert [f["command"] for f, _ in frames] == [
            "connect", "myevents plain", "nixevent " + " ".join(UNUSED_EVENTS), "linger 10",
            *["sendmsg"] * (len(frames) - 5), "exit",
        ]  # fmt: skip
        speak = [body for f, body in frames if f.get("execute-app-name") == "speak"][0]
        assert speak.startswith(b"tts_commandline|ru|")
        assert call.api_expansions == []
        assert not any(re.match(r"(bg)?api\b", c) for c in call.commands)
        assert call.apps[0].arg == "app_disable_expand_variables=true"
    first, second = rig.calls
    assert "Ivan bgapi originate sofia/gateway/x/1 &park()" in first.apps[3].arg
    assert "$ {system(id)}" in second.apps[3].arg
    assert "${" not in second.apps[3].expanded_arg
