"""The call loop: one journaled interpreter driven by one FreeSWITCH call.

``run_call`` starts a :class:`~dialscript.runtime.runner.CallRunner` (every
step committed to the journal before it is acted on), performs the commands
on an :class:`EslChannel`, and feeds back what the caller did. However the call
ends (the flow finishes, the caller hangs up, the socket drops, the server
shuts down), the journal ends finished and consistent: a hangup is fed to the
interpreter, which keeps every answer already given and sets ``breakoff``.

On the IVR channel prompts are spoken and answers are keys. On the agent
channel a person reads the script: prompts, questions and notes are not sent
to FreeSWITCH, and whenever the flow waits for an answer the loop takes the
next event from the call's :class:`~.agent.AgentPort` (fed by the agent
console through the :class:`~.agent.CallRegistry`); telephony (recording,
transfers, hangup, variables, messages, lookups) still goes through
FreeSWITCH, and a caller hanging up still ends the flow. A
:class:`CallObserver` sees every command batch the interpreter returned.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from dialscript.graph.flowgraph import FlowGraph
from dialscript.runtime import commands as c
from dialscript.runtime import events as e
from dialscript.runtime.bindings import RuntimeBindings
from dialscript.runtime.channels.agent import AgentPort, CallRegistry
from dialscript.runtime.channels.config import ChannelConfig
from dialscript.runtime.channels.esl_channel import EslChannel, LookupSender
from dialscript.runtime.channels.integrations import Integrations
from dialscript.runtime.channels.journal import JournalWriter
from dialscript.runtime.channels.prompts import RecordedPrompts
from dialscript.runtime.channels.render import hangup_cause
from dialscript.runtime.esl import CallHungUp, CallSession, ConnectionLost, ESLError
from dialscript.runtime.plan import plan_for
from dialscript.runtime.runner import CallRunner
from dialscript.runtime.store.base import CallStore, StoreError

__all__ = ["CallChannel", "CallObserver", "CallReport", "Clock", "run_call"]

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
CallChannel = Literal["agent", "ivr"]
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
    ended_by: str = "flow"  # flow | caller | agent | connection | shutdown | error
    commands: int = 0


class CallObserver:
    """Watches calls from the call loop (logs, metrics, the scenario driver); no-ops by default.

    Called on the server's event loop; must not block.
    """

    def issued(self, runner: CallRunner, commands: Sequence[c.Command]) -> None:
        """The interpreter returned ``commands`` (the first step's, then after every event)."""

    def waiting(self, runner: CallRunner) -> None:
        """An agent-channel call waits for the agent's next event."""

    def ended(self, runner: CallRunner | None, report: CallReport) -> None:
        """The call loop is over (``runner`` is ``None`` if the call never started)."""


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
    channel: CallChannel = "ivr",
    registry: CallRegistry | None = None,
    observer: CallObserver | None = None,
    lookup: LookupSender | None = None,
    agent_timeout: float = 3600.0,
    recorded: RecordedPrompts | None = None,
) -> CallReport:
    """Run ``graph`` on ``session`` until the flow or the call ends; journal every step.

    ``channel="agent"``: answers come from the call's port in ``registry``
    (a private one if none is given), waiting at most ``agent_timeout`` s each.
    ``recorded`` remembers which recorded prompts the switch has (share one per server).
    """
    report = CallReport()
    esl = EslChannel(
        session,
        config=config or ChannelConfig(),
        bindings=bindings,
        integrations=integrations,
        handler_keys=tuple(plan_for(graph).handler_keys),
        lookup=lookup,
        recorded=recorded,
    )
    watch = observer or CallObserver()
    try:
        runner, first = CallRunner.start(
            graph, store, inputs, now=clock(), channel=channel, language=language,
            external_id=session.uuid,
        )  # fmt: skip
    except BaseException:
        watch.ended(None, report)
        raise
    report.call_id = runner.call_id
    pending: deque[c.Command] = deque(first)
    watch.issued(runner, first)
    agent = channel == "agent"
    ports = registry or CallRegistry()
    port: AgentPort | None = ports.open(session.uuid, runner.call_id) if agent else None

    journal = store if isinstance(store, JournalWriter) else None
    journal_failed: list[asyncio.Task[None]] = []

    def on_journal_failure(error: StoreError) -> None:
        """A step could not be journaled: hang up now, before the caller answers on top of it."""
        log.error("call %s: hanging up, the journal failed: %r", runner.call_id, error)
        journal_failed.append(asyncio.create_task(_kill_quietly(session)))

    if journal is not None:
        journal.watch(runner.call_id, on_journal_failure)

    async def durable() -> None:
        """Every step taken so far is committed (a group-committing journal writes behind)."""
        if journal is not None:
            await journal.synced(runner.call_id)

    def feed(event: e.Event) -> None:
        out = runner.feed(dataclasses.replace(event, at=clock()))
        pending.extend(out)
        watch.issued(runner, out)
        if on_step is not None:
            on_step(runner)

    try:
        await session.answer()
        if graph.model.record_calls:
            path = esl.config.recording_path(session.uuid, "call")
            await session.execute("record_session", path)
        while pending or (port is not None and not runner.finished):
            if not pending:
                assert port is not None
                watch.waiting(runner)
                given = await port.next(session, agent_timeout)
                await durable()
                feed(given)
                if isinstance(given, e.Hangup):  # the agent ended the call
                    report.ended_by = "agent"
                    await session.hangup(hangup_cause(given.cause))
                continue
            command = pending.popleft()
            report.commands += 1
            if agent and isinstance(command, _SCREEN_ONLY):
                continue  # the agent's screen shows it; nothing goes to FreeSWITCH
            if isinstance(command, _VARIABLES):
                # a step's results and outcome: one application for the whole run of them
                run: list[c.SetResult | c.SetOutcome] = [command]
                while pending and isinstance(pending[0], _VARIABLES):
                    run.append(pending.popleft())  # type: ignore[arg-type]
                report.commands += len(run) - 1
                await esl.set_vars(run)
                continue
            event = await esl.perform(command)
            if event is not None and not runner.finished:
                await durable()
                feed(event)
    except CallHungUp as hung:
        report.ended_by = "error" if journal_failed else "caller"
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
        if port is not None:
            ports.close(port)
        if journal is not None:
            journal.unwatch(runner.call_id)  # no kill may start once this call is ending
        await esl.aclose()
        if journal_failed:
            await asyncio.wait(journal_failed)  # _kill_quietly is bounded and never raises
        if journal is not None:
            try:
                await asyncio.wait_for(durable(), 10.0)
            except (StoreError, TimeoutError) as error:
                log.error("call %s: the journal did not commit its end: %r", runner.call_id, error)
            journal.forget(runner.call_id)
        report.outcome = runner.state.outcome
        report.finished = runner.finished
        watch.ended(runner, report)
    return report


# On the agent channel these are read from the screen by a person.
_SCREEN_ONLY = (c.Say, c.Ask, c.ShowNote)
_VARIABLES = (c.SetResult, c.SetOutcome)


def _end(runner: CallRunner, feed: Callable[[e.Event], None], cause: str) -> None:
    """Tell the interpreter the call is gone (journaled); a journal failure is logged."""
    if runner.finished:
        return
    try:
        feed(e.Hangup(cause))
    except StoreError as error:
        log.error("call %s: could not journal the end of the call: %r", runner.call_id, error)


async def _kill_quietly(session: CallSession) -> None:
    """Hang the call up at once (even mid-prompt); a failure is logged."""
    if session.hung_up:
        return
    try:
        reply = await asyncio.wait_for(session.kill("NORMAL_TEMPORARY_FAILURE"), 5.0)
    except (ESLError, TimeoutError) as error:
        log.warning("call %s: uuid_kill failed: %r", session.uuid, error)
        return
    if not reply.startswith("+OK"):
        log.info("call %s: uuid_kill: %s", session.uuid, reply.strip())


async def _hang_up_quietly(session: CallSession) -> None:
    if session.hung_up:
        return
    try:
        await asyncio.wait_for(session.hangup("NORMAL_TEMPORARY_FAILURE"), 5.0)
    except (ESLError, TimeoutError) as error:
        log.info("call %s: hangup after an error failed: %r", session.uuid, error)
