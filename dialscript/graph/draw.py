"""Drawings of a FlowGraph: Graphviz dot text, Mermaid flowchart text, and SVG through `dot`.

Steps and handlers are clusters (Mermaid: subgraphs); edges carry what takes
the call along them (answers, conditions, silence, errors).

    DrawError
    └── GraphvizMissing   the `dot` program is not installed
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator

from dialscript.graph.describe import node_prompt, node_title, route_label
from dialscript.graph.flowgraph import FlowGraph
from dialscript.graph.model import Node

__all__ = ["DrawError", "GraphvizMissing", "to_dot", "to_mermaid", "to_svg"]

PROMPT_WIDTH = 48
_SHAPES = {"ask": "box", "branch": "diamond", "hangup": "doubleoctagon", "transfer": "cds"}


class DrawError(Exception):
    """A drawing could not be made."""


class GraphvizMissing(DrawError):
    """SVG needs Graphviz's `dot` program."""

    def __init__(self) -> None:
        super().__init__(
            "Graphviz is not installed: apt-get install graphviz, or use --format mermaid"
        )


def _label(node: Node, language: str | None) -> str:
    prompt = " ".join(node_prompt(node, language).split())
    if len(prompt) > PROMPT_WIDTH:
        prompt = prompt[: PROMPT_WIDTH - 1] + "…"
    title = node_title(node)
    return f'{title}\n"{prompt}"' if prompt else title


def _groups(graph: FlowGraph) -> Iterator[tuple[str, list[Node]]]:
    """('step NAME' | 'end NAME' | 'handler NAME', its nodes), in the file's order."""
    by_step: dict[str, list[Node]] = {}
    for node in graph.model.nodes:
        by_step.setdefault(node.step, []).append(node)
    for step in graph.model.steps:
        yield f"{'end' if step.is_end else 'step'} {step.name}", by_step.pop(step.name, [])
    for handler in graph.model.handlers:
        title = f" ({handler.title})" if handler.title else ""
        yield f"handler {handler.name}{title}", by_step.pop(handler.name, [])
    yield from by_step.items()


def _start(graph: FlowGraph) -> str:
    return graph.step_entries.get(graph.start, graph.start)


# ------------------------------------------------------------------ Graphviz


def dot_quote(text: str) -> str:
    r"""A dot string literal: quotes and backslashes escaped, newlines as \n.

    >>> print(dot_quote('say "hi"\\there\nnext'))
    "say \"hi\"\\there\nnext"
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def to_dot(graph: FlowGraph, *, language: str | None = None) -> str:
    """The flow as a Graphviz digraph; one cluster per step and handler."""
    title = graph.model.title or graph.name
    lines = [
        f"digraph {dot_quote(graph.name)} {{",
        f"  graph [label={dot_quote(title)}, labelloc=t, fontname=Helvetica, rankdir=TB];",
        "  node [shape=box, style=rounded, fontname=Helvetica, fontsize=10];",
        "  edge [fontname=Helvetica, fontsize=9];",
        '  "__start__" [shape=circle, label="", width=0.2, style=filled, fillcolor=black];',
    ]
    for index, (name, nodes) in enumerate(_groups(graph)):
        lines.append(f"  subgraph cluster_{index} {{")
        lines.append(f"    label={dot_quote(name)}; style=dashed; color=gray50;")
        for node in nodes:
            shape = _SHAPES.get(node.kind, "box")
            lines.append(
                f"    {dot_quote(node.id)} [label={dot_quote(_label(node, language))}, "
                f"shape={shape}];"
            )
        lines.append("  }")
    lines.append(f'  "__start__" -> {dot_quote(_start(graph))};')
    for source, target, route in graph.edges():
        label = route_label(route)
        attributes = f" [label={dot_quote(label)}]" if label else ""
        style = " [style=dashed]" if route.kind == "next" and not label else ""
        lines.append(f"  {dot_quote(source)} -> {dot_quote(target)}{attributes or style};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_svg(dot_text: str, *, timeout: float = 60.0) -> str:
    """Lay out dot text with Graphviz; raises GraphvizMissing when `dot` is absent."""
    program = shutil.which("dot")
    if program is None:
        raise GraphvizMissing()
    done = subprocess.run(
        [program, "-Tsvg"],
        input=dot_text.encode("utf-8"),
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise DrawError(f"dot failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout.decode("utf-8")


# ------------------------------------------------------------------ Mermaid


def mermaid_quote(text: str) -> str:
    """A Mermaid quoted label: entity codes for characters that end or break it.

    >>> mermaid_quote('ask "x" <b>')
    '"ask #quot;x#quot; #lt;b#gt;"'
    """
    for char, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        text = text.replace(char, code)
    return '"' + text.replace("\n", "<br/>") + '"'


_MERMAID_SHAPES = {"branch": ("{", "}"), "ask": ("([", "])"), "hangup": ("((", "))")}


def to_mermaid(graph: FlowGraph, *, language: str | None = None) -> str:
    """The flow as a Mermaid flowchart; one subgraph per step and handler."""
    ids = {node.id: f"n{index}" for index, node in enumerate(graph.model.nodes)}
    lines = ["flowchart TD", "  start__((start))"]
    for index, (name, nodes) in enumerate(_groups(graph)):
        lines.append(f"  subgraph s{index} [{mermaid_quote(name)}]")
        for node in nodes:
            opening, closing = _MERMAID_SHAPES.get(node.kind, ("[", "]"))
            label = mermaid_quote(_label(node, language))
            lines.append(f"    {ids[node.id]}{opening}{label}{closing}")
        lines.append("  end")
    lines.append(f"  start__ --> {ids.get(_start(graph), 'start__')}")
    for source, target, route in graph.edges():
        if target not in ids:
            continue
        label = route_label(route)
        arrow = f"-->|{mermaid_quote(label)}|" if label else "-->"
        lines.append(f"  {ids[source]} {arrow} {ids[target]}")
    return "\n".join(lines) + "\n"
