"""`dialscript graph`: draw a flow as SVG (through Graphviz), dot or Mermaid text."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from dialscript.cli.compiling import compile_or_report
from dialscript.graph.draw import DrawError, GraphvizMissing, to_dot, to_mermaid, to_svg

EPILOG = """\
examples:
  dialscript graph flows/nps_survey.flow -o nps.svg          format from the suffix
  dialscript graph flows/nps_survey.flow --format dot
  dialscript graph flows/nps_survey.flow --format mermaid -o nps.mmd
  dialscript graph flows/support_ivr.flow --language en -o ivr.svg

SVG needs Graphviz (`apt-get install graphviz`); dot and Mermaid text do not.
exit status: 0 when drawn, 1 when the flow has errors, 2 when Graphviz is missing.
"""

_SUFFIXES = {".svg": "svg", ".mmd": "mermaid", ".mermaid": "mermaid", ".md": "mermaid"}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "graph",
        description="Draw a flow: one box per action, one cluster per step, labelled routes.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("flow", metavar="FLOW", help="the .flow file")
    parser.add_argument(
        "--format",
        choices=("svg", "dot", "mermaid"),
        help="drawing format (default: from the -o suffix, else dot)",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    parser.add_argument("--language", metavar="LANG", help="prompt language (default: the first)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    graph = compile_or_report(args.flow)
    if graph is None:
        return 1
    output = Path(args.output) if args.output else None
    kind = args.format or _SUFFIXES.get(output.suffix if output else "", "dot")
    try:
        if kind == "mermaid":
            drawing = to_mermaid(graph, language=args.language)
        elif kind == "svg":
            drawing = to_svg(to_dot(graph, language=args.language))
        else:
            drawing = to_dot(graph, language=args.language)
    except GraphvizMissing as error:
        print(error, file=sys.stderr)
        return 2
    except DrawError as error:
        print(error, file=sys.stderr)
        return 1
    if output is None:
        sys.stdout.write(drawing)
    else:
        output.write_text(drawing, encoding="utf-8")
        print(f"wrote {output}")
    return 0
