"""`dialscript call`: originate one call through FreeSWITCH into `dialscript serve-calls`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from dialscript.runtime.channels.serve import dial_string, originate, parse_address
from dialscript.runtime.esl import ESLError

EPILOG = """\
examples:
  dialscript call +15551234567 --flow nps_survey --input client_name=Ivan
  dialscript call user/1000 --flow support_ivr --inbound 127.0.0.1:8021 --password ClueCon

FreeSWITCH dials NUMBER (through --gateway unless NUMBER is a full dial string
such as user/1000) and, once answered, runs '&socket(SOCKET async full)', i.e.
the flow on `dialscript serve-calls`.  Prints the call's UUID (the journal's
external id).  exit status: 0 answered, 1 the call failed, 2 bad arguments.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "call",
        description="Place one call through FreeSWITCH and run a flow on it.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("number", metavar="NUMBER", help="number or full dial string")
    parser.add_argument("--flow", required=True, help="flow name (a .flow in serve-calls' --flows)")
    parser.add_argument(
        "--input", action="append", default=[], metavar="NAME=VALUE", help="flow input (repeatable)"
    )
    parser.add_argument("--lang", metavar="LANG", help="the call's language")
    parser.add_argument(
        "--inbound",
        default="127.0.0.1:8021",
        metavar="HOST:PORT",
        help="FreeSWITCH event socket (default: %(default)s)",
    )
    parser.add_argument("--password", default="ClueCon", help="event socket password")
    parser.add_argument(
        "--socket",
        default="127.0.0.1:8084",
        metavar="HOST:PORT",
        help="where serve-calls listens, as FreeSWITCH reaches it (default: %(default)s)",
    )
    parser.add_argument(
        "--gateway",
        default="sofia/gateway/default",
        help="prefix for plain numbers (default: %(default)s)",
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="originate timeout (s)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        inbound = parse_address(args.inbound, 8021)
        socket = parse_address(args.socket, 8084)
        inputs: dict[str, str] = {}
        for item in args.input:
            name, sep, value = item.partition("=")
            if not sep or not name:
                raise ValueError(f"--input takes NAME=VALUE, got {item!r}")
            inputs[name] = value
    except ValueError as error:
        print(f"dialscript call: {error}", file=sys.stderr)
        return 2
    coro = originate(
        inbound=inbound,
        password=args.password,
        dial=dial_string(args.number, args.gateway),
        socket=socket,
        flow=args.flow,
        inputs=inputs,
        language=args.lang,
        timeout=args.timeout,
    )
    try:
        uuid = asyncio.run(coro)
    except ESLError as error:
        print(f"dialscript call: {error}", file=sys.stderr)
        return 1
    print(uuid)
    return 0
