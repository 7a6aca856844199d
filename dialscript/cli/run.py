"""`dialscript run`: simulate a call of a flow, scripted (--answers) or interactive."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dialscript.cli.compiling import compile_or_report
from dialscript.runtime.bindings import DEFAULT_ENV, RuntimeBindings
from dialscript.runtime.lookups import CannedLookups, HttpxLookups, LookupClient
from dialscript.runtime.simulator import Simulation, Simulator
from dialscript.runtime.store import StoreError, open_store

EPILOG = """\
examples:
  dialscript run flows/nps_survey.flow --answers "yes,7,delivery" \\
      --inputs client_name=Иван operator_name=Ольга
  dialscript run flows/support_ivr.flow --channel ivr --answers "1,silence,0" \\
      --at "2026-11-24 10:30 Europe/Samara" --lookups canned.json --json
  dialscript run flows/nps_survey.flow --journal calls.sqlite      interactive

answers (--answers, comma-separated, or typed interactively):
  yes / 7 / delivery / "да"   an answer; on --channel ivr digits are keys pressed
  a|b                          several options of a many-of question
  silence                      the caller says nothing (no-input timeout)
  hangup                       the caller hangs up (outcome breakoff)
  back                         the agent corrects the previous answer
  !off_topic                   invoke a handler (interactive: also /handler off_topic)
  fail                         right after a transfer: the transfer fails
Interactive: /handlers lists the handlers; Ctrl-C or end of input hang up.

lookups: with --lookups FILE, answers come from a JSON object keyed by source
name ({"orders": {"status": "shipped"}}, {"$error": "timeout"} for a failure,
a list to answer in turn); without it, real HTTP to the URL bound in
dialscript.bindings.toml for --env (default test).

Prints the transcript, then the result record as JSON (--json: one JSON object
with both).  exit status: 0 when the call ran, 1 when the flow does not
compile, 2 on bad arguments, 3 when the call journal fails.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "run",
        description="Run one call of a flow in the terminal: what is said and asked, the "
        "answers given, and the resulting call record.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("flow", metavar="FLOW", help="the .flow file")
    parser.add_argument(
        "--answers",
        metavar="LIST",
        help="comma-separated answers: run unattended (default: interactive)",
    )
    parser.add_argument(
        "--inputs",
        metavar="NAME=VALUE",
        nargs="*",
        default=[],
        help="contact fields given at call start, e.g. client_name=Иван",
    )
    parser.add_argument(
        "--at",
        metavar="TIME",
        help='the call\'s clock, "YYYY-MM-DD HH:MM [Area/City]" (default: now, UTC)',
    )
    parser.add_argument(
        "--lookups",
        metavar="FILE",
        help="canned lookup responses (JSON); default: real HTTP via bindings",
    )
    parser.add_argument(
        "--env",
        default=DEFAULT_ENV,
        help="bindings environment for real lookups (default: %(default)s)",
    )
    parser.add_argument(
        "--channel",
        choices=("agent", "ivr"),
        default="agent",
        help="who runs the call: an agent's screen or the IVR (default: agent)",
    )
    parser.add_argument(
        "--lang", metavar="LANG", help="the call's language (default: the flow's first)"
    )
    parser.add_argument(
        "--journal",
        metavar="FILE|URL",
        help="journal the call in this SQLite file (created if missing) or PostgreSQL"
        " database (postgresql://user@host/db)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help='print one JSON object {"transcript": [...], "record": {...}}',
    )
    parser.set_defaults(func=run)  # fmt: skip


def parse_at(text: str | None) -> datetime:
    """'2026-11-24 10:30 Europe/Samara' -> an aware datetime; None -> now (UTC)."""
    if not text:
        return datetime.now(UTC)
    parts = text.split()
    zone: ZoneInfo | None = None
    if len(parts) > 1 and ("/" in parts[-1] or parts[-1] == "UTC"):
        zone = ZoneInfo(parts.pop())
    moment = datetime.fromisoformat(" ".join(parts))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone or UTC)
    return moment


def parse_inputs(items: list[str]) -> dict[str, str]:
    inputs: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--inputs takes NAME=VALUE, got {item!r}")
        inputs[name.strip()] = value
    return inputs


def run(args: argparse.Namespace) -> int:
    graph = compile_or_report(args.flow)
    if graph is None:
        return 1
    try:
        now = parse_at(args.at)
        inputs = parse_inputs(args.inputs)
        lookups: LookupClient = (
            CannedLookups.from_file(args.lookups) if args.lookups
            else HttpxLookups(RuntimeBindings.for_flow(Path(args.flow), args.env))
        )  # fmt: skip
    except (ValueError, OSError, ZoneInfoNotFoundError) as error:
        print(f"dialscript run: {error}", file=sys.stderr)
        return 2
    try:
        store = open_store(args.journal) if args.journal else None
    except StoreError as error:
        print(f"dialscript run: {error}", file=sys.stderr)
        return 3
    echo = None if args.json else print
    simulator = Simulator(graph, inputs=inputs, now=now, channel=args.channel,
                          language=args.lang, lookups=lookups, store=store, echo=echo)  # fmt: skip
    try:
        if args.answers is not None:
            sim = simulator.run_script([a for a in args.answers.split(",") if a.strip()])
        else:
            sim = simulator.run_interactive(input)
    except StoreError as error:
        print(f"dialscript run: {error}", file=sys.stderr)
        return 3
    finally:
        if store is not None:
            store.close()
    _print(sim, as_json=args.json)
    return 0


def _print(sim: Simulation, *, as_json: bool) -> None:
    record = sim.record()
    if as_json:
        print(json.dumps({"transcript": sim.transcript, "record": record}, ensure_ascii=False,
                         indent=2))  # fmt: skip
    else:
        print(json.dumps(record, ensure_ascii=False, indent=2))
