"""A throwaway PostgreSQL server for the tests: initdb in a temporary folder, a Unix socket
only, stopped and removed at the end of the session (Debian's `postgresql` package;
`scripts/system-deps` installs it)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PORT = 5432  # names the socket file only: the server listens on no TCP address


def _bin(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if found is None:
        raise RuntimeError(
            f"PostgreSQL's {name} is not installed: run scripts/system-deps (apt-get install"
            " postgresql)"
        )
    return found


def _as_server_user(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the `postgres` user then."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server; yields the URL of its `postgres` database (user `dialscript`)."""
    base = Path(tempfile.mkdtemp(prefix="dialscript-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
    data, log = base / "data", base / "server.log"
    pg_ctl = _bin("pg_ctl")
    try:
        subprocess.run(
            _as_server_user([_bin("initdb"), "-D", str(data), "-U", "dialscript",
                             "--auth=trust", "-E", "UTF8", "--no-locale", "-N"]),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        options = f"-k {base} -p {PORT} -c listen_addresses='' -c fsync=off"
        subprocess.run(
            _as_server_user([pg_ctl, "-D", str(data), "-l", str(log), "-w", "-t", "60",
                             "-o", options, "start"]),
            check=True, capture_output=True, timeout=90,
        )  # fmt: skip
        try:
            yield f"postgresql://dialscript@/postgres?host={base}&port={PORT}"
        finally:
            subprocess.run(
                _as_server_user([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]),
                check=False, capture_output=True, timeout=60,
            )  # fmt: skip
    finally:
        shutil.rmtree(base, ignore_errors=True)


def database_url(server_url: str, name: str) -> str:
    """The URL of database ``name`` on the same server."""
    return server_url.replace("/postgres?", f"/{name}?", 1)
