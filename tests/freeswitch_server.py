"""A throwaway real FreeSWITCH for the tests, from the FreeSWITCH test bundle.

The bundle (FreeSWITCH 1.10.12 with its control script ``fs``) is not part of this
repository. ``DIALSCRIPT_FREESWITCH`` names its ``fs`` script; ``make test`` sets it
when the bundle sits beside the clone (``../shared/freeswitch/fs``). Without it the
real-switch tests are skipped with that reason; with ``DIALSCRIPT_FREESWITCH_REQUIRED=1``
(set by ``.ci/run`` where the bundle is present) a missing or broken bundle fails them
instead, so CI can never pass without having run them.

Each instance lives in a temporary folder (configuration, logs, recordings) on free
loopback ports and is stopped at the end; its folder is kept when a test failed, for
the log.
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BUNDLE_VAR = "DIALSCRIPT_FREESWITCH"
REQUIRED_VAR = "DIALSCRIPT_FREESWITCH_REQUIRED"


class BundleMissing(RuntimeError):
    """No FreeSWITCH bundle on this machine (the reason is the message)."""


@dataclass(frozen=True)
class FreeSwitch:
    """A running instance: its inbound Event Socket, the folder it keeps everything in."""

    rundir: Path
    esl_host: str
    esl_port: int
    password: str
    socket_address: str  # where the dialplan's `socket` (extension 7000 and 7xxx) connects
    script: Path

    @property
    def log(self) -> Path:
        return self.rundir / "log" / "freeswitch.log"

    @property
    def recordings(self) -> Path:
        return self.rundir / "recordings"

    def cli(self, command: str) -> str:
        """One fs_cli command's output (for diagnostics and set-up)."""
        done = subprocess.run(
            [str(self.script), "cli", str(self.rundir), "-x", command],
            capture_output=True, text=True, timeout=30, check=True,
        )  # fmt: skip
        return done.stdout


def required() -> bool:
    return os.environ.get(REQUIRED_VAR, "") not in ("", "0")


def bundle_script() -> Path:
    """The bundle's ``fs`` script, or :class:`BundleMissing` saying why there is none."""
    named = os.environ.get(BUNDLE_VAR, "")
    if not named:
        raise BundleMissing(
            f"no FreeSWITCH bundle: set {BUNDLE_VAR} to its `fs` script (make test does when"
            " ../shared/freeswitch/fs exists)"
        )
    script = Path(named)
    if not (script.is_file() and os.access(script, os.X_OK)):
        raise BundleMissing(f"{BUNDLE_VAR}={named} is not an executable `fs` script")
    return script


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def install(script: Path) -> None:
    """Install the bundle's Debian packages and unpack it (once per machine; quick after)."""
    subprocess.run([str(script), "install"], check=True, capture_output=True, timeout=900)


@contextmanager
def freeswitch(
    *, socket_port: int | None = None, log_level: str = "info", tries: int = 3
) -> Iterator[FreeSwitch]:
    """Start an instance (retrying on a port taken meanwhile); stop it at the end."""
    script = bundle_script()
    install(script)
    base = Path(tempfile.mkdtemp(prefix="dialscript-fs-"))
    failure = ""
    for attempt in range(tries):
        rundir = base / f"run{attempt}"
        esl_port = free_port()
        target = f"127.0.0.1:{socket_port or free_port()}"
        started = subprocess.run(
            [str(script), "start", str(rundir), "--esl-port", str(esl_port), "--socket", target,
             "--log-level", log_level, "--timeout", "60"],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        if started.returncode == 0:
            break
        failure = started.stdout[-2000:] + started.stderr[-2000:]
    else:
        raise RuntimeError(f"FreeSWITCH did not start:\n{failure}")
    values = dict(line.split("=", 1) for line in started.stdout.splitlines() if "=" in line)
    instance = FreeSwitch(
        rundir=rundir,
        esl_host=values["FS_ESL_HOST"],
        esl_port=int(values["FS_ESL_PORT"]),
        password=values["FS_ESL_PASSWORD"],
        socket_address=values["FS_SOCKET"],
        script=script,
    )
    try:
        yield instance
    finally:
        subprocess.run(
            [str(script), "stop", str(rundir), "--timeout", "5"],
            capture_output=True, timeout=60, check=False,
        )  # fmt: skip
