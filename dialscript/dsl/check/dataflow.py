"""Which variables are surely set when the call reaches each node (a must analysis).

Forward over the FlowGraph, intersecting at joins.  At the start: the inputs and the
variables with a default.  A question sets its variable on its answer routes (not on
silence or invalid), a lookup on success (not on `error`), `set`, `record` and a
subflow's non-optional returned results set theirs, and `if x is set -> s` tells
`s` that x is set.  A handler can interrupt any question, so it starts with what
is set at every question the call can reach (the graph's `handler` edges).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dialscript.graph import expr as ir
from dialscript.graph.model import Node, Route

if TYPE_CHECKING:
    from dialscript.dsl.check.context import CheckContext
    from dialscript.dsl.resolve import Scope

Edge = tuple[str, frozenset[str]]  # target, the variables the route adds


class Names:
    """A set of variable names kept as the bits of an int: the analysis joins and
    extends such sets at every node, so each operation must not cost O(variables)."""

    __slots__ = ("bits", "index")

    def __init__(self, bits: int, index: dict[str, int]) -> None:
        self.bits = bits
        self.index = index

    def _of(self, names: Iterable[str]) -> int:
        if isinstance(names, Names):
            return names.bits
        bits = 0
        for name in names:
            position = self.index.get(name)
            if position is not None:
                bits |= 1 << position
        return bits

    def __contains__(self, name: object) -> bool:
        position = self.index.get(name) if isinstance(name, str) else None
        return position is not None and bool(self.bits >> position & 1)

    def __or__(self, names: Iterable[str]) -> Names:
        extra = self._of(names)
        unknown = [n for n in names if n not in self.index] if not isinstance(names, Names) else []
        if unknown:
            for name in unknown:
                self.index[name] = len(self.index)
            extra = self._of(names)
        return Names(self.bits | extra, self.index)

    __ror__ = __or__

    def __iter__(self) -> Iterator[str]:
        return (name for name, position in self.index.items() if self.bits >> position & 1)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Names) and other.bits == self.bits

    def __hash__(self) -> int:
        return hash(self.bits)


@dataclass(frozen=True)
class SetFacts:
    before: dict[str, Names]  # node -> variables surely set on entry (reached nodes)
    edges: dict[str, tuple[Edge, ...]]  # node -> its routes with what they add
    initial: frozenset[str]
    steps: dict[str, str]  # node -> its step

    def missing_from(self, node: str, var: str, step: str) -> str | None:
        """A node of another step from which the call arrives at `node` without `var`."""
        incoming: dict[str, list[str]] = {}
        for source, edges in self.edges.items():
            state = self.before.get(source)
            if state is None or var in state:
                continue
            for target, added in edges:
                if var not in added:
                    incoming.setdefault(target, []).append(source)
        seen = {node}
        queue = deque([node])
        first: str | None = None
        while queue:
            for source in incoming.get(queue.popleft(), ()):
                if source in seen:
                    continue
                if self.steps.get(source) != step:
                    return source
                first = first or source
                seen.add(source)
                queue.append(source)
        return first


def initial_set(scope: Scope) -> frozenset[str]:
    return frozenset(
        v.name for v in scope.variables.values() if v.role == "input" or v.default is not None
    )


def set_if_true(expr: ir.Expr) -> frozenset[str]:
    """Variables a condition proves set when it holds (`x is set`, `a is set and ...`)."""
    match expr:
        case ir.IsSet(value=ir.Var(path=path), negated=False):
            return frozenset({path[0]})
        case ir.BoolOp(kind="and"):
            return frozenset().union(*(set_if_true(v) for v in expr.values))
        case ir.Not(value=inner):
            return set_if_false(inner)
    return frozenset()


def set_if_false(expr: ir.Expr) -> frozenset[str]:
    match expr:
        case ir.IsSet(value=ir.Var(path=path), negated=True):
            return frozenset({path[0]})
        case ir.BoolOp(kind="or"):
            return frozenset().union(*(set_if_false(v) for v in expr.values))
        case ir.Not(value=inner):
            return set_if_true(inner)
    return frozenset()


def _returned(scope: Scope, node: Node) -> frozenset[str]:
    if node.kind != "call":
        return frozenset()
    sub = scope.subflows.get(node.flow)
    found = set()
    for local, result in node.returning.items():
        variable = sub.variables.get(result) if sub else None
        if variable is not None and not variable.optional:
            found.add(local)
    return frozenset(found)


def _edges(scope: Scope, node: Node) -> Iterator[Edge]:
    none: frozenset[str] = frozenset()
    own = none
    if node.kind in ("set", "record"):
        own = frozenset({node.var})
    elif node.kind == "call":
        own = _returned(scope, node)
    failed_so_far: frozenset[str] = none
    for route in node.routes:
        yield route.target, own | _route_adds(node, route, failed_so_far)
        if route.kind == "condition" and route.when is not None:
            failed_so_far = failed_so_far | set_if_false(route.when)


def _route_adds(node: Node, route: Route, failed: frozenset[str]) -> frozenset[str]:
    if node.kind == "ask":
        return frozenset() if route.kind in ("silence", "invalid") else frozenset({node.var})
    if node.kind == "lookup":
        return frozenset() if route.kind == "error" else frozenset({node.var})
    if route.kind == "condition" and route.when is not None:
        return failed | set_if_true(route.when)
    return failed


def analyse_sets(context: CheckContext) -> SetFacts:
    graph = context.graph
    scope = context.scope
    nodes = graph.nodes
    edges: dict[str, tuple[Edge, ...]] = {}
    for node in graph.model.nodes:
        own = tuple((t, added) for t, added in _edges(scope, node) if t in nodes)
        edges[node.id] = own
    asks = [n.id for n in graph.model.nodes if n.kind == "ask"]
    handlers = [h.entry for h in graph.model.handlers if h.entry in nodes]
    initial = initial_set(scope)
    index: dict[str, int] = {}
    for name in (*scope.variables, *initial):
        index.setdefault(name, len(index))
    for routes in edges.values():
        for _, added in routes:
            for name in added:
                index.setdefault(name, len(index))

    def bits(names: Iterable[str]) -> int:
        value = 0
        for name in names:
            value |= 1 << index[name]
        return value

    bit_edges = {node: [(t, bits(added)) for t, added in out] for node, out in edges.items()}
    start_bits = bits(initial)
    before: dict[str, int] = {}
    queue: deque[str] = deque()
    if graph.start in nodes:
        before[graph.start] = start_bits
        queue.append(graph.start)
    if not asks:
        for entry in handlers:
            before[entry] = start_bits
            queue.append(entry)
    ask_set = set(asks)
    while queue:
        node_id = queue.popleft()
        state = before[node_id]
        out = [(t, state | added) for t, added in bit_edges[node_id]]
        if node_id in ask_set:
            out.extend((entry, state) for entry in handlers)
        for target, value in out:
            old = before.get(target)
            new = value if old is None else old & value
            if old is None or new != old:
                before[target] = new
                queue.append(target)
    steps = {node.id: node.step for node in graph.model.nodes}
    views = {node: Names(value, index) for node, value in before.items()}
    return SetFacts(views, edges, initial, steps)
