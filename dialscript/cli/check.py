"""`dialscript check`: check flow files and print their diagnostics, gcc-style or as JSON."""

from __future__ import annotations

import argparse
from typing import Any

from dialscript.dsl.check import CheckOptions
from dialscript.dsl.diagnostics import Diagnostic, render_all, render_json
from dialscript.dsl.load import compile_file, find_flow_files

EPILOG = """\
examples:
  dialscript check flows/nps_survey.flow
  dialscript check flows examples            every *.flow under both folders
  dialscript check --strict flows            warnings fail the check too
  dialscript check --env production flows    names must be bound in [production]
  dialscript check --format json flows > diagnostics.json

exit status: 0 when clean, 1 when an error (or, with --strict, a warning) was
found, 2 when no flow file was found.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check",
        description="Check flow files (or every *.flow under folders) and report every problem.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="a .flow file or a folder")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.add_argument(
        "--env",
        metavar="ENV",
        help="check the bindings of this environment only (default: every environment)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    files = find_flow_files(args.paths)
    if not files:
        print(f"no .flow files found in {', '.join(args.paths)}")
        return 2
    options = CheckOptions(environments=(args.env,)) if args.env else None
    diagnostics: list[Diagnostic] = []
    sources: dict[str, str] = {}
    for file in files:
        compiled = compile_file(file, options=options)
        diagnostics.extend(compiled.diagnostics)
        sources.update(compiled.sources)
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    if args.format == "json":
        print(render_json(diagnostics))
    else:
        if diagnostics:
            print(render_all(diagnostics, sources), end="\n\n")
        print(summary(len(files), errors, warnings))
    return 1 if errors or (args.strict and warnings) else 0


def summary(files: int, errors: int, warnings: int) -> str:
    """'3 files checked: 1 error, 2 warnings'."""
    found = [_plural(errors, "error"), _plural(warnings, "warning")]
    problems = ", ".join(part for part in found if part) or "no problems"
    return f"{_plural(files, 'file')} checked: {problems}"


def _plural(count: int, word: str) -> str:
    if not count and word != "file":
        return ""
    return f"{count} {word}{'' if count == 1 else 's'}"
