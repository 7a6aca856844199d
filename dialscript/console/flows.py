"""The flows the console offers: every `*.flow` in the flows folder that compiles,
and every version a journaled call ran (kept in the database, to resume it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dialscript.console.db import ConsoleDB
from dialscript.dsl.load import compile_file
from dialscript.graph.flowgraph import FlowGraph

__all__ = ["FlowLibrary", "OPERATOR_INPUT"]

OPERATOR_INPUT = "operator_name"  # filled in with the agent's name, never from the contact


@dataclass(frozen=True, slots=True)
class FlowInfo:
    name: str
    title: str
    inputs: tuple[str, ...]  # contact fields (the operator's name excluded)
    required: tuple[str, ...]


class FlowLibrary:
    def __init__(self, folder: Path, db: ConsoleDB) -> None:
        self.folder = folder
        self.db = db
        self.current: dict[str, FlowGraph] = {}
        self.problems: dict[str, str] = {}
        self._by_hash: dict[str, FlowGraph] = {}
        for path in sorted(folder.glob("*.flow")):
            compiled = compile_file(path)
            if compiled.graph is None:
                self.problems[path.name] = f"{len(compiled.diagnostics)} problem(s)"
                continue
            graph = compiled.graph
            self.current[graph.name] = graph
            self._by_hash[graph.content_hash] = graph
            db.save_flow(graph.content_hash, graph.name, graph.to_json(indent=None))

    def get(self, name: str) -> FlowGraph | None:
        return self.current.get(name)

    def by_hash(self, content_hash: str) -> FlowGraph | None:
        graph = self._by_hash.get(content_hash)
        if graph is None:
            text = self.db.flow_json(content_hash)
            if text is not None:
                graph = self._by_hash[content_hash] = FlowGraph.from_json(text)
        return graph

    def info(self, name: str) -> FlowInfo | None:
        graph = self.current.get(name)
        if graph is None:
            return None
        inputs = [v for v in graph.model.variables if v.role == "input"]
        names = tuple(v.name for v in inputs if v.name != OPERATOR_INPUT)
        required = tuple(v.name for v in inputs if not v.optional and v.name != OPERATOR_INPUT)
        return FlowInfo(graph.name, graph.model.title or graph.name, names, required)

    def infos(self) -> list[FlowInfo]:
        return [info for name in sorted(self.current) if (info := self.info(name))]
