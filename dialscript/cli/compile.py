"""`dialscript compile`: a flow file to its FlowGraph JSON (or only its content hash)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from dialscript.cli.compiling import compile_or_report

EPILOG = """\
examples:
  dialscript compile flows/nps_survey.flow                  JSON on stdout
  dialscript compile flows/nps_survey.flow -o nps.json
  dialscript compile flows/nps_survey.flow --hash           only the content hash
  dialscript compile flows/nps_survey.flow -o nps.json --hash

The content hash is the sha256 of the flow's behaviour: moving or reformatting
lines does not change it.  exit status: 0 when compiled, 1 on errors (printed
to stderr).
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "compile",
        description="Compile one flow file to the FlowGraph JSON that the runtime executes.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("flow", metavar="FLOW", help="the .flow file")
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write the JSON here (default: stdout)"
    )
    parser.add_argument(
        "--hash",
        action="store_true",
        help="print the content hash (instead of the JSON, unless -o is given)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    graph = compile_or_report(args.flow)
    if graph is None:
        return 1
    if args.output:
        Path(args.output).write_text(graph.to_json() + "\n", encoding="utf-8")
    elif not args.hash:
        print(graph.to_json())
    if args.hash:
        print(graph.content_hash)
    return 0
