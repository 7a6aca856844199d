"""Every checker rule against its bad flows (exact code, line and column, golden rendered
text) and the good flows and shipped flows against false positives."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from dialscript.bindings import Bindings, load_bindings
from dialscript.dsl.check import CheckOptions
from dialscript.dsl.codes import Code
from dialscript.dsl.diagnostics import render_all
from dialscript.dsl.load import Compiled, compile_file, compile_text, find_flow_files

from .generated import big_flow

HERE = Path(__file__).parent
BAD = HERE / "bad"
GOOD = HERE / "good"
ROOT = HERE.parent.parent
EXPECT = re.compile(r"^# expect: (DS\d{3}) (\d+):(\d+)$", re.MULTILINE)
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

BAD_FLOWS = sorted(BAD.glob("*.flow"))
GOOD_FLOWS = sorted(GOOD.glob("*.flow"))


def _compile(folder: Path, flow: Path, monkeypatch: pytest.MonkeyPatch) -> Compiled:
    monkeypatch.chdir(folder)
    bindings_file = flow.with_suffix(".bindings.toml")
    bindings = load_bindings(bindings_file) if bindings_file.exists() else Bindings(None, {})
    if bindings.path is not None:
        bindings = Bindings(Path(bindings_file.name), bindings.environments)
    return compile_text(flow.read_text(encoding="utf-8"), path=flow.name, bindings=bindings)


@pytest.mark.parametrize("flow", BAD_FLOWS, ids=lambda p: p.stem)
def test_bad_flow(flow: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = flow.read_text(encoding="utf-8")
    expected = sorted((c, int(line), int(col)) for c, line, col in EXPECT.findall(text))
    code = flow.name[:5]
    assert expected, f"{flow.name} has no `# expect: {code} LINE:COL` line"
    result = _compile(BAD, flow, monkeypatch)
    found = sorted((d.code, d.span.line, d.span.column) for d in result.diagnostics)
    assert found == expected
    assert {c for c, _, _ in found} == {code}
    rendered = render_all(result.diagnostics, result.sources) + "\n"
    golden = flow.with_suffix(".txt")
    if UPDATE:
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")


def test_every_name_and_flow_code_has_a_bad_flow() -> None:
    wanted = {c.name for c in Code if c.name[:3] in ("DS1", "DS2")}
    covered = {p.name[:5] for p in BAD_FLOWS}
    assert wanted - covered == set()


@pytest.mark.parametrize("flow", GOOD_FLOWS, ids=lambda p: p.stem)
def test_good_flow(flow: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _compile(GOOD, flow, monkeypatch)
    assert render_all(result.diagnostics, result.sources) == ""
    assert result.graph is not None


SHIPPED = [
    p
    for folder in ("flows", "examples")
    for p in find_flow_files([ROOT / folder] if (ROOT / folder).is_dir() else [])
]


@pytest.mark.parametrize("flow", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_flows_have_no_diagnostics(flow: Path) -> None:
    result = compile_file(flow)
    assert render_all(result.diagnostics, result.sources) == ""


def test_a_large_generated_flow_is_clean() -> None:
    text = big_flow(100)
    assert text.count("\n") > 1000
    result = compile_text(text, path="big.flow")
    assert render_all(result.diagnostics, result.sources) == ""


def test_environments_option_narrows_the_bindings_check() -> None:
    flow = (BAD / "DS109_unbound_queue.flow").read_text(encoding="utf-8")
    flow = flow.replace("sales_dsk", "sales_desk")
    bindings = Bindings(
        Path("b.toml"), {"test": {"queues": {"sales_desk": "x"}}, "production": {"queues": {}}}
    )
    everywhere = compile_text(flow, path="f.flow", bindings=bindings)
    assert [(d.code, d.message) for d in everywhere.diagnostics] == [
        ("DS109", 'queue "sales_desk" is not bound in production')
    ]
    only_test = compile_text(
        flow, path="f.flow", bindings=bindings, options=CheckOptions(environments=("test",))
    )
    assert only_test.diagnostics == []
