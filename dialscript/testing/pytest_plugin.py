"""The dialscript pytest plugin: the scenario step library, call drivers and flow coverage.

Registered as the `dialscript` pytest11 entry point, so `.feature` files in any
repository of flows can use the steps of `dialscript.testing.scenarios.steps`.
Options: `--dialscript-channel NAME` picks the call driver (default `inprocess`);
`--dialscript-features` collects `.feature` files directly, with no Python module
calling `pytest_bdd.scenarios()` (what `dialscript test` does).  Every finished
scenario hands its call's trace to the session's `CoverageRecorder`.
"""

from __future__ import annotations

import importlib.util
import os
import types
from pathlib import Path
from typing import Any

import pytest

from dialscript.testing.scenarios.coverage import CoverageRecorder
from dialscript.testing.scenarios.driver import DRIVERS
from dialscript.testing.scenarios.world import ScenarioCall, ScenarioFailure

HAVE_BDD = importlib.util.find_spec("pytest_bdd") is not None
pytest_plugins = ["dialscript.testing.scenarios.steps"] if HAVE_BDD else []

RECORDER = pytest.StashKey[CoverageRecorder]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("dialscript", "dialscript call-flow scenarios")
    group.addoption(
        "--dialscript-channel",
        default="inprocess",
        metavar="NAME",
        help="run scenario calls through this driver (known: " + ", ".join(sorted(DRIVERS)) + ")",
    )
    group.addoption(
        "--dialscript-features",
        action="store_true",
        default=False,
        help="collect .feature files as tests (no scenarios() module needed)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[RECORDER] = CoverageRecorder()


def recorder_of(config: pytest.Config) -> CoverageRecorder:
    """The session's coverage recorder (one per pytest run)."""
    if RECORDER not in config.stash:
        config.stash[RECORDER] = CoverageRecorder()
    return config.stash[RECORDER]


def new_call(config: pytest.Config) -> ScenarioCall:
    """A scenario's call on the session's channel, recording coverage."""
    channel = str(config.getoption("--dialscript-channel", default="inprocess"))
    if channel not in DRIVERS:
        known = ", ".join(sorted(DRIVERS))
        raise pytest.UsageError(f"--dialscript-channel {channel}: no such driver (known: {known})")
    return ScenarioCall(
        rootdir=Path(str(config.rootpath)), channel=channel, recorder=recorder_of(config).record
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".feature" and parent.config.getoption("--dialscript-features"):
        if not HAVE_BDD:
            raise pytest.UsageError("collecting .feature files needs pytest-bdd")
        return FeatureFile.from_parent(parent, path=file_path)
    return None


class FeatureFile(pytest.Module):
    """A `.feature` file collected as a module holding one test per scenario."""

    def _getobj(self) -> types.ModuleType:
        module = types.ModuleType(f"dialscript_feature_{abs(hash(str(self.path)))}")
        module.__file__ = str(self.path)
        namespace = module.__dict__
        namespace["_feature"] = str(self.path)
        namespace["_base"] = str(self.path.parent)
        # pytest-bdd binds the scenarios into the namespace of the code that calls it.
        code = "from pytest_bdd import scenarios\nscenarios(_feature, features_base_dir=_base)\n"
        exec(compile(code, str(self.path), "exec"), namespace)  # noqa: S102 - our own fixed code
        return module


_FAILED_STEP = pytest.StashKey[str]()


def pytest_bdd_step_error(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, exception: Exception
) -> None:
    """Remember which Gherkin line failed, for a short report without Python frames."""
    if isinstance(exception, ScenarioFailure):
        where = f"{_relative(feature.filename)}:{step.line_number}"
        text = f"{step.keyword.strip()} {step.name}"
        request.node.stash[_FAILED_STEP] = f"{where}: {text}\n{exception}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    failed_step = item.stash.get(_FAILED_STEP, None)
    if report.failed and failed_step is not None and call.excinfo is not None:
        report.longrepr = f"Scenario failed at {failed_step}"
    return report


def _relative(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return path
