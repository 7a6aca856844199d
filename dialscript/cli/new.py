"""`dialscript new`: write a starter flow (survey, IVR menu or sales script) that checks clean."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from dialscript.templates_new import KINDS, starter_flow

EPILOG = """\
examples:
  dialscript new customer_survey                      writes customer_survey.flow
  dialscript new support_line --kind ivr -o flows/support_line.flow
  dialscript new winback --kind sales

then: dialscript check NAME.flow, dialscript graph NAME.flow -o NAME.svg
exit status: 0 when written, 1 when the file exists (use --force), 2 for a bad name.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "new",
        description="Write a starter flow to edit: a survey, an IVR menu or a sales script.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("name", metavar="NAME", help="the flow's name: letters, digits and _")
    parser.add_argument(
        "--kind", choices=KINDS, default="survey", help="what to start from (default: survey)"
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="where to write (default: NAME.flow)"
    )
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        text = starter_flow(args.name, args.kind)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    output = Path(args.output or f"{args.name}.flow")
    if output.exists() and not args.force:
        print(f"{output} already exists: choose another -o or add --force", file=sys.stderr)
        return 1
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output} ({args.kind}); next: dialscript check {output}")
    return 0
