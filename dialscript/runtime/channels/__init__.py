"""Channels: where the interpreter's commands meet a real call.

The ESL channel drives FreeSWITCH calls over the Event Socket
(:class:`EslChannel`, :func:`run_call`); :class:`CallService` is the handler an
:class:`~dialscript.runtime.esl.OutboundServer` runs for every call. Agent-channel
calls take their answers from the :class:`CallRegistry` (the agent input port).
"""

from __future__ import annotations

from .agent import AGENT_EVENTS, AgentPort, CallRegistry, PortFull, UnknownCall
from .call_loop import CallObserver, CallReport, run_call
from .config import ChannelConfig, QueueTarget, queue_target
from .esl_channel import EslChannel, LookupSender
from .integrations import Integrations, LiveIntegrations, MemoryIntegrations, Sent
from .journal import JournalWriter
from .render import DigitSpec, channel_value, digit_spec, hangup_cause, spoken
from .service import (
    UNUSED_EVENTS,
    CallService,
    FlowLibrary,
    FlowNotFound,
    LoadedFlow,
    call_channel,
    call_inputs,
)

__all__ = [
    "AGENT_EVENTS",
    "UNUSED_EVENTS",
    "AgentPort",
    "CallObserver",
    "CallRegistry",
    "CallReport",
    "CallService",
    "ChannelConfig",
    "DigitSpec",
    "EslChannel",
    "FlowLibrary",
    "FlowNotFound",
    "Integrations",
    "JournalWriter",
    "LiveIntegrations",
    "LoadedFlow",
    "LookupSender",
    "MemoryIntegrations",
    "PortFull",
    "QueueTarget",
    "Sent",
    "UnknownCall",
    "call_channel",
    "call_inputs",
    "channel_value",
    "digit_spec",
    "hangup_cause",
    "queue_target",
    "run_call",
    "spoken",
]
