"""`dialscript new`: every starter kind is written, checks clean and is already formatted."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialscript.cli.main import main
from dialscript.dsl.format import format_text
from dialscript.dsl.load import compile_file
from dialscript.templates_new import KINDS


@pytest.mark.parametrize("kind", KINDS)
def test_starter_checks_clean(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", f"my_{kind}", "--kind", kind]) == 0
    assert (
        capsys.readouterr().out
        == f"wrote my_{kind}.flow ({kind}); next: dialscript check my_{kind}.flow\n"
    )
    path = tmp_path / f"my_{kind}.flow"
    compiled = compile_file(path)
    assert compiled.diagnostics == []
    assert compiled.graph is not None and compiled.graph.name == f"my_{kind}"
    text = path.read_text(encoding="utf-8")
    assert format_text(text) == text


def test_output_path_and_no_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "sub" / "line.flow"
    assert main(["new", "line", "--kind", "ivr", "-o", str(target)]) == 0
    assert main(["new", "line", "-o", str(target)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["new", "line", "-o", str(target), "--force"]) == 0
    assert "flow line " in target.read_text(encoding="utf-8")


def test_bad_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "опрос", "-o", str(tmp_path / "x.flow")]) == 2
    assert "is not a flow name" in capsys.readouterr().err
