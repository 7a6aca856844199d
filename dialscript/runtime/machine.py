"""The interpreter's core: runs nodes from a position until the call waits or ends.

A `Machine` lives for one `start`/`feed` call: it mutates its own copy of the
state and collects commands.  Node executors return the next node id, or None
when the call waits (question, lookup, transfer) or is over.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from dialscript.graph import model as m
from dialscript.graph.prompts import recording_id
from dialscript.runtime import commands as c
from dialscript.runtime.evaluate import normalise, truthy
from dialscript.runtime.options import options_for
from dialscript.runtime.plan import GraphPlan, NodePlan, pick, pick_with_lang
from dialscript.runtime.state import CallState
from dialscript.runtime.templates import render

Executor = Callable[["Machine", NodePlan], "str | None"]
_NUMERIC = ("number", "scale")
MAX_ATTEMPTS = 3  # a question with no silence/invalid route goes on after this many


class Machine:
    __slots__ = ("root", "plan", "st", "out", "event", "taken")

    def __init__(self, root: GraphPlan, st: CallState, event: str | None) -> None:
        self.root = root
        self.st = st
        self.out: list[c.Command] = []
        self.event = event
        self.taken: str | None = None  # the route an `if` / `at most` node took, for the trace
        self.plan = self.resolve(st.path) if st.calls else root

    def resolve(self, path: list[str]) -> GraphPlan:
        plan = self.root
        for name in path:
            plan = plan.subplans.get(name) or self.root.subplans[name]
        return plan

    # ------------------------------------------------------------ the loop
    def run(self, node_id: str | None) -> None:
        st = self.st
        executors = EXECUTORS
        while node_id is not None and not st.finished:
            np = self.plan.nodes.get(node_id)
            if np is None:
                self.fail(f"the flow has no step or node {node_id!r}")
                return
            st.steps += 1
            if st.steps > st.max_steps:
                self.hit_limit(f"more than {st.max_steps} steps in one call (at {node_id})")
                return
            if np.is_entry:
                if st.handlers and np.step not in self.plan.handler_steps:
                    st.handlers = []  # a handler left by `-> step`: nothing to resume
                passes = st.passes.get(np.step, 0) + 1
                st.passes[np.step] = passes
                if passes > st.max_passes:
                    self.hit_limit(f"step {np.step!r} entered more than {st.max_passes} times")
                    return
            st.node = node_id
            mark = len(self.out)
            node_id = executors[np.kind](self, np)
            st.trace.append(self.trace_entry(np, mark))

    def trace(self, np: NodePlan, mark: int, **extra: Any) -> None:
        entry = self.trace_entry(np, mark)
        if extra:
            entry.update(extra)
        self.st.trace.append(entry)

    def trace_entry(self, np: NodePlan, mark: int) -> dict[str, Any]:
        """The trace entry of a node just run; `mark` is where its commands begin."""
        entry: dict[str, Any] = {"at": self.st.clock, "step": np.step, "node": np.id}
        if np.flow != self.root.name:
            entry["flow"] = np.flow
        if self.taken is not None:
            entry["route"] = self.taken
            self.taken = None
        if self.event is not None:
            entry["event"] = self.event
            self.event = None
        out = self.out
        if len(out) == mark + 1:  # most nodes give one command
            entry["do"] = [out[mark].kind]
        elif len(out) > mark:
            entry["do"] = [cmd.kind for cmd in out[mark:]]
        return entry

    def note(self, text: str, *, warning: bool = False) -> None:
        entry: dict[str, Any] = {"at": self.st.clock, "node": self.st.node}
        if self.event is not None:
            entry["event"] = self.event
            self.event = None
        entry["warning" if warning else "note"] = text
        self.st.trace.append(entry)

    # ------------------------------------------------------------ helpers
    @property
    def lang(self) -> str:
        return self.st.language

    def text(self, text: m.Text) -> str:
        source = text.get(self.st.language)
        if source is None:
            source = pick(text, self.st.language, self.plan.default_lang)
        if "{" not in source:
            return source
        rendered, warnings = render(source, self.context())
        for warning in warnings:
            self.note(warning, warning=True)
        return rendered

    def context(self) -> Mapping[str, Any]:
        """What texts may name: the variables (choices shown by their labels) and the
        choice lists; looked up name by name, since most prompts name one or two."""
        plan = self.plan
        labels = plan.choice_labels.get(self.st.language) or plan.choice_labels.get(
            plan.default_lang, {}
        )
        return _TextContext(self.st.vars, labels, plan.choice_vars, self.st.language,
                            plan.default_lang)  # fmt: skip

    def assign(self, var: str, value: Any) -> None:
        value = coerce(self.plan.variables.get(var), value)
        st = self.st
        st.vars[var] = value
        if not st.calls and var in self.root.results:
            st.results[var] = value
            self.out.append(c.SetResult(var, value))

    def ask(self, np: NodePlan, attempt: int, *, fresh: bool = False) -> None:
        node = np.node
        assert isinstance(node, m.AskNode)
        text, part = node.text, "ask"
        if attempt > 1 and not fresh:
            index = attempt - 2
            if index < len(node.reprompts):
                text, part = node.reprompts[index], f"reprompt{attempt}"
        lang = self.st.language
        options = np.options.get(lang)
        if options is None:
            options = options_for(node.question, np.choices, np.route_keys, lang,
                                  self.plan.default_lang)  # fmt: skip
            np.options[lang] = options
        question = node.question
        self.out.append(
            c.Ask(
                node=np.id,
                var=node.var,
                text=self.text(text) if text else "",
                lang=lang,
                question=question,
                options=options,
                keys=dict(question.keys),
                max_digits=question.max_digits,
                terminator=question.terminator,
                timeout=node.timeout,
                attempt=attempt,
                hints=self.hints(np, lang),
                span=np.span,
                prompt=self.recording(np, part, text) if text else None,
            )
        )
        self.st.wait = "answer"

    def recording(self, np: NodePlan, part: str, text: m.Text) -> str | None:
        """The recording-book id of ``part`` of the node in this call's language, if its text
        names no fields (a voice talent can record it once)."""
        key = (self.st.language, part)
        if key not in np.asked:
            source, picked = pick_with_lang(text, self.st.language, self.plan.default_lang)
            np.asked[key] = None if "{" in source else recording_id(np.flow, np.id, part, picked)
        return np.asked[key]

    def hints(self, np: NodePlan, lang: str) -> tuple[str, ...]:
        """The question's hints for the agent; kept per language when they name no fields."""
        hints = np.fixed_hints.get(lang)
        if hints is not None:
            return hints
        node = np.node
        assert isinstance(node, m.AskNode)
        hints = tuple(self.text(h) for h in node.hints)
        default = self.plan.default_lang
        if all("{" not in pick(h, lang, default) for h in node.hints):
            np.fixed_hints[lang] = hints
        return hints

    # ------------------------------------------------------------ endings
    def finish(self, *, cause: str | None, reason: str | None = None, hangup: bool = True) -> None:
        st = self.st
        st.finished = True
        st.wait = None
        st.pending = None
        if reason is not None:
            st.reason = reason
        wanted = self.root.outcomes.get(st.outcome or "")
        if wanted is not None:
            missing = [r for r in wanted.requires if st.results.get(r) is None]
            if missing:
                self.note(f"outcome {st.outcome} requires unset results: {', '.join(missing)}",
                          warning=True)  # fmt: skip
        if hangup:
            self.out.append(c.Hangup(cause))
        self.out.append(c.Finished(st.outcome, self.results(), st.reason))

    def results(self) -> dict[str, Any]:
        return {name: self.st.results.get(name) for name in self.root.results}

    def set_outcome(self, name: str) -> None:
        if self.st.outcome != name:
            self.st.outcome = name
            self.out.append(c.SetOutcome(name))

    def hit_limit(self, reason: str) -> None:
        self.note(f"guard rail: {reason}", warning=True)
        self.set_outcome("limit")
        self.finish(cause="limit", reason=reason)

    def fail(self, reason: str) -> None:
        self.note(reason, warning=True)
        self.set_outcome("error")
        self.finish(cause="error", reason=reason)


class _TextContext(Mapping[str, Any]):
    __slots__ = ("vars", "labels", "choice_vars", "lang", "default")

    def __init__(
        self,
        variables: dict[str, Any],
        labels: Mapping[str, Any],
        choice_vars: Mapping[str, tuple[m.Choice, ...]],
        lang: str,
        default: str,
    ) -> None:
        self.vars = variables
        self.labels = labels
        self.choice_vars = choice_vars
        self.lang = lang
        self.default = default

    def __getitem__(self, name: str) -> Any:
        if name in self.vars:
            value = self.vars[name]
            options = self.choice_vars.get(name)
            if options and value is not None:
                return _choice_label(options, value, self.lang, self.default)
            return value
        return self.labels[name]

    def __contains__(self, name: object) -> bool:
        return name in self.vars or name in self.labels

    def __iter__(self) -> Iterator[str]:
        yield from self.vars
        yield from (name for name in self.labels if name not in self.vars)

    def __len__(self) -> int:
        return len(self.vars) + sum(1 for name in self.labels if name not in self.vars)


def _choice_label(options: tuple[m.Choice, ...], value: Any, lang: str, default: str) -> Any:
    names = value if isinstance(value, list) else [value]
    labels = [
        next((pick(o.label, lang, default) for o in options if o.name == n), n) for n in names
    ]
    return ", ".join(str(label) for label in labels)


def coerce(variable: m.Variable | None, value: Any) -> Any:
    """A value stored as its declared type: integral numbers as int, texts as str."""
    if type(value) is str and (variable is None or variable.type not in _NUMERIC):
        return value  # as normalise would leave it
    if value is None or variable is None:
        return normalise(value)
    kind = variable.type
    if kind in _NUMERIC and isinstance(value, str) and value not in ("dont_know", "refused"):
        try:
            return normalise(float(value.replace(",", ".")))
        except ValueError:
            return value
    if kind in ("text", "phone", "digits") and type(value) in (int, float):
        return str(normalise(value))
    return normalise(value)


def is_truthy(fn: Any, st: CallState) -> bool:
    return truthy(fn(st.vars, st.clock))


EXECUTORS: dict[str, Executor] = {}  # filled by dialscript.runtime.nodes
