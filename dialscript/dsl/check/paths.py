"""Where the call can go: reachability, dead ends and loops with no way out, on the FlowGraph.

Computed once per check (`CheckContext.paths`): successors by route, the nodes
reachable from the start and the handlers, the nodes that end the call, and the
nodes whose statements run out with nowhere to go.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import networkx as nx

from dialscript.dsl.check.context import CheckContext
from dialscript.dsl.check.walk import first_line
from dialscript.dsl.codes import Code
from dialscript.dsl.diagnostics import Diagnostic
from dialscript.graph import FlowGraph
from dialscript.graph.model import Node

# Nodes after which the call is over (or back where it was, for `resume`).
_ENDS = frozenset({"hangup", "resume", "transfer"})
# Nodes that go on to the following line when nothing else routes the call.
_FALLS_THROUGH = frozenset(
    {"say", "play", "note", "set", "call", "record", "sms", "notify", "lookup", "outcome", "limit"}
)
_ONWARD = frozenset({"next", "goto", "else"})


@dataclass(frozen=True)
class Paths:
    successors: dict[str, tuple[str, ...]]
    reachable: frozenset[str]
    ends: frozenset[str]
    dead_ends: tuple[str, ...]  # in node order


def is_dead_end(node: Node) -> bool:
    kinds = {r.kind for r in node.routes}
    if node.kind in _FALLS_THROUGH or node.kind == "branch":
        return not kinds & _ONWARD
    if node.kind == "ask":
        return not node.routes
    return False


def analyse_paths(graph: FlowGraph) -> Paths:
    nodes = graph.nodes
    successors = {
        node.id: tuple(dict.fromkeys(r.target for r in node.routes if r.target in nodes))
        for node in graph.model.nodes
    }
    asks = [n.id for n in graph.model.nodes if n.kind == "ask"]
    handlers = [h.entry for h in graph.model.handlers if h.entry in nodes]
    roots = [graph.start] if graph.start in nodes else []
    reachable = _reach([*roots, *(handlers if asks else ())], successors)
    dead = tuple(n.id for n in graph.model.nodes if is_dead_end(n))
    ends = frozenset(n.id for n in graph.model.nodes if n.kind in _ENDS)
    return Paths(successors, reachable, ends, dead)


def _reach(roots: Iterable[str], successors: dict[str, tuple[str, ...]]) -> frozenset[str]:
    seen = set(roots)
    queue = deque(seen)
    while queue:
        for target in successors.get(queue.popleft(), ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return frozenset(seen)


def unreachable_steps(context: CheckContext) -> Iterator[Diagnostic]:
    """DS201: a step that no path from the start (or from a handler) reaches."""
    paths = context.paths
    entries = context.graph.step_entries
    for step in context.scope.module.steps:
        entry = entries.get(step.name.value)
        if (
            entry is None
            or entry in paths.reachable
            or context.scope.steps.get(step.name.value) is not step
        ):
            continue
        yield Code.DS201.at(
            step.name.span,
            f'no path leads to step "{step.name.value}"',
            hint=f"route a question or a `-> {step.name.value}` to it, or delete the step",
        )


def dead_ends(context: CheckContext) -> Iterator[Diagnostic]:
    """DS202: a step whose statements run out without a jump, a hangup or a transfer."""
    for node_id in context.paths.dead_ends:
        if node_id not in context.paths.reachable:
            continue  # DS201 / DS211 say why it never runs
        node = context.graph.nodes[node_id]
        if node.span is None or node.span.path != context.scope.path:
            continue
        where = "handler" if node.step in context.scope.handlers else "step"
        if node.kind == "branch":
            message = f'when no condition holds, {where} "{node.step}" has nowhere to go'
            hint = "add `else -> STEP`, or a line after the conditions saying where to go"
        elif node.kind == "ask":
            message = f'{where} "{node.step}" ends with a question that leads nowhere'
            hint = "route its answers (`yes -> STEP`, `else -> STEP`) or add `-> STEP` after it"
        else:
            message = f'{where} "{node.step}" ends here without saying where the call goes next'
            hint = "end the step with `-> STEP` or `hangup`, or make it `end NAME OUTCOME`"
        yield Code.DS202.at(first_line(node.span), message, hint=hint)


def endless_loops(context: CheckContext) -> Iterator[Diagnostic]:
    """DS203: steps that route to each other with no route ever leaving the circle."""
    paths = context.paths
    stops = paths.ends | frozenset(paths.dead_ends)
    predecessors: dict[str, list[str]] = {}
    for source, targets in paths.successors.items():
        for target in targets:
            predecessors.setdefault(target, []).append(source)
    can_stop = _reach(stops, {k: tuple(v) for k, v in predecessors.items()})
    trapped = [n for n in paths.reachable if n not in can_stop]
    if not trapped:
        return
    graph = nx.DiGraph()
    graph.add_nodes_from(trapped)
    trapped_set = set(trapped)
    graph.add_edges_from(
        (n, t) for n in trapped for t in paths.successors.get(n, ()) if t in trapped_set
    )
    order = {node.id: index for index, node in enumerate(context.graph.model.nodes)}
    for component in nx.strongly_connected_components(graph):
        if len(component) == 1:
            only = next(iter(component))
            if only not in paths.successors.get(only, ()):
                continue
        members = sorted(component, key=order.__getitem__)
        steps = list(dict.fromkeys(context.graph.nodes[n].step for n in members))
        first = context.scope.steps.get(steps[0]) or context.scope.handlers.get(steps[0])
        if first is None or first.span.path != context.scope.path:
            continue
        named = ", ".join(f'"{s}"' for s in steps)
        what = "step" if len(steps) == 1 else "steps"
        yield Code.DS203.at(
            first.name.span,
            f"the call can never leave the loop through {what} {named}",
            hint="give it a way out: an answer or condition leading elsewhere, "
            "`silence N times -> STEP`, or `at most N times -> STEP`",
        )
