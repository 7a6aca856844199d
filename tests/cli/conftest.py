"""Fixtures of the CLI tests: the data folder as working directory, and golden files."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

HERE = Path(__file__).parent
DATA = HERE / "data"
GOLDEN = HERE / "golden"
REPO = HERE.parent.parent

Golden = Callable[[str, str], None]


@pytest.fixture
def data(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in tests/cli/data, so that paths in the output are short and stable."""
    monkeypatch.chdir(DATA)
    return DATA


@pytest.fixture
def golden() -> Golden:
    """Compare with tests/cli/golden/NAME; `UPDATE_GOLDEN=1 pytest` rewrites the files."""

    def compare(name: str, actual: str) -> None:
        path = GOLDEN / name
        if os.environ.get("UPDATE_GOLDEN") == "1":
            path.write_text(actual, encoding="utf-8")
            return
        assert path.exists(), f"no golden file {path}: run UPDATE_GOLDEN=1 pytest tests/cli"
        assert actual == path.read_text(encoding="utf-8")

    return compare
