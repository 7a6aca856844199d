"""Running scenarios from the command line: pytest in process, with the plugin and coverage.

`run_scenarios(paths)` collects the `.feature` files under `paths` directly
(Python test modules are not collected), runs them on the chosen channel and
returns pytest's exit code with the session's `CoverageRecorder`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from dialscript.testing.scenarios.coverage import CoverageRecorder
from dialscript.testing.scenarios.world import load_flow

PLUGIN = "dialscript.testing.pytest_plugin"


@dataclass
class _Grab:
    """A throwaway pytest plugin that keeps the session's recorder once the run ends."""

    recorder: CoverageRecorder | None = None
    extra: list[Path] = field(default_factory=list)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        from dialscript.testing.pytest_plugin import recorder_of

        self.recorder = recorder_of(session.config)


def _plugin_installed() -> bool:
    return any(ep.value == PLUGIN for ep in entry_points(group="pytest11"))


def run_scenarios(
    paths: Sequence[str],
    *,
    channel: str = "inprocess",
    flows: Sequence[Path] = (),
    pytest_args: Sequence[str] = (),
) -> tuple[int, CoverageRecorder]:
    """Run the scenarios under `paths`; `flows` join the coverage even if no scenario ran them."""
    args = [
        *paths,
        "--dialscript-features",
        "--dialscript-channel",
        channel,
        "-o",
        "python_files=__dialscript_features_only__",
        # the dialscript package is imported already (this CLI), so pytest cannot rewrite it
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
        *pytest_args,
    ]
    if not _plugin_installed():
        args[:0] = ["-p", PLUGIN]
    grab = _Grab()
    code = int(pytest.main(args, plugins=[grab]))
    recorder = grab.recorder or CoverageRecorder()
    for flow in flows:
        recorder.add_graph(load_flow(flow))
    return code, recorder
