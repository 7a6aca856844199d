"""docs/language.md keeps its promises: every ```flow block checks clean, and each
diagnostic section's bad example triggers exactly its code while the fix is clean."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dialscript.bindings import find_bindings, load_bindings
from dialscript.dsl.codes import Code
from dialscript.dsl.load import compile_text

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "language.md"
_BLOCK = re.compile(r"^```(flow[^\n]*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
# Imports in the examples are relative to docs/, like a flow stored there.
DOC_PATH = str(ROOT / "docs" / "example.flow")
BINDINGS = load_bindings(find_bindings(ROOT / "docs"))


def _blocks() -> list[tuple[str, str, int]]:
    text = DOC.read_text(encoding="utf-8")
    return [
        (m.group(1).strip(), m.group(2), text.count("\n", 0, m.start()) + 1)
        for m in _BLOCK.finditer(text)
    ]


BLOCKS = _blocks()
CLEAN = [(info, body, line) for info, body, line in BLOCKS if info in ("flow", "flow fixed")]
BAD = [(info, body, line) for info, body, line in BLOCKS if info.startswith("flow bad")]


def _problems(body: str) -> list[str]:
    result = compile_text(body, path=DOC_PATH, bindings=BINDINGS)
    return [f"{d.code} {d.span.line}:{d.span.column} {d.message}" for d in result.diagnostics]


@pytest.mark.parametrize("info,body,line", CLEAN, ids=[f"line{b[2]}" for b in CLEAN])
def test_example_checks_clean(info: str, body: str, line: int) -> None:
    assert _problems(body) == [], f"docs/language.md:{line}"


@pytest.mark.parametrize("info,body,line", BAD, ids=[b[0].split()[-1] for b in BAD])
def test_bad_example_triggers_its_code(info: str, body: str, line: int) -> None:
    code = info.split()[-1]
    codes = {p.split()[0] for p in _problems(body)}
    assert codes == {code}, f"docs/language.md:{line}: {_problems(body)}"


def test_every_code_has_a_section_with_bad_and_fixed_examples() -> None:
    text = DOC.read_text(encoding="utf-8")
    bad_codes = {info.split()[-1] for info, _, _ in BAD}
    for code in Code:
        assert f"### {code.name}:" in text, code.name
        if code.name != "DS005":  # a file that cannot be read has no flow text to show
            assert code.name in bad_codes, code.name
