"""`dialscript test`: run the Gherkin scenarios of flows, with flow coverage."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from typing import Any

from dialscript.dsl.load import find_flow_files

EPILOG = """\
examples:
  dialscript test                                   every .feature under tests/features
  dialscript test tests/features --coverage --fail-under 100
  dialscript test tests/features/nps_survey.feature -k promoter --pytest "-x -q"
  dialscript test --coverage --flows flows          also count flows no scenario runs
  dialscript test --switch 10.0.0.5:8021 --switch-password S3cret --listen 10.0.0.7 --jobs 8
                                                    every scenario as a real call on a
                                                    staging FreeSWITCH, 8 at a time

Runs pytest in process with the dialscript plugin (steps in docs/testing.md).
Coverage lists, per .flow file, the steps never entered and the branches never
taken (answers, if/else, silence, invalid, lookup errors, failed transfers,
at-most limits, handlers), with file:line.

--switch runs each scenario as a real call on that FreeSWITCH (its inbound Event
Socket): the command originates a loopback call that runs `socket HOST:PORT async
full` into an outbound server it starts on --listen, keys the caller's answers
with uuid_recv_dtmf, and waits out silence on the switch. Queues run as mod_fifo
queues of the scenario's own. The switch must reach --listen; no dialplan change
is needed (docs/testing.md, docs/freeswitch.md).
exit status: pytest's when scenarios fail, 1 when coverage is under --fail-under.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "test",
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
    parser.add_argument(
        "--switch",
        metavar="HOST:PORT",
        help="run every scenario as a real call on this FreeSWITCH's Event Socket",
    )
    parser.add_argument(
        "--switch-password",
        metavar="PASSWORD",
        help="its Event Socket password (default: $DIALSCRIPT_SWITCH_PASSWORD, else ClueCon)",
    )
    parser.add_argument(
        "--listen",
        metavar="HOST",
        help="this machine's address the switch connects back to (default: 127.0.0.1)",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="run N scenarios at once (pytest-xdist workers; not with --coverage)",
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
    channel = args.channel
    if args.switch:
        from dialscript.testing import switch_driver as sw
        from dialscript.testing.switch_caller import parse_switch_address

        try:
            parse_switch_address(args.switch)
        except ValueError as error:
            print(f"dialscript test: --switch: {error}", file=sys.stderr)
            return 2
        os.environ[sw.SWITCH_VAR] = args.switch  # pytest workers inherit the settings
        if args.switch_password:
            os.environ[sw.PASSWORD_VAR] = args.switch_password
        if args.listen:
            os.environ[sw.LISTEN_VAR] = args.listen
        channel = "switch"
    if args.jobs < 1:
        print("dialscript test: --jobs must be 1 or more", file=sys.stderr)
        return 2
    if args.jobs > 1:
        if args.coverage or args.fail_under is not None:
            print("dialscript test: --coverage needs one job (drop --jobs)", file=sys.stderr)
            return 2
        extra += ["-p", "xdist", "-n", str(args.jobs)]
    flows = find_flow_files(args.flows)
    code, recorder = run_scenarios(
        args.paths or ["tests/features"], channel=channel, flows=flows, pytest_args=extra
    )
    if not (args.coverage or args.fail_under is not None):
        return code
    report = recorder.report()
    print(report.render())
    if code == 0 and args.fail_under is not None and report.percent < args.fail_under:
        print(f"flow coverage {report.percent:.1f}% is under --fail-under {args.fail_under:g}")
        return 1
    return code
