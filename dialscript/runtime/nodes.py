"""Node executors: one function per node kind, registered in `machine.EXECUTORS`.

Each takes the machine and the node's plan and returns the next node id, or
None when the call now waits for an event or is over.
"""

from __future__ import annotations

from typing import Any

from dialscript.graph import model as m
from dialscript.graph.prompts import recording_id
from dialscript.runtime import commands as c
from dialscript.runtime.machine import EXECUTORS, Executor, Machine, is_truthy
from dialscript.runtime.plan import NodePlan, pick_with_lang
from dialscript.runtime.state import CallState


def _say(mc: Machine, np: NodePlan) -> str | None:
    node = np.node
    assert isinstance(node, m.SayNode)
    lang = mc.st.language
    fixed = np.fixed_say.get(lang)
    if fixed is None:
        source, picked = pick_with_lang(node.text, lang, mc.plan.default_lang)
        if "{" in source:
            mc.out.append(c.Say(mc.text(node.text), lang, np.id, np.span))
            return np.next
        # A fixed text may have been recorded by a voice talent (the recording book's id).
        fixed = np.fixed_say[lang] = (source, recording_id(np.flow, np.id, "say", picked))
    text, prompt = fixed
    mc.out.append(c.Say(text, lang, np.id, np.span, prompt))
    return np.next


def _play(mc: Machine, np: NodePlan) -> str | None:
    node = np.node
    assert isinstance(node, m.PlayNode)
    mc.out.append(c.Play(mc.text(node.audio), mc.lang, np.id))
    return np.next


def _note(mc: Machine, np: NodePlan) -> str | None:
    node = np.node
    assert isinstance(node, m.NoteNode)
    if mc.st.channel != "ivr":
        mc.out.append(c.ShowNote(mc.text(node.text), np.id))
    return np.next


def _ask(mc: Machine, np: NodePlan) -> str | None:
    mc.st.attempts[np.id] = [0, 0]
    mc.ask(np, 1)
    return None


def _branch(mc: Machine, np: NodePlan) -> str | None:
    st = mc.st
    for index, (fn, target) in enumerate(np.conditions):
        if is_truthy(fn, st):
            mc.taken = f"if {index + 1}"
            return target
    mc.taken = "else" if np.else_ is not None else "next"
    return np.else_ or np.next


def _set(mc: Machine, np: NodePlan) -> str | None:
    node = np.node
    assert isinstance(node, m.SetNode) and np.value is not None
    mc.assign(node.var, np.value(mc.st.vars, mc.st.clock))
    return np.next


def _outcome(mc: Machine, np: NodePlan) -> str | None:
    node = np.node
    assert isinstance(node, m.OutcomeNode)
    if mc.st.calls:
        mc.st.outcome = node.outcome  # a subflow's own outcome: restored on return
    else:
        mc.set_outcome(node.outcome)
    return np.next


def _limit(mc: Machine, np: NodePlan) -> str | None:
    node = np.node
    assert isinstance(node, m.LimitNode)
    if mc.st.passes.get(np.step, 0) > node.times and np.limit is not None:
        mc.taken = "limit"
        return np.limit
    mc.taken = "next"
    return np.next


def _hangup(mc: Machine, np: NodePlan) -> str | None:
    node = np.node
    assert isinstance(node, m.HangupNode)
    st = mc.st
    if st.calls and np.step in mc.plan.end_steps:
        return return_from_subflow(mc)
    mc.finish(cause=node.cause)
    return None


def _transfer(mc: Machine, np: NodePlan) -> str | None:
    node = np.node
    assert isinstance(node, m.TransferNode)
    command = _TRANSFERS[node.mode](node.destination, node.timeout, np.id)
    mc.out.append(command)
    mc.st.wait = "transfer"
    return None


_TRANSFERS: dict[str, type[c.Transfer] | type[c.Queue] | type[c.Bridge]] = {
    "transfer": c.Transfer,
    "queue": c.Queue,
    "bridge": c.Bridge,
}


def _record(mc: Machine, np: NodePlan) -> str | None:
    node = np.node
    assert isinstance(node, m.RecordNode)
    reference = f"{mc.st.flow}/{node.var}/{mc.st.steps}"
    prompt = mc.text(node.prompt) if node.prompt else None
    mc.out.append(c.Record(node.var, node.max_seconds, reference, prompt))
    mc.assign(node.var, reference)
    return np.next


def _sms(mc: Machine, np: NodePlan) -> str | None:
    node = np.node
    assert isinstance(node, m.SmsNode)
    to = mc.st.vars.get(node.to)
    if to is None:
        mc.note(f"sms not sent: {node.to} is not set", warning=True)
    else:
        mc.out.append(c.SendSms(str(to), mc.text(node.text)))
    return np.next


def _notify(mc: Machine, np: NodePlan) -> str | None:
    node = np.node
    assert isinstance(node, m.NotifyNode)
    fields = {name: mc.st.vars.get(name) for name in node.fields}
    subject = mc.text(node.subject) if node.subject else None
    mc.out.append(c.Notify(node.channel, node.destination, subject, fields))
    return np.next


def _lookup(mc: Machine, np: NodePlan) -> str | None:
    node = np.node
    assert isinstance(node, m.LookupNode)
    st = mc.st
    args = {name: fn(st.vars, st.clock) for name, fn in np.args.items()}
    mc.out.append(c.HttpRequest(node.source, args, node.timeout, node.var))
    st.wait = "http"
    return None


def _resume(mc: Machine, np: NodePlan) -> str | None:
    st = mc.st
    if not st.handlers:
        mc.fail(f"resume at {np.id} with no interrupted question to go back to")
        return None
    frame = st.handlers.pop()
    target = mc.plan.nodes.get(frame["node"])
    if target is None:
        mc.fail(f"resume: the interrupted node {frame['node']!r} is gone")
        return None
    st.node = target.id
    silent, invalid = st.attempts.get(target.id, [0, 0])
    mc.ask(target, silent + invalid + 1, fresh=True)
    return None


def _call(mc: Machine, np: NodePlan) -> str | None:
    node = np.node
    assert isinstance(node, m.CallNode)
    st = mc.st
    sub = mc.plan.subplans.get(node.flow) or mc.root.subplans.get(node.flow)
    if sub is None:
        mc.fail(f"call {node.flow}: no such subflow")
        return None
    args = {name: fn(st.vars, st.clock) for name, fn in np.args.items()}
    st.calls.append(
        {
            "flow": node.flow,
            "node": np.id,
            "vars": st.vars,
            "handlers": st.handlers,
            "attempts": st.attempts,
            "passes": st.passes,
            "outcome": st.outcome,
        }
    )
    st.vars, st.handlers, st.attempts, st.passes = {}, [], {}, {}
    mc.plan = sub
    init_vars(mc, args)
    return sub.start


def return_from_subflow(mc: Machine) -> str | None:
    st = mc.st
    frame = st.calls.pop()
    sub_vars, sub_outcome = st.vars, st.outcome
    st.vars = dict(frame["vars"])
    st.handlers, st.attempts = list(frame["handlers"]), dict(frame["attempts"])
    st.passes, st.outcome = dict(frame["passes"]), frame["outcome"]
    mc.plan = mc.resolve(st.path)
    caller = mc.plan.nodes[frame["node"]]
    node = caller.node
    assert isinstance(node, m.CallNode)
    mc.note(f"subflow {frame['flow']} returned (outcome {sub_outcome})")
    for local, name in node.returning.items():
        mc.assign(local, sub_vars.get(name))
    return caller.next


def init_vars(mc: Machine, inputs: dict[str, Any]) -> None:
    """Inputs (coerced to their declared types), then working variables' defaults."""
    st: CallState = mc.st
    for name, value in inputs.items():
        mc.assign(name, value)
    for name in mc.plan.required_inputs:
        if name not in inputs:
            mc.note(f"input {name} was not given", warning=True)
    for name, fn in mc.plan.defaults:
        if name not in st.vars:
            mc.assign(name, fn(st.vars, st.clock))


_ALL: dict[str, Executor] = {
    "say": _say,
    "play": _play,
    "note": _note,
    "ask": _ask,
    "branch": _branch,
    "set": _set,
    "outcome": _outcome,
    "limit": _limit,
    "hangup": _hangup,
    "transfer": _transfer,
    "record": _record,
    "sms": _sms,
    "notify": _notify,
    "lookup": _lookup,
    "resume": _resume,
    "call": _call,
}
EXECUTORS.update(_ALL)
