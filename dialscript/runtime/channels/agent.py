"""The agent input port: how a person (or any front end) feeds an agent-assisted call.

On the agent channel FreeSWITCH carries the audio and a person reads the
script; the answers come from the agent console, not from DTMF. Every live
agent-channel call has an :class:`AgentPort` (a bounded asyncio queue of
interpreter events) in the server's :class:`CallRegistry`, keyed by the
FreeSWITCH call UUID and by the journal call id::

    registry.send(call_uuid_or_call_id, AgentAnswer("yes"))   # on the server's loop
    registry.send_threadsafe(key, HandlerInvoked("off_topic"))  # from another thread

The call loop takes one event whenever the flow waits for an answer (events
sent earlier wait in the queue, in order); a caller hanging up ends the wait.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from dialscript.runtime import events as e
from dialscript.runtime.esl import CallHungUp, CallSession, ConnectionLost, ESLTimeout

__all__ = ["AGENT_EVENTS", "AgentPort", "CallRegistry", "PortFull", "UnknownCall"]

AGENT_EVENTS: tuple[type[e.Event], ...] = (
    e.AgentAnswer,
    e.TextAnswer,
    e.Digits,
    e.Silence,
    e.HandlerInvoked,
    e.Back,
    e.Tick,
    e.Hangup,
)
"""What a front end may send: answers, silence, handlers, Back, the clock, and the agent's
hang-up (which ends the flow as a breakoff and hangs the call up)."""


class UnknownCall(LookupError):
    """No live agent-channel call under that key."""


class PortFull(RuntimeError):
    """The call's queue is full: the call loop is not taking the events it is sent."""


@dataclass(eq=False)
class AgentPort:
    """One call's queue of agent events."""

    uuid: str
    call_id: str
    maxsize: int = 64
    queue: asyncio.Queue[e.Event] = field(init=False)

    def __post_init__(self) -> None:
        self.queue = asyncio.Queue(self.maxsize)

    def put(self, event: e.Event) -> None:
        """Queue ``event`` for the call (raises :class:`PortFull`, :class:`TypeError`)."""
        if not isinstance(event, AGENT_EVENTS):
            raise TypeError(f"an agent cannot send {type(event).__name__}")
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            raise PortFull(f"call {self.call_id}: {self.maxsize} agent events pending") from None

    async def next(self, session: CallSession, timeout: float) -> e.Event:
        """The next agent event; raises :class:`CallHungUp` if the caller leaves first."""
        if not self.queue.empty():
            return self.queue.get_nowait()
        conn = session.connection
        get = asyncio.ensure_future(self.queue.get())
        gone = asyncio.ensure_future(conn.wait_hangup(session.uuid, timeout))
        try:
            done, _ = await asyncio.wait({get, gone}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for fut in (get, gone):
                if not fut.done():
                    fut.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await fut
        if get in done and not get.cancelled():
            if session.hung_up:  # both at once: the hangup wins, the event stays queued
                self.queue.put_nowait(get.result())
            else:
                return get.result()
        error = gone.exception() if gone.done() and not gone.cancelled() else None
        if isinstance(error, ESLTimeout):
            raise ESLTimeout(f"no agent input for {timeout:g} s") from None
        if session.hung_up:
            raise CallHungUp(session.uuid, session.hangup_cause)
        raise ConnectionLost("connection closed while waiting for the agent")


class CallRegistry:
    """Live agent-channel calls of one server, by FreeSWITCH UUID and by journal call id."""

    def __init__(self, *, maxsize: int = 64) -> None:
        self.maxsize = maxsize
        self._ports: dict[str, AgentPort] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    def open(self, uuid: str, call_id: str) -> AgentPort:
        """Register a call (on the server's event loop)."""
        self._loop = asyncio.get_running_loop()
        port = AgentPort(uuid, call_id, self.maxsize)
        self._ports[uuid] = self._ports[call_id] = port
        return port

    def close(self, port: AgentPort) -> None:
        for key in (port.uuid, port.call_id):
            if self._ports.get(key) is port:
                del self._ports[key]

    @contextlib.contextmanager
    def opened(self, uuid: str, call_id: str) -> Iterator[AgentPort]:
        port = self.open(uuid, call_id)
        try:
            yield port
        finally:
            self.close(port)

    def __contains__(self, key: object) -> bool:
        return key in self._ports

    def get(self, key: str) -> AgentPort:
        try:
            return self._ports[key]
        except KeyError:
            raise UnknownCall(f"no live agent call {key[:64]!r}") from None

    def keys(self) -> list[str]:
        """The journal call ids of the live agent calls."""
        return sorted({port.call_id for port in self._ports.values()})

    def send(self, call_key: str, event: e.Event) -> None:
        """Feed ``event`` to the call with that UUID or call id (call on the server's loop).

        Raises :class:`UnknownCall`, :class:`PortFull`, or :class:`TypeError` for an
        event an agent cannot send (see :data:`AGENT_EVENTS`).
        """
        self.get(call_key).put(event)

    def send_threadsafe(self, call_key: str, event: e.Event, timeout: float = 5.0) -> None:
        """:meth:`send` from another thread (waits until the server's loop took it)."""
        loop = self._loop
        if loop is None:
            raise UnknownCall(f"no live agent call {call_key[:64]!r}")

        async def put() -> None:
            self.send(call_key, event)

        asyncio.run_coroutine_threadsafe(put(), loop).result(timeout)
