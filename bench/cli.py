"""Command-line start-up: whole `dialscript` processes beside `python -c pass`.

Run: .venv/bin/python bench/cli.py [--repeat N]
Each command runs N times as a fresh process, the commands interleaved so a
neighbour's load falls on all of them alike; the baseline is the bare
interpreter (`python -c pass`) measured in the same run. Each figure is the
median of the runs with the fastest beside it, and the median's distance from
the baseline. Targets: `--help` within 0.15 s of the baseline, `check` of one
file under 0.4 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable
COMMANDS = {
    "python -c pass (baseline)": [PY, "-c", "pass"],
    "dialscript --help": [PY, "-m", "dialscript.cli.main", "--help"],
    "dialscript check flows/nps_survey.flow": [
        PY, "-m", "dialscript.cli.main", "check", "flows/nps_survey.flow",
    ],
    "dialscript check flows examples": [
        PY, "-m", "dialscript.cli.main", "check", "flows", "examples",
    ],
}  # fmt: skip
TARGETS = {"dialscript --help": ("over baseline", 0.15), "dialscript check flows/nps_survey.flow":
           ("whole", 0.4)}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    for command in COMMANDS.values():  # warm the file cache and lark's table cache
        subprocess.run(command, cwd=REPO, capture_output=True, check=False)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.repeat):
        for name, command in COMMANDS.items():
            started = time.perf_counter()
            done = subprocess.run(command, cwd=REPO, capture_output=True, check=False)
            times[name].append(time.perf_counter() - started)
            if done.returncode not in (0, 1):
                print(f"{name} failed ({done.returncode}): {done.stderr[-500:]!r}")
                return 1
    base = statistics.median(times["python -c pass (baseline)"])
    print(f"{'command':45} {'median s':>9} {'fastest s':>10} {'over baseline':>14}")
    for name, runs in times.items():
        median = statistics.median(runs)
        line = f"{name:45} {median:9.3f} {min(runs):10.3f} {median - base:14.3f}"
        target = TARGETS.get(name)
        if target is not None:
            kind, limit = target
            value = median - base if kind == "over baseline" else median
            line += f"   target {kind} < {limit} s: {'met' if value < limit else 'NOT met'}"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
