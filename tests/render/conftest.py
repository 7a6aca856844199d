"""Fixtures of the render tests: golden files (`UPDATE_GOLDEN=1 pytest tests/render`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
REPO = HERE.parent.parent

Golden = Callable[[str, str], None]


@pytest.fixture
def golden() -> Golden:
    def compare(name: str, actual: str) -> None:
        path = GOLDEN / name
        if os.environ.get("UPDATE_GOLDEN") == "1":
            path.write_text(actual, encoding="utf-8")
            return
        assert path.exists(), f"no golden file {path}: run UPDATE_GOLDEN=1 pytest tests/render"
        assert actual == path.read_text(encoding="utf-8")

    return compare
