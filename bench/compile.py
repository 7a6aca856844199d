"""Front-end speed: parse + check + compile of generated flows, beside a raw lark parse.

Run: .venv/bin/python bench/compile.py
The raw parse (lark LALR on the same grammar and text, building only lark's
tree) is the baseline measured in the same run; "end to end" is `compile_text`
itself, the stages are timed apart.  Each figure is the median of the runs,
with the fastest run beside it: on a shared machine the median moves with the
neighbours' load, the best run much less.  Target: 1,000 lines under 50 ms end
to end, semantic stages cheaper than the parse.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from flowgen import generate_flow  # noqa: E402
from lark import Lark  # noqa: E402

from dialscript.dsl.check import CheckContext, CheckOptions, check  # noqa: E402
from dialscript.dsl.indent import FlowIndenter  # noqa: E402
from dialscript.dsl.load import compile_text  # noqa: E402
from dialscript.dsl.lower import lower  # noqa: E402
from dialscript.dsl.parser import grammar, parse  # noqa: E402
from dialscript.dsl.resolve import resolve  # noqa: E402
from dialscript.graph import FlowGraph  # noqa: E402


def timed_ms(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(median, fastest) of `repeat` runs, in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times)


def raw_lark() -> Lark:
    """The baseline: lark alone on the same grammar, building its own tree."""
    return Lark.open_from_package(
        "dialscript",
        "dialscript.lark",
        ("grammar",),
        parser="lalr",
        lexer="contextual",
        postlex=FlowIndenter(),
        maybe_placeholders=False,
    )


def measure(lines: int, repeat: int, baseline: Lark) -> None:
    text = generate_flow(lines)
    real_lines = text.count("\n")
    raw = timed_ms(lambda: baseline.parse(text), repeat)

    def parse_only() -> None:
        parse(text, path="gen.flow")

    module = parse(text, path="gen.flow")

    def semantic() -> None:
        scope, problems = resolve(module)
        graph = FlowGraph(lower(scope))
        problems += check(CheckContext(scope, graph, CheckOptions()))
        assert not [p for p in problems if p.is_error], problems[:3]

    def end_to_end() -> None:
        assert compile_text(text, path="gen.flow").graph is not None

    parse_ms = timed_ms(parse_only, repeat)
    semantic_ms = timed_ms(semantic, repeat)
    total = timed_ms(end_to_end, repeat)

    def show(figure: tuple[float, float]) -> str:
        return f"{figure[0]:6.1f} ({figure[1]:5.1f})"

    print(
        f"{real_lines:>6} lines | raw lark parse {show(raw)} | parse to AST {show(parse_ms)}"
        f" | resolve+lower+check {show(semantic_ms)} | end to end {show(total)}"
        f" | semantic/parse {semantic_ms[0] / parse_ms[0]:4.2f}"
    )


def main() -> None:
    grammar()
    baseline = raw_lark()
    measure(1_000, 21, baseline)
    measure(10_000, 3, baseline)
    print("ms: median (fastest) of the runs")
    print("target: 1,000 lines under 50 ms end to end; semantic stages cheaper than the parse")


if __name__ == "__main__":
    main()
