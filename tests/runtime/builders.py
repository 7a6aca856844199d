"""Hand-built FlowGraphs for runtime tests, lowered the way the compiler does."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dialscript.graph import expr as x
from dialscript.graph import model as m
from dialscript.graph.flowgraph import FlowGraph

NOW = datetime(2026, 11, 24, 10, 30)


def route(kind: str, target: str, **kw: Any) -> m.Route:
    return m.Route(kind=kind, target=target, **kw)  # type: ignore[arg-type]


def goto(target: str) -> m.Route:
    return route("goto", target)


def ans(
    target: str, *answers: str | float, ranges: tuple[tuple[float, float], ...] = ()
) -> m.Route:
    return route("answer", target, answers=answers, ranges=ranges)


def when(expr: x.Expr, target: str) -> m.Route:
    return route("condition", target, when=expr)


def var(name: str, *path: str) -> x.Var:
    return x.Var(path=(name, *path))


def lit(value: float | str | bool | None) -> x.Lit:
    return x.Lit(value=value)


def cmp(op: str, left: x.Expr, right: x.Expr) -> x.Cmp:
    return x.Cmp(op=op, left=left, right=right)  # type: ignore[arg-type]


def q(kind: str, **kw: Any) -> m.Question:
    if kind == "yesno":
        kw.setdefault("keys", {"1": "yes", "2": "no"})
    return m.Question(type=kind, **kw)  # type: ignore[arg-type]


def ask(var_name: str, text: str, question: m.Question, *routes: m.Route, **kw: Any) -> m.AskNode:
    return m.AskNode(id="", step="", var=var_name, text={"ru": text}, question=question,
                     routes=routes, **kw)  # fmt: skip


def say(text: str, *routes: m.Route) -> m.SayNode:
    return m.SayNode(id="", step="", text={"ru": text}, routes=routes)


def branch(*routes: m.Route) -> m.BranchNode:
    return m.BranchNode(id="", step="", routes=routes)


def setv(name: str, value: x.Expr, *routes: m.Route) -> m.SetNode:
    return m.SetNode(id="", step="", var=name, value=value, routes=routes)


def hangup(cause: str | None = None) -> m.HangupNode:
    return m.HangupNode(id="", step="", cause=cause)


def outcome(name: str) -> m.OutcomeNode:
    return m.OutcomeNode(id="", step="", outcome=name)


def resume() -> m.ResumeNode:
    return m.ResumeNode(id="", step="")


_STOPS = ("goto", "else")


def step(name: str, *nodes: m._Node | m.Route, end: str | None = None) -> list[m._Node]:
    """The nodes of one step: ids `name`, `name.1`...; `next` routes where a node falls through."""
    body: list[m._Node] = []
    for item in nodes:  # a bare Route (e.g. `goto`) attaches to the node before it
        if isinstance(item, m.Route):
            body[-1] = body[-1].model_copy(update={"routes": (*body[-1].routes, item)})
        else:
            body.append(item)
    if end is not None:
        body = [outcome(end), *body]
        if not body or body[-1].kind not in ("hangup", "resume"):  # type: ignore[attr-defined]
            body.append(hangup())
    ids = [name if i == 0 else f"{name}.{i}" for i in range(len(body))]
    out: list[m._Node] = []
    for index, node in enumerate(body):
        routes = list(node.routes)
        kinds = {r.kind for r in routes}
        falls = not kinds & set(_STOPS) and node.kind not in ("hangup", "resume")  # type: ignore[attr-defined]
        if node.kind == "transfer" and "failed" in kinds:  # type: ignore[attr-defined]
            falls = False
        if falls and index + 1 < len(body):
            routes.append(route("next", ids[index + 1]))
        out.append(
            node.model_copy(update={"id": ids[index], "step": name, "routes": tuple(routes)})
        )
    return out


def flow(
    name: str,
    *steps: list[m._Node],
    handlers: tuple[tuple[str, tuple[str, ...]], ...] = (),
    ends: tuple[str, ...] = (),
    **kw: Any,
) -> FlowGraph:
    nodes = [node for block in steps for node in block]
    handler_names = {h for h, _ in handlers}
    infos = tuple(
        m.StepInfo(name=block[0].step, entry=block[0].id, is_end=block[0].step in ends)
        for block in steps
        if block[0].step not in handler_names
    )
    model = m.FlowModel(
        name=name,
        start=kw.pop("start", infos[0].name),
        steps=infos,
        handlers=tuple(m.Handler(name=h, title=h, keys=keys, entry=h) for h, keys in handlers),
        nodes=tuple(nodes),  # type: ignore[arg-type]
        **kw,
    )
    return FlowGraph(model)


REASONS = (
    m.Choice(name="assortment", label={"ru": "ассортимент товара", "en": "assortment"}),
    m.Choice(name="stock", label={"ru": "наличие товара на складе"}),
    m.Choice(name="delivery", label={"ru": "срок доставки товара", "en": "delivery time"}),
    m.Choice(name="other", label={"ru": "другое"}),
)


def nps() -> FlowGraph:
    """The NPS survey of seed 001, by hand."""
    v = m.Variable
    return flow(
        "nps",
        step(
            "greeting",
            say("{{ client_name }}, добрый день!"),
            ask(
                "ready",
                "Вам удобно сейчас разговаривать?",
                q("yesno"),
                ans("rate", "yes"),
                ans("callback", "no"),
            ),  # fmt: skip
        ),
        step(
            "rate",
            ask(
                "score",
                "Оцените по шкале от 1 до 10",
                q("scale", low=1, high=10, keys={"0": "10"}, max_digits=2),
                route("silence", "no_answer", times=2),
                reprompts=({"ru": "Ещё раз: 1-10?"},),
            ),
            branch(when(cmp("<=", var("score"), lit(8.0)), "why"), route("else", "thanks")),
        ),  # fmt: skip
        step(
            "why",
            ask(
                "reason",
                "Что повлияло?",
                q("one", choice_list="reasons"),
                goto("thanks"),
                hints=({"ru": "Варианты: {{ reasons }}"},),
            ),
        ),  # fmt: skip
        step("thanks", say("Спасибо, {{ client_name }}!"), end="completed"),
        step("callback", say("Перезвоним"), end="callback"),
        step("no_answer", end="no_answer"),
        step(
            "off_topic",
            say("Уточню у специалиста"),
            ask("question", "Суть обращения", q("text")),
            m.NotifyNode(
                id="",
                step="",
                channel="email",
                destination="service_desk",
                subject={"ru": "Вопрос {{ company }}"},
                fields=("company", "question"),
            ),
            resume(),
        ),  # fmt: skip
        handlers=(("off_topic", ("9",)),),
        ends=("thanks", "callback", "no_answer"),
        variables=(
            v(name="client_name", role="input", type="text"),
            v(name="company", role="input", type="text", optional=True),
            v(name="score", role="result", type="scale", low=1, high=10),
            v(name="reason", role="result", type="one", choice_list="reasons", optional=True),
            v(name="ready", role="var", type="yesno"),
        ),
        outcomes=(
            m.Outcome(name="completed", requires=("score",)),
            m.Outcome(name="callback"),
            m.Outcome(name="no_answer"),
        ),  # fmt: skip
        choices={"reasons": REASONS},
    )
