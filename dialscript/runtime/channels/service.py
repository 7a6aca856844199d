"""The outbound-server handler: which flow a call runs, with which inputs, journaled where.

The dialplan says it with channel variables set before ``socket``::

    <action application="set" data="dialscript_flow=support_ivr"/>
    <action application="set" data="dialscript_input_client_name=${caller_id_name}"/>
    <action application="set" data="dialscript_language=en"/>
    <action application="set" data="dialscript_channel=agent"/>

``dialscript_channel`` (``agent`` | ``ivr``) says who runs the call; without
it a flow declared ``channel agent`` runs on the agent channel (answers from
:attr:`CallService.agents`) and any other on the IVR.
:class:`FlowLibrary` compiles ``<flows>/<name>.flow`` once per file version.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dialscript.dsl.load import compile_file
from dialscript.graph.flowgraph import FlowGraph
from dialscript.runtime.bindings import DEFAULT_ENV, RuntimeBindings
from dialscript.runtime.channels.agent import CallRegistry
from dialscript.runtime.channels.call_loop import (
    CallChannel,
    CallObserver,
    CallReport,
    Clock,
    run_call,
    utc_now,
)
from dialscript.runtime.channels.config import ChannelConfig
from dialscript.runtime.channels.esl_channel import LookupSender
from dialscript.runtime.channels.integrations import Integrations
from dialscript.runtime.channels.prompts import RecordedPrompts
from dialscript.runtime.esl import CallSession, HangupCause
from dialscript.runtime.store.base import CallStore

__all__ = [
    "UNUSED_EVENTS",
    "CallService",
    "FlowLibrary",
    "FlowNotFound",
    "LoadedFlow",
    "call_channel",
    "call_inputs",
]

log = logging.getLogger(__name__)

FLOW_VAR = "dialscript_flow"
LANGUAGE_VAR = "dialscript_language"
CHANNEL_VAR = "dialscript_channel"
INPUT_PREFIX = "dialscript_input_"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}\Z")

UNUSED_EVENTS = (
    "CHANNEL_EXECUTE",
    "CHANNEL_STATE",
    "CHANNEL_PARK",
    "CHANNEL_UNPARK",
    "CHANNEL_CREATE",
    "CHANNEL_DESTROY",
    "CHANNEL_DATA",
    "CHANNEL_APPLICATION",
    "CHANNEL_ORIGINATE",
    "CHANNEL_UUID",
    "CHANNEL_OUTGOING",
    "CHANNEL_PROGRESS",
    "CHANNEL_PROGRESS_MEDIA",
    "DTMF",
    "TALK",
    "NOTALK",
    "DETECTED_SPEECH",
)
"""Event types ``myevents`` turns on that a :class:`CallService` call never reads.

Pass them as ``OutboundServer(nix_events=...)``: the call loop waits only for
CHANNEL_EXECUTE_COMPLETE (application results, from its channel variables) and
CHANNEL_HANGUP(_COMPLETE); CHANNEL_ANSWER and CHANNEL_(UN)BRIDGE stay on. Every
CHANNEL_EXECUTE carries all channel variables (5-25 KB): without it a step
reads half the bytes. Keys come from ``play_and_get_digits`` variables, not DTMF
events.
"""


class FlowNotFound(LookupError):
    """No flow of that name in the library, or it does not compile."""


@dataclass(frozen=True, slots=True)
class LoadedFlow:
    graph: FlowGraph
    bindings: RuntimeBindings
    config: ChannelConfig


@dataclass
class FlowLibrary:
    """Flows by name from one folder, compiled on first use and kept per file version.

    A flow is recompiled only when its file's ``(mtime, size)`` changes, so an
    edited flow is picked up by the next call without restarting the server.
    """

    folder: Path
    env: str = DEFAULT_ENV
    _loaded: dict[str, tuple[tuple[int, int], LoadedFlow]] = field(default_factory=dict)

    def get(self, name: str) -> LoadedFlow:
        if not _NAME.match(name):
            raise FlowNotFound(f"bad flow name {name[:64]!r}")
        path = self.folder / f"{name}.flow"
        try:
            stat = path.stat()
        except OSError:
            raise FlowNotFound(f"no flow {name!r} in {self.folder}") from None
        version = (stat.st_mtime_ns, stat.st_size)
        cached = self._loaded.get(name)
        if cached is not None and cached[0] == version:
            return cached[1]
        compiled = compile_file(path)
        if compiled.graph is None:
            raise FlowNotFound(f"flow {name!r} does not compile")
        bindings = RuntimeBindings.for_flow(path, self.env)
        found = LoadedFlow(compiled.graph, bindings, ChannelConfig.from_bindings(bindings))
        self._loaded[name] = (version, found)
        return found

    def names(self) -> list[str]:
        return sorted(p.stem for p in self.folder.glob("*.flow") if _NAME.match(p.stem))


def call_inputs(variables: Mapping[str, str]) -> dict[str, str]:
    """Flow inputs from ``dialscript_input_<name>`` channel variables.

    >>> call_inputs({"dialscript_input_client_name": "Ivan", "other": "x"})
    {'client_name': 'Ivan'}
    """
    return {
        name[len(INPUT_PREFIX) :]: value
        for name, value in variables.items()
        if name.startswith(INPUT_PREFIX) and _NAME.match(name[len(INPUT_PREFIX) :])
    }


def call_channel(requested: str | None, graph: FlowGraph) -> CallChannel:
    """``agent`` or ``ivr``: the dialplan's ``dialscript_channel``, else the flow's own channel.

    >>> from dialscript.graph.model import FlowModel
    >>> graph = FlowGraph(FlowModel(name="f", start="a", channel="agent"))
    >>> call_channel(None, graph), call_channel("ivr", graph), call_channel("bogus", graph)
    ('agent', 'ivr', 'agent')
    """
    if requested in ("agent", "ivr"):
        return "agent" if requested == "agent" else "ivr"
    return "agent" if graph.model.channel == "agent" else "ivr"


class CallService:
    """``OutboundServer`` handler: picks the flow, runs the call loop, journals the call."""

    def __init__(
        self,
        flows: FlowLibrary | Callable[[str], LoadedFlow],
        *,
        store: CallStore,
        integrations: Integrations,
        clock: Clock = utc_now,
        default_flow: str | None = None,
        agents: CallRegistry | None = None,
        observer: CallObserver | None = None,
        lookup: LookupSender | None = None,
    ) -> None:
        self._get = flows.get if isinstance(flows, FlowLibrary) else flows
        self.store = store
        self.integrations = integrations
        self.clock = clock
        self.default_flow = default_flow
        self.agents = agents or CallRegistry()
        """The agent input port of every live agent-channel call (see :mod:`.agent`)."""
        self.observer = observer
        self.lookup = lookup
        self.reports: list[CallReport] = []
        self.keep_reports = False
        self.recorded = RecordedPrompts()
        """Which recorded prompts the switch has (``file_exists``, remembered a minute)."""

    async def __call__(self, session: CallSession) -> None:
        variables = session.variables
        name = variables.get(FLOW_VAR) or self.default_flow or ""
        try:
            flow = self._get(name)
        except FlowNotFound as error:
            log.warning("call %s refused: %s", session.uuid, error)
            await session.hangup(str(HangupCause.UNALLOCATED_NUMBER))
            return
        inputs = call_inputs(variables)
        language = variables.get(LANGUAGE_VAR) or None
        channel = call_channel(variables.get(CHANNEL_VAR), flow.graph)
        del variables  # every channel variable, decoded: not kept for the whole call
        report = await run_call(
            session,
            flow.graph,
            store=self.store,
            inputs=inputs,
            integrations=self.integrations,
            bindings=flow.bindings,
            config=flow.config,
            language=language,
            clock=self.clock,
            channel=channel,
            registry=self.agents,
            observer=self.observer,
            lookup=self.lookup,
            recorded=self.recorded,
        )
        if self.keep_reports:
            self.reports.append(report)
        log.info(
            "call %s (%s) ended by %s: outcome %s",
            session.uuid, report.call_id, report.ended_by, report.outcome,
        )  # fmt: skip
