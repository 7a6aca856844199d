"""Property tests: the frame reader never hangs, never raises anything but ProtocolError,
and its result does not depend on how the stream was fragmented."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialscript.runtime.esl import Event, Frame, FrameReader, ProtocolError

from . import recordings

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(data: bytes, cuts: list[int]) -> tuple[list[Frame], bool]:
    reader = FrameReader(max_header_bytes=4096, max_body_bytes=1 << 16)
    frames: list[Frame] = []
    pos = 0
    try:
        for cut in sorted(set(cuts)) + [len(data)]:
            frames.extend(reader.feed(data[pos:cut]))
            pos = max(pos, cut)
        reader.feed_eof()
    except ProtocolError:
        return frames, True
    return frames, False


def decode_all(frames: list[Frame]) -> None:
    for frame in frames:
        if frame.content_type.startswith("text/event-"):
            try:
                event = Event.from_frame(frame)
            except ProtocolError:
                continue
            list(event.items())
            _ = event.variables, event.text


def sample_stream() -> bytes:
    recordings.names()
    return recordings.raw_stream("02_inbound_commands") + recordings.raw_stream(
        "04_outbound_nolinger_uuid_kill"
    )


@SETTINGS
@given(data=st.binary(max_size=2048), cuts=st.lists(st.integers(0, 2048), max_size=30))
def test_random_bytes(data: bytes, cuts: list[int]) -> None:
    whole = run(data, [])
    assert run(data, [c for c in cuts if c <= len(data)]) == whole
    decode_all(whole[0])


_ATOMS = [
    b"Content-Length: ",
    b"Content-Type: text/event-plain",
    b"Content-Type: text/event-json",
    b"Content-Type: command/reply",
    b"\n\n",
    b"\n",
    b": ",
    b"12",
    b"99999999999",
    b"Event-Name: X",
    b"%0A",
    b"{",
    b"\xff",
]


@SETTINGS
@given(
    parts=st.lists(st.sampled_from(_ATOMS) | st.binary(max_size=8), max_size=40),
    cuts=st.lists(st.integers(0, 400), max_size=20),
)
def test_protocol_shaped_noise(parts: list[bytes], cuts: list[int]) -> None:
    data = b"".join(parts)
    whole = run(data, [])
    assert run(data, [c for c in cuts if c <= len(data)]) == whole
    decode_all(whole[0])


@SETTINGS
@given(
    st.data(),
    st.lists(st.tuples(st.integers(0, 30000), st.integers(0, 255)), min_size=1, max_size=8),
)
def test_mutated_recordings(data: st.DataObject, mutations: list[tuple[int, int]]) -> None:
    stream = bytearray(sample_stream())
    for where, byte in mutations:
        where %= len(stream)
        if byte % 3 == 0:
            del stream[where]
        elif byte % 3 == 1:
            stream.insert(where, byte)
        else:
            stream[where] = byte
    blob = bytes(stream)
    cuts = data.draw(st.lists(st.integers(0, len(blob)), max_size=40))
    whole = run(blob, [])
    assert run(blob, cuts) == whole
    decode_all(whole[0])


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(1, 7), min_size=1, max_size=50))
def test_clean_recording_is_fragmentation_independent(sizes: list[int]) -> None:
    stream = sample_stream()
    cuts, pos = [], 0
    for size in sizes * (len(stream) // (sum(sizes) or 1) + 1):
        pos += size
        if pos >= len(stream):
            break
        cuts.append(pos)
    frames, failed = run(stream, cuts)
    assert not failed
    assert (frames, failed) == run(stream, [])
