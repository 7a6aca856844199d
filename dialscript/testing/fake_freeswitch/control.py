"""How a fake outbound session answers each command, as ``mod_event_socket.c`` does.

Connect-first, ``full`` gating, ``myevents`` (once), subscriptions, linger,
filters, ``getvar``, ``api``/``bgapi``, ``sendmsg`` execute/hangup and ``exit``.
:class:`CommandHandling` is the command half of :class:`~.call.FakeCall`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from . import wire
from .apps import AppRun
from .caller import Faults
from .channel import FakeChannel, Headers, new_uuid

if TYPE_CHECKING:
    from .call import FakeCall
    from .server import FakeFreeSWITCH

__all__ = ["FULL_ONLY", "MY_EVENTS", "CommandHandling"]

FULL_ONLY = frozenset(
    {
        "api",
        "bgapi",
        "event",
        "linger",
        "nolinger",
        "log",
        "nolog",
        "nixevent",
        "noevents",
        "filter",
        "sendevent",
    }  # fmt: skip
)
"""Commands a socket without ``full`` answers with ``-ERR command not found`` (``mes.c:2236``)."""

MY_EVENTS = frozenset(
    {
        "CHANNEL_ANSWER",
        "CHANNEL_APPLICATION",
        "CHANNEL_BRIDGE",
        "CHANNEL_CREATE",
        "CHANNEL_DATA",
        "CHANNEL_DESTROY",
        "CHANNEL_EXECUTE",
        "CHANNEL_EXECUTE_COMPLETE",
        "CHANNEL_HANGUP",
        "CHANNEL_HANGUP_COMPLETE",
        "CHANNEL_ORIGINATE",
        "CHANNEL_UUID",
        "CHANNEL_OUTGOING",
        "CHANNEL_PARK",
        "CHANNEL_PROGRESS",
        "CHANNEL_PROGRESS_MEDIA",
        "CHANNEL_STATE",
        "CHANNEL_UNBRIDGE",
        "CHANNEL_UNPARK",
        "DETECTED_SPEECH",
        "DTMF",
        "NOTALK",
        "TALK",
    }  # fmt: skip
)
"""The event types ``myevents`` switches on (``mes.c``, the ``myevents`` branch).

They go into the same per-listener ``event_list`` as ``event`` subscriptions, so
``nixevent`` turns any of them off again; the session's ``Unique-ID`` restriction
(``LFLAG_MYEVENTS``) stays.
"""


class CommandHandling:
    """Command dispatch for a fake call; the I/O and app execution live in ``FakeCall``."""

    switch: FakeFreeSWITCH
    channel: FakeChannel
    uuid: str
    full: bool
    faults: Faults
    socket_mode: str
    commands: list[str]
    warnings: list[str]
    connected: asyncio.Event
    linger: int | None
    on_connected: Callable[[FakeCall], None] | None
    _events: set[str]
    _all_except: set[str] | None
    _myevents: bool
    _format: str
    _park_pending: bool
    _current: AppRun | None
    _queue: asyncio.Queue[AppRun]
    _held: list[bytes] | None

    async def _send(self, data: bytes) -> None:
        raise NotImplementedError

    async def emit(self, headers: Headers, body: bytes | None = None) -> None:
        raise NotImplementedError

    async def emit_channel(
        self, name: str, where: tuple[str, str, int], *, with_vars: bool = True, extra: Headers
    ) -> None:
        raise NotImplementedError

    async def _run_app(self, run: AppRun) -> None:
        raise NotImplementedError

    async def _hangup(self, cause: str, *, by_app: bool = False) -> None:
        raise NotImplementedError

    async def _close_with_notice(self) -> None:
        raise NotImplementedError

    # -- commands -------------------------------------------------------------------------------

    async def _reply(self, text: str, *, job_uuid: str | None = None) -> None:
        if self._park_pending and self.faults.park_before_reply:
            self._park_pending = False
            await self.emit_channel(
                "CHANNEL_PARK", ("switch_ivr.c", "switch_ivr_park", 1015), extra=[]
            )
        await self._send(wire.command_reply(text, job_uuid=job_uuid))

    async def _handle(self, cmd: wire.Command) -> None:
        self.commands.append(cmd.line)
        verb = cmd.verb.lower()
        if not self.connected.is_set():
            if verb != "connect":
                self.warnings.append(f"{cmd.line!r} before connect: reply dropped")
                return
            self.connected.set()
            control = "full" if self.full else "single-channel"
            headers = self.channel.connect_reply(socket_mode=self.socket_mode, control=control)
            await self._send(wire.serialize_event_plain(headers))
            if self.on_connected is not None:
                self.on_connected(self)  # type: ignore[arg-type]
            return
        if verb in FULL_ONLY and not self.full:
            await self._reply("-ERR command not found")
            return
        handler = getattr(self, f"_cmd_{verb}", None)
        if handler is None:
            await self._reply("-ERR command not found")
            return
        await handler(cmd)

    async def _cmd_connect(self, cmd: wire.Command) -> None:
        await self._reply("-ERR command not found")

    async def _cmd_myevents(self, cmd: wire.Command) -> None:
        if self._myevents:
            await self._reply("-ERR aready enabled.")
            return
        words = cmd.rest.split()
        self._format = next((w for w in words if w in ("plain", "json", "xml")), "plain")
        if self._format == "xml":
            self.warnings.append("xml events are not modelled; sending plain")
            self._format = "plain"
        self._myevents = True
        self._events.update(MY_EVENTS)
        self._park_pending = True
        await self._reply("+OK Events Enabled")

    async def _cmd_event(self, cmd: wire.Command) -> None:
        words = cmd.rest.split()
        if not words:
            await self._reply("-ERR no keywords supplied")
            return
        fmt = words[0] if words[0] in ("plain", "json", "xml") else "plain"
        self._format = "json" if fmt == "json" else "plain"
        for word in words[1:]:
            if word == "ALL":
                self._all_except = set()
            elif word not in ("plain", "json", "xml"):
                self._events.add(word)
        await self._reply(f"+OK event listener enabled {fmt}")

    async def _cmd_nixevent(self, cmd: wire.Command) -> None:
        """Clear event types from the one ``event_list`` (``mes.c``, ``nixevent``).

        Whether they came from ``event`` or ``myevents``: after ``myevents``,
        ``nixevent CHANNEL_EXECUTE`` stops that event and keeps the rest (and the
        session's uuid restriction). ``nixevent ALL`` clears everything; nixing
        one type while ``ALL`` is on leaves every other type on.
        """
        words = cmd.rest.split()
        if not words:
            await self._reply("-ERR no keywords supplied")
            return
        for word in words:
            if word == "ALL":
                self._events.clear()
                self._all_except = None
                continue
            self._events.discard(word)
            if self._all_except is not None:
                self._all_except.add(word)
        await self._reply("+OK events nixed")

    async def _cmd_noevents(self, cmd: wire.Command) -> None:
        self._events.clear()
        self._all_except = None
        self._myevents = False
        await self._reply("+OK no longer listening for events")

    async def _cmd_linger(self, cmd: wire.Command) -> None:
        arg = cmd.rest.strip()
        if arg.isdigit():
            self.linger = int(arg)
            await self._reply(f"+OK will linger {self.linger} seconds")
        else:
            self.linger = -1
            self.warnings.append("linger without seconds: never times out")
            await self._reply("+OK will linger")

    async def _cmd_nolinger(self, cmd: wire.Command) -> None:
        self.linger = None
        await self._reply("+OK will not linger")

    async def _cmd_filter(self, cmd: wire.Command) -> None:
        words = cmd.rest.split(" ", 2)
        if words[0] == "delete" and len(words) == 3:
            await self._reply(f"+OK filter deleted. [{words[1]}][{words[2]}]")
        elif len(words) >= 2:
            await self._reply(f"+OK filter added. [{words[0]}]=[{' '.join(words[1:])}]")
        else:
            await self._reply("-ERR invalid syntax")

    async def _cmd_divert_events(self, cmd: wire.Command) -> None:
        on = cmd.rest.strip().lower() == "on"
        await self._reply("+OK events diverted" if on else "+OK events not diverted")

    async def _cmd_resume(self, cmd: wire.Command) -> None:
        await self._reply("+OK")

    async def _cmd_getvar(self, cmd: wire.Command) -> None:
        value = self.channel.vars.get(cmd.rest.strip())
        await self._reply(value if value else "-ERR command not found")

    async def _cmd_api(self, cmd: wire.Command) -> None:
        await self._send(wire.api_response(await self.switch.api(cmd.rest)))

    async def _cmd_bgapi(self, cmd: wire.Command) -> None:
        job = cmd.get("job-uuid") or new_uuid()
        await self._reply(f"+OK Job-UUID: {job}", job_uuid=job)
        headers = self.switch.job_headers(job, cmd.rest, owner=self.uuid)
        await self.emit(headers, await self.switch.api(cmd.rest))

    async def _cmd_exit(self, cmd: wire.Command) -> None:
        await self._reply("+OK bye")
        await self._close_with_notice()

    async def _cmd_sendmsg(self, cmd: wire.Command) -> None:
        target = cmd.rest.strip()
        if target and target != self.uuid:
            await self._reply(f"-ERR invalid session id [{target}]")
            return
        what = (cmd.get("call-command") or "").lower()
        if what == "hangup":
            await self._reply("+OK")
            if self.channel.is_up:
                await self._hangup(cmd.get("hangup-cause") or "NORMAL_CLEARING", by_app=True)
            return
        if what != "execute":
            await self._reply("+OK")
            return
        arg = cmd.get("execute-app-arg")
        if arg is None and cmd.body is not None:
            arg = cmd.body.decode("utf-8", "replace")
        run = AppRun(
            name=cmd.get("execute-app-name") or "",
            arg=arg or "",
            app_uuid=cmd.get("event-uuid") or new_uuid(),
            event_lock=(cmd.get("event-lock") or "").lower() == "true",
        )
        if not run.event_lock and self._current is not None:
            self.warnings.append(f"{run.name} sent without event-lock while an app runs")
        if self.socket_mode == "static":
            # No `async` flag: the app runs in the socket thread; +OK only when it is done.
            self._held = []
            try:
                await self._run_app(run)
            finally:
                held, self._held = self._held, None
            await self._reply("+OK")
            for frame in held:
                await self._send(frame)
            return
        await self._reply("+OK")
        if self.channel.is_up:
            self._queue.put_nowait(run)
