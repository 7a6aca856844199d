"""Every scenario of tests/features as a real call on FreeSWITCH (`dialscript test --switch`).

The CLI starts an outbound server per scenario, originates a loopback call into it
through the switch's inbound Event Socket, keys the caller's answers as DTMF into
the call while the prompts really play, and waits out silences on the switch.
Eight scenarios run at once (the switch takes many calls; each waits mostly on
audio). The same scenarios pass in process and over the fake (test_features.py,
tests/channels/test_scenarios_over_esl.py): here they must pass, all of them, on
the real switch.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from freeswitch_server import FreeSwitch

REPO = Path(__file__).resolve().parents[2]


def _dialscript_test(
    *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dialscript.cli.main", "test", "tests/features", *args],
        cwd=REPO, capture_output=True, text=True, timeout=1200, check=False, env=env,
    )  # fmt: skip


def _passed(stdout: str) -> int:
    found = re.search(r"(\d+) passed", stdout.splitlines()[-1] if stdout else "")
    return int(found.group(1)) if found else 0


def test_every_scenario_passes_on_the_real_switch(real_switch: FreeSwitch) -> None:
    in_process = _dialscript_test()
    assert in_process.returncode == 0, in_process.stdout[-3000:]
    scenarios = _passed(in_process.stdout)
    assert scenarios >= 80  # the four reference features

    env = {**os.environ, "DIALSCRIPT_SWITCH_PASSWORD": real_switch.password}
    address = f"{real_switch.esl_host}:{real_switch.esl_port}"
    on_switch = _dialscript_test("--switch", address, "--jobs", "8", env=env)
    summary = on_switch.stdout.splitlines()[-1] if on_switch.stdout else ""
    print(f"on the real switch: {summary}")
    assert on_switch.returncode == 0, on_switch.stdout[-6000:] + on_switch.stderr[-2000:]
    assert _passed(on_switch.stdout) == scenarios, summary
    log = real_switch.log.read_text(errors="replace")
    assert "Invalid Args" not in log  # no prompt the switch could not speak


def test_switch_options_are_checked_before_any_call() -> None:
    bad = _dialscript_test("--switch", "fs.example:port")
    assert bad.returncode == 2 and "bad Event Socket address" in bad.stderr
    both = _dialscript_test("--jobs", "2", "--coverage")
    assert both.returncode == 2 and "--coverage needs one job" in both.stderr


def test_the_switch_driver_says_what_it_needs() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DIALSCRIPT_SWITCH"}
    run = _dialscript_test("--channel", "switch", "-k", "payment", env=env)
    assert run.returncode == 1
    assert "the switch driver needs DIALSCRIPT_SWITCH=HOST:PORT" in run.stdout
