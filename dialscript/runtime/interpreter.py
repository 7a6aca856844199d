"""The interpreter: sans-IO, one call at a time, `start` then `feed` events.

    state, commands = start(graph, {"client_name": "Иван"}, now=datetime(...))
    state, commands = feed(graph, state, AgentAnswer("yes"))

It never touches a socket, a clock or a database: time comes from events,
IO is described by the returned commands, and the state is a plain value
(JSON round trip with `state.model_dump()` / `CallState.model_validate`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Literal

from dialscript.graph import model as m
from dialscript.graph.flowgraph import FlowGraph
from dialscript.runtime import answering
from dialscript.runtime import commands as c
from dialscript.runtime import events as e
from dialscript.runtime import nodes as _nodes  # noqa: F401 - registers the node executors
from dialscript.runtime.machine import Machine
from dialscript.runtime.plan import plan_for
from dialscript.runtime.state import CallState, Limits

Channel = Literal["agent", "ivr"]
DEFAULT_LIMITS = Limits()


def start(
    graph: FlowGraph,
    inputs: Mapping[str, Any] | None = None,
    *,
    now: datetime,
    channel: Channel = "agent",
    language: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[CallState, list[c.Command]]:
    """A new call of `graph`, run up to its first wait (a question, lookup or transfer).

    >>> from dialscript.graph.model import FlowModel, SayNode, HangupNode, Route, StepInfo
    >>> g = FlowGraph(FlowModel(name="hi", start="a", steps=(StepInfo(name="a", entry="a"),),
    ...     nodes=(SayNode(id="a", step="a", text={"ru": "Привет"},
    ...                    routes=(Route(kind="next", target="a.1"),)),
    ...            HangupNode(id="a.1", step="a"))))
    >>> state, commands = start(g, now=datetime(2026, 1, 1))
    >>> [cmd.kind for cmd in commands], state.finished
    (['say', 'hangup', 'finished'], True)
    """
    plan = plan_for(graph)
    languages = graph.model.languages
    state = CallState(
        flow=graph.name,
        flow_hash=graph.content_hash,
        channel=channel,
        language=language if language else (languages[0] if languages else "ru"),
        clock=now.isoformat(),
        max_steps=limits.max_steps,
        max_passes=limits.max_passes,
    )
    machine = Machine(plan, state, "start")
    _nodes.init_vars(machine, dict(inputs or {}))
    machine.run(plan.start)
    return state, machine.out


def feed(graph: FlowGraph, state: CallState, event: e.Event) -> tuple[CallState, list[c.Command]]:
    """The call after `event`: a new state (the given one is left untouched) and commands."""
    st = state.copy()
    if event.at is not None:
        st.clock = event.at.isoformat()
    machine = Machine(plan_for(graph), st, event.kind)
    if st.finished:
        machine.note(f"{event.kind} ignored: the call is over")
        return st, machine.out
    _DISPATCH[type(event)](machine, event)
    return st, machine.out


def run_events(
    graph: FlowGraph,
    events: list[e.Event],
    inputs: Mapping[str, Any] | None = None,
    *,
    now: datetime,
    channel: Channel = "agent",
    language: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[CallState, list[c.Command]]:
    """`start`, then every event in turn (stopping once the call is over); all commands."""
    state, out = start(graph, inputs, now=now, channel=channel, language=language, limits=limits)
    for event in events:
        if state.finished:
            break
        state, more = feed(graph, state, event)
        out.extend(more)
    return state, out


# ------------------------------------------------------------------ event handlers


def _tick(mc: Machine, event: Any) -> None:
    if isinstance(event, e.Tick):
        mc.st.clock = event.now.isoformat()


def _answered(mc: Machine, event: Any) -> None:
    mc.note("call answered")


def _digits(mc: Machine, event: Any) -> None:
    answering.answer(mc, event.digits, "digits")


def _agent(mc: Machine, event: Any) -> None:
    answering.answer(mc, event.value, "agent")


def _text(mc: Machine, event: Any) -> None:
    answering.answer(mc, event.text, "text")


def _silence(mc: Machine, event: Any) -> None:
    answering.silence(mc)


def _handler(mc: Machine, event: Any) -> None:
    answering.invoke_handler(mc, event.name)


def _back(mc: Machine, event: Any) -> None:
    answering.back(mc)


def _hangup(mc: Machine, event: Any) -> None:
    reason = f"the caller hung up ({event.cause})"
    if mc.st.outcome is None:
        mc.set_outcome("breakoff")
    mc.note(reason)
    mc.finish(cause=event.cause, reason=reason, hangup=False)


def _http_result(mc: Machine, event: Any) -> None:
    np = _waiting(mc, "http", event)
    if np is None:
        return
    node = np.node
    assert isinstance(node, m.LookupNode)
    mc.st.wait = None
    data = event.data if isinstance(event.data, dict) else {"value": event.data}
    mark = len(mc.out)
    mc.assign(node.var, data)
    mc.trace(np, mark, http="ok")
    mc.run(np.next)


def _http_failed(mc: Machine, event: Any) -> None:
    np = _waiting(mc, "http", event)
    if np is None:
        return
    mc.st.wait = None
    mc.trace(np, len(mc.out), http=f"failed: {event.reason}")
    if np.error is not None:
        mc.run(np.error)
        return
    reason = f"lookup at {np.id} failed ({event.reason}) and it has no error route"
    mc.note(reason, warning=True)
    mc.set_outcome("error")
    mc.finish(cause="error", reason=reason)


def _transfer_result(mc: Machine, event: Any) -> None:
    np = _waiting(mc, "transfer", event)
    if np is None:
        return
    mc.st.wait = None
    if event.ok:
        mc.trace(np, len(mc.out), transfer="ok")
        if mc.st.outcome is None:
            mc.set_outcome("transferred")
        mc.finish(cause=None, reason="transferred", hangup=False)
        return
    mc.trace(np, len(mc.out), transfer=f"failed: {event.reason}")
    target = np.failed or np.next
    if target is not None:
        mc.run(target)
        return
    reason = f"transfer at {np.id} failed ({event.reason}) and it has no failed route"
    mc.note(reason, warning=True)
    mc.set_outcome("error")
    mc.finish(cause="error", reason=reason)


def _waiting(mc: Machine, wait: str, event: Any) -> Any:
    if mc.st.wait != wait:
        mc.note(f"{event.kind} ignored: not waiting for it", warning=True)
        return None
    return mc.plan.nodes[mc.st.node or ""]


_DISPATCH: dict[type[Any], Callable[[Machine, Any], None]] = {
    e.Answered: _answered,
    e.Tick: _tick,
    e.Digits: _digits,
    e.AgentAnswer: _agent,
    e.TextAnswer: _text,
    e.Silence: _silence,
    e.HandlerInvoked: _handler,
    e.Back: _back,
    e.Hangup: _hangup,
    e.HttpResult: _http_result,
    e.HttpFailed: _http_failed,
    e.TransferResult: _transfer_result,
}
