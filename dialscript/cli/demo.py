"""`dialscript demo`: the README's tour on the reference NPS survey: check, draw, run a call."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from dialscript.cli.check import summary
from dialscript.dsl.diagnostics import render_all
from dialscript.dsl.load import compile_file
from dialscript.graph.draw import GraphvizMissing, to_dot, to_mermaid, to_svg
from dialscript.runtime.simulator import Simulator

FLOW = Path("flows/nps_survey.flow")
EPILOG = """\
examples:
  dialscript demo                        from the repository's top folder
  dialscript demo --artifacts /tmp/out   put the drawing elsewhere

Checks flows/nps_survey.flow, draws it to ARTIFACTS/nps_survey.svg (Mermaid
text in nps_survey.mmd when Graphviz is not installed), then runs one call
unattended: a detractor who is free to talk, rates the company 3 out of 10 and
names the delivery time as the reason.
exit status: 0 when all three steps worked, 1 when the flow has errors, 2 when
flows/nps_survey.flow is not in the current folder.
"""

# The detractor: free to talk, rates 3, blames the delivery time.
ANSWERS = ("yes", "3", "delivery")
INPUTS = {
    "client_name": "Иван Петрович",
    "company": "ООО «Ромашка»",
    "inn": "6658000000",
    "office": "Екатеринбург, ул. Малышева",
    "phone": "+79120000000",
    "operator_name": "Ольга",
}
CALL_TIME = datetime(2026, 3, 3, 11, 0, tzinfo=ZoneInfo("Asia/Yekaterinburg"))


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        description="A tour on the reference NPS survey: check it, draw it, run one call.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--artifacts",
        metavar="DIR",
        default="artifacts",
        help="where the drawing goes (default: %(default)s)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not FLOW.is_file():
        print(
            f"{FLOW} is not here: run `dialscript demo` from the top folder of the dialscript "
            "repository (where flows/ is)",
            file=sys.stderr,
        )
        return 2
    print(f"== 1/3 check {FLOW}")
    compiled = compile_file(FLOW)
    if compiled.diagnostics:
        print(render_all(compiled.diagnostics, compiled.sources), end="\n\n")
    errors = sum(d.is_error for d in compiled.diagnostics)
    print(summary(1, errors, len(compiled.diagnostics) - errors))
    if compiled.graph is None:
        return 1
    graph = compiled.graph
    folder = Path(args.artifacts)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        drawing, target = to_svg(to_dot(graph)), folder / "nps_survey.svg"
        note = ""
    except GraphvizMissing as error:
        drawing, target = to_mermaid(graph), folder / "nps_survey.mmd"
        note = f" ({error}; wrote Mermaid text instead)"
    target.write_text(drawing, encoding="utf-8")
    print(f"\n== 2/3 draw: wrote {target}{note}")
    print(f"\n== 3/3 run one call, unattended: a detractor answering {', '.join(ANSWERS)}")
    simulation = Simulator(graph, inputs=INPUTS, now=CALL_TIME, echo=print).run_script(
        list(ANSWERS)
    )
    print("\ncall record:")
    print(json.dumps(simulation.record(), ensure_ascii=False, indent=2))
    return 0
