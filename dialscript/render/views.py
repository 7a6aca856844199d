"""View models of a whole script, built from the FlowGraph: what the templates may see.

Templates never touch graph nodes; they get these frozen dataclasses of plain
strings, with prompt text already split into literal runs and fields.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialscript.graph.describe import expr_text, number, route_label, text_of, type_text
from dialscript.graph.flowgraph import FlowGraph
from dialscript.graph.model import AskNode, Node, Question, Route, Text, Variable
from dialscript.render.text import Segment, segments
from dialscript.runtime.options import label as word_label

__all__ = [
    "AnswerView",
    "ItemView",
    "PromptView",
    "RouteView",
    "ScriptView",
    "StepView",
    "VariableView",
    "build_script",
]

BUILTIN_OUTCOMES = ("breakoff", "limit", "error", "transferred")


@dataclass(frozen=True, slots=True)
class PromptView:
    lang: str
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class RouteView:
    when: str  # "9, 10", "else", "silence 2 times", "" for a plain jump
    target: str  # step or handler name
    anchor: str


@dataclass(frozen=True, slots=True)
class AnswerView:
    value: str
    label: str
    key: str


@dataclass(frozen=True, slots=True)
class ItemView:
    """One action of a step, worded for people."""

    kind: str
    title: str
    prompts: tuple[PromptView, ...] = ()
    reprompts: tuple[tuple[PromptView, ...], ...] = ()
    hints: tuple[tuple[PromptView, ...], ...] = ()
    answers: tuple[AnswerView, ...] = ()
    routes: tuple[RouteView, ...] = ()
    checks: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StepView:
    name: str
    kind: str  # "step" | "end" | "handler"
    title: str
    anchor: str
    items: tuple[ItemView, ...]
    keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class VariableView:
    name: str
    type: str
    optional: bool


@dataclass(frozen=True, slots=True)
class OutcomeView:
    name: str
    title: str
    requires: str


@dataclass(frozen=True, slots=True)
class ChoiceListView:
    name: str
    options: tuple[AnswerView, ...]


@dataclass(frozen=True, slots=True)
class ScriptView:
    name: str
    title: str
    languages: tuple[str, ...]
    channel: str
    budget: str
    record_calls: bool
    start: str
    inputs: tuple[VariableView, ...]
    results: tuple[VariableView, ...]
    variables: tuple[VariableView, ...]
    outcomes: tuple[OutcomeView, ...]
    choices: tuple[ChoiceListView, ...]
    steps: tuple[StepView, ...]
    handlers: tuple[StepView, ...]
    subflows: tuple[ScriptView, ...]


def prompts(text: Text | None, languages: tuple[str, ...]) -> tuple[PromptView, ...]:
    """The text in each language it is given in, flow languages first."""
    if not text:
        return ()
    order = [lang for lang in languages if lang in text] + [k for k in text if k not in languages]
    return tuple(PromptView(lang, segments(text[lang])) for lang in order)


def _anchor(flow: str, name: str) -> str:
    return f"{flow}-{name}"


def _variable(var: Variable) -> VariableView:
    return VariableView(var.name, type_text(var), var.optional)


def answers_of(question: Question, language: str) -> tuple[AnswerView, ...]:
    """The answers an agent can give, with their phone keys."""
    keys = {answer: key for key, answer in question.keys.items()}
    out: list[AnswerView] = []
    if question.type == "yesno":
        out += [AnswerView(w, f"{word_label(w, language)} ({w})", keys.get(w, k))
                for w, k in (("yes", "1"), ("no", "2"))]  # fmt: skip
    elif question.choices:
        for index, choice in enumerate(question.choices, start=1):
            key = choice.key or keys.get(choice.name, str(index) if index < 10 else "")
            out.append(AnswerView(choice.name, text_of(choice.label, language), key))
    elif question.low is not None and question.high is not None:
        label = f"{question.type} {number(question.low)}..{number(question.high)}"
        out.append(AnswerView("", label, ""))
    else:
        out.append(AnswerView("", type_text(question), ""))
    if question.accepts_special:
        out += [AnswerView(w, f"{word_label(w, language)} ({w})", keys.get(w, ""))
                for w in ("dont_know", "refused")]  # fmt: skip
    return tuple(out)


class _Builder:
    def __init__(self, graph: FlowGraph, *, is_subflow: bool = False) -> None:
        self.is_subflow = is_subflow
        self.graph = graph
        self.model = graph.model
        self.languages = graph.model.languages

    def target(self, route: Route) -> RouteView:
        node = self.graph.nodes.get(route.target)
        step = node.step if node is not None else route.target
        return RouteView(route_label(route), step, _anchor(self.model.name, step))

    def routes(self, node: Node) -> tuple[RouteView, ...]:
        """Routes that leave the step (a plain `next` inside the step is just reading on)."""
        out = []
        for route in node.routes:
            target = self.graph.nodes.get(route.target)
            if route.kind == "next" and target is not None and target.step == node.step:
                continue
            out.append(self.target(route))
        return tuple(out)

    def item(self, node: Node) -> ItemView:
        langs = self.languages
        routes = self.routes(node)
        match node.kind:
            case "say":
                return ItemView("say", "Say", prompts(node.text, langs), routes=routes)
            case "play":
                return ItemView("play", "Play recording", prompts(node.audio, langs), routes=routes)
            case "note":
                return ItemView("note", "Note for the agent", prompts(node.text, langs),
                                routes=routes)  # fmt: skip
            case "ask":
                return self.ask(node, routes)
            case "sms":
                return ItemView("sms", f"SMS to {node.to}", prompts(node.text, langs),
                                routes=routes)  # fmt: skip
            case "notify":
                fields = ", ".join(node.fields)
                title = f"{node.channel.capitalize()} to {node.destination}"
                title += f" with {fields}" if fields else ""
                return ItemView("notify", title, prompts(node.subject, langs), routes=routes)
            case "record":
                return ItemView("record", f"Record the client into {node.var}",
                                prompts(node.prompt, langs), routes=routes)  # fmt: skip
            case "branch":
                decides = any(r.kind in ("condition", "else") for r in node.routes)
                return ItemView("branch", "Decide" if decides else "Go on", routes=routes)
            case "set":
                return ItemView("set", f"Set {node.var} = {expr_text(node.value)}", routes=routes)
            case "call":
                return ItemView("call", f"Run the script {node.flow}", routes=routes)
            case "transfer":
                return ItemView("transfer", f"{node.mode.capitalize()} to {node.destination}",
                                routes=routes)  # fmt: skip
            case "hangup":
                title = "Back to the calling script" if self.is_subflow else "Hang up"
                return ItemView("hangup", title, routes=routes)
            case "lookup":
                return ItemView("lookup", f"Look up {node.var} from {node.source}", routes=routes)
            case "outcome":
                return ItemView("outcome", f"Outcome: {self.outcome_title(node.outcome)}",
                                routes=routes)  # fmt: skip
            case "resume":
                return ItemView("resume", "Return to where the call was", routes=routes)
            case "limit":
                return ItemView("limit", f"At most {node.times} times", routes=routes)
        raise TypeError(f"no view for node kind {node.kind!r}")

    def ask(self, node: AskNode, routes: tuple[RouteView, ...]) -> ItemView:
        langs = self.languages
        question = node.question
        title = f"{'Menu' if node.is_menu else 'Ask'} {node.var} ({type_text(question)})"
        checks = tuple(f"require {expr_text(c.when)}: «{text_of(c.text)}»" for c in node.requires)
        checks += tuple(f"confirm if {expr_text(c.when)}: «{text_of(c.text)}»"
                        for c in node.confirms)  # fmt: skip
        return ItemView(
            "ask",
            title,
            prompts(node.text, langs),
            reprompts=tuple(prompts(r, langs) for r in node.reprompts),
            hints=tuple(prompts(h, langs) for h in node.hints),
            answers=answers_of(question, langs[0] if langs else "ru"),
            routes=routes,
            checks=checks,
        )

    def outcome_title(self, name: str) -> str:
        for outcome in self.model.outcomes:
            if outcome.name == name and outcome.title:
                return f"{outcome.title} ({name})"
        return name

    def steps(self) -> tuple[tuple[StepView, ...], tuple[StepView, ...]]:
        by_step: dict[str, list[Node]] = {}
        for node in self.model.nodes:
            by_step.setdefault(node.step, []).append(node)
        name = self.model.name
        steps = tuple(
            StepView(s.name, "end" if s.is_end else "step", s.name, _anchor(name, s.name),
                     tuple(self.item(n) for n in by_step.get(s.name, [])))
            for s in self.model.steps
        )  # fmt: skip
        handlers = tuple(
            StepView(h.name, "handler", h.title or h.name, _anchor(name, h.name),
                     tuple(self.item(n) for n in by_step.get(h.name, [])), h.keys)
            for h in self.model.handlers
        )  # fmt: skip
        return steps, handlers

    def build(self) -> ScriptView:
        model = self.model
        steps, handlers = self.steps()
        lang = self.languages[0] if self.languages else "ru"
        return ScriptView(
            name=model.name,
            title=model.title or model.name,
            languages=self.languages,
            channel=model.channel,
            budget=f"{number(model.budget_seconds)} s" if model.budget_seconds else "",
            record_calls=model.record_calls,
            start=model.start,
            inputs=tuple(_variable(v) for v in model.variables if v.role == "input"),
            results=tuple(_variable(v) for v in model.variables if v.role == "result"),
            variables=tuple(_variable(v) for v in model.variables if v.role == "var"),
            outcomes=tuple(
                OutcomeView(o.name, o.title or "", ", ".join(o.requires))
                for o in model.outcomes
                if o.title or o.name not in BUILTIN_OUTCOMES
            ),  # fmt: skip
            choices=tuple(
                ChoiceListView(
                    list_name,
                    tuple(
                        AnswerView(c.name, text_of(c.label, lang), c.key or str(i))
                        for i, c in enumerate(options, start=1)
                    ),
                )
                for list_name, options in model.choices.items()
            ),  # fmt: skip
            steps=steps,
            handlers=handlers,
            subflows=tuple(
                _Builder(sub, is_subflow=True).build() for sub in self.graph.subflows.values()
            ),
        )


def build_script(graph: FlowGraph) -> ScriptView:
    """The whole script as a view model (subflows included, each once)."""
    return _Builder(graph).build()
