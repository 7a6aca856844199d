"""One fake call: FreeSWITCH's ``socket`` application dialling into an outbound server.

:class:`FakeCall` connects to the app, speaks ``mod_event_socket`` outbound
protocol (connect-first, ``full`` gating, ``myevents`` filtering, linger and
disconnect notices), runs the applications it is sent one at a time (as with
``event-lock``), and records what happened for assertions.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from . import wire
from .apps import APPS, AppRun, CallerHangup, expand_variables
from .caller import Faults, ScriptedCaller
from .channel import FakeChannel, Headers, new_uuid
from .control import CommandHandling

if TYPE_CHECKING:
    from .server import FakeFreeSWITCH

__all__ = ["FakeCall"]

_WHERE_EXEC = ("switch_core_session.c", "switch_core_session_exec", 2944)
_WHERE_DONE = ("switch_core_session.c", "switch_core_session_exec", 2967)
_WHERE_HANGUP = ("switch_channel.c", "switch_channel_perform_hangup", 3445)
_WHERE_STATE = ("switch_channel.c", "switch_channel_perform_set_running_state", 2408)


class FakeCall(CommandHandling):
    """A call placed by :meth:`FakeFreeSWITCH.place_call`; inspect it after :meth:`finished`.

    Attributes for assertions: :attr:`apps` (every application run, in order,
    with its argument), :attr:`commands` (every command line received),
    :attr:`hangup_cause`, :attr:`channel` (variables and state),
    :attr:`api_expansions` (``${api(...)}`` FreeSWITCH would have run),
    :attr:`warnings` (protocol misuse FreeSWITCH would punish), :attr:`wire_in`
    and :attr:`wire_out` (raw bytes each way).
    """

    def __init__(
        self,
        switch: FakeFreeSWITCH,
        channel: FakeChannel,
        caller: ScriptedCaller,
        *,
        socket_mode: str = "async",
        full: bool = True,
        faults: Faults | None = None,
        time_scale: float = 0.0,
        linger_scale: float = 0.05,
    ) -> None:
        self.switch = switch
        self.channel = channel
        self.caller = caller
        self.uuid = channel.uuid
        self.socket_mode = socket_mode
        self.full = full
        self.faults = faults or Faults()
        self.time_scale = time_scale
        self.linger_scale = linger_scale
        self.apps: list[AppRun] = []
        self.commands: list[str] = []
        self.api_expansions: list[str] = []
        self.warnings: list[str] = []
        self.wire_in = bytearray()
        self.wire_out = bytearray()
        self.connected = asyncio.Event()
        self.linger: int | None = None
        self.transferred_to: str | None = None
        self._done = asyncio.Event()
        self._events: set[str] = set()
        self._all_except: set[str] | None = None  # `event ALL`: every type but these
        self._myevents = False
        self._format = "plain"
        self._park_pending = False
        self._socket_app_uuid = new_uuid()
        self._writer: asyncio.StreamWriter | None = None
        self._write_lock = asyncio.Lock()
        self._queue: asyncio.Queue[AppRun] = asyncio.Queue()
        self._executor: asyncio.Task[None] | None = None
        self._linger_task: asyncio.Task[None] | None = None
        self._socket_data = ""
        self._app_task: asyncio.Task[None] | None = None
        self._current: AppRun | None = None
        self._closing = False
        self._held: list[bytes] | None = None
        self._rng = random.Random(self.faults.seed)
        self._started = 0
        self.on_connected: Callable[[FakeCall], None] | None = None

    # -- public ---------------------------------------------------------------------------------

    @property
    def hangup_cause(self) -> str | None:
        """Why the channel hung up (``None`` while it is up)."""
        return self.channel.hangup_cause

    @property
    def app_names(self) -> list[str]:
        """Names of the applications run, in order."""
        return [run.name for run in self.apps]

    def variable(self, name: str) -> str | None:
        """A channel variable as the fake holds it now."""
        return self.channel.vars.get(name)

    async def finished(self, timeout: float = 10.0) -> None:
        """Wait until the socket session is over (the call may live on in the dialplan)."""
        await asyncio.wait_for(self._done.wait(), timeout)

    async def hang_up(self, cause: str = "NORMAL_CLEARING") -> None:
        """Hang the channel up from outside (the caller, or ``uuid_kill``), interrupting any app."""
        await self._hangup(cause, by_app=True)

    @property
    def done(self) -> bool:
        """True once the socket session ended."""
        return self._done.is_set()

    # -- connection ---------------------------------------------------------------------------

    async def run(self, host: str, port: int) -> None:
        """Dial ``host:port`` and serve the session until it ends (owned by the switch)."""
        self._socket_data = f"{host}:{port} {'async' if self.socket_mode == 'async' else ''} full"
        self._socket_data = " ".join(self._socket_data.split()) if self.full else f"{host}:{port}"
        self.channel.set_var("current_application_data", self._socket_data)
        self.channel.set_var("current_application", "socket")
        self.channel.set_var("socket_host", host)
        ring = self.caller.ring_time()
        if ring:
            await self.pause(ring)  # the call rings until it is picked up, then reaches `socket`
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError as exc:
            self.warnings.append(f"socket app could not connect: {exc}")
            self.channel.hang_up("DESTINATION_OUT_OF_ORDER")
            self._done.set()
            return
        self._writer = writer
        self._executor = asyncio.create_task(self._execute_loop(), name=f"fake-exec-{self.uuid}")
        try:
            await self._read_loop(reader)
        except (ConnectionError, wire.CommandFramingError) as exc:
            self.warnings.append(f"connection ended: {exc!r}")
        finally:
            await self._shutdown()

    async def _read_loop(self, reader: asyncio.StreamReader) -> None:
        parser = wire.CommandReader()
        slow = self.faults.slow_reader
        while not self._closing:
            if slow:
                await asyncio.sleep(slow)
            try:
                chunk = await asyncio.wait_for(reader.read(7 if slow else 65536), 25.0)
            except TimeoutError:
                if not self.connected.is_set():
                    # The socket app gives up after 25 s without `connect`.
                    await self._send(wire.disconnect_notice(self.uuid))
                    return
                continue
            if not chunk:
                return
            self.wire_in += chunk
            for command in parser.feed(chunk):
                await self._handle(command)
                if self._closing:
                    return

    async def _shutdown(self) -> None:
        self._closing = True
        for task in (self._app_task, self._executor, self._linger_task):
            if task is not None and not task.done() and task is not asyncio.current_task():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(ConnectionError):
                await self._writer.wait_closed()
        if self.channel.is_up and self.transferred_to is None:
            # The socket app returned and the dialplan has nothing left: FreeSWITCH hangs up.
            self.channel.hang_up("NORMAL_CLEARING")
        self._done.set()

    async def _send(self, data: bytes) -> None:
        writer = self._writer
        if writer is None or writer.is_closing():
            return
        async with self._write_lock:
            self.wire_out += data
            try:
                if self.faults.fragment_writes:
                    pos = 0
                    while pos < len(data):
                        size = self._rng.randint(1, 7)
                        writer.write(data[pos : pos + size])
                        await writer.drain()
                        pos += size
                else:
                    writer.write(data)
                    await writer.drain()
            except ConnectionError:
                self._closing = True

    async def _close_with_notice(self) -> None:
        await self._send(wire.disconnect_notice(self.uuid))
        self._closing = True
        if self._writer is not None:
            self._writer.close()

    # -- events -----------------------------------------------------------------------------------

    def _wanted(self, name: str, headers: Headers) -> bool:
        # One event_list for `event`, `myevents` and `nixevent`; every event the fake
        # emits is this session's, so the myevents uuid restriction never drops one.
        if name in self._events:
            return True
        return self._all_except is not None and name not in self._all_except

    async def emit(self, headers: Headers, body: bytes | None = None) -> None:
        """Send an event to the app if its subscriptions want it; publish it to listeners."""
        name = next((v for k, v in headers if k == "Event-Name"), "")
        self.switch.publish(headers, body)
        if self._closing or not self._wanted(name, headers):
            return
        if self._format == "json":
            payload = wire.serialize_event_json(headers, body)
        else:
            payload = wire.serialize_event_plain(headers, body)
        frame = wire.event_frame(payload, self._format)
        if self._held is not None:
            self._held.append(frame)  # static mode: the app's events follow its reply
        else:
            await self._send(frame)

    async def emit_channel(
        self,
        name: str,
        where: tuple[str, str, int],
        *,
        with_vars: bool = True,
        extra: Headers,
        state: str | None = None,
        call_state: str | None = None,
        var_order: list[str] | None = None,
    ) -> None:
        """Fire a channel event for this call."""
        if not self.switch.sessions and (self._closing or not self._wanted(name, [])):
            return  # nobody would see it: spare building ~100 headers
        headers = self.channel.event(
            name, where, with_vars=with_vars, extra=extra, state=state, call_state=call_state,
            var_order=var_order,
        )  # fmt: skip
        await self.emit(headers)

    async def pause(self, seconds: float) -> None:
        """Simulated time: ``seconds * time_scale`` of real time."""
        await asyncio.sleep(seconds * self.time_scale)

    # -- applications ---------------------------------------------------------------------------

    async def _execute_loop(self) -> None:
        while True:
            run = await self._queue.get()
            if not self.channel.is_up:
                continue
            self._app_task = asyncio.create_task(self._run_app(run), name=f"fake-app-{run.name}")
            try:
                # wait() does not raise when a hangup cancels the app, only when we are cancelled.
                await asyncio.wait({self._app_task})
            finally:
                self._app_task = None

    def _app_headers(self, run: AppRun, *, complete: bool) -> Headers:
        rows: Headers = [("Application", run.name)]
        if run.expanded_arg:
            rows.append(("Application-Data", run.expanded_arg))
        if complete:
            rows.append(("Application-Response", run.response or "_none_"))
        rows.append(("Application-UUID", run.app_uuid))
        return rows

    async def _run_app(self, run: AppRun) -> None:
        ch = self.channel
        self.apps.append(run)
        disabled = ch.vars.get("app_disable_expand_variables", "").lower() in ("true", "1", "yes")
        run.expanded_arg = (
            run.arg if disabled else expand_variables(run.arg, ch.vars, self.api_expansions)
        )
        func = APPS.get(run.name)
        if func is None and run.name not in ("hangup", "transfer"):
            self.warnings.append(f"unknown application {run.name!r}")
            await self._hangup("DESTINATION_OUT_OF_ORDER")
            return
        self._current = run
        ch.set_var("current_application_response", None)  # cleared per app, as in the recordings
        ch.set_var("current_loop", "1")
        ch.set_var("total_loops", "1")
        ch.set_var("current_application_data", run.expanded_arg or None)
        ch.set_var("current_application", run.name)
        order = list(ch.vars)
        if run.expanded_arg:
            order[-2], order[-1] = order[-1], order[-2]
        await self.emit_channel(
            "CHANNEL_EXECUTE",
            _WHERE_EXEC,
            extra=self._app_headers(run, complete=False),
            var_order=order,
        )
        self._started += 1
        if self.faults.drop_during_app == self._started and self._writer is not None:
            self._closing = True
            self._writer.transport.abort()
            return
        try:
            cause = self.caller.on_app_start(run.name)
            if cause is not None:
                raise CallerHangup(cause)
            if run.name == "hangup":
                await self._hangup(run.args[0] if run.args else "NORMAL_CLEARING")
                return
            if run.name == "transfer":
                await self._transfer(run)
                return
            assert func is not None
            run.response = await func(self, run)
        except CallerHangup as hangup:
            await self._hangup(hangup.cause)
            return
        finally:
            self._current = None
        await self._complete(run)

    async def _complete(self, run: AppRun) -> None:
        run.completed = True
        run.result_vars = dict(self.channel.vars)
        await self.emit_channel(
            "CHANNEL_EXECUTE_COMPLETE", _WHERE_DONE, extra=self._app_headers(run, complete=True)
        )

    async def _transfer(self, run: AppRun) -> None:
        self.transferred_to = run.expanded_arg
        await self._complete(run)
        await self.emit_channel(
            "CHANNEL_UNPARK", ("switch_ivr.c", "switch_ivr_park", 1213), extra=[]
        )
        await self._socket_complete()
        await self._close_with_notice()

    async def _socket_complete(self) -> None:
        socket = AppRun("socket", self._socket_data, self._socket_app_uuid)
        socket.expanded_arg = self._socket_data
        await self.emit_channel(
            "CHANNEL_EXECUTE_COMPLETE", _WHERE_DONE, extra=self._app_headers(socket, complete=True)
        )

    async def _hangup(self, cause: str, *, by_app: bool = False) -> None:
        """The channel goes down: the event sequence of the recordings, then linger or close."""
        ch = self.channel
        if not ch.is_up:
            return
        interrupted = self._current
        task = self._app_task
        if by_app and task is not None and task is not asyncio.current_task() and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        ch.hang_up(cause)
        ch.set_var("hangup_cause", cause)
        await self.emit_channel("CHANNEL_HANGUP", _WHERE_HANGUP, extra=[])
        if self.linger is None:
            await self._close_with_notice()
            return
        if interrupted is not None:
            interrupted.interrupted = True
            await self._complete(interrupted)
        await self.emit_channel(
            "CHANNEL_UNPARK", ("switch_ivr.c", "switch_ivr_park", 1213), extra=[]
        )
        await self._socket_complete()
        await self.emit_channel(
            "CHANNEL_STATE", _WHERE_STATE, with_vars=False, extra=[], state="CS_HANGUP"
        )
        await self.emit_channel(
            "CHANNEL_STATE",
            _WHERE_STATE,
            with_vars=False,
            extra=[],
            state="CS_REPORTING",
            call_state="HANGUP",
        )
        ch.times["Channel-Hangup-Time"] = ch.times["Channel-Created-Time"]
        ch.set_var("hangup_cause_q850", "16" if cause == "NORMAL_CLEARING" else "0")
        done = ch.host.prefix(
            "CHANNEL_HANGUP_COMPLETE",
            ("switch_core_state_machine.c", "switch_core_session_reporting_state", 943),
        )
        done += [("Hangup-Cause", cause)]
        done += ch.state_block(state="CS_REPORTING", call_state="HANGUP") + ch.variables_block()
        await self.emit(done)
        await self._send(wire.linger_notice(self.uuid, ch.name, self.linger))
        if self.linger > 0:
            self._linger_task = asyncio.create_task(self._linger_expiry(self.linger))

    async def _linger_expiry(self, seconds: int) -> None:
        """FreeSWITCH closes the socket itself when the linger time runs out."""
        await asyncio.sleep(seconds * self.linger_scale)
        if not self._closing:
            await self._close_with_notice()
