"""`dialscript diff`: what changed in a flow's behaviour between two versions of its file."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from dialscript.dsl.diagnostics import render_all
from dialscript.dsl.load import compile_file
from dialscript.graph.diff import diff_graphs

EPILOG = """\
examples:
  dialscript diff old/nps_survey.flow flows/nps_survey.flow
  git show main:flows/nps_survey.flow > /tmp/old.flow && \\
    dialscript diff /tmp/old.flow flows/nps_survey.flow
  dialscript diff --format json old.flow new.flow

Not a text diff: the compiled flows are compared step by step (prompts per
language, branches and their targets, results, outcomes, handlers), so moving
or reformatting lines shows "no behavioural change".
exit status: 0 (whatever changed), 1 when a file does not compile.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "diff",
        description="Compare two versions of a flow by behaviour, for a review.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("old", metavar="OLD", help="the earlier .flow file")
    parser.add_argument("new", metavar="NEW", help="the later .flow file")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    compiled = [compile_file(args.old), compile_file(args.new)]
    failed = False
    for result in compiled:
        if result.graph is None:
            print(render_all(result.diagnostics, result.sources), file=sys.stderr)
            failed = True
    old, new = (result.graph for result in compiled)
    if failed or old is None or new is None:
        return 1
    diff = diff_graphs(old, new)
    print(diff.to_json() if args.format == "json" else diff.to_text(), end="")
    if args.format == "json":
        print()
    return 0
