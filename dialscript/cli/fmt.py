"""`dialscript fmt`: rewrite flow files in the canonical layout, or list those that differ."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from dialscript.dsl.diagnostics import render_text
from dialscript.dsl.format import format_text
from dialscript.dsl.load import find_flow_files
from dialscript.dsl.parser import FlowSyntaxError

EPILOG = """\
examples:
  dialscript fmt flows/nps_survey.flow
  dialscript fmt flows examples          every *.flow under both folders
  dialscript fmt --check flows           CI: exit 1 and list files that would change

The layout: 2 spaces per block level, single spaces between words, the `->` of
neighbouring routes aligned, one blank line between top-level blocks.  Comments
are kept; texts in quotes are never touched.
exit status: 0 when done, 1 when a file has a syntax error (it is left as it
is) or, with --check, when a file would change.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "fmt",
        description="Rewrite flow files in the canonical layout; only whitespace changes.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="a .flow file or a folder")
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if a file would change"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    failed = changed = 0
    files = find_flow_files(args.paths)
    for file in files:
        text = file.read_text(encoding="utf-8")
        try:
            formatted = format_text(text, path=str(file))
        except FlowSyntaxError as error:
            print(render_text(error.diagnostic, {str(file): text}), file=sys.stderr)
            failed += 1
            continue
        if formatted == text:
            continue
        changed += 1
        if args.check:
            print(f"would reformat {file}")
        else:
            Path(file).write_text(formatted, encoding="utf-8")
            print(f"reformatted {file}")
    verb = "would be reformatted" if args.check else "reformatted"
    print(f"{changed} of {len(files)} files {verb}" + (f", {failed} not parsed" if failed else ""))
    return 1 if failed or (args.check and changed) else 0
