"""Route tables: a FlowGraph precomputed once into what the interpreter's hot path reads.

`plan_for(graph)` builds (and caches per FlowGraph object) a `GraphPlan`:
per node its routes split by kind, compiled expressions, resolved choices;
per flow its step and handler entries, handler keys and result variables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dialscript.graph.flowgraph import FlowGraph
from dialscript.graph.model import (
    AskNode,
    CallNode,
    Choice,
    LookupNode,
    Node,
    Outcome,
    SetNode,
    Text,
    Variable,
)
from dialscript.runtime.commands import Option
from dialscript.runtime.evaluate import Compiled, compile_expr


@dataclass(slots=True)
class NodePlan:
    """One node with its routes by kind; `next` is the goto/next route to follow."""

    node: Node
    kind: str
    id: str
    step: str
    span: str | None
    is_entry: bool = False
    next: str | None = None
    answers: dict[Any, str] = field(default_factory=dict)
    ranges: list[tuple[float, float, str]] = field(default_factory=list)
    otherwise: str | None = None
    conditions: list[tuple[Compiled, str]] = field(default_factory=list)
    else_: str | None = None
    silence: tuple[int, str] | None = None
    invalid: tuple[int, str] | None = None
    error: str | None = None
    failed: str | None = None
    limit: str | None = None
    value: Compiled | None = None
    args: dict[str, Compiled] = field(default_factory=dict)
    requires: list[tuple[Compiled, Text]] = field(default_factory=list)
    confirms: list[tuple[Compiled, Text]] = field(default_factory=list)
    choices: tuple[Choice, ...] = ()
    route_keys: tuple[str, ...] = ()
    options: dict[str, tuple[Option, ...]] = field(default_factory=dict)  # per language
    # Filled on first use, per language, for texts that name no fields (the same every time):
    fixed_hints: dict[str, tuple[str, ...]] = field(default_factory=dict)  # an ask's hints
    fixed_say: dict[str, tuple[str, str]] = field(default_factory=dict)  # text, recording id
    asked: dict[tuple[str, str], str | None] = field(default_factory=dict)  # an ask's recording
    flow: str = ""  # the (sub)flow the node belongs to, named in trace entries of subflows


@dataclass(slots=True)
class GraphPlan:
    graph: FlowGraph
    name: str
    start: str
    default_lang: str
    nodes: dict[str, NodePlan]
    handler_entries: dict[str, str]
    handler_keys: dict[str, str]  # IVR key -> handler name
    handler_steps: frozenset[str]
    end_steps: frozenset[str]
    variables: dict[str, Variable]
    results: tuple[str, ...]
    outcomes: dict[str, Outcome]
    required_inputs: tuple[str, ...]  # inputs the call must be given
    defaults: tuple[tuple[str, Compiled], ...]  # variables with a default, in declared order
    choice_vars: dict[str, tuple[Choice, ...]]
    choice_labels: dict[str, dict[str, str]]  # language -> {choice list: "a, b, c"}
    subplans: dict[str, GraphPlan]


# Keyed by the graph object (FlowGraph compares by identity).  A plain dict: a plan holds
# its graph, so a weak mapping never freed one either, and it made every lookup costlier.
_PLANS: dict[FlowGraph, GraphPlan] = {}


def plan_for(graph: FlowGraph) -> GraphPlan:
    """The cached plan of `graph` (built on first use; graphs are immutable)."""
    plan = _PLANS.get(graph)
    if plan is None:
        plan = _build(graph)
        _PLANS[graph] = plan
    return plan


def _build(graph: FlowGraph) -> GraphPlan:
    model = graph.model
    schedules = model.schedules
    entries = {s.entry for s in model.steps} | {h.entry for h in model.handlers}
    nodes: dict[str, NodePlan] = {}
    for node in model.nodes:
        plan = NodePlan(
            node=node,
            kind=node.kind,
            id=node.id,
            step=node.step,
            span=str(node.span) if node.span else None,
            is_entry=node.id in entries,
            flow=model.name,
        )
        goto = None
        for route in node.routes:
            kind, target = route.kind, route.target
            if kind == "next" and plan.next is None:
                plan.next = target
            elif kind == "goto" and goto is None:
                goto = target
            elif kind == "answer":
                for answer in route.answers:
                    plan.answers.setdefault(answer, target)
                plan.ranges.extend((low, high, target) for low, high in route.ranges)
            elif kind == "otherwise" and plan.otherwise is None:
                plan.otherwise = target
            elif kind == "condition" and route.when is not None:
                plan.conditions.append((compile_expr(route.when, schedules), target))
            elif kind == "else" and plan.else_ is None:
                plan.else_ = target
            elif kind in ("silence", "invalid"):
                setattr(plan, kind, (route.times or 1, target))
            elif kind in ("error", "failed", "limit"):
                setattr(plan, kind, target)
        if goto is not None:
            plan.next = goto
        if isinstance(node, SetNode):
            plan.value = compile_expr(node.value, schedules)
        elif isinstance(node, CallNode | LookupNode):
            plan.args = {k: compile_expr(v, schedules) for k, v in node.args.items()}
        elif isinstance(node, AskNode):
            question = node.question
            plan.choices = question.choices or model.choices.get(question.choice_list or "", ())
            plan.requires = [(compile_expr(c.when, schedules), c.text) for c in node.requires]
            plan.confirms = [(compile_expr(c.when, schedules), c.text) for c in node.confirms]
            plan.route_keys = tuple(str(a) for a in plan.answers if isinstance(a, str))
        nodes[node.id] = plan
    choice_vars = {
        v.name: model.choices[v.choice_list]
        for v in model.variables
        if v.choice_list and v.choice_list in model.choices
    }
    default_lang = model.languages[0] if model.languages else "ru"
    languages = set(model.languages) | {
        lang for opts in model.choices.values() for o in opts for lang in o.label
    }
    choice_labels = {
        lang: {
            name: ", ".join(pick(o.label, lang, default_lang) for o in options)
            for name, options in model.choices.items()
        }
        for lang in languages
    }
    return GraphPlan(
        graph=graph,
        name=model.name,
        start=graph.step_entries.get(model.start, model.start),
        default_lang=default_lang,
        nodes=nodes,
        handler_entries=dict(graph.handler_entries),
        handler_keys={key: h.name for h in model.handlers for key in h.keys},
        handler_steps=frozenset(h.name for h in model.handlers),
        end_steps=frozenset(s.name for s in model.steps if s.is_end),
        variables=dict(graph.variables),
        results=tuple(v.name for v in model.variables if v.role == "result"),
        outcomes={o.name: o for o in model.outcomes},
        required_inputs=tuple(
            v.name for v in graph.variables.values() if v.role == "input" and not v.optional
        ),
        defaults=tuple(
            (v.name, compile_expr(v.default, schedules))
            for v in graph.variables.values()
            if v.default is not None
        ),
        choice_vars=choice_vars,
        choice_labels=choice_labels,
        subplans={name: plan_for(sub) for name, sub in graph.subflows.items()},
    )


def pick(text: Text, lang: str, default: str) -> str:
    """The text in `lang`, else in the flow's default language, else any."""
    return pick_with_lang(text, lang, default)[0]


def pick_with_lang(text: Text, lang: str, default: str) -> tuple[str, str]:
    """`pick`, with the language of the text picked."""
    for wanted in (lang, default):
        found = text.get(wanted)
        if found is not None:
            return found, wanted
    for other, found in text.items():
        return found, other
    return "", lang
