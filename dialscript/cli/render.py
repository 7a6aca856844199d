"""`dialscript render`: the whole script as a document (HTML, Markdown, recording book)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, cast

from dialscript.cli.compiling import compile_or_report
from dialscript.render.document import NO_DRAWING, Format, render_script

EPILOG = """\
examples:
  dialscript render flows/nps_survey.flow -o nps.html          format from the suffix
  dialscript render flows/nps_survey.flow --format md -o nps.md
  dialscript render flows/nps_survey.flow --format book -o nps-recordings.md

The flow graph is embedded as an SVG drawn by Graphviz (`apt-get install graphviz`);
without it the document says so.  --no-graph leaves it out.
exit status: 0 when rendered, 1 when the flow has errors.
"""

_SUFFIXES = {".html": "html", ".htm": "html", ".md": "md"}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "render",
        description="The whole script for training and sign-off: every step, what to say, "
        "every question with its answers and where each leads, handlers, notes and hints.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("flow", metavar="FLOW", help="the .flow file")
    parser.add_argument("--format", choices=("html", "md", "book"),
                        help="document format (default: from the -o suffix, else md)")  # fmt: skip
    parser.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    parser.add_argument("--no-graph", action="store_true", help="leave the flow graph out")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    graph = compile_or_report(args.flow)
    if graph is None:
        return 1
    output = Path(args.output) if args.output else None
    fmt = cast(Format, args.format or _SUFFIXES.get(output.suffix.lower() if output else "", "md"))
    text = render_script(graph, fmt, drawing=NO_DRAWING if args.no_graph else None)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        print(f"wrote {output}", file=sys.stderr)
    return 0
