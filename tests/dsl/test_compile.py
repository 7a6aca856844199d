"""The compiler's contract: every shipped flow compiles, its JSON round-trips
exactly, and the content hash ignores layout but not behaviour."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialscript.dsl.load import compile_file, compile_text
from dialscript.graph import FlowGraph

ROOT = Path(__file__).resolve().parents[2]
FLOWS = sorted(ROOT.glob("flows/**/*.flow")) + sorted(ROOT.glob("examples/**/*.flow"))


@pytest.mark.parametrize("path", FLOWS, ids=[str(p.relative_to(ROOT)) for p in FLOWS])
def test_shipped_flow_compiles_and_round_trips(path: Path) -> None:
    result = compile_file(path)
    assert result.graph is not None, [str(d) for d in result.diagnostics]
    text = result.graph.to_json()
    again = FlowGraph.from_json(text)
    assert again.to_json() == text
    assert again.model == result.graph.model
    assert again.content_hash == result.graph.content_hash


SMALL = """\
flow survey "Опрос"
  language ru
  result score number 1..10
  outcome completed

step rate
  ask score "Оцените нас" scale 1..10
    1..8 -> why
    else -> bye

step why
  say "Жаль"
  -> bye

end bye completed
  say "Спасибо"
"""


def test_layout_does_not_change_the_hash() -> None:
    relaid = SMALL.replace("\nstep why", "\n\n\n# a comment\nstep why")
    first = compile_text(SMALL, path="a.flow")
    second = compile_text(relaid, path="b.flow")
    assert first.graph is not None and second.graph is not None
    assert first.graph.content_hash == second.graph.content_hash


def test_behaviour_changes_the_hash() -> None:
    rewired = SMALL.replace("1..8 -> why", "1..7 -> why")
    first = compile_text(SMALL)
    second = compile_text(rewired)
    assert first.graph is not None and second.graph is not None
    assert first.graph.content_hash != second.graph.content_hash


def test_nodes_and_typed_routes() -> None:
    result = compile_text(SMALL)
    assert result.graph is not None
    graph = result.graph
    assert graph.start == "rate"
    rate = graph.node("rate")
    assert rate.kind == "ask"
    kinds = [(r.kind, r.target, r.ranges) for r in rate.routes]
    assert kinds == [("answer", "why", ((1.0, 8.0),)), ("otherwise", "bye", ())]
    assert [n.kind for n in graph.model.nodes if n.step == "bye"] == ["outcome", "say", "hangup"]
    edge_kinds = {data["kind"] for _, _, data in graph.graph.edges(data=True)}
    assert {"answer", "otherwise", "goto", "next"} <= edge_kinds


def test_moving_a_step_does_not_change_the_hash() -> None:
    head, why, bye = SMALL.split("\n\n")[1], SMALL.split("\n\n")[2], SMALL.split("\n\n")[3]
    header = SMALL.split("\n\n")[0]
    moved = "\n\n".join([header, head, bye, why]) + "\n"
    first = compile_text(SMALL)
    second = compile_text(moved)
    assert first.graph is not None and second.graph is not None
    assert first.graph.content_hash == second.graph.content_hash
