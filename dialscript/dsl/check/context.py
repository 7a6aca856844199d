"""What every checker rule reads: the resolved scope, the lowered flow, and the analyses
several rules share (computed once per check, on first use)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from dialscript.dsl import ast
from dialscript.dsl.resolve import Scope
from dialscript.graph import FlowGraph

if TYPE_CHECKING:
    from dialscript.dsl.check.dataflow import SetFacts
    from dialscript.dsl.check.paths import Paths

# Characters spoken per second, per language, for the duration budget.
DEFAULT_SPEECH_RATE = {"ru": 14.0, "en": 15.0, "zh": 5.0, "tt": 14.0, "ba": 14.0}
FALLBACK_SPEECH_RATE = 14.0
SECONDS_PER_ANSWER = 2.0


@dataclass(frozen=True)
class CheckOptions:
    speech_rate: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SPEECH_RATE))
    environments: tuple[str, ...] | None = None  # None: every environment in the bindings


@dataclass(frozen=True)
class CheckContext:
    scope: Scope
    graph: FlowGraph
    options: CheckOptions = field(default_factory=CheckOptions)

    @cached_property
    def node_of(self) -> dict[int, str]:
        """id(statement) -> the graph node that runs it (own steps and handlers).

        The `if` lines of one group share the group's branch node; a jump merged
        into the node before it maps to that node.
        """
        by_span = {
            (n.span.path, n.span.line, n.span.column): n.id
            for n in self.graph.model.nodes
            if n.span is not None
        }
        found: dict[int, str] = {}
        blocks: list[ast.Step | ast.Handler] = [
            *self.scope.module.steps,
            *self.scope.module.handlers,
        ]
        for block in blocks:
            previous: str | None = None
            for stmt in block.body:
                node = by_span.get((stmt.span.path, stmt.span.line, stmt.span.column), previous)
                if node is not None:
                    found[id(stmt)] = node
                    previous = node
        return found

    @cached_property
    def paths(self) -> Paths:
        from dialscript.dsl.check.paths import analyse_paths

        return analyse_paths(self.graph)

    @cached_property
    def set_facts(self) -> SetFacts:
        from dialscript.dsl.check.dataflow import analyse_sets

        return analyse_sets(self)
