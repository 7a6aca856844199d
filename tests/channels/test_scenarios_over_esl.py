"""Every scenario of tests/features, run over the Event Socket (the `esl` call driver).

The module collects the same .feature files as tests/features/test_features.py,
with the scenario's call on the `esl` driver: a real OutboundServer + CallService
and the fake FreeSWITCH on loopback.  The CLI acceptance run
(`dialscript test tests/features --channel esl`) must report the same coverage as
in process.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_bdd import scenarios

from dialscript.runtime import events as e
from dialscript.testing.esl_driver import EslDriver
from dialscript.testing.scenarios.driver import DRIVERS, driver_for
from dialscript.testing.scenarios.world import ScenarioCall, ScenarioFailure

REPO = Path(__file__).resolve().parents[2]
FEATURES = REPO / "tests" / "features"

scenarios(str(FEATURES))


@pytest.fixture
def dialscript_call(request: pytest.FixtureRequest) -> Iterator[ScenarioCall]:
    """The step library's call, on the `esl` driver."""
    call = ScenarioCall(rootdir=Path(str(request.config.rootpath)), channel="esl")
    yield call
    call.finish()
    assert threading.active_count() == 1, threading.enumerate()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dialscript.cli.main", "test", "tests/features", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _coverage(stdout: str) -> list[str]:
    """Coverage lines and pytest's count, without its `=` padding (which follows the time)."""
    lines = [line for line in stdout.splitlines() if "branches" in line or "passed" in line]
    return [line.strip("= ") for line in lines]


def test_cli_runs_the_features_over_esl_exactly_as_in_process() -> None:
    over_esl = _cli("--channel", "esl", "--coverage", "--fail-under", "100")
    assert over_esl.returncode == 0, over_esl.stdout[-3000:] + over_esl.stderr[-3000:]
    in_process = _cli("--coverage")
    assert in_process.returncode == 0, in_process.stdout[-3000:]
    summary = _coverage(over_esl.stdout)
    assert summary and all("failed" not in line for line in summary)
    assert [line.split(" in ")[0] for line in summary] == [
        line.split(" in ")[0] for line in _coverage(in_process.stdout)
    ]


def test_esl_is_a_registered_driver() -> None:
    assert "esl" in DRIVERS
    driver = driver_for("esl")
    assert isinstance(driver, EslDriver)
    driver.close()  # never started: nothing to stop


def _ivr_call() -> ScenarioCall:
    call = ScenarioCall(rootdir=REPO, channel="esl")
    call.use_flow("flows/support_ivr.flow", {"caller": "+8613800000000"})
    call.answer_call()
    return call


def test_an_ivr_answer_is_pressed_as_its_key() -> None:
    call = _ivr_call()
    try:
        call.send(e.AgentAnswer("2"))  # the main menu's key 2: technical support
        assert call.state.node is not None and call.state.node.startswith("tech_menu")
        driver = call.driver
        assert isinstance(driver, EslDriver)
        names = driver.fake_call.app_names
        assert names.count("play_and_get_digits") == 2 and "speak" in names
    finally:
        call.finish()


def test_an_ivr_answer_without_a_key_fails_clearly() -> None:
    call = _ivr_call()
    try:
        with pytest.raises(ScenarioFailure, match=r'cannot answer "billing please" on the IVR'):
            call.send(e.TextAnswer("billing please"))
        with pytest.raises(ScenarioFailure, match="an IVR caller cannot do back"):
            call.send(e.Back())
    finally:
        call.finish()
