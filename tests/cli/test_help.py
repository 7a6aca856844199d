"""Every subcommand of this group has a complete --help with examples."""

from __future__ import annotations

import pytest

from dialscript.cli.main import main

MINE = ("check", "compile", "graph", "fmt", "diff", "new", "demo")


@pytest.mark.parametrize("command", MINE)
def test_help_has_examples(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out and f"dialscript {command}" in out
    assert "exit status" in out
