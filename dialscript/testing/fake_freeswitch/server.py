"""The fake switch: places outbound calls into an app and serves inbound clients.

Typical use::

    async with FakeFreeSWITCH() as fs:
        call = await fs.place_call("127.0.0.1", port, caller=ScriptedCaller([Press("7")]))
        await call.finished()
        assert call.app_names == ["answer", "play_and_get_digits", "hangup"]
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections import deque
from collections.abc import Coroutine, Iterable
from typing import Any

from .apps import split_app_args
from .call import FakeCall
from .caller import Faults, ScriptedCaller
from .channel import FakeChannel, Headers, Host
from .inbound import InboundSession
from .wire import Command

__all__ = ["FakeFreeSWITCH"]

_SOCKET_APP = re.compile(r"&?socket\(([^:()\s]+):(\d+)([^)]*)\)\Z")


class FakeFreeSWITCH:
    """A faithful-enough FreeSWITCH double on loopback.

    * :meth:`place_call` makes the ``socket`` application dial an outbound server.
    * :attr:`inbound_address` accepts ``InboundClient`` connections (password
      :attr:`password`); ``originate ... '&socket(host:port async full)'`` places
      a call whose caller is taken from :meth:`expect_originate` (silent by default).
    * ``time_scale`` converts the fake's simulated seconds (prompt lengths,
      timeouts) into real ones; 0 runs everything instantly. ``linger_scale``
      does the same for linger timeouts.
    * ``sounds``: the files ``playback`` finds (others give ``FILE NOT FOUND``,
      as mod_dptools answers); None, the default, means every file is there.
    """

    def __init__(
        self,
        *,
        password: str = "ClueCon",
        hostname: str = "fakefs",
        inbound_host: str = "127.0.0.1",
        inbound_port: int = 0,
        time_scale: float = 0.0,
        linger_scale: float = 0.05,
        sounds: Iterable[str] | None = None,
    ) -> None:
        self.password = password
        self.host = Host(hostname=hostname, sounds=None if sounds is None else frozenset(sounds))
        self.time_scale = time_scale
        self.linger_scale = linger_scale
        self.calls: list[FakeCall] = []
        self.sessions: list[InboundSession] = []
        self._inbound_host = inbound_host
        self._inbound_port = inbound_port
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._originate_queue: deque[tuple[ScriptedCaller, dict[str, Any]]] = deque()

    # -- lifecycle ------------------------------------------------------------------------------

    async def __aenter__(self) -> FakeFreeSWITCH:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        """Start listening for inbound clients."""
        self._server = await asyncio.start_server(
            self._accept, self._inbound_host, self._inbound_port
        )

    @property
    def inbound_address(self) -> tuple[str, int]:
        """``(host, port)`` where inbound clients connect."""
        if self._server is None:
            raise RuntimeError("FakeFreeSWITCH is not started")
        host, port = self._server.sockets[0].getsockname()[:2]
        return str(host), int(port)

    async def close(self) -> None:
        """Stop everything: cancel calls and sessions and wait for them."""
        if self._server is not None:
            self._server.close()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session = InboundSession(self, reader, writer)
        self.sessions.append(session)
        self._spawn(session.run(), "fake-inbound")

    def drop_inbound(self) -> int:
        """Abort every inbound connection (to test reconnection); returns how many."""
        live = [s for s in self.sessions if not s.writer.is_closing()]
        for session in live:
            session.writer.transport.abort()
        return len(live)

    # -- calls ----------------------------------------------------------------------------------

    async def place_call(
        self,
        host: str,
        port: int,
        *,
        caller: ScriptedCaller | None = None,
        variables: dict[str, str] | None = None,
        caller_id_name: str = "Fake Caller",
        caller_id_number: str = "5551234",
        destination_number: str = "7000",
        uuid: str | None = None,
        answered: bool = False,
        socket_mode: str = "async",
        full: bool = True,
        faults: Faults | None = None,
    ) -> FakeCall:
        """Start a call whose dialplan runs ``socket host:port async full``.

        ``variables`` are channel variables set by the dialplan before ``socket``
        (e.g. ``{"app_disable_expand_variables": "true"}``). Returns at once;
        ``await call.connected.wait()`` or ``await call.finished()``.
        """
        channel = FakeChannel(
            self.host,
            uuid=uuid,
            caller_id_name=caller_id_name,
            caller_id_number=caller_id_number,
            destination_number=destination_number,
            variables=variables,
            answered=answered,
        )
        call = FakeCall(
            self,
            channel,
            caller or ScriptedCaller(),
            socket_mode=socket_mode,
            full=full,
            faults=faults,
            time_scale=self.time_scale,
            linger_scale=self.linger_scale,
        )
        self.calls.append(call)
        self._spawn(call.run(host, port), f"fake-call-{channel.uuid}")
        return call

    def expect_originate(self, caller: ScriptedCaller, **options: Any) -> None:
        """Queue the caller (and :meth:`place_call` options) for the next ``originate``."""
        self._originate_queue.append((caller, options))

    def call(self, uuid: str) -> FakeCall | None:
        """The call with channel ``uuid``."""
        return next((c for c in self.calls if c.uuid == uuid), None)

    # -- shared services ------------------------------------------------------------------------

    def publish(self, headers: Headers, body: bytes | None = None) -> None:
        """Deliver an event to every subscribed inbound client."""
        for session in self.sessions:
            session.deliver(headers, body)

    def job_headers(self, job: str, command: str, *, owner: str | None) -> Headers:
        """Headers of a BACKGROUND_JOB event (``Job-Owner-UUID`` only from a session)."""
        name, _, arg = command.strip().partition(" ")
        rows = self.host.prefix("BACKGROUND_JOB", ("mod_event_socket.c", "api_exec", 1572))
        rows.append(("Job-UUID", job))
        if owner:
            rows.append(("Job-Owner-UUID", owner))
        rows.append(("Job-Command", name))
        if arg:
            rows.append(("Job-Command-Arg", arg))
        return rows

    async def api(self, command: str) -> bytes:
        """Run an API command the way ``mod_commands`` answers it."""
        name, _, arg = command.strip().partition(" ")
        words = arg.split()
        if name == "status":
            return b"UP 0 years, 0 days, 0 hours, 0 minutes, 1 seconds\nFreeSWITCH is ready\n"
        if name == "version":
            return b"FreeSWITCH Version 1.10.12-release~64bit ( 64bit)\n"
        if name == "echo":
            return arg.encode()
        if name == "file_exists":  # mod_commands: "true" or "false", for the switch's files
            return b"true" if arg and self.host.has_sound(arg) else b"false"
        if name == "global_getvar" and arg == "hostname":
            return self.host.hostname.encode()
        if name in ("uuid_getvar", "uuid_exists", "uuid_kill"):
            call = self.call(words[0]) if words else None
            if name == "uuid_exists":
                return b"true" if call and call.channel.is_up else b"false"
            if call is None or not call.channel.is_up:
                return b"-ERR No such channel!\n"
            if name == "uuid_getvar":
                return (
                    call.channel.vars.get(words[1], "_undef_") if len(words) > 1 else ""
                ).encode()
            await call.hang_up(words[1] if len(words) > 1 else "NORMAL_CLEARING")
            return b"+OK\n"
        if name == "originate":
            return await self._originate(arg)
        return f"-ERR {name} Command not found!\n".encode()

    async def _originate(self, arg: str) -> bytes:
        argv = split_app_args(arg)
        if len(argv) < 2:
            return b"-USAGE: <call url> <exten>|&<application_name>(<app_args>)\n"
        dial, target = argv[0], argv[1]
        variables: dict[str, str] = {}
        if dial.startswith("{") and "}" in dial:
            block, dial = dial[1 : dial.index("}")], dial[dial.index("}") + 1 :]
            for item in re.split(r",(?=(?:[^']*'[^']*')*[^']*\Z)", block):
                key, _, value = item.partition("=")
                variables[key.strip()] = value.strip().strip("'")
        socket = _SOCKET_APP.match(target)
        if socket is None:
            return b"-ERR DESTINATION_OUT_OF_ORDER\n"
        caller, options = (
            self._originate_queue.popleft() if self._originate_queue else (ScriptedCaller(), {})
        )
        if caller.originate_result != "answer":
            return f"-ERR {caller.originate_result}\n".encode()
        options.setdefault("destination_number", dial.rsplit("/", 1)[-1] or "7000")
        options.setdefault("uuid", variables.pop("origination_uuid", None))
        if "origination_caller_id_name" in variables:
            options.setdefault("caller_id_name", variables["origination_caller_id_name"])
        if "origination_caller_id_number" in variables:
            options.setdefault("caller_id_number", variables["origination_caller_id_number"])
        options["variables"] = {**variables, **options.get("variables", {})}
        host, port, flags = socket.group(1), int(socket.group(2)), socket.group(3).split()
        call = await self.place_call(
            host, port, caller=caller, socket_mode="async" if "async" in flags else "static",
            full="full" in flags, **options,
        )  # fmt: skip
        waiter = asyncio.ensure_future(call.connected.wait())
        finished = asyncio.ensure_future(call.finished(60.0))
        try:
            await asyncio.wait({waiter, finished}, timeout=60.0, return_when="FIRST_COMPLETED")
        finally:
            for fut in (waiter, finished):
                fut.cancel()
                with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                    await fut
        if not call.connected.is_set():
            return f"-ERR {call.hangup_cause or 'NO_ANSWER'}\n".encode()
        return f"+OK {call.uuid}\n".encode()

    async def sendmsg(self, uuid: str, cmd: Command) -> str:
        """``sendmsg <uuid>`` from an inbound client."""
        call = self.call(uuid)
        if call is None or not call.channel.is_up:
            return f"-ERR invalid session id [{uuid}]"
        if (cmd.get("call-command") or "").lower() == "hangup":
            await call.hang_up(cmd.get("hangup-cause") or "NORMAL_CLEARING")
        return "+OK"
