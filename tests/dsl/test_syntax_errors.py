"""Syntax errors: each case's rendering is compared with its golden file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dialscript.dsl.diagnostics import render_all
from dialscript.dsl.load import compile_file

CASES = sorted((Path(__file__).parent / "syntax").glob("*.flow"))
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _relative(path: Path) -> str:
    return os.path.relpath(path, Path.cwd())


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_syntax_error_rendering(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case.parent)
    result = compile_file(case.name)
    assert result.graph is None
    codes = [d.code for d in result.diagnostics]
    assert codes == [case.stem.split("_")[0]], codes
    rendered = render_all(result.diagnostics, result.sources) + "\n"
    golden = case.with_suffix(".txt")
    if UPDATE:
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")


def test_unreadable_file_is_ds005(tmp_path: Path) -> None:
    missing = tmp_path / "missing.flow"
    result = compile_file(missing)
    assert [d.code for d in result.diagnostics] == ["DS005"]
    assert result.diagnostics[0].span.line == 1


def test_non_utf8_file_is_ds005(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("latin1.flow").write_bytes('flow f\nstep a\n  say "caf\xe9"\n  hangup\n'.encode("latin-1"))
    result = compile_file("latin1.flow")
    assert [d.code for d in result.diagnostics] == ["DS005"]
    (diagnostic,) = result.diagnostics
    assert (diagnostic.span.line, diagnostic.span.column) == (3, 11)
    rendered = render_all(result.diagnostics, result.sources) + "\n"
    golden = Path(__file__).parent / "syntax" / "DS005_not_utf8.txt"
    if UPDATE:
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")


def test_route_without_target_points_after_the_arrow() -> None:
    case = Path(__file__).parent / "syntax" / "DS001_route_without_target.flow"
    (diagnostic,) = compile_file(case).diagnostics
    assert (diagnostic.span.line, diagnostic.span.column) == (5, 12)
    assert "a step name after `->`" in diagnostic.message
