"""The fake FreeSWITCH against the real captures: same bytes, same header layout."""

from __future__ import annotations

import pytest

from dialscript.runtime.esl import CallSession, Event, Frame, FrameReader, url_decode
from dialscript.testing.fake_freeswitch import Press, ScriptedCaller, wire

from . import recordings
from .helpers import call_through, run


def frames_of(data: bytes) -> list[Frame]:
    return FrameReader().feed(data)


def reencode(items: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], int]:
    """Original values for re-serialising, and how many could not round-trip by decoding.

    FreeSWITCH leaves an existing ``%XX`` alone, so ``50%41`` arrives as ``50%41`` and
    decodes to ``50A``. For those the encoded text itself is a valid original value:
    the encoder is idempotent on its own output.
    """
    values, lossy = [], 0
    for name, raw in items:
        value = url_decode(raw)
        if wire.fs_url_encode(value) != raw and raw != "_undef_":
            lossy += 1
            assert "%41" in raw, (name, raw)  # the recorded `set my_pct=50%41 x+y`
            value = raw
        values.append((name, value))
    return values, lossy


def test_plain_events_reserialise_byte_for_byte() -> None:
    count = lossy_frames = 0
    for block in recordings.all_event_frames():
        (frame,) = frames_of(block)
        if frame.content_type != "text/event-plain":
            continue
        event = Event.from_frame(frame)
        items = event.raw_items()
        if event.body is not None and items[-1][0] == "Content-Length":
            items = items[:-1]
        values, lossy = reencode(items)
        lossy_frames += bool(lossy)
        assert wire.event_frame(wire.serialize_event_plain(values, event.body)) == block
        count += 1
    assert count > 250
    assert 0 < lossy_frames < 80
    assert wire.fs_url_encode(wire.fs_url_encode("a%b 50%41")) == wire.fs_url_encode("a%b 50%41")


def test_json_events_reserialise_byte_for_byte() -> None:
    count = 0
    for block in recordings.all_event_frames():
        (frame,) = frames_of(block)
        if frame.content_type != "text/event-json":
            continue
        event = Event.from_frame(frame)
        items = [
            (k, v) for k, v in event.raw_items() if k != "Content-Length" or event.body is None
        ]
        assert wire.event_frame(wire.serialize_event_json(items, event.body), "json") == block
        count += 1
    assert count >= 5


@pytest.mark.parametrize("name", recordings.names())
def test_envelopes_match(name: str) -> None:
    for block in recordings.fs_blocks(name):
        (frame,) = frames_of(block)
        ctype = frame.content_type
        if ctype == "command/reply" and frame.headers[0][0] == "Content-Type":
            expected = wire.command_reply(frame.reply_text, job_uuid=frame.get("Job-UUID"))
        elif ctype == "command/reply":  # the unframed connect reply
            decoded, lossy = reencode(list(frame.headers))
            assert lossy == 0
            expected = wire.serialize_event_plain(decoded)
        elif ctype == "api/response":
            expected = wire.api_response(frame.body)
        elif ctype == "auth/request":
            expected = wire.auth_request()
        elif ctype == "text/disconnect-notice" and frame.get("Content-Disposition") == "linger":
            expected = wire.linger_notice(
                frame.get("Controlled-Session-UUID") or "",
                frame.get("Channel-Name") or "",
                int(frame.get("Linger-Time") or 0),
            )
        elif ctype == "text/disconnect-notice":
            expected = wire.disconnect_notice(frame.get("Controlled-Session-UUID"))
        else:
            continue
        assert expected == block


def _names(event: Event) -> list[str]:
    return [k for k, _ in event.raw_items() if not k.startswith("variable_")]


def _recorded(event_name: str, app: str | None = None) -> Event:
    for frame in frames_of(recordings.raw_stream("03_main_outbound_7000")):
        if frame.content_type != "text/event-plain":
            continue
        event = Event.from_frame(frame)
        if event.name == event_name and (app is None or event.get("Application") == app):
            return event
    raise AssertionError(f"{event_name} not recorded")


def test_fake_events_have_the_recorded_layout() -> None:
    async def handler(session: CallSession) -> None:
        await session.answer()
        await session.playback("tone_stream://%(200,100,440)")
        await session.play_and_get_digits("ivr/pin.wav")
        await session.hangup()

    call, outcome = run(call_through(handler, ScriptedCaller([Press("5")])))
    assert outcome.error is None
    out = bytes(call.wire_out)
    assert b"\r" not in out
    frames = frames_of(out)
    connect = Event.from_encoded_headers(frames[0].headers)
    recorded_connect = Event.from_encoded_headers(
        frames_of(recordings.fs_blocks("03_main_outbound_7000")[0])[0].headers
    )
    assert _names(connect) == _names(recorded_connect)
    fake = [Event.from_frame(f) for f in frames if f.content_type == "text/event-plain"]
    checks = [
        ("CHANNEL_EXECUTE", "playback"),
        ("CHANNEL_EXECUTE_COMPLETE", "playback"),
        ("CHANNEL_EXECUTE_COMPLETE", "play_and_get_digits"),
        ("CHANNEL_ANSWER", None),
        ("DTMF", None),
        ("CHANNEL_HANGUP", None),
        ("CHANNEL_UNPARK", None),
        ("CHANNEL_HANGUP_COMPLETE", None),
        ("CHANNEL_EXECUTE_COMPLETE", "socket"),
    ]
    for name, app in checks:
        ours = next(e for e in fake if e.name == name and (app is None or e["Application"] == app))
        assert _names(ours) == _names(_recorded(name, app)), (name, app)
    done = next(
        e for e in fake if e.name == "CHANNEL_EXECUTE_COMPLETE" and e["Application"] == "playback"
    )
    assert done["Application-Response"] == "FILE PLAYED"
    assert done.variable("current_application_response") == "FILE PLAYED"
    states = [e["Channel-State"] for e in fake if e.name == "CHANNEL_STATE"]
    assert states == ["CS_HANGUP", "CS_REPORTING"]
    notices = [f for f in frames if f.content_type == "text/disconnect-notice"]
    assert [n.get("Content-Disposition") for n in notices] == ["linger", "disconnect"]
    assert notices[1].body == wire.GOODBYE and len(wire.GOODBYE) == 67


def test_fast_url_encode_matches_the_per_byte_rules() -> None:
    """The regexp (and cached) encoder gives the bytes of the per-byte reference."""
    import random

    rng = random.Random(7)
    alphabet = [0x25, 0x41, 0x66, 0x67, 0x30, 0x20, 0x0A, 0x0D, 0xFF, 0x7E, 0x7F, 0x2B, 0x5C]
    for _ in range(20000):
        raw = bytes(rng.choice([*alphabet, rng.randrange(256)]) for _ in range(rng.randint(0, 12)))
        assert wire.fs_url_encode(raw) == wire._fs_url_encode_per_byte(raw), raw
        text = raw.decode("utf-8", "replace")
        assert wire.fs_url_encode(text) == wire._fs_url_encode_per_byte(text), text


MULTISET_VALUES = {
    "plain": "promoter",
    "spaced": "  it's a 'quoted' | piped = value  ",
    "slashes": "a\\b\\\\c\\s\\'",
    "dollar": "5$ {not} $x",
    "empty": "",
}


def test_multiset_sets_every_variable_in_one_application() -> None:
    async def handler(session: CallSession) -> Event | None:
        await session.answer()
        await session.playback("ivr/welcome.wav")
        await session.set_variable("empty", "was set")
        return await session.set_variables(list(MULTISET_VALUES.items()))

    call, outcome = run(call_through(handler, ScriptedCaller([])))
    assert outcome.error is None
    assert call.app_names[-1] == "multiset"
    assert call.apps[-1].arg.startswith("^^|plain=promoter|spaced=")
    for name, value in MULTISET_VALUES.items():
        assert call.variable(name) == (value or None), name
    done = outcome.value
    assert isinstance(done, Event)
    assert done["Application"] == "multiset"
    assert done["Application-Response"] == "_none_"
    assert done.variable("current_application_response") is None  # FS clears it per app
    assert done.variable("spaced") == MULTISET_VALUES["spaced"]
    fake = [
        Event.from_frame(f)
        for f in frames_of(bytes(call.wire_out))
        if f.content_type == "text/event-plain"
    ]
    ours = [e.name for e in fake if e.get("Application") == "multiset"]
    assert ours == ["CHANNEL_EXECUTE", "CHANNEL_EXECUTE_COMPLETE"]
    assert not [e for e in fake if e.name == "CHANNEL_DATA"]


def test_multiset_splits_like_switch_separate_string() -> None:
    from dialscript.testing.fake_freeswitch.apps import split_delimited

    assert split_delimited("a=1|b=it\\'s\\sx|c='p|q'|d=x\\|y", "|") == [
        "a=1", "b=it's x", "c=p|q", "d=x|y",
    ]  # fmt: skip
    assert split_delimited("a=1|  b=2  |c=''|", "|") == ["a=1", "b=2", "c="]
    assert split_delimited("x|y|z", "|", limit=2) == ["x", "y|z"]
    assert split_delimited("x||y", "|") == ["x", "", "y"]
