"""Flow coverage: which steps, branches and handlers of the flows the scenarios took.

A *branch* is a route out of a decision: an answer route, any-other-answer, an
`if` / `else`, silence / invalid N times, a lookup answered or failed, a failed
transfer, `at most` within or past its limit; and every handler entered.  Items
are keyed by their place in the .flow file, so a shared file (imported handlers,
subflows) is covered by any flow that runs it.  Hits come from the interpreter's
trace: an answer, the `why` of a re-ask, `route` of if / at-most nodes, `http`
and `transfer` results.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from dialscript.dsl.span import Span
from dialscript.graph import model as m
from dialscript.graph.flowgraph import FlowGraph
from dialscript.runtime.state import CallState

DECISIONS = ("ask", "branch", "lookup", "transfer", "limit")


@dataclass(frozen=True, slots=True)
class Item:
    """One thing a scenario can take: a step, a branch or a handler, at a .flow line."""

    file: str  # absolute path of the .flow file
    line: int
    column: int
    kind: str  # "step" | "handler" | a route kind
    label: str

    @property
    def is_branch(self) -> bool:
        return self.kind != "step"

    def where(self) -> str:
        return f"{_short(self.file)}:{self.line}"


def _short(path: str) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative


def _file(span: Span | None, fallback: str) -> tuple[str, int, int]:
    if span is None:
        return os.path.abspath(fallback), 0, 0
    return os.path.abspath(span.path), span.line, span.column


# ------------------------------------------------------------------ the items of a flow


def graphs_in(graph: FlowGraph) -> Iterator[FlowGraph]:
    """The flow and every subflow it can call, depth first."""
    seen: set[int] = set()
    stack = [graph]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        stack.extend(current.subflows.values())


def _target(graph: FlowGraph, node: m.Node, route: m.Route) -> str:
    target = graph.nodes.get(route.target)
    if target is None:
        return f"-> {route.target}"
    return "goes on" if target.step == node.step else f"-> {target.step}"


def _answers(route: m.Route) -> str:
    parts = [_num(a) for a in route.answers]
    parts += [f"{_num(low)}..{_num(high)}" for low, high in route.ranges]
    return ", ".join(parts)


def _num(value: str | float) -> str:
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


def route_label(graph: FlowGraph, node: m.Node, route: m.Route, index: int) -> str:
    """`step rate: answer 1..8 -> why` and the like."""
    to = _target(graph, node, route)
    kind = route.kind
    if node.kind == "ask":
        if kind == "answer":
            text = f"answer {_answers(route)}"
        elif kind == "otherwise":
            text = "any other answer (else)"
        elif kind in ("silence", "invalid"):
            text = f"{kind} {route.times or 1} times"
        else:
            text = "any other answer"
    elif node.kind == "branch":
        text = {"condition": f"if #{index}", "else": "else"}.get(kind, "no if held")
    elif node.kind == "lookup":
        text = "lookup failed" if kind == "error" else "lookup answered"
    elif node.kind == "transfer":
        text = f"{node.kind} failed" if kind in ("failed", "next", "goto") else kind
        if isinstance(node, m.TransferNode):
            text = f"{node.mode} {node.destination} failed"
    elif node.kind == "limit":
        times = node.times if isinstance(node, m.LimitNode) else "N"
        text = f"at most {times} times exceeded" if kind == "limit" else "within at most"
    else:
        text = kind
    return f"step {node.step}: {text} {to}"


def _decision_routes(node: m.Node) -> list[tuple[m.Route, int]]:
    """The node's branch routes with their `if` number; goto wins over next like the runtime."""
    routes: list[tuple[m.Route, int]] = []
    conditions = 0
    has_goto = any(r.kind == "goto" for r in node.routes)
    for route in node.routes:
        if route.kind == "condition":
            conditions += 1
        if route.kind == "next" and has_goto:
            continue
        routes.append((route, conditions))
    return routes


def items_of(graph: FlowGraph) -> dict[tuple[Any, ...], Item]:
    """Every step, branch and handler of `graph` and its subflows, keyed for hit lookups."""
    found: dict[tuple[Any, ...], Item] = {}
    for flow in graphs_in(graph):
        fallback = flow.model.path or flow.name
        for step in flow.model.steps:
            file, line, column = _file(step.span, fallback)
            found[(flow.name, "step", step.name)] = Item(
                file, line, column, "step", f"step {step.name}"
            )
        for handler in flow.model.handlers:
            file, line, column = _file(handler.span, fallback)
            found[(flow.name, "handler", handler.name)] = Item(
                file, line, column, "handler", f"handler {handler.name}"
            )
        for node in flow.model.nodes:
            routes = _decision_routes(node) if node.kind in DECISIONS else []
            if len(routes) < 2 and node.kind != "transfer":
                continue  # one way on: not a decision
            for route, number in routes:
                file, line, column = _file(route.span or node.span, fallback)
                label = route_label(flow, node, route, number)
                kind = "if" if route.kind == "condition" else route.kind
                found[(flow.name, node.id, id(route))] = Item(file, line, column, kind, label)
    return found


# ------------------------------------------------------------------ hits from a trace


def _answer_route(node: m.AskNode, value: Any) -> m.Route | None:
    """The route an accepted answer took (mirrors the interpreter's `route_answer`)."""
    answer_routes = [r for r in node.routes if r.kind == "answer"]
    for item in value if isinstance(value, list) else (value,):
        if isinstance(item, bool):
            continue
        keys: list[Any] = [item]
        if isinstance(item, str) and item.isdigit():
            keys.append(float(item))
        for key in keys:
            for route in answer_routes:
                if key in route.answers:
                    return route
        if isinstance(item, int | float):
            for route in answer_routes:
                if any(low <= item <= high for low, high in route.ranges):
                    return route
    return _first(node, "otherwise") or _go_on(node)


def _first(node: m.Node, kind: str) -> m.Route | None:
    return next((r for r in node.routes if r.kind == kind), None)


def _go_on(node: m.Node) -> m.Route | None:
    return _first(node, "goto") or _first(node, "next")


def _condition(node: m.Node, number: int) -> m.Route | None:
    conditions = [r for r in node.routes if r.kind == "condition"]
    return conditions[number - 1] if 0 < number <= len(conditions) else None


def route_taken(node: m.Node, entry: dict[str, Any]) -> m.Route | None:
    """The route a trace entry of `node` shows the call taking, if any."""
    if isinstance(node, m.AskNode):
        if "answer" in entry:
            return _answer_route(node, entry["answer"])
        why = str(entry.get("why", ""))
        if why.endswith(" times"):
            return _first(node, "silence" if why.startswith("silence") else "invalid")
        if why and "warning" in entry:
            return _go_on(node)
        return None
    taken = entry.get("route")
    if isinstance(taken, str):
        if taken.startswith("if "):
            return _condition(node, int(taken[3:]))
        if taken in ("else", "limit"):
            return _first(node, taken)
        if taken == "next":
            return _go_on(node)
    http = entry.get("http")
    if isinstance(http, str):
        return _go_on(node) if http == "ok" else _first(node, "error")
    transfer = entry.get("transfer")
    if isinstance(transfer, str) and transfer != "ok":
        return _first(node, "failed") or _go_on(node)
    return None


def hits_of(graph: FlowGraph, trace: Iterable[dict[str, Any]]) -> set[tuple[Any, ...]]:
    """The keys (as in `items_of`) of what one call's trace took."""
    flows = {flow.name: flow for flow in graphs_in(graph)}
    handlers = {(f.name, h.entry): h.name for f in flows.values() for h in f.model.handlers}
    hits: set[tuple[Any, ...]] = set()
    for entry in trace:
        if "step" not in entry:
            continue
        flow = flows.get(entry.get("flow") or graph.name)
        if flow is None:
            continue
        node = flow.nodes.get(str(entry.get("node")))
        if node is None:
            continue
        hits.add((flow.name, "step", node.step))
        handler = handlers.get((flow.name, node.id))
        if handler is not None and node.step == handler:
            hits.add((flow.name, "handler", handler))
        route = route_taken(node, entry)
        if route is not None:
            hits.add((flow.name, node.id, id(route)))
    return hits


# ------------------------------------------------------------------ recording and the report


@dataclass
class CoverageRecorder:
    """Collects what every scenario's call took, per flow graph."""

    graphs: dict[int, FlowGraph] = field(default_factory=dict)
    hits: dict[int, set[tuple[Any, ...]]] = field(default_factory=dict)
    calls: int = 0

    def add_graph(self, graph: FlowGraph) -> None:
        self.graphs.setdefault(id(graph), graph)
        self.hits.setdefault(id(graph), set())

    def record(self, graph: FlowGraph, state: CallState) -> None:
        self.add_graph(graph)
        self.hits[id(graph)] |= hits_of(graph, state.trace)
        self.calls += 1

    def report(self) -> CoverageReport:
        items: dict[Item, bool] = {}
        for key, graph in self.graphs.items():
            taken = self.hits[key]
            for item_key, item in items_of(graph).items():
                items[item] = items.get(item, False) or item_key in taken
        return CoverageReport(items, self.calls)


@dataclass
class FileCoverage:
    file: str
    branches: int
    branches_taken: int
    steps: int
    steps_taken: int
    missed: list[Item]

    @property
    def percent(self) -> float:
        return 100.0 * self.branches_taken / self.branches if self.branches else 100.0


@dataclass
class CoverageReport:
    items: dict[Item, bool]
    calls: int = 0

    def files(self) -> list[FileCoverage]:
        by_file: dict[str, list[tuple[Item, bool]]] = {}
        for item, taken in self.items.items():
            by_file.setdefault(item.file, []).append((item, taken))
        found = []
        for file in sorted(by_file, key=_short):
            entries = by_file[file]
            branches = [(i, t) for i, t in entries if i.is_branch]
            steps = [(i, t) for i, t in entries if not i.is_branch]
            missed = sorted((i for i, t in entries if not t), key=lambda i: (i.line, i.column))
            found.append(
                FileCoverage(
                    file,
                    len(branches),
                    sum(t for _, t in branches),
                    len(steps),
                    sum(t for _, t in steps),
                    missed,
                )
            )
        return found

    @property
    def percent(self) -> float:
        branches = [t for i, t in self.items.items() if i.is_branch]
        return 100.0 * sum(branches) / len(branches) if branches else 100.0

    def render(self) -> str:
        lines = [f"flow coverage ({self.calls} calls):"]
        total = taken = 0
        for file in self.files():
            total += file.branches
            taken += file.branches_taken
            lines.append(
                f"  {_short(file.file)}: {file.branches_taken}/{file.branches} branches"
                f" ({file.percent:.1f}%), {file.steps_taken}/{file.steps} steps"
            )
            for item in file.missed:
                what = "never entered" if item.kind in ("step", "handler") else "not taken"
                lines.append(f"    {item.where()}: {item.label} {what}")
        lines.append(f"  total: {taken}/{total} branches ({self.percent:.1f}%)")
        return "\n".join(lines)
