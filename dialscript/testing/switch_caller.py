"""The caller's side of a call on a real FreeSWITCH, driven over its inbound Event Socket.

:class:`SwitchCaller` originates a loopback call whose answered leg runs
``socket HOST:PORT async full`` into an outbound server (``serve-calls``, a
scenario driver, a benchmark) and then acts as the person on the line: it
presses keys (``uuid_recv_dtmf``: the digits arrive on the controlled channel
as if keyed), stays silent, or hangs up (``uuid_kill``). It watches the
controlled channel's events, so a test can wait until the flow plays or asks
something, and read what each application answered.

The controlled leg is the originated one (``loopback/park/default`` by
default: its far end answers and parks), so no dialplan of the user's is
needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid as uuidlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from dialscript.runtime.esl import ESLError, Event, EventStream, InboundClient
from dialscript.runtime.esl.inbound import originate_command

__all__ = ["AppRun", "CallLine", "SwitchCaller", "parse_switch_address"]

WATCHED = (
    "CHANNEL_EXECUTE",
    "CHANNEL_EXECUTE_COMPLETE",
    "CHANNEL_ANSWER",
    "CHANNEL_BRIDGE",
    "CHANNEL_HANGUP_COMPLETE",
    "DTMF",
)
PARKED_PEER = "loopback/park/default"


def parse_switch_address(text: str) -> tuple[str, int]:
    """``HOST:PORT`` of an Event Socket (port 8021 when left out).

    >>> parse_switch_address("10.0.0.5:8021"), parse_switch_address("fs.local")
    (('10.0.0.5', 8021), ('fs.local', 8021))
    """
    host, sep, port = text.rpartition(":")
    if not sep:
        return text, 8021
    if not port.isdigit() or not 0 < int(port) < 65536 or not host:
        raise ValueError(f"bad Event Socket address {text!r} (want HOST:PORT)")
    return host, int(port)


@dataclass
class AppRun:
    """One application FreeSWITCH ran on the controlled channel."""

    name: str
    arg: str
    started: float
    start: Event | None = None  # its CHANNEL_EXECUTE (every channel variable at that moment)
    done: Event | None = None
    ended: float | None = None

    @property
    def response(self) -> str:
        return (self.done.get("Application-Response") or "") if self.done else ""

    def variable(self, name: str) -> str | None:
        return self.done.variable(name) if self.done else None


@dataclass
class CallLine:
    """One call placed by a :class:`SwitchCaller`: what ran on it, and the caller's actions."""

    caller: SwitchCaller
    uuid: str
    stream: EventStream
    apps: list[AppRun] = field(default_factory=list)
    hangup_cause: str | None = None
    hangup_event: Event | None = None
    dtmf: list[str] = field(default_factory=list)
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._watch(), name=f"switch-line-{self.uuid}")

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            async for event in self.stream:
                now = loop.time()
                name = event.name
                if name == "CHANNEL_EXECUTE":
                    self.apps.append(
                        AppRun(event.get("Application") or "", event.get("Application-Data") or "",
                               now, event)
                    )  # fmt: skip
                elif name == "CHANNEL_EXECUTE_COMPLETE":
                    app = event.get("Application") or ""
                    for run in reversed(self.apps):
                        if run.name == app and run.done is None:
                            run.done, run.ended = event, now
                            break
                elif name == "DTMF":
                    self.dtmf.append(event.get("DTMF-Digit") or "")
                elif name == "CHANNEL_HANGUP_COMPLETE":
                    self.hangup_cause = event.get("Hangup-Cause") or "NORMAL_CLEARING"
                    self.hangup_event = event
                async with self._changed:
                    self._changed.notify_all()
                if self.hangup_cause is not None:
                    return
        except ESLError:
            pass
        finally:
            if self.hangup_cause is None:
                self.hangup_cause = "ESL_CONNECTION_LOST"
            async with self._changed:
                self._changed.notify_all()

    @property
    def up(self) -> bool:
        return self.hangup_cause is None

    def app_names(self) -> list[str]:
        return [run.name for run in self.apps]

    async def wait_for(self, name: str, *, after: int = 0, timeout: float = 30.0) -> AppRun:
        """The first run of application ``name`` at index ``after`` or later, once started.

        Raises ``TimeoutError``, or ``LookupError`` if the call ends first.
        """
        async with asyncio.timeout(timeout):
            async with self._changed:
                while True:
                    for run in self.apps[after:]:
                        if run.name == name:
                            return run
                    if not self.up:
                        raise LookupError(f"the call ended ({self.hangup_cause}) before {name} ran")
                    await self._changed.wait()

    async def next_app(self, after: int, timeout: float | None = None) -> tuple[int, AppRun]:
        """The application at index ``after`` (the next one to start) and its index.

        Raises ``LookupError`` if the call ends before another application starts.
        """
        async with asyncio.timeout(timeout):
            async with self._changed:
                while len(self.apps) <= after:
                    if not self.up:
                        raise LookupError(f"the call ended ({self.hangup_cause})")
                    await self._changed.wait()
                return after, self.apps[after]

    async def wait_done(self, run: AppRun, timeout: float = 30.0) -> AppRun:
        """Until ``run`` completes (or the call ends)."""
        async with asyncio.timeout(timeout):
            async with self._changed:
                while run.done is None and self.up:
                    await self._changed.wait()
        return run

    async def ended(self, timeout: float = 30.0) -> str:
        """The hangup cause, once the call is over."""
        async with asyncio.timeout(timeout):
            async with self._changed:
                while self.up:
                    await self._changed.wait()
        assert self.hangup_cause is not None
        return self.hangup_cause

    async def press(self, keys: str) -> None:
        """The caller keys ``keys`` (0-9 * # A-D), received on the controlled channel."""
        if not keys or any(k not in "0123456789*#ABCD" for k in keys):
            raise ValueError(f"{keys!r} are not keys of a phone")
        reply = await self.caller.client.api(f"uuid_recv_dtmf {self.uuid} {keys}")
        if not reply.startswith("+OK"):
            raise ESLError(f"uuid_recv_dtmf: {reply.strip()}")

    async def hang_up(self, cause: str = "NORMAL_CLEARING") -> None:
        """The caller hangs up (nothing happens if the call is already over)."""
        if self.up:
            with contextlib.suppress(ESLError):
                await self.caller.client.api(f"uuid_kill {self.uuid} {cause}")

    async def close(self) -> None:
        await self.hang_up()
        self.stream.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


class SwitchCaller:
    """Places calls on one FreeSWITCH and plays their callers (see the module docstring)."""

    def __init__(self, host: str, port: int, password: str, *, timeout: float = 30.0) -> None:
        self.client = InboundClient(
            host, port, password, events=WATCHED, reply_timeout=timeout, reconnect=False
        )
        self.timeout = timeout

    async def __aenter__(self) -> SwitchCaller:
        await self.client.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.close()

    async def call(
        self,
        socket_host: str,
        socket_port: int,
        variables: Mapping[str, str] | None = None,
        *,
        peer: str = PARKED_PEER,
    ) -> CallLine:
        """A call whose leg runs ``socket socket_host:socket_port async full``."""
        uuid = str(uuidlib.uuid4())
        line = await self._line(uuid)
        merged = {"origination_uuid": uuid, **(variables or {})}
        command = originate_command(peer, socket_host, socket_port, variables=merged)
        await self._originate(line, command)
        return line

    async def _line(self, uuid: str) -> CallLine:
        conn = await self.client.connection()
        line = CallLine(self, uuid, conn.subscribe(uuid, WATCHED))
        line.start()
        return line

    async def _originate(self, line: CallLine, command: str) -> None:
        try:
            result = (await self.client.bgapi(command, timeout=self.timeout)).strip()
        except BaseException:
            await line.close()
            raise
        if not result.startswith("+OK"):
            await line.close()
            raise ESLError(f"originate failed: {result}")
