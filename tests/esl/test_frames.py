"""Frame reader against real FreeSWITCH traffic, plus its bounds."""

from __future__ import annotations

import random

import pytest

from dialscript.runtime.esl import Event, Frame, FrameReader, ProtocolError

from . import recordings


def parse_all(data: bytes, chunks: list[int] | None = None) -> list[Frame]:
    reader = FrameReader()
    frames: list[Frame] = []
    if chunks is None:
        frames.extend(reader.feed(data))
    else:
        pos = 0
        for size in chunks:
            frames.extend(reader.feed(data[pos : pos + size]))
            pos += size
        frames.extend(reader.feed(data[pos:]))
    reader.feed_eof()
    return frames


@pytest.mark.parametrize("name", recordings.names())
def test_every_recorded_block_is_one_frame(name: str) -> None:
    for block in recordings.fs_blocks(name):
        frames = FrameReader().feed(block)
        assert len(frames) == 1, block[:200]
        frame = frames[0]
        length = frame.get("Content-Length")
        assert len(frame.body) == (int(length) if length else 0)


@pytest.mark.parametrize("name", recordings.names())
def test_raw_stream_parses_to_the_blocks(name: str) -> None:
    stream = recordings.raw_stream(name)
    expected = [FrameReader().feed(b)[0] for b in recordings.fs_blocks(name)]
    assert parse_all(stream) == expected
    rng = random.Random(name)
    sizes = [rng.randint(1, 7) for _ in range(len(stream) // 4 + 1)]
    assert parse_all(stream, sizes) == expected


def test_connect_reply_is_an_unframed_encoded_event() -> None:
    frame = FrameReader().feed(recordings.fs_blocks("03_main_outbound_7000")[0])[0]
    assert frame.content_type == "command/reply"
    assert frame.reply_text == "%2BOK%0A"
    assert frame.body == b""
    event = Event.from_encoded_headers(frame.headers)
    assert event.name == "CHANNEL_DATA"
    assert event["Reply-Text"] == "+OK\n"
    assert event["Caller-Caller-ID-Name"] == "ESL Test"
    assert event.variable("current_application_data") == "127.0.0.1:8084 async full"
    assert event.uuid == "36943c17-604d-41c2-8b5d-7b972bc23ef8"


def test_api_response_without_trailing_newline_and_disconnect_notices() -> None:
    frames = parse_all(recordings.raw_stream("03_main_outbound_7000"))
    bodies = [f.body for f in frames if f.content_type == "api/response"]
    assert bodies[0] == b"loopback/7000-b"
    notices = [f for f in frames if f.content_type == "text/disconnect-notice"]
    assert [n.get("Content-Disposition") for n in notices] == ["linger", "disconnect"]
    assert notices[0].get("Linger-Time") == "-1" and notices[0].body == b""
    assert len(notices[1].body) == 67


def test_pipelined_api_bodies_and_log_frame() -> None:
    frames = parse_all(recordings.raw_stream("02_inbound_commands"))
    bodies = [f.body for f in frames if f.content_type == "api/response"]
    assert bodies[-3:] == [b"434\n", b"+OK", b"a b c"]
    log = next(f for f in frames if f.content_type == "log/data")
    assert log.get("User-Data") == ""
    assert log.body.endswith(b"hello from esl_probe\n")


def test_bounds_and_malformed_input() -> None:
    with pytest.raises(ProtocolError):
        FrameReader(max_header_bytes=64).feed(b"A: " + b"x" * 100)
    with pytest.raises(ProtocolError):
        FrameReader(max_body_bytes=10).feed(b"Content-Length: 11\n\n")
    for bad in (b"-1", b"abc", b"\xd9\xa3", b"1 2", b""):
        with pytest.raises(ProtocolError):
            FrameReader().feed(b"Content-Length: " + bad + b"\n\n")
    with pytest.raises(ProtocolError):
        FrameReader().feed(b"no colon here\n\n")
    reader = FrameReader()
    assert reader.feed(b"Content-Type: command/reply\n\nbroken\n\n") != []
    with pytest.raises(ProtocolError):
        reader.feed(b"")  # the deferred error surfaces on the next call
    with pytest.raises(ProtocolError):
        reader.feed(b"Content-Type: command/reply\n\n")  # and the reader stays failed


def test_truncation_is_reported_at_eof() -> None:
    reader = FrameReader()
    assert reader.feed(b"Content-Length: 5\n\nab") == []
    with pytest.raises(ProtocolError):
        reader.feed_eof()
    clean = FrameReader()
    clean.feed(b"\n\n")
    clean.feed_eof()


def test_header_limit_does_not_depend_on_where_the_terminator_splits() -> None:
    block = b"A: " + b"x" * 57 + b"\n\n"  # 60 bytes before the terminator
    assert len(FrameReader(max_header_bytes=60).feed(block)) == 1
    reader = FrameReader(max_header_bytes=60)
    assert reader.feed(block[:-1]) == []
    assert len(reader.feed(block[-1:])) == 1


def test_large_body_fed_bytewise_is_linear_enough() -> None:
    body = b"x\n\n" * 20000
    data = f"Content-Type: api/response\nContent-Length: {len(body)}\n\n".encode() + body
    reader = FrameReader()
    frames: list[Frame] = []
    for i in range(0, len(data), 1000):
        frames.extend(reader.feed(data[i : i + 1000]))
    assert [f.body for f in frames] == [body]
