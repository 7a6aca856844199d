"""Gherkin scenarios for call flows: the call driver, the step library's world, coverage.

The step definitions themselves live in `steps` and are loaded by the pytest
plugin (`dialscript.testing.pytest_plugin`); nothing here imports pytest-bdd.
"""

from __future__ import annotations

from dialscript.testing.scenarios.coverage import CoverageRecorder, CoverageReport
from dialscript.testing.scenarios.driver import (
    DRIVERS,
    CallDriver,
    CallSetup,
    InProcessDriver,
    register_driver,
)
from dialscript.testing.scenarios.world import ScenarioCall, ScenarioFailure

__all__ = [
    "DRIVERS",
    "CallDriver",
    "CallSetup",
    "CoverageRecorder",
    "CoverageReport",
    "InProcessDriver",
    "ScenarioCall",
    "ScenarioFailure",
    "register_driver",
]
