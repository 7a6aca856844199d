"""Throughput of the ESL wire core on the recorded FreeSWITCH events.

Run: ``.venv/bin/python bench/esl_wire.py [--repeat N]``. Every figure is measured
in the same run over the same bytes: a bare ``bytes.split`` baseline, the frame
reader alone, frames plus event routing (lazy decoding), and full decoding.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from pathlib import Path

from dialscript.runtime.esl import Event, FrameReader

RECORDINGS = Path(__file__).resolve().parents[1] / ".." / "shared" / "esl"
_BLOCK = re.compile(rb"### \d+ t=\+[\d.]+ FS->APP (\d+) bytes\n")


def recorded_events() -> list[bytes]:
    """Every ``text/event-*`` frame (plain and JSON) of every recording."""
    frames = []
    for path in sorted(RECORDINGS.glob("[0-9][0-9]_*.txt")):
        data = path.read_bytes()
        for match in _BLOCK.finditer(data):
            block = data[match.end() : match.end() + int(match.group(1))]
            if b"Content-Type: text/event-plain" in block[:80] or b"text/event-json" in block[:80]:
                frames.append(block)
    return frames


def best_of(runs: int, func: Callable[[], int]) -> tuple[float, int]:
    best, result = float("inf"), 0
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20, help="copies of the event set")
    parser.add_argument("--runs", type=int, default=5, help="best of N timings")
    args = parser.parse_args()

    events = recorded_events()
    stream = b"".join(events) * args.repeat
    chunks = [stream[i : i + 65536] for i in range(0, len(stream), 65536)]
    expected = len(events) * args.repeat

    def baseline() -> int:
        return len(stream.split(b"\n\n"))

    def frames_only() -> int:
        reader = FrameReader()
        return sum(len(reader.feed(chunk)) for chunk in chunks)

    def routed() -> int:
        reader, count = FrameReader(), 0
        for chunk in chunks:
            for frame in reader.feed(chunk):
                event = Event.from_frame(frame)
                _ = event.name, event.uuid, event.get("Application-UUID")
                count += 1
        return count

    def full() -> int:
        reader, count = FrameReader(), 0
        for chunk in chunks:
            for frame in reader.feed(chunk):
                for _ in Event.from_frame(frame).items():
                    pass
                count += 1
        return count

    size_mb = len(stream) / 1e6
    print(f"{expected} events ({len(events)} recorded x {args.repeat}), {size_mb:.1f} MB")
    print(f"{'measure':<34}{'seconds':>9}{'events/s':>12}{'MB/s':>9}")
    for label, func in (
        ("baseline: bytes.split(b'\\n\\n')", baseline),
        ("FrameReader.feed (64 KiB chunks)", frames_only),
        ("+ Event.from_frame, route fields", routed),
        ("+ decode every header value", full),
    ):
        seconds, count = best_of(args.runs, func)
        if func is not baseline:
            assert count == expected, (label, count, expected)
        print(f"{label:<34}{seconds:>9.4f}{expected / seconds:>12,.0f}{size_mb / seconds:>9.1f}")


if __name__ == "__main__":
    main()
