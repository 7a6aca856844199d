"""The agent's call page as a view model: built from the saved screen, the journal and
the flow (never raw graph nodes in templates)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dialscript.console.desk import unanswered
from dialscript.graph.describe import number
from dialscript.graph.flowgraph import FlowGraph
from dialscript.graph.model import Choice, Question
from dialscript.runtime.options import label as word_label
from dialscript.runtime.state import CallState
from dialscript.runtime.store.base import AnswerRecord

__all__ = ["CallPage", "build_page", "show_value"]

_INPUT_TYPES = {"number": "number", "scale": "number", "text": "text", "date": "date",
                "time": "time", "datetime": "datetime-local", "phone": "tel",
                "digits": "text"}  # fmt: skip
_SPECIAL = ("dont_know", "refused")


@dataclass(frozen=True, slots=True)
class Line:
    kind: str  # say | note | play | notify
    text: str


@dataclass(frozen=True, slots=True)
class Button:
    value: str
    label: str
    key: str  # keyboard key ("" for none)


@dataclass(frozen=True, slots=True)
class QuestionView:
    text: str
    type: str
    buttons: tuple[Button, ...]  # one click (and one key) answers
    specials: tuple[Button, ...]  # don't know / refused
    input_type: str  # "" when buttons say it all; else the <input type>
    multiple: bool  # many-of: checkboxes
    low: str
    high: str
    hints: tuple[str, ...]
    attempt: int
    confirmation: bool


@dataclass(frozen=True, slots=True)
class AnswerRow:
    var: str
    value: str
    step: str
    superseded: bool


@dataclass(frozen=True, slots=True)
class CallPage:
    call_id: str
    contact_id: int
    flow: str
    flow_title: str
    contact: tuple[tuple[str, str], ...]
    lines: tuple[Line, ...]
    question: QuestionView | None
    handlers: tuple[Button, ...]
    path: tuple[str, ...]
    answers: tuple[AnswerRow, ...]
    can_back: bool
    finished: bool
    outcome: str
    results: tuple[tuple[str, str], ...]
    message: str
    read_only: bool
    not_reached: bool = False  # the client has not answered yet: "no answer" is still possible


def show_value(value: Any, choices: tuple[Choice, ...] = (), lang: str = "ru") -> str:
    """An answer as people read it: choice labels, yes/no words, 7 not 7.0."""
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(show_value(v, choices, lang) for v in value)
    if isinstance(value, bool):
        return word_label("yes" if value else "no", lang)
    if isinstance(value, float):
        return number(value)
    if isinstance(value, str):
        for choice in choices:
            if choice.name == value:
                return choice.label.get(lang) or next(iter(choice.label.values()), value)
        if value in _SPECIAL or value in ("yes", "no"):
            return word_label(value, lang)
    return str(value)


def _question(ask: dict[str, Any], lang: str) -> QuestionView:
    question = Question.model_validate(ask["question"])
    options = ask.get("options") or []
    buttons = [Button(o["value"], o["label"], o.get("key") or "") for o in options
               if o["value"] not in _SPECIAL]  # fmt: skip
    specials = tuple(Button(o["value"], o["label"], "") for o in options
                     if o["value"] in _SPECIAL)  # fmt: skip
    kind = question.type
    low, high = question.low, question.high
    if kind in ("number", "scale") and not buttons and low is not None and high is not None:
        if float(low).is_integer() and float(high).is_integer() and 0 <= high - low <= 10:
            buttons = [Button(str(n), str(n), str(n % 10) if high <= 10 else "")
                       for n in range(int(low), int(high) + 1)]  # fmt: skip
    typed = kind not in ("yesno", "one", "many", "keys")
    return QuestionView(
        text=ask.get("text", ""),
        type=kind,
        buttons=tuple(buttons),
        specials=specials,
        input_type=_INPUT_TYPES.get(kind, "text") if typed else "",
        multiple=kind == "many",
        low=number(low) if low is not None else "",
        high=number(high) if high is not None else "",
        hints=tuple(ask.get("hints") or ()),
        attempt=int(ask.get("attempt", 1)),
        confirmation=bool(ask.get("confirmation")),
    )


def _path(state: CallState) -> tuple[str, ...]:
    steps: list[str] = []
    for entry in state.trace:
        step = entry.get("step")
        if step and (not steps or steps[-1] != step):
            steps.append(str(step))
    return tuple(steps)


def _handlers(graph: FlowGraph, state: CallState) -> tuple[Button, ...]:
    current = graph
    for name in state.path:
        current = current.subflows.get(name) or graph.subflows.get(name) or current
    keys = "123456789"
    return tuple(Button(h.name, h.title or h.name, keys[i] if i < len(keys) else "")
                 for i, h in enumerate(current.model.handlers))  # fmt: skip


def build_page(
    *,
    call_id: str,
    contact_id: int,
    contact_fields: dict[str, str],
    graph: FlowGraph,
    state: CallState,
    screen: dict[str, Any],
    answers: tuple[AnswerRecord, ...],
    message: str = "",
    read_only: bool = False,
) -> CallPage:
    lang = state.language
    all_choices = tuple(c for options in graph.model.choices.values() for c in options)
    ask = screen.get("ask")
    question = _question(ask, lang) if ask and not state.finished else None
    titles = {o.name: o.title or o.name for o in graph.model.outcomes}
    results = tuple((name, show_value(value, all_choices, lang))
                    for name, value in state.results.items())  # fmt: skip
    return CallPage(
        call_id=call_id,
        contact_id=contact_id,
        flow=graph.name,
        flow_title=graph.model.title or graph.name,
        contact=tuple(contact_fields.items()),
        lines=tuple(Line(line["kind"], line["text"]) for line in screen.get("lines", [])),
        question=question,
        handlers=_handlers(graph, state) if question is not None else (),
        path=_path(state),
        answers=tuple(
            AnswerRow(a.var, show_value(a.value, all_choices, lang), a.step, a.superseded)
            for a in answers
        ),  # fmt: skip
        can_back=question is not None and bool(state.checkpoints),
        finished=state.finished,
        outcome=titles.get(state.outcome or "", state.outcome or ""),
        results=results,
        message=message,
        read_only=read_only,
        not_reached=question is not None and unanswered(state),
    )
