"""Rendered scripts: `render_script(graph, "html" | "md" | "book")` through the one environment.

The flow graph is embedded as an SVG image (a data URI, so nothing in it can run)
drawn by Graphviz; without `dot` the document says so instead.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Literal

from dialscript.graph.draw import DrawError, to_dot, to_svg
from dialscript.graph.flowgraph import FlowGraph
from dialscript.render.book import build_book
from dialscript.render.env import environment
from dialscript.render.views import build_script

__all__ = ["Drawing", "Format", "draw", "render_script"]

Format = Literal["html", "md", "book"]
_TEMPLATES: dict[str, str] = {"html": "script.html", "md": "script.md", "book": "book.md"}


@dataclass(frozen=True, slots=True)
class Drawing:
    """The flow graph as an image source, or why there is none."""

    src: str = ""  # a data: URI or a relative file name
    note: str = ""


NO_DRAWING = Drawing(note="The flow graph is left out (drawing disabled).")


def draw(graph: FlowGraph) -> Drawing:
    """The graph as an SVG data URI, or a note when Graphviz is missing or fails."""
    try:
        svg = to_svg(to_dot(graph))
    except DrawError as error:
        return Drawing(note=f"The flow graph could not be drawn: {error}")
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Drawing(src=f"data:image/svg+xml;base64,{encoded}")


def render_script(graph: FlowGraph, fmt: Format, *, drawing: Drawing | None = None) -> str:
    """The whole script as one document (`drawing` defaults to drawing it now)."""
    template = environment().get_template(_TEMPLATES[fmt])
    if fmt == "book":
        return template.render(book=build_book(graph))
    return template.render(script=build_script(graph), drawing=drawing or draw(graph))
