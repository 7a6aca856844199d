"""The formatter: idempotent, behaviour-preserving, comment-keeping, on every shipped flow."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialscript.dsl.format import format_text
from dialscript.dsl.load import compile_text
from dialscript.dsl.parser import FlowSyntaxError

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
FLOWS = sorted(
    [*REPO.glob("flows/**/*.flow"), *REPO.glob("examples/**/*.flow"), *DATA.glob("*.flow")]
)


def _behaviour(text: str, path: str) -> object:
    compiled = compile_text(text, path=path)
    if compiled.graph is not None:
        return compiled.graph.content_hash
    return [(d.code, d.message) for d in compiled.diagnostics]


@pytest.mark.parametrize("path", FLOWS, ids=lambda p: str(p.relative_to(REPO)))
def test_idempotent_and_same_behaviour(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    once = format_text(text, path=str(path))
    assert format_text(once, path=str(path)) == once
    assert _behaviour(once, str(path)) == _behaviour(text, str(path))


@pytest.mark.parametrize("path", FLOWS, ids=lambda p: str(p.relative_to(REPO)))
def test_comments_and_texts_are_kept(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    once = format_text(text, path=str(path))
    for line in text.splitlines():
        if line.strip().startswith("#"):
            assert line.strip() in once
    assert once.count('"') == text.count('"')


def test_indentation_and_spacing() -> None:
    messy = (
        'flow  f\n    result  n  number 1 .. 10\nstep  a\n      ask n "How many?"\n'
        "          1 , 2 ->b\n          3..10->   c\n      -> c\nend c  done\nend b done\n"
    )
    assert format_text(messy) == (
        "flow f\n"
        "  result n number 1..10\n"
        "\n"
        "step a\n"
        '  ask n "How many?"\n'
        "    1, 2  -> b\n"
        "    3..10 -> c\n"
        "  -> c\n"
        "\n"
        "end c done\n"
        "end b done\n"
    )


def test_blank_line_between_top_level_blocks() -> None:
    text = 'step a\n  say "x"\n  -> b\nend b done\n  hangup\nstart a\n'
    assert format_text(text) == ('step a\n  say "x"\n  -> b\n\nend b done\n  hangup\n\nstart a\n')


def test_long_texts_are_never_rewrapped() -> None:
    long = "a " * 80
    text = f'step a\n  say   "{long}"\n  hangup\n'
    assert f'  say "{long}"\n' in format_text(text)


def test_end_of_line_comments_share_a_column() -> None:
    text = 'step a\n  say "x" # one\n  hangup   # two\n'
    assert format_text(text) == 'step a\n  say "x"  # one\n  hangup   # two\n'


def test_comments_stay_in_their_block() -> None:
    text = "step a\n  hangup\n  # still in a\n# before b\nstep b\n  hangup\n"
    assert format_text(text) == (
        "step a\n  hangup\n  # still in a\n\n# before b\nstep b\n  hangup\n"
    )


def test_hour_ranges_dotted_names_and_parentheses() -> None:
    text = (
        "schedule s\n  mon-fri 09:00 - 18:00 , 19:00-20:00\n"
        "step a\n  if not ( order . status == 1 ) and open s -> a\n  hangup\n"
    )
    formatted = format_text(text)
    assert "  mon-fri 09:00-18:00, 19:00-20:00\n" in formatted
    assert "  if not (order.status == 1) and open s -> a\n" in formatted


def test_crlf_bom_and_missing_final_newline() -> None:
    assert format_text('\ufeffstep a\r\n  say "x"\r\n  hangup') == 'step a\n  say "x"\n  hangup\n'


def test_refuses_syntax_errors() -> None:
    with pytest.raises(FlowSyntaxError) as error:
        format_text('step a\n  say "x\n', path="bad.flow")
    assert error.value.diagnostic.code == "DS004"
