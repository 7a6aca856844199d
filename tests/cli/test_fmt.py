"""`dialscript fmt`: rewriting, --check, and refusing files that do not parse."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dialscript.cli.main import main
from tests.cli.conftest import DATA, Golden


@pytest.fixture
def messy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    shutil.copy(DATA / "messy.flow", tmp_path / "messy.flow")
    return tmp_path / "messy.flow"


def test_rewrites_in_place(messy: Path, capsys: pytest.CaptureFixture[str], golden: Golden) -> None:
    assert main(["fmt", "messy.flow"]) == 0
    assert capsys.readouterr().out == "reformatted messy.flow\n1 of 1 files reformatted\n"
    golden("fmt_messy.flow", messy.read_text(encoding="utf-8"))
    assert main(["fmt", "--check", "messy.flow"]) == 0


def test_check_lists_files_and_changes_nothing(
    messy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = messy.read_text(encoding="utf-8")
    assert main(["fmt", "--check", "."]) == 1
    assert capsys.readouterr().out == (
        "would reformat messy.flow\n1 of 1 files would be reformatted\n"
    )
    assert messy.read_text(encoding="utf-8") == before


def test_syntax_error_is_reported_and_file_left_alone(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (data / "bad/unclosed_text.flow").read_text(encoding="utf-8")
    assert main(["fmt", "bad/unclosed_text.flow"]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("bad/unclosed_text.flow:4:7: error[DS004]")
    assert (data / "bad/unclosed_text.flow").read_text(encoding="utf-8") == before
