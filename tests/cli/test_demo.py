"""`dialscript demo`: check, draw and run the reference NPS survey from a repository copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dialscript.cli.main import main
from dialscript.graph import draw
from tests.cli.conftest import REPO


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(REPO / "flows", tmp_path / "flows")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_demo(checkout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "1 file checked: no problems" in out
    assert "wrote artifacts/nps_survey.svg" in out
    assert "<svg" in (checkout / "artifacts/nps_survey.svg").read_text(encoding="utf-8")
    assert "> 3\n" in out and '"outcome": "completed"' in out


def test_demo_without_graphviz(
    checkout: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(draw.shutil, "which", lambda name: None)
    assert main(["demo", "--artifacts", "out"]) == 0
    assert "wrote out/nps_survey.mmd (Graphviz is not installed" in capsys.readouterr().out
    assert (checkout / "out/nps_survey.mmd").read_text(encoding="utf-8").startswith("flowchart")


def test_demo_outside_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["demo"]) == 2
    assert "run `dialscript demo` from the top folder" in capsys.readouterr().err
