"""`dialscript test`: run the Gherkin scenarios of flows, with flow coverage."""

from __future__ import annotations

import argparse
import shlex
from typing import Any

from dialscript.dsl.load import find_flow_files

EPILOG = """\
examples:
  dialscript test                                   every .feature under tests/features
  dialscript test tests/features --coverage --fail-under 100
  dialscript test tests/features/nps_survey.feature -k promoter --pytest "-x -q"
  dialscript test --coverage --flows flows          also count flows no scenario runs

Runs pytest in process with the dialscript plugin (steps in docs/testing.md).
Coverage lists, per .flow file, the steps never entered and the branches never
taken (answers, if/else, silence, invalid, lookup errors, failed transfers,
at-most limits, handlers), with file:line.
exit status: pytest's when scenarios fail, 1 when coverage is under --fail-under.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "test",
        help="run the flows' Gherkin scenarios, with flow coverage",
        description="Run .feature scenarios against the flows and report flow coverage.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="features or folders of them (default: tests/features)",
    )
    parser.add_argument("--coverage", action="store_true", help="report flow coverage")
    parser.add_argument(
        "--fail-under",
        type=float,
        metavar="N",
        default=None,
        help="exit 1 when branch coverage is below N percent",
    )
    parser.add_argument(
        "--channel",
        default="inprocess",
        metavar="NAME",
        help="the call driver: inprocess (default), or a registered one",
    )
    parser.add_argument(
        "--flows",
        nargs="*",
        default=[],
        metavar="FLOW",
        help="flows (or folders) to include in coverage even if untested",
    )
    parser.add_argument("-k", dest="keyword", metavar="EXPR", help="only scenarios matching EXPR")
    parser.add_argument(
        "--pytest",
        dest="pytest_args",
        default="",
        metavar="ARGS",
        help='more pytest arguments, e.g. --pytest "-x -q"',
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dialscript.testing.scenarios.session import run_scenarios

    extra = shlex.split(args.pytest_args)
    if args.keyword:
        extra += ["-k", args.keyword]
    flows = find_flow_files(args.flows)
    code, recorder = run_scenarios(
        args.paths or ["tests/features"], channel=args.channel, flows=flows, pytest_args=extra
    )
    if not (args.coverage or args.fail_under is not None):
        return code
    report = recorder.report()
    print(report.render())
    if code == 0 and args.fail_under is not None and report.percent < args.fail_under:
        print(f"flow coverage {report.percent:.1f}% is under --fail-under {args.fail_under:g}")
        return 1
    return code
