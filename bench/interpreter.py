"""Interpreter throughput: node executions ("steps") per second on one core, in process.

Three workloads, each beside a baseline measured in the same run (a plain loop
doing the same per-step dictionary lookups, so the ratio holds on a noisy box):

- loop: `set i = i + 1` / `if i < N -> loop` (two nodes per pass), one long call;
- nps: whole calls of flows/nps_survey.flow (start + answers), many calls;
- large: a generated flow of 2,000 steps, each a say, a set and a branch.

    .venv/bin/python bench/interpreter.py [--quick]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from dialscript.dsl.load import compile_file, compile_text
from dialscript.graph.flowgraph import FlowGraph
from dialscript.runtime import events as e
from dialscript.runtime.interpreter import run_events, start
from dialscript.runtime.state import Limits

NOW = datetime(2026, 11, 24, 10, 30)
ROOT = Path(__file__).resolve().parent.parent
UNLIMITED = Limits(max_steps=10**9, max_passes=10**9)

LOOP = """\
flow loop
  var i number = 0
  outcome completed
step spin
  set i = i + 1
  if i < {n} -> spin
  -> done
end done completed
"""


def large_flow(steps: int) -> str:
    lines = ["flow large", "  var n number = 0", "  result total number", "  outcome completed"]
    for index in range(steps):
        following = f"s{index + 1}" if index + 1 < steps else "done"
        lines += [f"step s{index}", f'  say "Шаг {index}"', "  set n = n + 1",
                  f"  if n > {10 * steps} -> done", f"  -> {following}"]  # fmt: skip
    lines += ["end done completed", "  set total = n"]
    return "\n".join(lines) + "\n"


def compiled(text: str) -> FlowGraph:
    result = compile_text(text)
    assert result.graph is not None, [str(d) for d in result.diagnostics]
    return result.graph


def baseline(steps: int) -> float:
    """The same dictionary work per step, without the interpreter: steps/s."""
    table = {"spin": ("set", "spin.1"), "spin.1": ("branch", "spin")}
    executors = {"set": 1, "branch": 2}
    variables: dict[str, float] = {"i": 0}
    passes: dict[str, int] = {}
    trace: list[dict[str, object]] = []
    node = "spin"
    began = time.perf_counter()
    for _ in range(steps):
        kind, following = table[node]
        executors[kind]
        passes["spin"] = passes.get("spin", 0) + 1
        variables["i"] = variables["i"] + 1
        trace.append({"at": "t", "step": "spin", "node": node})
        node = following
    return steps / (time.perf_counter() - began)


def measure(label: str, run: Callable[[], int], repeat: int) -> float:
    best = 0.0
    for _ in range(repeat):
        began = time.perf_counter()
        steps = run()
        best = max(best, steps / (time.perf_counter() - began))
    print(f"  {label:<44} {best:>12,.0f} steps/s")
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller workloads (CI smoke)")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    repeat = 3 if args.quick else 5
    print(f"interpreter benchmark (python {sys.version.split()[0]}, best of {repeat})")

    passes = 100_000 // scale
    loop = compiled(LOOP.format(n=passes))

    def run_loop() -> int:
        state, _ = start(loop, now=NOW, limits=UNLIMITED)
        assert state.outcome == "completed", state.reason
        return state.steps

    base = max(baseline(2 * passes) for _ in range(repeat))
    print(f"  {'baseline: same lookups in a plain loop':<44} {base:>12,.0f} steps/s")
    got = measure(f"loop flow ({2 * passes:,} steps in one call)", run_loop, repeat)
    print(f"  {'':<44} {got / base:>12.2f} x baseline")

    nps_path = ROOT / "flows" / "nps_survey.flow"
    nps = compile_file(str(nps_path)).graph
    if nps is not None:
        calls = 2_000 // scale
        answers = [e.AgentAnswer("yes"), e.AgentAnswer("7"), e.AgentAnswer("delivery")]
        inputs = {"client_name": "Иван", "operator_name": "Ольга", "company": "ООО",
                  "inn": "1", "office": "Ижевск", "phone": "+79001234567"}  # fmt: skip

        def run_nps() -> int:
            total = 0
            for _ in range(calls):
                state, _ = run_events(nps, answers, inputs, now=NOW)
                total += state.steps
            return total

        began = time.perf_counter()
        run_nps()
        per_call = (time.perf_counter() - began) / calls * 1e6
        measure(f"nps_survey.flow ({calls:,} whole calls)", run_nps, repeat)
        print(f"  {'':<44} {per_call:>12,.0f} us per call (start + 3 answers)")

    large = compiled(large_flow(2_000 // scale))

    def run_large() -> int:
        state, _ = start(large, now=NOW, limits=UNLIMITED)
        assert state.outcome == "completed", state.reason
        return state.steps

    measure(f"generated flow ({2_000 // scale:,} steps x say/set/branch)", run_large, repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
