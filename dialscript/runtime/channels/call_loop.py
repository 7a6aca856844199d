"""The call loop: one journaled interpreter driven by one FreeSWITCH call.

``run_call`` starts a :class:`~dialscript.runtime.runner.CallRunner` (every
step committed to the journal before it is acted on), performs the commands
on an :class:`EslChannel`, and feeds back what the caller did. However the call
ends (the flow finishes, the caller hangs up, the socket drops, the server
shuts down), the journal ends finished and consistent: a hangup is fed to the
interpreter, which keeps every answer already given and sets ``breakoff``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from dialscript.graph.flowgraph import FlowGraph
from dialscript.runtime import commands as c
from dialscript.runtime import events as e
from dialscript.runtime.bindings import RuntimeBindings
from dialscript.runtime.channels.config import ChannelConfig
from dialscript.runtime.channels.esl_channel import EslChannel
from dialscript.runtime.channels.integrations import Integrations
from dialscript.runtime.esl import CallHungUp, CallSession, ConnectionLost, ESLError
from dialscript.runtime.plan import plan_for
from dialscript.runtime.runner import CallRunner
from dialscript.runtime.store.base import CallStore, StoreError

__all__ = ["CallReport", "Clock", "run_call"]

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
LOST_CAUSE = "ESL_CONNECTION_LOST"
SHUTDOWN_CAUSE = "SYSTEM_SHUTDOWN"
ERROR_CAUSE = "DIALSCRIPT_ERROR"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class CallReport:
    """How one call went, for logs and tests."""

    call_id: str | None = None
    outcome: str | None = None
    finished: bool = False
    ended_by: str = "flow"  # flow | caller | connection | shutdown | error
    commands: int = 0


async def run_call(
    session: CallSession,
    graph: FlowGraph,
    *,
    store: CallStore,
    inputs: Mapping[str, Any],
    integrations: Integrations,
    bindings: RuntimeBindings,
    config: ChannelConfig | None = None,
    language: str | None = None,
    clock: Clock = utc_now,
    on_step: Callable[[CallRunner], None] | None = None,
) -> CallReport:
    """Run ``graph`` on ``session`` until the flow or the call ends; journal every step."""
    report = CallReport()
    channel = EslChannel(
        session,
        config=config or ChannelConfig(),
        bindings=bindings,
        integrations=integrations,
        handler_keys=tuple(plan_for(graph).handler_keys),
    )
    runner, first = CallRunner.start(
        graph, store, inputs, now=clock(), channel="ivr", language=language,
        external_id=session.uuid,
    )  # fmt: skip
    report.call_id = runner.call_id
    pending: deque[c.Command] = deque(first)

    def feed(event: e.Event) -> None:
        pending.extend(runner.feed(dataclasses.replace(event, at=clock())))
        if on_step is not None:
            on_step(runner)

    try:
        await session.answer()
        if graph.model.record_calls:
            path = channel.config.recording_path(session.uuid, "call")
            await session.execute("record_session", path)
        while pending:
            command = pending.popleft()
            report.commands += 1
            event = await channel.perform(command)
            if event is not None and not runner.finished:
                feed(event)
    except CallHungUp as hung:
        report.ended_by = "caller"
        _end(runner, feed, hung.cause or "NORMAL_CLEARING")
    except ConnectionLost as lost:
        log.info("call %s: %s", session.uuid, lost)
        report.ended_by = "connection"
        _end(runner, feed, LOST_CAUSE)
    except asyncio.CancelledError:
        report.ended_by = "shutdown"
        _end(runner, feed, SHUTDOWN_CAUSE)
        raise
    except (ESLError, StoreError) as error:
        log.warning("call %s failed: %r", session.uuid, error)
        report.ended_by = "error"
        _end(runner, feed, ERROR_CAUSE)
        await _hang_up_quietly(session)
    finally:
        await channel.aclose()
        report.outcome = runner.state.outcome
        report.finished = runner.finished
    return report


def _end(runner: CallRunner, feed: Callable[[e.Event], None], cause: str) -> None:
    """Tell the interpreter the call is gone (journaled); a journal failure is logged."""
    if runner.finished:
        return
    try:
        feed(e.Hangup(cause))
    except StoreError as error:
        log.error("call %s: could not journal the end of the call: %r", runner.call_id, error)


async def _hang_up_quietly(session: CallSession) -> None:
    if session.hung_up:
        return
    try:
        await asyncio.wait_for(session.hangup("NORMAL_TEMPORARY_FAILURE"), 5.0)
    except (ESLError, TimeoutError) as error:
        log.info("call %s: hangup after an error failed: %r", session.uuid, error)
