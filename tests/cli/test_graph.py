"""`dialscript graph`: dot and Mermaid goldens, SVG through Graphviz, and Graphviz missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dialscript.cli.main import main
from dialscript.graph import draw
from tests.cli.conftest import Golden


def test_dot(data: Path, capsys: pytest.CaptureFixture[str], golden: Golden) -> None:
    assert main(["graph", "good.flow", "--format", "dot"]) == 0
    golden("graph_good.dot", capsys.readouterr().out)


def test_mermaid(data: Path, capsys: pytest.CaptureFixture[str], golden: Golden) -> None:
    assert main(["graph", "good.flow", "--format", "mermaid"]) == 0
    golden("graph_good.mmd", capsys.readouterr().out)


def test_svg_from_suffix(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert shutil.which("dot"), "CI installs graphviz (.ci/run)"
    out = tmp_path / "good.svg"
    assert main(["graph", "good.flow", "-o", str(out)]) == 0
    svg = out.read_text(encoding="utf-8")
    assert "<svg" in svg and "step ask_happy" in svg
    assert capsys.readouterr().out == f"wrote {out}\n"


def test_graphviz_missing(
    data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(draw.shutil, "which", lambda name: None)
    assert main(["graph", "good.flow", "--format", "svg"]) == 2
    err = capsys.readouterr().err
    assert "Graphviz is not installed: apt-get install graphviz, or use --format mermaid" in err


def test_flow_with_errors(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "bad/unknown_step.flow"]) == 1
    assert "error[DS101]" in capsys.readouterr().err


def test_labels_are_escaped() -> None:
    assert draw.dot_quote('a "b" \\ c\nd') == '"a \\"b\\" \\\\ c\\nd"'
    assert draw.mermaid_quote('x "y" #1 <z>') == '"x #quot;y#quot; #35;1 #lt;z#gt;"'


@pytest.mark.parametrize("flow", sorted(Path(__file__).parents[2].glob("flows/*.flow")))
def test_reference_flows_draw(flow: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["graph", str(flow), "--format", "mermaid"])
    out = capsys.readouterr().out
    assert code == 1 or out.startswith("flowchart TD")
