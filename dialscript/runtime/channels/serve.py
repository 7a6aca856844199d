"""The long-running pieces behind ``dialscript serve-calls`` and ``dialscript call``.

:func:`serve_calls` runs an :class:`~dialscript.runtime.esl.OutboundServer` with a
:class:`CallService` until ``stop`` is set (SIGTERM/SIGINT in the CLI), then
stops accepting and lets live calls finish up to ``drain_timeout``.
:func:`originate` asks FreeSWITCH (inbound ESL) to dial a number and hand the
answered call to the outbound server with ``&socket(...)``.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from dialscript.runtime.bindings import DEFAULT_ENV, RuntimeBindings
from dialscript.runtime.channels.call_loop import Clock, utc_now
from dialscript.runtime.channels.integrations import Integrations, LiveIntegrations
from dialscript.runtime.channels.journal import JournalWriter
from dialscript.runtime.channels.service import (
    FLOW_VAR,
    INPUT_PREFIX,
    LANGUAGE_VAR,
    UNUSED_EVENTS,
    CallService,
    FlowLibrary,
)
from dialscript.runtime.esl import InboundClient, OutboundServer

__all__ = [
    "ServeOptions",
    "dial_string",
    "originate",
    "parse_address",
    "serve_calls",
    "tune_gc",
]

log = logging.getLogger(__name__)


def parse_address(text: str, default_port: int) -> tuple[str, int]:
    """``host:port`` (``[v6]:port``, or a bare host) as ``(host, port)``.

    >>> parse_address("127.0.0.1:8084", 1), parse_address("[::1]:9", 1), parse_address("h", 5)
    (('127.0.0.1', 8084), ('::1', 9), ('h', 5))
    """
    match = re.fullmatch(r"\[([^\]]+)\](?::(\d+))?|([^:\[\]]+)(?::(\d+))?", text.strip())
    if match is None:
        raise ValueError(f"bad address {text!r}: want host:port")
    host = match.group(1) or match.group(3)
    port = match.group(2) or match.group(4)
    number = int(port) if port else default_port
    if not 0 <= number < 65536:
        raise ValueError(f"bad port in {text!r}")
    return host, number


GC_THRESHOLDS = (700, 10_000, 100)


def tune_gc() -> None:
    """Keep the cyclic garbage collector from stalling live calls (call once, at start-up).

    With 1,000 live calls the default thresholds run a full (generation 2)
    collection every few seconds, each stopping the event loop for 100-300 ms
    (measured by ``bench/esl.py``). Call state is plain data freed by reference
    counting, so young collections stay as they are, older ones become rare,
    and what is loaded at start-up (code, compiled flows) is frozen out of them.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


@dataclass(frozen=True, slots=True)
class ServeOptions:
    flows: Path
    journal: str | Path  # a SQLite file, or a postgresql:// URL
    host: str = "127.0.0.1"
    port: int = 8084
    allow: tuple[str, ...] = ("127.0.0.1/32",)
    env: str = DEFAULT_ENV
    linger: int = 10
    drain_timeout: float = 30.0
    default_flow: str | None = None


async def serve_calls(
    options: ServeOptions,
    *,
    stop: asyncio.Event,
    integrations: Integrations | None = None,
    clock: Clock = utc_now,
    ready: Callable[[tuple[str, int]], None] | None = None,
) -> int:
    """Serve calls until ``stop`` is set; returns how many calls had to be cut at the deadline."""
    store = JournalWriter(options.journal)  # group commit in a writer thread
    live: LiveIntegrations | None = None
    if integrations is None:
        live = LiveIntegrations(RuntimeBindings.for_flow(options.flows, options.env))
        integrations = live
    service = CallService(
        FlowLibrary(options.flows, env=options.env),
        store=store,
        integrations=integrations,
        clock=clock,
        default_flow=options.default_flow,
    )
    server = OutboundServer(
        service,
        host=options.host,
        port=options.port,
        allowed_peers=options.allow,
        linger=options.linger,
        nix_events=UNUSED_EVENTS,
    )
    tune_gc()
    try:
        await server.start()
        log.info("serving calls on %s:%s", *server.address)
        if ready is not None:
            ready(server.address)
        await stop.wait()
        log.info("stopping: %d live call(s), up to %gs", server.active_calls, options.drain_timeout)
        cut = await server.drain(options.drain_timeout)
    finally:
        await server.close()
        if live is not None:
            await live.aclose()
        store.close()
    return cut


def dial_string(number: str, gateway: str) -> str:
    """A number through a gateway (``sofia/gateway/gw1/+1555``); a full dial string is kept.

    >>> dial_string("+15551234567", "sofia/gateway/gw1"), dial_string("user/1000", "x")
    ('sofia/gateway/gw1/+15551234567', 'user/1000')
    """
    return number if "/" in number else f"{gateway.rstrip('/')}/{number}"


async def originate(
    *,
    inbound: tuple[str, int],
    password: str,
    dial: str,
    socket: tuple[str, int],
    flow: str,
    inputs: Mapping[str, str],
    language: str | None = None,
    timeout: float = 60.0,
    extra: Sequence[tuple[str, str]] = (),
) -> str:
    """Place one call whose answered leg runs ``flow`` on the outbound server; its UUID."""
    variables = {FLOW_VAR: flow, "app_disable_expand_variables": "true"}
    if language:
        variables[LANGUAGE_VAR] = language
    variables.update({f"{INPUT_PREFIX}{k}": v for k, v in inputs.items()})
    variables.update(dict(extra))
    host, port = inbound
    async with InboundClient(host, port, password=password, reconnect=False) as client:
        return await client.originate(dial, socket[0], socket[1], variables=variables,
                                      timeout=timeout)  # fmt: skip
