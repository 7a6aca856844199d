"""Rendered scripts: Markdown goldens, inert HTML for hostile prompt text, the recording book."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dialscript.cli.main import main
from dialscript.dsl.load import compile_file, compile_text
from dialscript.graph.flowgraph import FlowGraph
from dialscript.render import render_script
from dialscript.render.document import NO_DRAWING, Drawing
from tests.render.conftest import REPO, Golden

HOSTILE = """\
flow evil "Evil <b>title</b>"
  language ru
  input client_name text
  result ok yes/no
  outcome completed "Done <i>!</i>"
step a
  say "<script>alert('x')</script> {{ client_name }}"
  note "<img src=x onerror=alert(1)>"
  ask ok "Да? <script>alert(2)</script>" yes/no
    hint "**bold** [link](javascript:alert(3))"
    yes -> done
    no -> done
  -> done
end done completed
"""


def _graph(path: str) -> FlowGraph:
    compiled = compile_file(REPO / path)
    assert compiled.graph is not None, compiled.diagnostics
    return compiled.graph


def _hostile() -> FlowGraph:
    compiled = compile_text(HOSTILE, path="evil.flow")
    assert compiled.graph is not None, compiled.diagnostics
    return compiled.graph


@pytest.mark.parametrize(
    ("flow", "name"),
    [
        ("flows/nps_survey.flow", "nps_survey.md"),
        ("examples/languages.flow", "languages.md"),
        ("examples/handlers.flow", "handlers.md"),
    ],
)
def test_markdown_golden(flow: str, name: str, golden: Golden) -> None:
    golden(name, render_script(_graph(flow), "md", drawing=NO_DRAWING))


@pytest.mark.parametrize(
    ("flow", "name"),
    [("flows/nps_survey.flow", "nps_survey.book.md"), ("examples/play.flow", "play.book.md")],
)
def test_book_golden(flow: str, name: str, golden: Golden) -> None:
    golden(name, render_script(_graph(flow), "book"))


def test_script_in_prompt_is_inert_html() -> None:
    html = render_script(_hostile(), "html", drawing=NO_DRAWING)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "<b>title</b>" not in html
    assert '<mark class="field"' in html and "«client_name»" in html


def test_script_in_prompt_is_inert_markdown() -> None:
    text = render_script(_hostile(), "md", drawing=NO_DRAWING)
    assert "<script>" not in text
    assert text.count("<img") == text.count(r"\<img") == 1
    assert r"\<script\>" in text
    assert r"\[link\](javascript:alert(3))" in text


def test_every_shipped_flow_renders() -> None:
    for path in sorted((REPO / "flows").glob("*.flow")) + sorted(
        (REPO / "examples").glob("*.flow")
    ):
        compiled = compile_file(path)
        if compiled.graph is None:
            continue
        for fmt in ("html", "md", "book"):
            assert render_script(compiled.graph, fmt, drawing=NO_DRAWING)  # type: ignore[arg-type]


def test_html_shows_every_step_question_and_handler() -> None:
    html = render_script(_graph("flows/nps_survey.flow"), "html", drawing=NO_DRAWING)
    wanted = ("Вам удобно сейчас разговаривать?", "ассортимент товара", "У вас дорого",
              'href="#nps_survey-why"', "Выслушайте ответ клиента", "«operator_name»")  # fmt: skip
    for text in wanted:
        assert text in html


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_graph_is_embedded_as_an_image() -> None:
    html = render_script(_graph("flows/nps_survey.flow"), "html")
    assert '<img class="graph" src="data:image/svg+xml;base64,' in html


def test_missing_graphviz_gives_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    html = render_script(_graph("flows/nps_survey.flow"), "html")
    assert 'class="missing"' in html and "Graphviz" in html
    assert render_script(_hostile(), "md", drawing=Drawing(note="no <dot>")).count(r"\<dot\>") == 1


def test_cli_render_writes_the_format_of_the_suffix(tmp_path: Path) -> None:
    out = tmp_path / "nps.html"
    assert main(["render", str(REPO / "flows/nps_survey.flow"), "-o", str(out), "--no-graph"]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
    book = tmp_path / "book.md"
    assert main(["render", str(REPO / "flows/nps_survey.flow"), "--format", "book",
                 "-o", str(book)]) == 0  # fmt: skip
    assert "Recordings to make" in book.read_text(encoding="utf-8")


def test_cli_render_fails_on_a_broken_flow(tmp_path: Path) -> None:
    bad = tmp_path / "bad.flow"
    bad.write_text("step a\n  -> nowhere\n", encoding="utf-8")
    assert main(["render", str(bad)]) == 1
