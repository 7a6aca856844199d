"""The `dialscript` command: a group with one module per subcommand.

Each subcommand module defines `register(subparsers)`, which adds its parser and
sets `func` to a function taking the parsed arguments and returning the exit code.
Only the module of the command being run is imported (analysts run `check` many
times an hour, editors on every save): the others stand in the group's parser as
a name and a one-line summary from :data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from dialscript import __version__

# Every subcommand with its summary, in the order `--help` lists them.
COMMANDS: dict[str, str] = {
    "check": "check flow files and report problems with file:line:col",
    "compile": "compile a flow to its FlowGraph JSON",
    "fmt": "rewrite flow files in the canonical layout",
    "graph": "draw a flow as SVG, dot or Mermaid",
    "render": "render a flow as a readable script (HTML, Markdown, recording book)",
    "serve": "run the agent console (web)",
    "users": "manage console users",
    "run": "simulate a call of a flow (scripted or interactive)",
    "serve-calls": "run flows on FreeSWITCH calls (outbound Event Socket server)",
    "call": "originate one call that runs a flow (via FreeSWITCH inbound ESL)",
    "diff": "compare the behaviour of two versions of a flow",
    "new": "write a starter flow",
    "demo": "check, draw and run the reference NPS survey",
    "test": "run the flows' Gherkin scenarios, with flow coverage",
    "scenarios": "write a skeleton .feature with one scenario per path",
    "replay": "re-run recorded calls against a changed flow, list the differences",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The group's parser; ``command``'s own parser is complete, the others are summaries."""
    parser = argparse.ArgumentParser(
        prog="dialscript",
        description="Check, compile, draw, run and test contact-center call flows.",
    )
    parser.add_argument("--version", action="version", version=f"dialscript {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, summary in COMMANDS.items():
        if name == command:
            module = importlib.import_module(f"dialscript.cli.{name.replace('-', '_')}")
            module.register(subparsers)
        else:
            subparsers.add_parser(name, help=summary, add_help=False)
    return parser


def _command(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line (the first word that is not an option)."""
    first = next((word for word in argv if not word.startswith("-")), None)
    return first if first in COMMANDS else None


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command(words))
    args = parser.parse_args(words)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    raise SystemExit(main())
