"""bench/esl.py keeps working: a small run of both sides completes every call (no timings
are checked here: the bench prints them beside its own baselines)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "esl.py"


def test_a_small_run_completes_every_call_on_both_sides() -> None:
    run = subprocess.run(
        [sys.executable, str(BENCH), "--calls", "10", "--profile", "think",
         "--think", "0-0.1", "--ring", "0-0.1", "--think-time-scale", "0.05"],
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    out = run.stdout
    assert "served by the bare responder (the floor); whole script: 10" in out
    assert "served by dialscript (NPS survey); journaled completed: 10" in out
    # every interval measured on both sides: 10 calls x 11 steps after the set-up (one is
    # the multiset that gives the channel its TTS voice before the first question)
    assert out.count("next command written) (n=110):") == 2
    assert "fake warnings: none" in out
    assert "=== summary" in out and "p99 under the 5 ms target" in out
