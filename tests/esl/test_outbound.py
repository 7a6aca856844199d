"""Outbound server + CallSession against the fake FreeSWITCH over loopback."""

from __future__ import annotations

import asyncio

import pytest

from dialscript.runtime.esl import (
    CallHungUp,
    CallSession,
    CommandFailed,
    ConnectionLost,
    UnsafeValue,
)
from dialscript.testing.fake_freeswitch import (
    Faults,
    HangUp,
    HangUpDuring,
    Press,
    ScriptedCaller,
    Silence,
    Talk,
)

from .helpers import call_through, run


async def ivr(session: CallSession) -> list[str | None]:
    await session.answer()
    await session.playback("ivr/welcome.wav")
    first = await session.play_and_get_digits("ivr/menu.wav", tries=1)
    second = await session.play_and_get_digits("ivr/menu.wav", tries=1)
    pin = await session.play_and_get_digits(
        "ivr/pin.wav", min_digits=4, max_digits=4, regexp="\\d{4}", tries=2
    )
    await session.hangup()
    return [first, second, pin]


def test_ivr_happy_path() -> None:
    caller = ScriptedCaller([Press("7"), Silence(), Press("12"), Press("1234")])
    call, outcome = run(call_through(ivr, caller))
    assert outcome.error is None
    assert outcome.value == ["7", None, "1234"]
    assert call.app_names == [
        "set", "answer", "playback", "play_and_get_digits", "play_and_get_digits",
        "play_and_get_digits",
    ]  # fmt: skip
    assert call.apps[0].arg == "app_disable_expand_variables=true"
    assert call.commands[:3] == ["connect", "myevents plain", "linger 10"]
    assert call.commands[-1] == "exit"
    assert call.hangup_cause == "NORMAL_CLEARING"
    assert call.variable("dialscript_digits_3_invalid") == "12"
    assert call.warnings == []


def test_pagd_arguments_land_in_the_right_slots() -> None:
    async def handler(session: CallSession) -> str | None:
        return await session.play_and_get_digits(
            "my prompts/it's.wav", max_digits=3, terminators="#", regexp="", tries=1
        )

    call, outcome = run(call_through(handler, ScriptedCaller([Press("12#")])))
    assert outcome.value == "12"
    pagd = call.apps[-1]
    assert pagd.args[:9] == [
        "1", "3", "1", "5000", "#", "my prompts/it's.wav", "", "dialscript_digits_1", "",
    ]  # fmt: skip
    assert call.variable("read_terminator_used") == "#"


def test_caller_hangs_up_during_playback() -> None:
    seen: dict[str, object] = {}

    async def handler(session: CallSession) -> None:
        await session.answer()
        try:
            await session.playback("ivr/long.wav")
        except CallHungUp as exc:
            seen["cause"] = exc.cause
        seen["hung_up"] = session.hung_up
        sent_before = len(session.connection._replies)
        with pytest.raises(CallHungUp):
            await session.playback("never.wav")  # refused locally: nothing is sent
        seen["nothing_sent"] = len(session.connection._replies) == sent_before
        with session.events() as stream:
            seen["stream_open"] = stream is not None
        seen["lingering"] = session.connection.lingering or session.hung_up

    call, outcome = run(
        call_through(handler, ScriptedCaller([HangUpDuring(app="playback", cause="USER_BUSY")]))
    )
    assert outcome.error is None
    assert seen["cause"] == "USER_BUSY" and seen["hung_up"] is True
    assert seen["nothing_sent"] is True
    assert call.app_names == ["set", "answer", "playback"]
    assert call.apps[-1].interrupted
    assert call.hangup_cause == "USER_BUSY"


def test_hangup_action_at_prompt_raises() -> None:
    async def handler(session: CallSession) -> None:
        await session.answer()
        await session.play_and_get_digits("ivr/menu.wav")

    _, outcome = run(call_through(handler, ScriptedCaller([HangUp()])))
    assert isinstance(outcome.error, CallHungUp)


def test_linger_keeps_trailing_events_after_hangup() -> None:
    names: list[str] = []

    async def handler(session: CallSession) -> None:
        with session.events() as stream:
            await session.answer()
            await session.hangup("NORMAL_CLEARING")
            while "CHANNEL_HANGUP_COMPLETE" not in names:
                names.append((await stream.get(2.0)).name)
        assert session.connection.lingering is False or session.hung_up

    call, outcome = run(call_through(handler))
    assert outcome.error is None
    tail = names[names.index("CHANNEL_HANGUP") :]
    assert tail == [
        "CHANNEL_HANGUP", "CHANNEL_UNPARK", "CHANNEL_EXECUTE_COMPLETE", "CHANNEL_STATE",
        "CHANNEL_STATE", "CHANNEL_HANGUP_COMPLETE",
    ]  # fmt: skip
    assert call.commands[-1] == "exit"
    # The linger notice came after HANGUP_COMPLETE, as in the recordings.
    out = bytes(call.wire_out)
    assert out.index(b"Content-Disposition: linger") > out.rindex(b"CHANNEL_HANGUP_COMPLETE")


def test_dropped_socket_mid_app_is_connection_lost() -> None:
    async def handler(session: CallSession) -> None:
        await session.answer()
        await session.playback("ivr/welcome.wav")

    _, outcome = run(call_through(handler, faults=Faults(drop_during_app=3)))
    assert isinstance(outcome.error, ConnectionLost)


def test_transfer_ends_with_disconnect_notice() -> None:
    async def handler(session: CallSession) -> None:
        await session.answer()
        await session.transfer("9000")
        with pytest.raises(ConnectionLost):
            await session.playback("after-transfer.wav")

    call, outcome = run(call_through(handler))
    assert outcome.error is None
    assert call.transferred_to == "9000 XML default"
    assert session_disconnected(outcome)


def session_disconnected(outcome: object) -> bool:
    session = getattr(outcome, "session", None)
    return bool(session and (session.connection.disconnected or session.connection.closed))


@pytest.mark.parametrize(
    "faults", [Faults(fragment_writes=True, seed=3), Faults(slow_reader=0.001)], ids=str
)
def test_fragmented_writes_and_slow_reader(faults: Faults) -> None:
    caller = ScriptedCaller([Press("7"), Silence(), Press("1234")])
    _, outcome = run(call_through(ivr, caller, faults=faults))
    assert outcome.error is None
    assert outcome.value == ["7", None, "1234"]


def test_record_bridge_set_get_and_speak() -> None:
    async def handler(session: CallSession) -> dict[str, object]:
        await session.answer()
        rec = await session.record("/tmp/msg.wav", time_limit_s=30)
        await session.set_variable("customer_name", "José Ñ")
        bridged = await session.bridge("user/1000@default")
        spoken = await session.speak("Thank you, José.")
        return {
            "record_ms": rec.variable("record_ms"),
            "name": await session.get_variable("customer_name"),
            "missing": await session.get_variable("nope"),
            "bridge": bridged.variable("bridge_hangup_cause"),
            "speak": spoken["Application-Data"],
        }

    call, outcome = run(call_through(handler, ScriptedCaller([Talk(2.5)])))
    assert outcome.error is None
    assert outcome.value == {
        "record_ms": "2500",
        "name": "José Ñ",
        "missing": None,
        "bridge": "NORMAL_CLEARING",
        "speak": "flite|kal|Thank you, José.",
    }
    assert call.apps[2].args == ["/tmp/msg.wav", "30"]


def test_myevents_twice_and_not_full_socket() -> None:
    async def twice(session: CallSession) -> None:
        with pytest.raises(CommandFailed, match="aready enabled"):
            await session.connection.myevents()

    _, outcome = run(call_through(twice))
    assert outcome.error is None

    async def never(session: CallSession) -> None:
        raise AssertionError("handler must not run without full")

    call, _ = run(call_through(never, place={"full": False}))
    assert "linger 10" in call.commands  # refused with -ERR command not found


def test_bgapi_from_outbound_session_matches_our_job_uuid() -> None:
    async def handler(session: CallSession) -> str:
        await session.connection.event("plain", ["BACKGROUND_JOB"])
        job = await session.connection.bgapi(f"uuid_getvar {session.uuid} channel_name", timeout=2)
        assert job["Job-Owner-UUID"] == session.uuid
        return job.text

    call, outcome = run(call_through(handler))
    assert outcome.value == call.channel.name


def test_static_socket_replies_only_after_the_app() -> None:
    timings: dict[str, float] = {}

    async def handler(session: CallSession) -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        app_uuid = await session.connection.execute("playback", "ivr/one-second.wav")
        timings["reply"] = loop.time() - start
        await session.connection.wait_execute(app_uuid, timeout=2)

    for mode in ("static", "async"):
        _, outcome = run(
            call_through(handler, place={"socket_mode": mode}, fake={"time_scale": 0.05})
        )
        assert outcome.error is None
        timings[mode] = timings.pop("reply")
    assert timings["static"] >= 0.045 > timings["async"]


def test_nixevent_after_myevents_stops_those_events_only() -> None:
    """As ``mes.c``: nixevent clears types ``myevents`` set; the rest keep flowing."""
    names: list[str] = []

    async def handler(session: CallSession) -> str | None:
        with session.events() as stream:
            await session.answer()
            digits = await session.play_and_get_digits("ivr/menu.wav", tries=1)
            await session.hangup("NORMAL_CLEARING")
            while "CHANNEL_HANGUP_COMPLETE" not in names:
                names.append((await stream.get(2.0)).name)
        return digits

    nixed = ("CHANNEL_EXECUTE", "CHANNEL_STATE", "CHANNEL_UNPARK", "DTMF")
    call, outcome = run(
        call_through(handler, ScriptedCaller([Press("7")]), server={"nix_events": nixed})
    )
    assert outcome.error is None and outcome.value == "7"
    assert call.commands[:3] == ["connect", "myevents plain", f"nixevent {' '.join(nixed)}"]
    assert not set(nixed) & set(names)
    assert names.count("CHANNEL_EXECUTE_COMPLETE") >= 3  # set, answer, pagd (+ socket)
    assert {"CHANNEL_ANSWER", "CHANNEL_HANGUP", "CHANNEL_HANGUP_COMPLETE"} <= set(names)
    wire_out = bytes(call.wire_out)
    assert b"Event-Name: CHANNEL_EXECUTE\n" not in wire_out
    assert b"Event-Name: DTMF\n" not in wire_out
    assert call.warnings == []


def test_fake_nixevent_follows_the_event_list() -> None:
    """``nixevent`` on the one event_list: ALL minus a type, nothing to nix, ALL cleared."""

    async def handler(session: CallSession) -> list[str]:
        conn = session.connection
        replies = [await conn.nixevent(["CHANNEL_EXECUTE"])]
        await conn.event("plain", ["ALL"])
        replies.append(await conn.nixevent(["DTMF"]))
        with pytest.raises(CommandFailed, match="no keywords"):
            await conn.command(b"nixevent\n\n")
        return replies

    call, outcome = run(call_through(handler))
    assert outcome.error is None
    assert outcome.value == ["+OK events nixed", "+OK events nixed"]
    assert call._wanted("CHANNEL_EXECUTE", []) and call._wanted("CUSTOM", [])
    assert not call._wanted("DTMF", [])


def test_kill_hangs_up_in_the_middle_of_a_prompt() -> None:
    async def handler(session: CallSession) -> str:
        with pytest.raises(UnsafeValue):
            await session.kill("NORMAL_CLEARING\n\nbgapi originate")
        prompt = asyncio.create_task(session.playback("ivr/long.wav"))
        await asyncio.sleep(0.05)  # the playback is running (event-lock would queue a sendmsg)
        reply = await session.kill("NORMAL_TEMPORARY_FAILURE")
        with pytest.raises(CallHungUp):
            await prompt
        return reply

    call, outcome = run(call_through(handler, ScriptedCaller(), fake={"time_scale": 1.0}))
    assert outcome.error is None and outcome.value is not None
    assert outcome.value.startswith("+OK")
    assert call.hangup_cause == "NORMAL_TEMPORARY_FAILURE"
    assert call.app_names[-1] == "playback"
