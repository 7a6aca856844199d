"""Scenario skeletons: one Gherkin scenario per path through a flow, for an analyst to edit.

`skeleton(graph, path)` walks the flow from its start (into subflows, out at
`resume`), branching at every question, `if`, lookup and transfer; a step is
entered at most twice per path and at most `MAX_PATHS` paths are written.
Each handler gets a scenario too, opened at the first question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from dialscript.graph import model as m
from dialscript.graph.describe import expr_text, number, text_of
from dialscript.graph.flowgraph import FlowGraph

MAX_PATHS = 50
MAX_VISITS = 2
_SAMPLES = {"phone": "+70000000000", "digits": "12345678", "number": "1", "scale": "1",
            "date": "2026-03-10", "time": "10:00", "datetime": "2026-03-10 10:00"}  # fmt: skip


@dataclass(frozen=True)
class _Path:
    lines: tuple[str, ...] = ()
    givens: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    visits: tuple[tuple[str, int], ...] = ()
    frames: tuple[tuple[FlowGraph, str], ...] = ()  # (caller graph, call node) per subflow
    outcome: str | None = None
    heard: bool = True  # the latest When already has its "caller hears" line


@dataclass
class _Walk:
    root: FlowGraph
    ivr: bool
    done: list[_Path] = field(default_factory=list)


def _say(path: _Path, line: str) -> _Path:
    return replace(path, lines=(*path.lines, line))


def _when(path: _Path, line: str) -> _Path:
    return replace(path, lines=(*path.lines, line), heard=False)


def _answer_line(walk: _Walk, node: m.AskNode, value: str) -> str:
    if walk.ivr:
        keys = {answer: key for key, answer in node.question.keys.items()}
        for choice in node.question.choices:
            if choice.key:
                keys.setdefault(choice.name, choice.key)
        key = keys.get(value, value)
        end = node.question.terminator or ""
        return f'When the caller presses "{key}{end if len(key) > 1 else ""}"'
    return f'When the client answers "{value}"'


def _other_answer(node: m.AskNode, routed: set[str], graph: FlowGraph) -> str:
    question = node.question
    if question.type == "yesno":
        free = [w for w in ("yes", "no", "dont_know") if w not in routed]
        return free[0] if free else "yes"
    choices = question.choices or graph.model.choices.get(question.choice_list or "", ())
    if choices:
        free = [c.name for c in choices if c.name not in routed]
        return free[0] if free else choices[0].name
    if question.type in ("number", "scale") and question.low is not None:
        return number(question.low)
    return _SAMPLES.get(question.type, "text")


def _ask(walk: _Walk, graph: FlowGraph, node: m.AskNode, path: _Path) -> None:
    routed = {str(a) for r in node.routes if r.kind == "answer" for a in r.answers}
    for route in node.routes:
        if route.kind == "next" and any(r.kind == "goto" for r in node.routes):
            continue
        if route.kind == "answer":
            first = route.answers[0] if route.answers else route.ranges[0][0]
            value = number(first) if isinstance(first, float) else str(first)
            line = _answer_line(walk, node, value)
        elif route.kind == "silence":
            line = f"When the caller stays silent {route.times or 1} times"
        elif route.kind == "invalid":
            line = 'When the client answers "???"  # an invalid answer'
            line = "\n    ".join([f"# {route.times or 1} invalid answers:"] + [
                _answer_line(walk, node, "???")] * (route.times or 1))  # fmt: skip
        else:
            line = _answer_line(walk, node, _other_answer(node, routed, graph))
        _go(walk, graph, route.target, _when(path, line))


def _go(walk: _Walk, graph: FlowGraph, node_id: str | None, path: _Path) -> None:
    """Follow the flow from `node_id` until the path ends or forks."""
    while node_id is not None and len(walk.done) < MAX_PATHS:
        node = graph.nodes.get(node_id)
        if node is None:
            return
        if (
            node.id == graph.step_entries.get(node.step)
            or node.id in graph.handler_entries.values()
        ):
            count = dict(path.visits).get(f"{graph.name}:{node.step}", 0) + 1
            if count > MAX_VISITS:
                return
            visits = dict(path.visits) | {f"{graph.name}:{node.step}": count}
            path = replace(path, visits=tuple(visits.items()), steps=(*path.steps, node.step))
        routes = node.routes
        go_on = next((r.target for r in routes if r.kind == "goto"), None) or next(
            (r.target for r in routes if r.kind == "next"), None
        )
        if isinstance(node, m.SayNode) and not path.heard:
            path = replace(_say(path, f'Then the caller hears "{_literal(node.text)}"'), heard=True)
        elif isinstance(node, m.OutcomeNode) and not path.frames:
            path = replace(path, outcome=node.outcome)
        elif isinstance(node, m.AskNode):
            who = "caller hears" if walk.ivr else "agent is asked"
            _ask(walk, graph, node, _say(path, f'Then the {who} "{_literal(node.text)}"'))
            return
        elif isinstance(node, m.BranchNode):
            for route in routes:
                if route.kind == "goto" and any(r.kind != "goto" for r in routes):
                    continue
                when = expr_text(route.when) if route.when is not None else "no condition holds"
                _go(walk, graph, route.target, _say(path, f"# the flow goes this way if: {when}"))
            return
        elif isinstance(node, m.LookupNode):
            ok = replace(path, givens=(*path.givens, f'Given the lookup "{node.var}" returns\n'
                                       '      """\n      {}\n      """'))  # fmt: skip
            error = next((r.target for r in routes if r.kind == "error"), None)
            if error is not None:
                failed = replace(
                    path, givens=(*path.givens, f'Given the lookup "{node.var}" fails')
                )
                _go(walk, graph, error, failed)
            path = ok
        elif isinstance(node, m.TransferNode):
            verb = "queued to" if node.mode == "queue" else "transferred to"
            failed_to = next((r.target for r in routes if r.kind == "failed"), go_on)
            if failed_to is not None:
                _go(walk, graph, failed_to, _when(path, "When the transfer fails"))
            walk.done.append(_say(path, f'Then the call is {verb} "{node.destination}"'))
            return
        elif isinstance(node, m.LimitNode):
            pass  # the limit route needs a loop the analyst writes by hand
        elif isinstance(node, m.CallNode):
            sub = graph.subflows.get(node.flow) or walk.root.subflows.get(node.flow)
            if sub is not None:
                frames = (*path.frames, (graph, node.id))
                _go(walk, sub, sub.step_entries.get(sub.start, sub.start),
                    replace(path, frames=frames))  # fmt: skip
                return
        elif isinstance(node, m.ResumeNode):
            walk.done.append(_say(path, "Then the call is waiting for an answer"))
            return
        elif isinstance(node, m.HangupNode):
            if path.frames:
                caller, call_id = path.frames[-1]
                call = caller.nodes[call_id]
                back = next((r.target for r in call.routes if r.kind in ("goto", "next")), None)
                _go(walk, caller, back, replace(path, frames=path.frames[:-1]))
            else:
                walk.done.append(path)
            return
        node_id = go_on


def skeleton(graph: FlowGraph, flow_path: str) -> str:
    """The `.feature` text for `graph` (read from `flow_path`)."""
    walk = _Walk(graph, ivr=graph.model.channel == "ivr")
    _go(walk, graph, graph.step_entries.get(graph.start, graph.start),
        _when(_Path(), "When the call is answered"))  # fmt: skip
    first = _first_question(walk.done)
    for handler in graph.model.handlers:
        if first is not None and len(walk.done) < MAX_PATHS:
            opened = _when(first, f'When the agent opens the handler "{handler.name}"')
            _go(walk, graph, handler.entry, opened)
    return _render(graph, flow_path, walk.done)


def _literal(text: m.Text) -> str:
    """The longest template-free piece of a text, short enough to match as a substring."""
    pieces = re.split(r"\{\{.*?\}\}|\{%.*?%\}", text_of(text))
    longest = max(pieces, key=len).strip().replace('"', "'")
    return longest[:60].strip()


def _first_question(paths: list[_Path]) -> _Path | None:
    """The start of the first path, up to its first answer (where handlers are opened)."""
    for path in paths:
        for index, line in enumerate(path.lines[1:], start=1):
            if line.startswith("When") or line.startswith("# "):
                return _Path(lines=path.lines[:index], givens=path.givens[:0],
                             steps=path.steps[:1], visits=path.visits[:1])  # fmt: skip
    return None


def _with_ands(lines: list[str]) -> list[str]:
    """`When a` `When b` -> `When a` `And b`."""
    found: list[str] = []
    previous = ""
    for line in lines:
        keyword, _, rest = line.partition(" ")
        if keyword in ("Given", "When", "Then") and keyword == previous:
            line = f"And {rest}"
        elif keyword in ("Given", "When", "Then"):
            previous = keyword
        found.append(line)
    return found


def _render(graph: FlowGraph, flow_path: str, paths: list[_Path]) -> str:
    model = graph.model
    lines = [f"Feature: {model.title or model.name} ({flow_path})",
             "  Generated by `dialscript scenarios`: one scenario per path through the flow.",
             "  Edit the answers and the expectations; delete the paths that do not matter.", "",
             "  Background:", f'    Given the flow "{flow_path}"']  # fmt: skip
    for variable in model.variables:
        if variable.role == "input":
            lines.append(f"      | {variable.name} | {_SAMPLES.get(variable.type, 'text')} |")
    for number_, path in enumerate(paths, start=1):
        route = " -> ".join(dict.fromkeys(path.steps))
        lines += ["", f"  Scenario: Path {number_}: {route}"]
        lines += [f"    {given}" for given in dict.fromkeys(path.givens)]
        body = list(path.lines)
        if path.outcome is not None:
            body.append(f'Then the outcome is "{path.outcome}"')
        lines += [f"    {line}" for line in _with_ands(body)]
    if len(paths) >= MAX_PATHS:
        lines += ["", f"  # stopped at {MAX_PATHS} paths"]
    return "\n".join(lines) + "\n"
