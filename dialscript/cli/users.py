"""`dialscript users add NAME --role agent|supervisor`: console accounts."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("users", description="Add console users (or reset a password).")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a user, or set an existing user's role and password")
    add.add_argument("name")
    add.add_argument("--role", choices=("agent", "supervisor"), default="agent")
    add.add_argument("--db", default="calls.sqlite", metavar="FILE")
    add.add_argument(
        "--password-env",
        metavar="VAR",
        help="read the password from this environment variable (else: prompt,"
        " or a generated one printed once)",
    )
    add.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dialscript.console.db import ConsoleDB
    from dialscript.console.passwords import new_password
    from dialscript.runtime.store.sqlite import SqliteCallStore

    printed = False
    if args.password_env:
        password = os.environ.get(args.password_env, "")
    elif sys.stdin.isatty():
        password = getpass.getpass(f"password for {args.name}: ")
    else:
        password, printed = new_password(), True
    if len(password) < 8:
        print("error: the password must have 8 characters at least", file=sys.stderr)
        return 2
    store = SqliteCallStore(Path(args.db))
    try:
        ConsoleDB(store.connection).add_user(args.name, args.role, password)
    finally:
        store.close()
    print(
        f"user {args.name} ({args.role}) saved"
        + (f"; one-time password: {password}" if printed else "")
    )
    return 0
