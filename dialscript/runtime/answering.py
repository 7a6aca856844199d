"""What the interpreter does with events while a question waits: answers, silence,
invalid input, confirmations, handlers and `Back`.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from dialscript.graph import model as m
from dialscript.runtime import commands as c
from dialscript.runtime.answers import Accepted, Via, normalise_answer
from dialscript.runtime.evaluate import parse_clock, truthy
from dialscript.runtime.machine import MAX_ATTEMPTS, Machine
from dialscript.runtime.plan import NodePlan

_SPECIAL = ("dont_know", "refused")
_DATED = ("date", "datetime")
# isinstance with a tuple of types: cheaper than with a `X | Y` union on these hot paths
_RAW_TYPES = (str, int, float, list)
_NUMBERS = (int, float)
_CONFIRM = m.Question(type="yesno", keys={"1": "yes", "2": "no"}, accepts_special=False)


def current_question(mc: Machine) -> NodePlan | None:
    np = mc.plan.nodes.get(mc.st.node or "")
    return np if np is not None and np.kind == "ask" else None


def answer(mc: Machine, raw: Any, via: Via) -> None:
    np = current_question(mc)
    if np is None:
        mc.note("answer ignored: no question is waiting", warning=True)
        return
    node = np.node
    assert isinstance(node, m.AskNode)
    if mc.st.wait == "confirm":
        _confirmation(mc, np, raw, via)
        return
    today = _today(mc) if node.question.type in _DATED else None  # only dates say "today"
    result = normalise_answer(node.question, raw, via=via, choices=np.choices,
                              extra_keys=np.route_keys, today=today)  # fmt: skip
    if not isinstance(result, Accepted):
        handler = mc.plan.handler_keys.get(str(raw).strip()) if via == "digits" else None
        if handler is not None:
            invoke_handler(mc, handler)
            return
        invalid(mc, np, result.reason)
        return
    value = result.value
    if value not in _SPECIAL and (np.requires or np.confirms):
        trial = {**mc.st.vars, node.var: value}
        for fn, message in np.requires:
            if not truthy(fn(trial, mc.st.clock)):
                mc.out.append(c.Say(mc.text(message), mc.lang, np.id, np.span))
                invalid(mc, np, f"require failed for {value!r}")
                return
        for fn, question in np.confirms:
            if truthy(fn(trial, mc.st.clock)):
                _ask_confirmation(mc, np, value, question)
                return
    accept(mc, np, value, raw, via)


def _today(mc: Machine) -> date | None:
    try:
        return parse_clock(mc.st.clock).date()
    except ValueError:
        return None


def _ask_confirmation(mc: Machine, np: NodePlan, value: Any, question: m.Text) -> None:
    mark = len(mc.out)
    st = mc.st
    st.wait = "confirm"
    st.pending = value
    var = np.node.var if isinstance(np.node, m.AskNode) else ""
    saved = st.vars.copy()
    st.vars[var] = value  # the text speaks of the answer being confirmed
    text = mc.text(question)
    st.vars = saved
    mc.out.append(
        c.Ask(node=np.id, var=var, text=text, lang=mc.lang, question=_CONFIRM,
              keys=dict(_CONFIRM.keys), confirmation=True, span=np.span,
              options=(c.Option("yes", "yes", "1"), c.Option("no", "no", "2")))
    )  # fmt: skip
    mc.trace(np, mark, confirm=value)


def _confirmation(mc: Machine, np: NodePlan, raw: Any, via: Via) -> None:
    result = normalise_answer(_CONFIRM, raw, via=via)
    pending = mc.st.pending
    if not isinstance(result, Accepted):
        mc.st.wait = "answer"
        _ask_confirmation(mc, np, pending, _confirm_text(np, pending, mc))
        return
    mc.st.wait = "answer"
    mc.st.pending = None
    if result.value == "yes":
        accept(mc, np, pending, raw, via)
        return
    mark = len(mc.out)
    silent, wrong = mc.st.attempts.get(np.id, [0, 0])
    mc.ask(np, silent + wrong + 1, fresh=True)
    mc.trace(np, mark, confirmed=False)


def _confirm_text(np: NodePlan, value: Any, mc: Machine) -> m.Text:
    trial = {**mc.st.vars, getattr(np.node, "var", ""): value}
    for fn, question in np.confirms:
        if truthy(fn(trial, mc.st.clock)):
            return question
    return np.confirms[0][1] if np.confirms else {}


def accept(mc: Machine, np: NodePlan, value: Any, raw: Any, via: str) -> None:
    st = mc.st
    node = np.node
    assert isinstance(node, m.AskNode)
    if st.channel != "ivr":  # only an agent goes back to correct an answer
        snapshot = st.snapshot()
        snapshot["wait"], snapshot["pending"] = "answer", None
        st.checkpoints.append({"snapshot": snapshot, "answer": len(st.answers)})
    mark = len(mc.out)
    mc.assign(node.var, value)
    stored = st.vars.get(node.var)
    st.answers.append(
        {"step": np.step, "node": np.id, "var": node.var, "value": stored,
         "raw": _audit_raw(raw),
         "via": via, "at": st.clock, "flow": mc.plan.name, "superseded": False}
    )  # fmt: skip
    st.wait = None
    st.attempts.pop(np.id, None)
    target = route_answer(np, stored)
    mc.trace(np, mark, answer=stored)
    if target is None:
        dead_end(mc, np, f"no route after the answer {stored!r} at {np.id}")
        return
    mc.run(target)


def _audit_raw(raw: Any) -> Any:
    """What the audit trail keeps of the answer as given: JSON-safe (inf and NaN as text)."""
    if isinstance(raw, float) and not math.isfinite(raw):
        return str(raw)
    if isinstance(raw, list):
        return [_audit_raw(item) for item in raw]
    return raw if isinstance(raw, _RAW_TYPES) else str(raw)


def route_answer(np: NodePlan, value: Any) -> str | None:
    answers = np.answers
    for item in value if isinstance(value, list) else (value,):
        if isinstance(item, bool):
            continue
        target = answers.get(item)
        if target is None and isinstance(item, str) and item.isdigit():
            target = answers.get(float(item))
        if target is not None:
            return target
        if isinstance(item, _NUMBERS):
            for low, high, where in np.ranges:
                if low <= item <= high:
                    return where
    return np.otherwise or np.next


def dead_end(mc: Machine, np: NodePlan, reason: str) -> None:
    mc.note(reason, warning=True)
    if mc.st.outcome is None:
        mc.set_outcome("error")
    mc.finish(cause="error", reason=reason)


def silence(mc: Machine) -> None:
    np = current_question(mc)
    if np is None:
        mc.note("silence ignored: no question is waiting")
        return
    mc.st.wait = "answer"
    mc.st.pending = None
    _count(mc, np, 0, np.silence, "silence")


def invalid(mc: Machine, np: NodePlan, reason: str) -> None:
    _count(mc, np, 1, np.invalid, f"invalid ({reason})")


def _count(mc: Machine, np: NodePlan, which: int, route: tuple[int, str] | None, why: str) -> None:
    st = mc.st
    counts = list(st.attempts.get(np.id, [0, 0]))
    counts[which] += 1
    st.attempts[np.id] = counts
    total = counts[0] + counts[1]
    mark = len(mc.out)
    if route is not None and counts[which] >= route[0]:
        st.wait = None
        st.attempts.pop(np.id, None)
        mc.trace(np, mark, why=f"{why} {counts[which]} times")
        mc.run(route[1])
        return
    if route is None and total >= MAX_ATTEMPTS:
        st.wait = None
        st.attempts.pop(np.id, None)
        reason = f"no answer after {total} attempts at {np.id}; going on"
        mc.trace(np, mark, why=why, warning=reason)
        if np.next is None:
            dead_end(mc, np, f"no answer after {total} attempts at {np.id} and no way on")
            return
        mc.run(np.next)
        return
    mc.ask(np, total + 1)
    mc.trace(np, mark, why=why)


def invoke_handler(mc: Machine, name: str) -> None:
    st = mc.st
    entry = mc.plan.handler_entries.get(name)
    if entry is None:
        mc.note(f"no handler named {name!r}", warning=True)
        return
    if st.wait not in ("answer", "confirm"):
        mc.note(f"handler {name} ignored: only a waiting question can be interrupted",
                warning=True)  # fmt: skip
        return
    st.handlers.append({"node": st.node, "handler": name})
    st.wait = None
    st.pending = None
    mc.note(f"handler {name} invoked")
    mc.run(entry)


def back(mc: Machine) -> None:
    st = mc.st
    if st.wait not in ("answer", "confirm") or not st.checkpoints:
        mc.note("back ignored: no earlier answer to correct", warning=True)
        return
    checkpoint = st.checkpoints.pop()
    before = dict(st.results)
    first = checkpoint["answer"]
    st.answers = [{**a, "superseded": True} if i >= first else a for i, a in enumerate(st.answers)]
    st.restore(checkpoint["snapshot"])
    mc.plan = mc.resolve(st.path)
    for name in mc.root.results:
        if before.get(name) != st.results.get(name):
            mc.out.append(c.SetResult(name, st.results.get(name)))
    np = mc.plan.nodes[st.node or ""]
    mark = len(mc.out)
    silent, wrong = st.attempts.get(np.id, [0, 0])
    mc.ask(np, silent + wrong + 1, fresh=True)
    mc.trace(np, mark, back=True)
