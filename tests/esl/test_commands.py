"""Command builder: refusals, byte counts, and what FreeSWITCH would read back."""

from __future__ import annotations

import pytest

from dialscript.runtime.esl import UnsafeValue, commands, pagd_args, quote_token
from dialscript.testing.fake_freeswitch.apps import split_app_args
from dialscript.testing.fake_freeswitch.wire import CommandReader

from . import recordings


@pytest.mark.parametrize("bad", ["a\nb", "a\rb", "a\x00b", "a\n\nbgapi status"])
def test_refuses_cr_lf_nul_everywhere(bad: str) -> None:
    with pytest.raises(UnsafeValue):
        commands.build(bad)
    with pytest.raises(UnsafeValue):
        commands.build("sendmsg", [("x-header", bad)])
    with pytest.raises(UnsafeValue):
        commands.build("sendmsg", [(bad, "v")])
    with pytest.raises(UnsafeValue):
        commands.api(f"status {bad}")
    with pytest.raises(UnsafeValue):
        commands.filter_("Unique-ID", bad)


def test_refuses_other_hazards() -> None:
    with pytest.raises(UnsafeValue):
        commands.build("sendmsg", [("content-length", "5")])
    with pytest.raises(UnsafeValue):
        commands.build("sendmsg", [("Bad Name", "v")])
    with pytest.raises(UnsafeValue):
        commands.build("sendmsg", (), b"a\x00b")
    with pytest.raises(UnsafeValue):
        commands.build("   ")
    with pytest.raises(UnsafeValue):
        commands.sendmsg_execute("play back", "x", event_uuid="e")
    with pytest.raises(UnsafeValue):
        commands.sendmsg_execute("playback", "x", event_uuid="e\nx")
    with pytest.raises(UnsafeValue):
        commands.linger(0)
    with pytest.raises(UnsafeValue):
        commands.event("plain", ["CHANNEL_ANSWER\nbgapi"])
    with pytest.raises(UnsafeValue):
        commands.bgapi("status", "../../etc")
    with pytest.raises(UnsafeValue):
        commands.sendmsg_hangup("NORMAL CLEARING")


def test_multibyte_body_counts_bytes() -> None:
    text = "Добрый день, José 😀\nline two"
    wire = commands.sendmsg_execute("speak", text, event_uuid="e-1")
    head, body = wire.split(b"\n\n", 1)
    assert body == text.encode("utf-8")
    assert f"content-length: {len(text.encode('utf-8'))}".encode() in head
    assert len(text) != len(body)
    (cmd,) = CommandReader().feed(wire)
    assert cmd.body == text.encode("utf-8")


def test_execute_matches_recorded_body_form() -> None:
    # APP->FS block 34 of the main recording sent a body argument the same way.
    sent = recordings.app_blocks("03_main_outbound_7000")
    recorded = next(b for b in sent if b.endswith(b"beep.wav"))
    assert recorded.endswith(b"content-length: 38\n\n/usr/freeswitch/sounds/custom/beep.wav")
    ours = commands.sendmsg_execute(
        "playback",
        "/usr/freeswitch/sounds/custom/beep.wav",
        event_uuid="aaaaaaaa-bbbb-cccc-dddd-000000000002",
        event_lock=False,
    )
    assert ours == recorded


def test_simple_commands_match_recordings() -> None:
    sent = recordings.app_blocks("03_main_outbound_7000")
    assert sent[0] == commands.connect()
    assert sent[1] == commands.myevents().replace(b" plain", b"")
    assert commands.myevents() == b"myevents plain\n\n"
    assert sent[-1] == commands.exit_()
    assert recordings.app_blocks("08_outbound_bad_app_linger5")[2] == commands.linger(5)
    assert sent[-2] == commands.sendmsg_hangup("NORMAL_CLEARING")


INJECTIONS = [
    "Ivan\n\nbgapi originate sofia/gateway/gw/900 &park()",
    "Ivan\nexecute-app-name: system\nloops: -1",
    "${system(id)}",
    "$\\{system(id)}",
    "x\r\n\r\napi system id\r\n\r\n",
]


@pytest.mark.parametrize("name", INJECTIONS)
def test_data_never_becomes_a_command(name: str) -> None:
    wire = commands.sendmsg_execute("speak", f"flite|kal|Hello {name}", event_uuid="e-2")
    parsed = CommandReader().feed(wire + commands.exit_())
    assert [c.line for c in parsed] == ["sendmsg", "exit"]
    (cmd, _) = parsed
    assert cmd.get("execute-app-name") == "speak"
    assert [k.lower() for k, _ in cmd.headers] == [
        "call-command",
        "execute-app-name",
        "event-uuid",
        "event-lock",
        "content-type",
        "content-length",
    ]
    assert cmd.body == f"flite|kal|Hello {name}".encode()


def test_quoting_survives_freeswitch_tokenizer() -> None:
    tokens = ["", "a b", "it's", "back\\slash", "x  y", "#", "\\d+"]
    rendered = " ".join(quote_token(t) for t in tokens)
    assert split_app_args(rendered) == tokens


def test_pagd_args_keep_every_slot() -> None:
    rendered = pagd_args(file="my prompts/pin.wav", max_digits=4, regexp="\\d+")
    assert split_app_args(rendered) == [
        "1", "4", "3", "5000", "#", "my prompts/pin.wav", "", "dialscript_digits", "\\d+",
    ]  # fmt: skip
    with pytest.raises(UnsafeValue):
        pagd_args(file="x", min_digits=3, max_digits=2)
    with pytest.raises(UnsafeValue):
        pagd_args(file="x", var_name="a b")
