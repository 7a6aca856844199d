"""Property: whatever the text, `compile_text` never raises, and every failure is a
diagnostic with a span inside the text."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialscript.dsl.load import compile_text

ROOT = Path(__file__).resolve().parents[2]
SEED_FLOWS = [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("flows/**/*.flow"))]
SEED_FLOWS += [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("examples/**/*.flow"))]
VOCABULARY = [
    "flow", "step", "end", "handler", "say", "ask", "menu", "if", "else", "->", "set", "=",
    "call", "with", "returning", "queue", "transfer", "record", "hangup", "sms", "email",
    "lookup", "from", "outcome", "resume", "at", "most", "times", "yes/no", "scale", "1..10",
    "one", "of", "choices", "schedule", "mon-fri", "09:00-18:00", "holiday", "2026-01-01",
    "silence", "invalid", "2", "key", "0", '"*"', "{{", "}}", '"текст {{ x }}"', "x", "score",
    "<=", "and", "not", "(", ")", "[", "]", ",", ".", "\n", "\n  ", "\n    ", "\t", "#", "\\",
    '"', "«", "中文", "\r\n", "\ufeff", "\x00",
]  # fmt: skip


def _assert_diagnostics_valid(text: str) -> None:
    result = compile_text(text, path="fuzz.flow")
    line_count = text.count("\n") + 2
    for diagnostic in result.diagnostics:
        span = diagnostic.span
        assert diagnostic.code.startswith("DS"), diagnostic
        assert diagnostic.message, diagnostic
        if span.path != "fuzz.flow":
            continue
        assert 1 <= span.line <= line_count, diagnostic
        assert span.column >= 1, diagnostic
        assert (span.end_line, span.end_column) >= (span.line, span.column), diagnostic
    if result.graph is not None:
        assert not [d for d in result.diagnostics if d.is_error]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(VOCABULARY), max_size=60).map(" ".join))
def test_random_token_soup(text: str) -> None:
    _assert_diagnostics_valid(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_random_unicode_text(text: str) -> None:
    _assert_diagnostics_valid(text)


@st.composite
def mutated_flow(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEED_FLOWS))
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, max(0, len(text) - 1)))
        action = draw(st.sampled_from(["delete", "insert", "replace", "drop_line", "dup_line"]))
        if action == "delete":
            end = position + draw(st.integers(1, 12))
            text = text[:position] + text[end:]
        elif action == "insert":
            text = text[:position] + draw(st.sampled_from(VOCABULARY)) + text[position:]
        elif action == "replace":
            text = text[:position] + draw(st.sampled_from(VOCABULARY)) + text[position + 1 :]
        else:
            lines = text.split("\n")
            index = draw(st.integers(0, len(lines) - 1))
            if action == "drop_line":
                del lines[index]
            else:
                lines.insert(index, lines[index])
            text = "\n".join(lines)
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_flow())
def test_mutated_reference_flows(text: str) -> None:
    _assert_diagnostics_valid(text)
