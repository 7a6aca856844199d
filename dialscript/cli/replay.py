"""`dialscript replay`: re-run recorded calls against a changed flow; list those that differ."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from dialscript.cli.compiling import compile_or_report
from dialscript.runtime.store import StoreError

EPILOG = """\
examples:
  dialscript replay calls.sqlite --flow flows/nps_survey.flow
  dialscript replay calls.jsonl --flow drafts/nps_survey.flow --json
  dialscript replay calls.sqlite --flow flows/nps_survey.flow --export calls.jsonl
  dialscript replay postgresql://dialscript@db/calls --flow drafts/nps_survey.flow

TRACES is a call journal (a SQLite file or a postgresql:// URL, as `dialscript run
--journal` and `serve-calls --journal` write them) or JSON lines (docs/testing.md).
Each recorded call of the flow is fed, event by event, to the draft; a call is
listed when its path through the steps, its outcome or a result would now differ.
exit status: 0 when no call differs, 1 when some do, 2 when the flow does not
compile or the traces cannot be read.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "replay",
        description="Regression check from real traffic: replay recorded calls on a draft flow.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("traces", nargs="+", metavar="TRACES", help="journal or JSON lines")
    parser.add_argument("--flow", required=True, metavar="DRAFT", help="the changed .flow file")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--export", metavar="FILE", help="also write the calls as JSON lines")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dialscript.testing.scenarios.replay import read_calls, replay

    graph = compile_or_report(args.flow)
    if graph is None:
        return 2
    calls = []
    for trace in args.traces:
        try:
            calls.extend(read_calls(trace, graph))
        except (OSError, ValueError, KeyError, StoreError) as error:
            print(f"{trace}: cannot read the calls: {error}", file=sys.stderr)
            return 2
    if args.export:
        lines = [json.dumps(call.to_dict(), ensure_ascii=False) for call in calls]
        Path(args.export).write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    ran, differences = replay(graph, calls)
    if args.json:
        print(json.dumps({"flow": args.flow, "replayed": ran, "differ": [
            {"call_id": d.call.call_id, "changes": d.changes} for d in differences]},
            ensure_ascii=False, indent=2))  # fmt: skip
    else:
        for difference in differences:
            print(difference.render())
        print(f"{ran} calls of {graph.name} replayed against {args.flow}: "
              f"{len(differences)} would differ")  # fmt: skip
    return 1 if differences else 0
