"""Behavioural diff of two FlowGraphs, step by step, for a pull-request review.

Only what a caller or an agent would notice counts: prompts, answers and where
they lead, results, outcomes, handlers.  Moved or reformatted lines are not
changes, because the graphs carry no layout.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

from dialscript.graph.describe import node_title, route_label, type_text
from dialscript.graph.flowgraph import FlowGraph
from dialscript.graph.model import Node, Variable

__all__ = ["Change", "FlowDiff", "diff_graphs"]

Kind = Literal["added", "removed", "changed"]
_TEXT_FIELDS = ("text", "audio", "prompt", "subject")
_SKIPPED_FIELDS = frozenset({"id", "step", "span", "routes", "kind", *_TEXT_FIELDS})


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: in `section` ('flow', 'step NAME', 'handler NAME'), `subject` was
    added, removed or changed from `old` to `new`."""

    section: str
    kind: Kind
    subject: str
    old: str | None = None
    new: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return asdict(self)

    def line(self) -> str:
        if self.kind == "changed":
            return f"- {self.subject}: {self.old} → {self.new}"
        if self.kind == "added":
            return f"- {self.subject} added" + (f": {self.new}" if self.new else "")
        return f"- {self.subject} removed" + (f" (was: {self.old})" if self.old else "")


@dataclass(frozen=True, slots=True)
class FlowDiff:
    old: FlowGraph
    new: FlowGraph
    changes: tuple[Change, ...]

    @property
    def unchanged(self) -> bool:
        """No itemised change (the hashes may still differ when steps were reordered)."""
        return not self.changes

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": {"flow": self.old.name, "hash": self.old.content_hash},
            "new": {"flow": self.new.name, "hash": self.new.content_hash},
            "changed": not self.unchanged,
            "changes": [change.to_dict() for change in self.changes],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def to_text(self) -> str:
        """Markdown for a review: one section per step or handler that changed."""
        head = f"## {self.new.name}: {self.old.content_hash[:12]} → {self.new.content_hash[:12]}"
        if self.unchanged:
            same = self.old.content_hash == self.new.content_hash
            note = "" if same else " (steps or declarations were reordered)"
            return f"{head}\n\nno behavioural change{note}\n"
        out = [head]
        sections: dict[str, list[Change]] = {}
        for change in self.changes:
            sections.setdefault(change.section, []).append(change)
        for section, changes in sections.items():
            out.append(f"\n### {section}")
            out.extend(change.line() for change in changes)
        return "\n".join(out) + "\n"


def diff_graphs(old: FlowGraph, new: FlowGraph) -> FlowDiff:
    """Compare two compiled flows.

    >>> from dialscript.graph.model import FlowModel
    >>> diff_graphs(FlowGraph(FlowModel(name="f", start="a")),
    ...             FlowGraph(FlowModel(name="f", start="b"))).changes
    (Change(section='flow', kind='changed', subject='start', old='a', new='b'),)
    """
    changes = [*_flow_changes(old, new), *_block_changes(old, new)]
    return FlowDiff(old, new, tuple(changes))


# ------------------------------------------------------------------ flow level


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _flow_changes(old: FlowGraph, new: FlowGraph) -> Iterator[Change]:
    a, b = old.model, new.model
    for field in ("name", "title", "start", "languages", "channel", "budget_seconds"):
        before, after = getattr(a, field), getattr(b, field)
        if before != after:
            yield Change("flow", "changed", field, _show(before), _show(after))
    if a.record_calls != b.record_calls:
        yield Change(
            "flow", "changed", "record calls", _show(a.record_calls), _show(b.record_calls)
        )
    yield from _keyed(
        "flow",
        "variable",
        {v.name: v for v in a.variables},
        {v.name: v for v in b.variables},
        _variable_text,
    )
    yield from _keyed(
        "flow",
        "outcome",
        {o.name: o for o in a.outcomes},
        {o.name: o for o in b.outcomes},
        lambda o: (o.title or "") + (f" requires {', '.join(o.requires)}" if o.requires else ""),
    )
    for name in sorted(set(a.choices) | set(b.choices)):
        yield from _keyed(
            f"choices {name}",
            "option",
            {c.name: c for c in a.choices.get(name, ())},
            {c.name: c for c in b.choices.get(name, ())},
            lambda c: _compact(c.label) + (f" key {c.key}" if c.key else ""),
        )
    yield from _keyed(
        "flow", "schedule", a.schedules, b.schedules, lambda s: _compact(s.model_dump())
    )
    yield from _keyed(
        "flow", "subflow", old.subflows, new.subflows, lambda g: f"{g.name} {g.content_hash[:12]}"
    )


def _show(value: Any) -> str:
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value) or "none"
    return "none" if value is None else str(value)


def _variable_text(variable: Variable) -> str:
    optional = " optional" if variable.optional else ""
    return f"{variable.role} {type_text(variable)}{optional}"


def _keyed(
    section: str, what: str, old: Mapping[str, Any], new: Mapping[str, Any], describe: Any
) -> Iterator[Change]:
    for name in [*old, *(n for n in new if n not in old)]:
        subject = f"{what} `{name}`"
        if name not in new:
            yield Change(section, "removed", subject, old=describe(old[name]))
        elif name not in old:
            yield Change(section, "added", subject, new=describe(new[name]))
        elif describe(old[name]) != describe(new[name]):
            yield Change(section, "changed", subject, describe(old[name]), describe(new[name]))


# ------------------------------------------------------------------ steps and handlers


def _blocks(graph: FlowGraph) -> dict[str, list[Node]]:
    """'step NAME' / 'handler NAME' -> its nodes in order."""
    nodes: dict[str, list[Node]] = {}
    for node in graph.model.nodes:
        nodes.setdefault(node.step, []).append(node)
    blocks = {f"step {s.name}": nodes.get(s.name, []) for s in graph.model.steps}
    for handler in graph.model.handlers:
        blocks[f"handler {handler.name}"] = nodes.get(handler.name, [])
    return blocks


def _block_changes(old: FlowGraph, new: FlowGraph) -> Iterator[Change]:
    before, after = _blocks(old), _blocks(new)
    for name in [*before, *(n for n in after if n not in before)]:
        if name not in after:
            yield Change(name, "removed", name.split()[0], old=_summary(before[name]))
        elif name not in before:
            yield Change(name, "added", name.split()[0], new=_summary(after[name]))
        else:
            yield from _node_changes(name, old, before[name], new, after[name])
    handlers_old = {h.name: h for h in old.model.handlers}
    for handler in new.model.handlers:
        previous = handlers_old.get(handler.name)
        if previous and (previous.keys, previous.title) != (handler.keys, handler.title):
            was = f"{previous.title} keys {_show(previous.keys)}"
            now = f"{handler.title} keys {_show(handler.keys)}"
            yield Change(f"handler {handler.name}", "changed", "title and keys", was, now)


def _summary(nodes: list[Node]) -> str:
    return ", ".join(node_title(node) for node in nodes)


def _identity(node: Node) -> str:
    """Nodes pair up across versions when they do the same kind of thing to the same name."""
    for field in ("var", "flow", "destination", "outcome", "to"):
        value = getattr(node, field, None)
        if isinstance(value, str):
            return f"{node.kind}:{value}"
    return node.kind


def _node_changes(
    section: str, old: FlowGraph, before: list[Node], new: FlowGraph, after: list[Node]
) -> Iterator[Change]:
    matcher = difflib.SequenceMatcher(
        a=[_identity(n) for n in before], b=[_identity(n) for n in after], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for a, b in zip(before[i1:i2], after[j1:j2], strict=True):
                yield from _pair_changes(section, old, a, new, b)
            continue
        for node in before[i1:i2]:
            yield Change(section, "removed", "action", old=node_title(node))
        for node in after[j1:j2]:
            yield Change(section, "added", "action", new=node_title(node))


def _pair_changes(
    section: str, old: FlowGraph, a: Node, new: FlowGraph, b: Node
) -> Iterator[Change]:
    title = node_title(b)
    dump_a, dump_b = a.model_dump(mode="json"), b.model_dump(mode="json")
    for field in _TEXT_FIELDS:
        texts_a, texts_b = dump_a.get(field) or {}, dump_b.get(field) or {}
        for language in [*texts_a, *(k for k in texts_b if k not in texts_a)]:
            was, now = texts_a.get(language), texts_b.get(language)
            if was != now:
                subject = f"{title}, {field if field != 'text' else 'prompt'} [{language}]"
                kind: Kind = "changed" if was and now else "added" if now else "removed"
                yield Change(section, kind, subject, _quote(was), _quote(now))
    for field in dump_a.keys() - _SKIPPED_FIELDS:
        if _strip(dump_a[field]) != _strip(dump_b.get(field)):
            subject = f"{title}, {field}"
            yield Change(
                section, "changed", subject, _compact(dump_a[field]), _compact(dump_b[field])
            )
    routes_a, routes_b = _routes(old, a), _routes(new, b)
    for label in [*routes_a, *(k for k in routes_b if k not in routes_a)]:
        was, now = routes_a.get(label), routes_b.get(label)
        if was == now:
            continue
        subject = f"{title}, branch `{label}`"
        kind = "changed" if was and now else "added" if now else "removed"
        yield Change(section, kind, subject, was, now)


def _quote(text: str | None) -> str | None:
    return None if text is None else f'"{text}"'


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k != "span"}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _routes(graph: FlowGraph, node: Node) -> dict[str, str]:
    """Route label -> where it leads, by step name; in-step `next` routes are left out."""
    entries = {entry: name for name, entry in graph.step_entries.items()}
    entries.update({entry: f"handler {name}" for name, entry in graph.handler_entries.items()})
    routes: dict[str, str] = {}
    for index, route in enumerate(node.routes):
        target = graph.nodes.get(route.target)
        if route.kind == "next" and target is not None and target.step == node.step:
            continue
        label = route_label(route) or route.kind
        where = entries.get(route.target) or (
            f"{target.step} ({node_title(target)})" if target else route.target
        )
        if route.kind in ("silence", "invalid"):
            label, where = route.kind, f"{where} (after {route.times} times)"
        if label in routes:
            label = f"{label} #{index + 1}"
        routes[label] = where
    return routes
