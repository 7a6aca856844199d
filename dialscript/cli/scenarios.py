"""`dialscript scenarios`: write a skeleton .feature with one scenario per path through a flow."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from dialscript.cli.compiling import compile_or_report
from dialscript.testing.scenarios.skeleton import skeleton

EPILOG = """\
examples:
  dialscript scenarios flows/nps_survey.flow
  dialscript scenarios flows/support_ivr.flow -o tests/features/support_ivr_paths.feature

Loops are followed at most twice per path, at most 50 paths are written, and
every handler gets a scenario opened at the first question.  Conditions are
written as comments: set up the call so that they hold.
exit status: 0 when written, 1 when the flow does not compile.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "scenarios",
        description="Write Given/When/Then skeletons for every path through a flow.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("flow", metavar="FLOW", help="the .flow file")
    parser.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    graph = compile_or_report(args.flow)
    if graph is None:
        return 1
    text = skeleton(graph, args.flow)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
