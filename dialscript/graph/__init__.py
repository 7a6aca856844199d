"""The FlowGraph: the compiled form of a flow that every runtime part consumes."""

from __future__ import annotations

from dialscript.graph.flowgraph import FlowGraph
from dialscript.graph.model import FlowModel, Node, Route

__all__ = ["FlowGraph", "FlowModel", "Node", "Route"]
