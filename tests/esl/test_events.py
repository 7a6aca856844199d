"""Event decoding: plain (lazy, per-value), JSON, repeats, inner bodies, spoofing."""

from __future__ import annotations

import pytest

from dialscript.runtime.esl import Event, FrameReader, ProtocolError, url_decode

from . import recordings


def events_of(name: str) -> list[Event]:
    out = []
    for frame in FrameReader().feed(recordings.raw_stream(name)):
        if frame.content_type in ("text/event-plain", "text/event-json"):
            out.append(Event.from_frame(frame))
    return out


def test_every_recorded_event_decodes() -> None:
    count = 0
    for data in recordings.all_event_frames():
        frame = FrameReader().feed(data)[0]
        if frame.content_type == "text/event-xml":
            with pytest.raises(ProtocolError):
                Event.from_frame(frame)
            continue
        event = Event.from_frame(frame)
        assert event.name, data[:200]
        assert all(isinstance(v, str) for _, v in event.items())
        count += 1
    assert count > 250


def test_values_decode_per_value_as_freeswitch_encoded_them() -> None:
    hangup = next(e for e in events_of("03_main_outbound_7000") if e.name == "CHANNEL_HANGUP")
    assert hangup.variable("my_var") == 'hello world & 100% "quoted" ü'
    assert hangup.variable("my_pct") == "50A x+y"  # lossy: %41 was never re-encoded
    assert hangup.variable("my_nl") == "line1\nline2"
    assert hangup.variable("read_terminator_used") == "#"
    assert hangup["Hangup-Cause"] == "NORMAL_CLEARING"


def test_repeated_headers_and_variables_mapping() -> None:
    done = next(
        e for e in events_of("03_main_outbound_7000") if e.name == "CHANNEL_HANGUP_COMPLETE"
    )
    assert done.get_all("Hangup-Cause") == ["NORMAL_CLEARING", "NORMAL_CLEARING"]
    assert done.variables["hangup_cause_q850"] == "16"
    assert done.variables["digits_dialed"] == "5123#92"


def test_dtmf_and_pagd_results() -> None:
    events = events_of("03_main_outbound_7000")
    digits = [e["DTMF-Digit"] for e in events if e.name == "DTMF"]
    assert digits == ["5", "1", "2", "3", "#", "9", "2"]
    completes = {e["Application-UUID"]: e for e in events if e.name == "CHANNEL_EXECUTE_COMPLETE"}
    assert completes["pagd-C-recv_dtmf-self"].variable("pagd_c") == "123"
    assert completes["pagd-D-timeout"].variable("read_result") == "failure"
    assert completes["pagd-D-timeout"].variable("pagd_d") is None
    assert completes["pagd-E-invalid-then-valid"].variable("pagd_e_invalid") == "9"
    assert completes["pagd-E-invalid-then-valid"]["Application-Response"] == "_none_"


def test_background_job_body_keeps_blank_lines_and_is_bounded() -> None:
    jobs = [e for e in events_of("02_inbound_commands") if e.name == "BACKGROUND_JOB"]
    assert jobs[0].text.startswith("UP 0 years")
    assert jobs[0].body is not None and len(jobs[0].body) == int(jobs[0]["Content-Length"]) == 337
    assert jobs[1].text == "-ERR api_that_does_not_exist Command not found!\n"
    assert jobs[2]["Job-Command"] == "version"  # the JSON one
    assert jobs[2].text.startswith("FreeSWITCH Version 1.10.12")
    custom = next(e for e in events_of("02_inbound_commands") if e.name == "CUSTOM")
    assert custom.body == b"hello body!"
    assert custom["My-Header"] == "hello world"


def test_json_events_from_outbound_session() -> None:
    events = events_of("04_outbound_nolinger_uuid_kill")
    names = [e.name for e in events]
    assert "CHANNEL_HANGUP" in names
    assert all(e.uuid for e in events)


def test_decoded_newlines_cannot_forge_headers() -> None:
    body = (
        b"Event-Name: CHANNEL_EXECUTE\n"
        b"Unique-ID: real\n"
        b"variable_x: a%0AUnique-ID%3A%20evil%0A%0AEvent-Name%3A%20X\n\n"
    )
    event = Event.from_plain(body)
    assert event.uuid == "real"
    assert event.name == "CHANNEL_EXECUTE"
    assert event.variable("x") == "a\nUnique-ID: evil\n\nEvent-Name: X"


def test_json_with_invalid_utf8_and_garbage() -> None:
    event = Event.from_json(b'{"Event-Name":"CUSTOM","X":"\xff\xfe","Y":["1","2"]}')
    assert event["X"] == "\ufffd\ufffd"
    assert event.get_all("Y") == ["1", "2"]
    for bad in (b"[1]", b"{", b"\xff"):
        with pytest.raises(ProtocolError):
            Event.from_json(bad)


def test_inner_content_length_bounds() -> None:
    with pytest.raises(ProtocolError):
        Event.from_plain(b"Event-Name: X\nContent-Length: 10\n\nshort")
    with pytest.raises(ProtocolError):
        Event.from_plain(b"Event-Name: X\nContent-Length: zz\n\n")


def test_url_decode_is_fs_compatible() -> None:
    assert url_decode("a+b%20c") == "a+b c"
    assert url_decode("%zz%4") == "%zz%4"
    assert url_decode("%C3") == "\ufffd"


def test_lazy_lookups_agree_with_the_full_split() -> None:
    """Looking a header up in the unsplit block gives the first value of the full split."""
    for data in recordings.all_event_frames():
        frame = FrameReader().feed(data)[0]
        if frame.content_type != "text/event-plain":
            continue
        event = Event.from_frame(frame)
        first: dict[str, str] = {}
        for name, value in Event.from_frame(frame).items():
            first.setdefault(name, value)
        for name, value in first.items():
            assert event.get(name) == value and event[name] == value and name in event
        assert event.get("No-Such-Header") is None and "No-Such-Header" not in event
        assert event.get("Event-Name:") is None and event.get("") is None


def test_lazy_plain_event_edge_lines() -> None:
    event = Event.from_plain(b"Event-Name: X\nA:no-space\nB:   spaced\nC: x: y\nA: second\n\n")
    assert (event["A"], event["B"], event["C"]) == ("no-space", "spaced", "x: y")
    assert event.get_all("A") == ["no-space", "second"]
    for bad in (b"Event-Name: X\nno colon here\n\n", b"Event-Name: X\n: no name\n\n"):
        with pytest.raises(ProtocolError, match="without a name"):
            Event.from_plain(bad)


def test_connect_reply_kept_as_one_block_reads_like_the_header_list() -> None:
    """The session keeps the connect reply for the whole call: one string, same lookups."""
    frame = next(
        f for f in FrameReader().feed(recordings.raw_stream("03_main_outbound_7000"))
        if f.get("Event-Name") == "CHANNEL_DATA"
    )  # fmt: skip
    compact = Event.from_encoded_headers(frame.headers)
    listed = Event(list(frame.headers), encoded=True)
    assert compact._text is not None and compact._list is None  # one block, nothing split
    assert compact.raw_items() == listed.raw_items() == list(frame.headers)
    for name, _ in frame.headers:
        assert compact.get(name) == listed.get(name)
        assert compact.get_all(name) == listed.get_all(name)
    assert compact.variables == listed.variables and compact.variables
    compact = Event.from_encoded_headers(frame.headers)
    _ = compact.variables
    assert compact._list is None  # reading the variables does not keep the split lines
    odd = (("A", " lead"), ("B", "x\ny"))  # not from the frame reader: kept as given
    assert Event.from_encoded_headers(odd).get("A") == " lead"
    assert Event.from_encoded_headers(odd).get("B") == "x\ny"
