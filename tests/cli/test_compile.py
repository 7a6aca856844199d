"""`dialscript compile`: FlowGraph JSON, the content hash, and errors on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dialscript.cli.main import main
from dialscript.graph import FlowGraph


def test_json_to_stdout(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compile", "good.flow"]) == 0
    graph = FlowGraph.from_json(capsys.readouterr().out)
    assert graph.name == "good"
    assert graph.start == "ask_happy"


def test_output_file_and_hash(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "good.json"
    assert main(["compile", "good.flow", "-o", str(out), "--hash"]) == 0
    graph = FlowGraph.from_json(out.read_text(encoding="utf-8"))
    assert capsys.readouterr().out == graph.content_hash + "\n"


def test_hash_only(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compile", "--hash", "good.flow"]) == 0
    digest = capsys.readouterr().out.strip()
    assert len(digest) == 64 and int(digest, 16) >= 0


def test_errors_go_to_stderr(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compile", "bad/unknown_step.flow"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "bad/unknown_step.flow:8:10: error[DS101]" in captured.err


def test_graph_json_is_stable(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["compile", "good.flow"])
    first = json.loads(capsys.readouterr().out)
    main(["compile", "good.flow"])
    assert json.loads(capsys.readouterr().out) == first
