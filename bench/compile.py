"""Front-end speed: parse + check + compile of generated flows, beside a raw lark parse.

Run: .venv/bin/python bench/compile.py
The raw parse (lark LALR on the same grammar and text, building only lark's
tree, as lark runs by default) is the baseline measured in the same run.  The
stages are timed as `compile_text` runs them (cyclic GC paused); "end to end"
is `compile_text` itself.  Target: 1,000 lines under 50 ms end to end,
semantic stages cheaper than the parse.
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
from dialscript.dsl.load import compile_text, paused_gc  # noqa: E402
from dialscript.dsl.lower import lower  # noqa: E402
from dialscript.dsl.parser import grammar, parse  # noqa: E402
from dialscript.dsl.resolve import resolve  # noqa: E402
from dialscript.graph import FlowGraph  # noqa: E402


def best_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


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
    raw = best_ms(lambda: baseline.parse(text), repeat)

    def parse_only() -> None:
        with paused_gc():
            parse(text, path="gen.flow")

    module = parse(text, path="gen.flow")

    def semantic() -> None:
        with paused_gc():
            scope, problems = resolve(module)
            graph = FlowGraph(lower(scope))
            problems += check(CheckContext(scope, graph, CheckOptions()))
        assert not [p for p in problems if p.is_error], problems[:3]

    def end_to_end() -> None:
        assert compile_text(text, path="gen.flow").graph is not None

    parse_ms = best_ms(parse_only, repeat)
    semantic_ms = best_ms(semantic, repeat)
    total = best_ms(end_to_end, repeat)
    print(
        f"{real_lines:>6} lines | raw lark parse {raw:8.1f} ms | parse to AST {parse_ms:8.1f} ms"
        f" | resolve+lower+check {semantic_ms:8.1f} ms | end to end {total:8.1f} ms"
        f" | semantic/parse {semantic_ms / parse_ms:4.2f}"
    )


def main() -> None:
    grammar()
    baseline = raw_lark()
    measure(1_000, 21, baseline)
    measure(10_000, 3, baseline)
    print("target: 1,000 lines under 50 ms end to end; semantic stages cheaper than the parse")


if __name__ == "__main__":
    main()
