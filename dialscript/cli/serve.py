"""`dialscript serve`: the agent console (Starlette + uvicorn)."""

from __future__ import annotations

import argparse
import ipaddress
import os
import secrets
import sys
from pathlib import Path
from typing import Any

EPILOG = """\
examples:
  dialscript serve                                   flows/ and calls.sqlite, 127.0.0.1:8000
  dialscript serve --flows flows --db /var/lib/dialscript/calls.sqlite --host 0.0.0.0

The first supervisor comes from DIALSCRIPT_ADMIN_USER / DIALSCRIPT_ADMIN_PASSWORD, or,
when the database has no users, `admin` with a one-time password printed once.
Session cookies are Secure unless the console listens on a loopback address (or
--insecure-cookies): put it behind HTTPS when agents reach it over the network.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        description="Run the agent console.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--flows", default="flows", metavar="DIR", help="folder of .flow files")
    parser.add_argument("--db", default="calls.sqlite", metavar="FILE", help="SQLite journal")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--secret-file",
        metavar="FILE",
        help="session signing key (default: DB.secret, created if missing)",
    )
    parser.add_argument(
        "--claim-timeout",
        type=float,
        default=900.0,
        metavar="SECONDS",
        help="a contact's claim lapses after this long without an action",
    )
    parser.add_argument(
        "--insecure-cookies",
        action="store_true",
        help="no Secure flag on cookies (plain HTTP beyond loopback)",
    )
    parser.set_defaults(func=run)


def read_secret(path: Path) -> str:
    """The signing key in `path`, created (mode 600) with a random key if missing."""
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48))
    secret = path.read_text(encoding="utf-8").strip()
    if len(secret) < 32:
        raise ValueError(f"the secret in {path} is too short (32 characters at least)")
    return secret


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def ensure_supervisor(db_path: Path) -> None:
    """Create the first supervisor from the environment, or print a one-time password."""
    from dialscript.console.db import ConsoleDB
    from dialscript.console.passwords import new_password
    from dialscript.runtime.store.sqlite import SqliteCallStore

    store = SqliteCallStore(db_path)
    try:
        db = ConsoleDB(store.connection)
        name = os.environ.get("DIALSCRIPT_ADMIN_USER")
        password = os.environ.get("DIALSCRIPT_ADMIN_PASSWORD")
        if name and password:
            if db.user(name) is None:
                db.add_user(name, "supervisor", password)
        elif db.user_count() == 0:
            password = new_password()
            db.add_user("admin", "supervisor", password)
            print(
                f"created supervisor 'admin' with the one-time password: {password}",
                file=sys.stderr,
            )
    finally:
        store.close()


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from dialscript.console import Config, create_app

    db_path = Path(args.db)
    try:
        secret = read_secret(Path(args.secret_file or f"{db_path}.secret"))
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    ensure_supervisor(db_path)
    config = Config(
        flows=Path(args.flows),
        db=db_path,
        secret_key=secret,
        secure_cookies=not (args.insecure_cookies or _loopback(args.host)),
        claim_timeout=args.claim_timeout,
    )
    app = create_app(config)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level="info",
        server_header=False,
        proxy_headers=False,
    )
    return 0
