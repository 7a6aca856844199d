"""Access to the FreeSWITCH 1.10.12 captures in ``shared/esl`` beside the repository."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

RECORDINGS = Path(__file__).resolve().parents[2] / ".." / "shared" / "esl"

_BLOCK = re.compile(rb"### (\d+) t=\+([\d.]+) (\S+) (\d+) bytes\n")


@dataclass(frozen=True)
class Block:
    seq: int
    time: float
    direction: str
    data: bytes


def names() -> list[str]:
    """Recording names (``03_main_outbound_7000`` ...), or skip if shared/ is absent."""
    if not RECORDINGS.is_dir():
        pytest.skip(f"recordings not found at {RECORDINGS}")
    return sorted(p.stem for p in RECORDINGS.glob("[0-9][0-9]_*.txt"))


@cache
def blocks(name: str) -> tuple[Block, ...]:
    data = (RECORDINGS / f"{name}.txt").read_bytes()
    out: list[Block] = []
    pos = 0
    while (m := _BLOCK.search(data, pos)) is not None:
        start, size = m.end(), int(m.group(4))
        out.append(
            Block(
                int(m.group(1)), float(m.group(2)), m.group(3).decode(), data[start : start + size]
            )
        )
        assert data[start + size : start + size + 9] == b"\n### end "
        pos = start + size
    return tuple(out)


def fs_blocks(name: str) -> list[bytes]:
    """Every FS->APP block: exactly one ESL message each."""
    return [b.data for b in blocks(name) if b.direction == "FS->APP"]


def app_blocks(name: str) -> list[bytes]:
    return [b.data for b in blocks(name) if b.direction == "APP->FS"]


@cache
def raw_stream(name: str, direction: str = "fs2app") -> bytes:
    return (RECORDINGS / "raw" / f"{name}.{direction}.raw").read_bytes()


def all_event_frames() -> list[bytes]:
    """Every ``text/event-*`` message of every recording."""
    out = []
    for name in names():
        out.extend(b for b in fs_blocks(name) if b"Content-Type: text/event-" in b[:80])
    return out
