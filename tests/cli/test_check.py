"""`dialscript check`: rendered diagnostics, JSON, summaries and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dialscript.cli import check
from dialscript.cli.main import main
from dialscript.dsl.codes import Code
from dialscript.dsl.load import Compiled
from dialscript.dsl.span import Span
from tests.cli.conftest import Golden


def test_clean_flow_passes(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "good.flow"]) == 0
    assert capsys.readouterr().out == "1 file checked: no problems\n"


def test_bad_flows_text(data: Path, capsys: pytest.CaptureFixture[str], golden: Golden) -> None:
    assert main(["check", "bad"]) == 1
    golden("check_bad.txt", capsys.readouterr().out)


def test_bad_flows_json(data: Path, capsys: pytest.CaptureFixture[str], golden: Golden) -> None:
    assert main(["check", "--format", "json", "bad", "good.flow"]) == 1
    out = capsys.readouterr().out
    golden("check_bad.json", out)
    first = json.loads(out)[0]
    assert (first["path"], first["line"], first["column"]) == ("bad/unclosed_text.flow", 4, 7)


def test_unknown_step_position(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--format", "json", "bad/unknown_step.flow"])
    [problem] = json.loads(capsys.readouterr().out)
    assert problem["code"] == "DS101"
    assert (problem["line"], problem["column"], problem["end_column"]) == (8, 10, 16)


def test_no_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path)]) == 2
    assert "no .flow files found" in capsys.readouterr().out


def _warning_only(path: Path | str, **_: object) -> Compiled:
    warning = Code.DS201.at(Span(str(path), 1, 1, 1, 5), "step is never reached")
    return Compiled(str(path), None, [warning], {str(path): "step x\n"})


def test_strict_fails_on_warnings(
    data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(check, "compile_file", _warning_only)
    assert main(["check", "good.flow"]) == 0
    assert capsys.readouterr().out.endswith("1 file checked: 1 warning\n")
    assert main(["check", "--strict", "good.flow"]) == 1


@pytest.mark.parametrize(
    ("counts", "text"),
    [
        ((3, 1, 2), "3 files checked: 1 error, 2 warnings"),
        ((1, 0, 0), "1 file checked: no problems"),
        ((2, 2, 0), "2 files checked: 2 errors"),
        ((1, 0, 1), "1 file checked: 1 warning"),
    ],
)
def test_summary(counts: tuple[int, int, int], text: str) -> None:
    assert check.summary(*counts) == text


def test_env_is_passed_to_the_checker(
    data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[object] = []

    def fake(path: Path | str, **kwargs: object) -> Compiled:
        seen.append(kwargs["options"])
        return Compiled(str(path), None, [], {})

    monkeypatch.setattr(check, "compile_file", fake)
    assert main(["check", "--env", "production", "good.flow"]) == 0
    assert [getattr(o, "environments", None) for o in seen] == [("production",)]


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    assert "dialscript check --strict flows" in capsys.readouterr().out
