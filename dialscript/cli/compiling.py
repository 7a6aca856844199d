"""Compiling the flow a subcommand works on: problems go to stderr, in the analyst's words."""

from __future__ import annotations

import sys
from pathlib import Path

from dialscript.dsl.diagnostics import render_all
from dialscript.dsl.load import compile_file
from dialscript.graph import FlowGraph


def compile_or_report(path: str | Path) -> FlowGraph | None:
    """The flow's graph; its warnings and errors printed to stderr; None when errors remain."""
    compiled = compile_file(path)
    if compiled.diagnostics:
        print(render_all(compiled.diagnostics, compiled.sources), file=sys.stderr)
    return compiled.graph
