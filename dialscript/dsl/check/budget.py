"""DS210: the longest spoken path against the flow's `budget`.

Each node costs the characters of its spoken text (say, the question, its reprompts)
in the default language at `CheckOptions.speech_rate`, a `{{ placeholder }}` counting
as ten characters, plus SECONDS_PER_ANSWER per question.  A subflow call costs the
subflow's longest path.  Loops count once: the path is the longest one through the
graph of strongly connected components.  Handlers are not counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import networkx as nx

from dialscript.dsl.check.context import FALLBACK_SPEECH_RATE, SECONDS_PER_ANSWER, CheckContext
from dialscript.dsl.codes import Code
from dialscript.dsl.diagnostics import Diagnostic
from dialscript.dsl.span import Span
from dialscript.graph import FlowGraph
from dialscript.graph.model import Node, Text

_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_PLACEHOLDER_CHARS = 10


def _chars(text: Text | None, language: str) -> int:
    if not text:
        return 0
    value = text.get(language) or next(iter(text.values()), "")
    stripped, count = _PLACEHOLDER.subn("", value)
    return len(stripped.strip()) + count * _PLACEHOLDER_CHARS


def _seconds(node: Node, language: str, rate: float, subflows: dict[str, float]) -> float:
    match node.kind:
        case "say":
            return _chars(node.text, language) / rate
        case "ask":
            spoken = _chars(node.text, language) + sum(_chars(r, language) for r in node.reprompts)
            return spoken / rate + SECONDS_PER_ANSWER
        case "call":
            return subflows.get(node.flow, 0.0)
    return 0.0


def longest_path(graph: FlowGraph, rate: dict[str, float]) -> tuple[float, list[str]]:
    """Seconds of the longest spoken path from the start, and the steps along it."""
    language = graph.model.languages[0] if graph.model.languages else "en"
    speed = rate.get(language, FALLBACK_SPEECH_RATE)
    subflows = {name: longest_path(sub, rate)[0] for name, sub in graph.subflows.items()}
    nodes = graph.nodes
    if graph.start not in nodes:
        return 0.0, []
    routes = nx.DiGraph()
    routes.add_nodes_from(nodes)
    routes.add_edges_from(
        (node.id, r.target) for node in graph.model.nodes for r in node.routes if r.target in nodes
    )
    condensed = nx.condensation(routes)
    order = {node.id: index for index, node in enumerate(graph.model.nodes)}
    members: dict[int, list[str]] = {
        c: sorted(data["members"], key=order.__getitem__) for c, data in condensed.nodes(data=True)
    }
    mapping: dict[str, int] = condensed.graph["mapping"]
    cost = {
        c: sum(_seconds(nodes[n], language, speed, subflows) for n in names)
        for c, names in members.items()
    }
    best: dict[int, tuple[float, int | None]] = {}
    for component in reversed(list(nx.topological_sort(condensed))):
        tail = max(
            ((best[s][0], s) for s in condensed.successors(component)),
            default=(0.0, None),
        )
        best[component] = (cost[component] + tail[0], tail[1])
    steps: list[str] = []
    current: int | None = mapping[graph.start]
    while current is not None:
        for node_id in members[current]:
            step = nodes[node_id].step
            if step not in steps:
                steps.append(step)
        current = best[current][1]
    return best[mapping[graph.start]][0], steps


def over_budget(context: CheckContext) -> Iterator[Diagnostic]:
    header = context.scope.module.flow
    if header is None or header.budget_seconds is None:
        return
    seconds, steps = longest_path(context.graph, context.options.speech_rate)
    budget = header.budget_seconds
    if seconds <= budget:
        return
    path = " -> ".join(steps)
    yield Code.DS210.at(
        _budget_span(context),
        f"the longest path takes about {seconds:.0f}s to speak; the budget is {budget:.0f}s",
        hint=f"the longest path: {path}; shorten its texts or questions",
    )


def _budget_span(context: CheckContext) -> Span:
    header = context.scope.module.flow
    assert header is not None
    lines = context.scope.sources.get(header.span.path, "").splitlines()
    for number in range(header.span.line, len(lines) + 1):
        text = lines[number - 1]
        column = text.find("budget")
        if column >= 0 and text[:column].strip() == "":
            end = len(text.split("#")[0].rstrip())
            return Span(header.span.path, number, column + 1, number, end + 1)
    return header.name.span
