"""`dialscript serve-calls`: the outbound ESL server FreeSWITCH's `socket` app connects to."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path
from typing import Any

from dialscript.runtime.channels.serve import ServeOptions, parse_address, serve_calls
from dialscript.runtime.store import StoreError

EPILOG = """\
examples:
  dialscript serve-calls --flows flows --journal calls.sqlite --env production
  dialscript serve-calls --journal postgresql://dialscript@db.example/calls
  dialscript serve-calls --listen 10.0.0.7:8084 --allow 10.0.0.5/32 --allow 10.0.0.6/32

The dialplan chooses the flow and its inputs with channel variables set before
`socket 127.0.0.1:8084 async full`:  dialscript_flow=support_ivr,
dialscript_input_<name>=<value>, dialscript_language=en (see docs/freeswitch.md).
Every call is journaled step by step (FreeSWITCH call UUID as external id).
SIGTERM or SIGINT: stop accepting, let live calls finish (--drain seconds), exit 0.
A journal that cannot be opened (a PostgreSQL server that does not answer, say):
exit 1 before any call is taken; bad arguments: exit 2.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve-calls",
        description="Accept FreeSWITCH `socket` connections and run one flow per call.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--listen",
        default="127.0.0.1:8084",
        metavar="HOST:PORT",
        help="address to listen on (default: %(default)s)",
    )
    parser.add_argument(
        "--allow",
        action="append",
        metavar="CIDR",
        help="peer network allowed to connect (repeatable; default 127.0.0.1/32)",
    )
    parser.add_argument(
        "--flows",
        default="flows",
        metavar="DIR",
        help="folder of .flow files, chosen by name (default: %(default)s)",
    )
    parser.add_argument(
        "--journal",
        default="calls.sqlite",
        metavar="FILE|URL",
        help="call journal: a SQLite file, or a PostgreSQL URL (postgresql://user@host/db),"
        " which several servers can share (default: %(default)s)",
    )
    parser.add_argument(
        "--env", default="production", help="bindings environment (default: %(default)s)"
    )
    parser.add_argument(
        "--default-flow", metavar="NAME", help="flow for calls without dialscript_flow"
    )
    parser.add_argument(
        "--drain",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="on SIGTERM, how long live calls may go on (default: %(default)s)",
    )
    parser.add_argument(
        "--linger",
        type=int,
        default=10,
        metavar="SECONDS",
        help="ESL linger after hangup (default: %(default)s)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        host, port = parse_address(args.listen, 8084)
        options = ServeOptions(
            flows=Path(args.flows),
            journal=args.journal,
            host=host,
            port=port,
            allow=tuple(args.allow or ("127.0.0.1/32",)),
            env=args.env,
            linger=args.linger,
            drain_timeout=args.drain,
            default_flow=args.default_flow,
        )
    except ValueError as error:
        print(f"dialscript serve-calls: {error}", file=sys.stderr)
        return 2
    if not options.flows.is_dir():
        print(f"dialscript serve-calls: no folder {options.flows}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        asyncio.run(_main(options))
    except StoreError as error:  # the journal cannot be opened: no call is taken without it
        print(f"dialscript serve-calls: {error}", file=sys.stderr)
        return 1
    return 0


async def _main(options: ServeOptions) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        cut = await serve_calls(options, stop=stop, ready=_announce)
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
    if cut:
        print(f"{cut} call(s) cut at the drain deadline", file=sys.stderr)


def _announce(address: tuple[str, int]) -> None:
    print(f"dialscript serve-calls: listening on {address[0]}:{address[1]}", flush=True)
