"""`dialscript diff`: behavioural changes step by step; layout changes are not changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dialscript.cli.main import main
from tests.cli.conftest import Golden


def test_reformatted_and_moved_is_no_change(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "diff/old.flow", "diff/reformatted.flow"]) == 0
    assert "no behavioural change" in capsys.readouterr().out


def test_same_file_is_no_change(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "diff/old.flow", "diff/old.flow"]) == 0
    out = capsys.readouterr().out
    assert out.endswith("\n\nno behavioural change\n")


def test_text(data: Path, capsys: pytest.CaptureFixture[str], golden: Golden) -> None:
    assert main(["diff", "diff/old.flow", "diff/new.flow"]) == 0
    golden("diff_survey.md", capsys.readouterr().out)


def test_json(data: Path, capsys: pytest.CaptureFixture[str], golden: Golden) -> None:
    assert main(["diff", "--format", "json", "diff/old.flow", "diff/new.flow"]) == 0
    out = capsys.readouterr().out
    golden("diff_survey.json", out)
    report = json.loads(out)
    assert report["changed"] is True
    rewired = [c for c in report["changes"] if c["subject"].endswith("branch `no`")]
    assert rewired == [
        {
            "section": "step ask_happy",
            "kind": "changed",
            "subject": "ask happy (yes/no), branch `no`",
            "old": "sorry",
            "new": "why",
        }
    ]


def test_file_that_does_not_compile(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "diff/old.flow", "bad/unknown_step.flow"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "error[DS101]" in captured.err
