"""The content hash is the flow's behaviour: every change of what a call does changes it,
and only layout (positions, the file's path, the order of blocks, formatting) does not.

Every leaf of every compiled flow in flows/ and examples/ is mutated in turn (a target,
a variable, an operator, a constant, a text, a count, a flag ...); a mutation that still
validates must change the hash, unless the leaf lies in a field marked LAYOUT.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from dialscript.dsl.format import format_text
from dialscript.dsl.load import compile_file, compile_text
from dialscript.graph.flowgraph import FlowGraph
from dialscript.graph.model import LAYOUT

REPO = Path(__file__).resolve().parents[2]
FLOWS = sorted([*REPO.glob("flows/**/*.flow"), *REPO.glob("examples/**/*.flow")])

Path_ = tuple[str | int, ...]


def _graph(path: Path) -> FlowGraph:
    compiled = compile_file(path)
    assert compiled.graph is not None, path
    return compiled.graph


def _leaves(value: Any, at: Path_ = (), layout: bool = False) -> Iterator[tuple[Path_, Any, bool]]:
    """Every scalar of the model with its JSON path, and whether a LAYOUT field holds it."""
    if isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            yield from _leaves(
                getattr(value, name), (*at, name), layout or LAYOUT in field.metadata
            )
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _leaves(item, (*at, index), layout)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*at, str(key)), layout)
    elif value is not None:
        yield at, value, layout


def _set(data: Any, at: Path_, value: Any) -> None:
    for step in at[:-1]:
        data = data[step]
    data[at[-1]] = value


def _candidates(value: Any, seen: list[Any]) -> Iterator[Any]:
    """Changed values to try: a plain edit first, then other values the same field takes."""
    if isinstance(value, bool):
        yield not value
    elif isinstance(value, int):
        yield value + 1
    elif isinstance(value, float):
        yield value + 0.5
    elif isinstance(value, str):
        yield value + "x"
        yield from (other for other in seen if other != value)


def test_every_behavioural_change_changes_the_hash() -> None:
    graphs = {path: _graph(path) for path in FLOWS}
    values: dict[str, list[Any]] = defaultdict(list)  # per field name, every value seen
    for graph in graphs.values():
        for at, value, _ in _leaves(graph.model):
            if isinstance(value, str) and value not in values[str(at[-1])]:
                values[str(at[-1])].append(value)
    tried = changed = layout_kept = 0
    unchanged: list[str] = []
    for path, graph in graphs.items():
        original = graph.content_hash
        data = graph.to_dict()
        for at, value, layout in _leaves(graph.model):
            for candidate in _candidates(value, values[str(at[-1])]):
                _set(data, at, candidate)
                try:
                    other = FlowGraph.from_dict(data)
                except (ValidationError, ValueError, TypeError):
                    continue  # not a flow any more: try the next change of this leaf
                finally:
                    _set(data, at, value)
                tried += 1
                if layout:
                    layout_kept += other.content_hash == original
                    if other.content_hash != original:
                        unchanged.append(f"{path.name} {at}: a LAYOUT field changed the hash")
                elif other.content_hash != original:
                    changed += 1
                else:
                    unchanged.append(f"{path.name} {at}: {value!r} -> {candidate!r}")
                break
    print(f"{len(graphs)} flows: {tried} mutations tried, {changed} behavioural ones changed"
          f" the hash, {layout_kept} layout ones left it alone")  # fmt: skip
    assert not unchanged, "\n".join(unchanged[:20])
    assert changed > 1000 and layout_kept >= len(graphs)  # every flow's path at least


@pytest.mark.parametrize("path", FLOWS, ids=lambda p: p.name)
def test_layout_leaves_the_hash_alone(path: Path) -> None:
    graph = _graph(path)
    source = path.read_text(encoding="utf-8")
    formatted = compile_text(format_text(source, path=str(path)), path=str(path)).graph
    assert formatted is not None and formatted.content_hash == graph.content_hash
    moved = compile_text(source, path=str(path.with_name("elsewhere.flow"))).graph
    assert moved is not None and moved.content_hash == graph.content_hash
    data = graph.to_dict()
    for field in ("steps", "nodes", "handlers", "variables", "outcomes"):
        data[field] = list(reversed(data.get(field, [])))
    assert FlowGraph.from_dict(data).content_hash == graph.content_hash
