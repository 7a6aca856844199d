"""The `dialscript` command: a group with one module per subcommand.

Each subcommand module defines `register(subparsers)`, which adds its parser and
sets `func` to a function taking the parsed arguments and returning the exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from dialscript import __version__

# Subcommand modules, in the order `--help` lists them.
SUBCOMMANDS = (
    "check",
    "compile",
    "fmt",
    "graph",
    "render",
    "serve",
    "users",
    "run",
    "serve-calls",
    "call",
    "diff",
    "new",
    "demo",
    "test",
    "scenarios",
    "replay",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dialscript",
        description="Check, compile, draw, run and test contact-center call flows.",
    )
    parser.add_argument("--version", action="version", version=f"dialscript {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in SUBCOMMANDS:
        module = importlib.import_module(f"dialscript.cli.{name.replace('-', '_')}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    raise SystemExit(main())
