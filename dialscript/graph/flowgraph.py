"""FlowGraph: a FlowModel with its networkx graph, JSON form and content hash."""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from typing import Any

import networkx as nx
from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from dialscript.graph.model import LAYOUT, FlowModel, Node, Route, Variable


class FlowGraph:
    """The compiled flow.  Nodes and routes come from the model; the networkx
    MultiDiGraph mirrors them (one edge per route, keyed by its index, plus
    `handler` edges from every question to every handler) for analysis and drawing.

    >>> model = FlowModel(name="f", start="a", nodes=())
    >>> FlowGraph(model).to_json() == FlowGraph.from_json(FlowGraph(model).to_json()).to_json()
    True
    """

    def __init__(self, model: FlowModel) -> None:
        self.model = model
        self.nodes: dict[str, Node] = {node.id: node for node in model.nodes}
        self.subflows: dict[str, FlowGraph] = {
            name: FlowGraph(sub) for name, sub in model.subflows.items()
        }

    # ------------------------------------------------------------ lookups
    @property
    def name(self) -> str:
        return self.model.name

    @property
    def start(self) -> str:
        return self.model.start

    def node(self, node_id: str) -> Node:
        return self.nodes[node_id]

    @cached_property
    def variables(self) -> dict[str, Variable]:
        return {v.name: v for v in self.model.variables}

    @cached_property
    def step_entries(self) -> dict[str, str]:
        return {s.name: s.entry for s in self.model.steps}

    @cached_property
    def handler_entries(self) -> dict[str, str]:
        return {h.name: h.entry for h in self.model.handlers}

    # ------------------------------------------------------------ networkx view
    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        graph = nx.MultiDiGraph(name=self.model.name)
        for node in self.model.nodes:
            graph.add_node(node.id, kind=node.kind, step=node.step, model=node)
        for node in self.model.nodes:
            for index, route in enumerate(node.routes):
                graph.add_edge(node.id, route.target, key=index, kind=route.kind, route=route)
        for node in self.model.nodes:
            if node.kind == "ask":
                for handler in self.model.handlers:
                    graph.add_edge(node.id, handler.entry, key=f"handler:{handler.name}",
                                   kind="handler", route=None)  # fmt: skip
        return graph

    def edges(self) -> list[tuple[str, str, Route]]:
        return [(node.id, r.target, r) for node in self.model.nodes for r in node.routes]

    # ------------------------------------------------------------ serialisation
    def to_dict(self) -> dict[str, Any]:
        return self.model.model_dump(mode="json")

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> FlowGraph:
        return cls(FlowModel.model_validate_json(text))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FlowGraph:
        return cls(FlowModel.model_validate(data))

    @cached_property
    def content_hash(self) -> str:
        """sha256 of the flow's behaviour: every field but the layout ones (source positions,
        the file's path), with steps, nodes and declarations in name order (moving a block is
        no change)."""
        behaviour = _canonical(_behaviour(self.model))
        canonical = json.dumps(behaviour, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


_ORDER_FREE = {"nodes": "id", "steps": "name", "handlers": "name", "variables": "name",
               "outcomes": "name"}  # fmt: skip


def _canonical(flow: dict[str, Any]) -> dict[str, Any]:
    ordered = dict(flow)
    for field, key in _ORDER_FREE.items():
        ordered[field] = sorted(flow.get(field, []), key=lambda item: str(item[key]))
    ordered["subflows"] = {name: _canonical(sub) for name, sub in flow.get("subflows", {}).items()}
    return ordered


def _behaviour(value: Any) -> Any:
    """The JSON form of ``value`` without the fields marked :data:`~.model.LAYOUT`."""
    if isinstance(value, BaseModel):
        return {
            name: _behaviour(getattr(value, name))
            for name, field in type(value).model_fields.items()
            if LAYOUT not in field.metadata
        }
    if isinstance(value, list | tuple):
        return [_behaviour(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _behaviour(item) for key, item in value.items()}
    return to_jsonable_python(value)
