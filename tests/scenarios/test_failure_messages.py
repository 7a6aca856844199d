"""A deliberately wrong scenario fails with the step of the flow, the expectation and the fact."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WRONG = Path(__file__).parent / "wrong" / "nps_wrong_score.feature"


def test_wrong_expectation_names_flow_step_expectation_and_fact() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "dialscript.cli.main", "test", str(WRONG.relative_to(REPO))],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert (
        "Scenario failed at tests/scenarios/wrong/nps_wrong_score.feature:11:"
        ' Then the result "score" is 8\n'
        'result "score" is 7, expected 8 (call at step "why", flows/nps_survey.flow:'
    ) in run.stdout
    assert "answers so far: greeting=yes, score=7)" in run.stdout
