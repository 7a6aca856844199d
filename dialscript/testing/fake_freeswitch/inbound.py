"""The inbound side of the fake switch: what an ``InboundClient`` (a dialer) talks to.

Greets with ``auth/request``, checks the password, answers ``api``/``bgapi``
(``originate ... '&socket(host:port async full)'`` places a :class:`FakeCall`),
delivers subscribed events with filters, and forwards ``sendmsg <uuid>``.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from . import wire
from .channel import Headers, new_uuid

if TYPE_CHECKING:
    from .server import FakeFreeSWITCH

__all__ = ["InboundSession"]


class InboundSession:
    """One inbound Event Socket connection to the fake switch."""

    def __init__(
        self, switch: FakeFreeSWITCH, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.switch = switch
        self.reader = reader
        self.writer = writer
        self.commands: list[str] = []
        self.authed = False
        self.events: set[str] = set()
        self.format = "plain"
        self.filters: list[tuple[str, str]] = []
        self._outbox: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._tasks: set[asyncio.Task[None]] = set()

    async def run(self) -> None:
        """Serve until the client leaves or the switch closes (owned by the switch)."""
        writer_task = asyncio.create_task(self._write_loop())
        self.send(wire.auth_request())
        parser = wire.CommandReader()
        try:
            while True:
                chunk = await self.reader.read(65536)
                if not chunk:
                    break
                for cmd in parser.feed(chunk):
                    self.commands.append(cmd.line)
                    if not await self._handle(cmd):
                        return
        except (ConnectionError, wire.CommandFramingError):
            pass
        finally:
            self._outbox.put_nowait(None)
            with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                await asyncio.wait_for(writer_task, 2.0)
            for task in list(self._tasks):
                task.cancel()
            for task in list(self._tasks):
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            writer_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer_task
            self.writer.close()
            with contextlib.suppress(ConnectionError):
                await self.writer.wait_closed()

    def send(self, data: bytes) -> None:
        """Queue bytes for the client, in order."""
        self._outbox.put_nowait(data)

    async def _write_loop(self) -> None:
        while (data := await self._outbox.get()) is not None:
            self.writer.write(data)
            await self.writer.drain()

    def wants(self, headers: Headers) -> bool:
        """Subscription and filter check for one event."""
        name = next((v for k, v in headers if k == "Event-Name"), "")
        if name not in self.events and "ALL" not in self.events:
            return False
        if not self.filters:
            return True
        values = dict(headers)
        return any(values.get(h) == v for h, v in self.filters)

    def deliver(self, headers: Headers, body: bytes | None) -> None:
        """Send an event if subscribed."""
        if not self.authed or not self.wants(headers):
            return
        if self.format == "json":
            payload = wire.serialize_event_json(headers, body)
        else:
            payload = wire.serialize_event_plain(headers, body)
        self.send(wire.event_frame(payload, self.format))

    def _reply(self, text: str, *, job_uuid: str | None = None) -> None:
        self.send(wire.command_reply(text, job_uuid=job_uuid))

    async def _handle(self, cmd: wire.Command) -> bool:
        verb, rest = cmd.verb.lower(), cmd.rest
        if not self.authed:
            if verb != "auth":
                self._reply("-ERR command not found")
                return True
            if rest.strip() != self.switch.password:
                self._reply("-ERR invalid")
                self.send(wire.disconnect_notice())
                return False
            self.authed = True
            self._reply("+OK accepted")
            return True
        if verb == "api":
            self.send(wire.api_response(await self.switch.api(rest)))
        elif verb == "bgapi":
            job = cmd.get("job-uuid") or new_uuid()
            self._reply(f"+OK Job-UUID: {job}", job_uuid=job)
            task = asyncio.create_task(self._background(job, rest))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        elif verb == "event":
            words = rest.split()
            if not words:
                self._reply("-ERR no keywords supplied")
                return True
            fmt = words[0] if words[0] in ("plain", "json", "xml") else "plain"
            self.format = "json" if fmt == "json" else "plain"
            self.events.update(w for w in words[1:] if w not in ("plain", "json", "xml"))
            self._reply(f"+OK event listener enabled {fmt}")
        elif verb == "filter":
            words = rest.split(" ", 2)
            if words[0] == "delete" and len(words) == 3:
                with contextlib.suppress(ValueError):
                    self.filters.remove((words[1], words[2]))
                self._reply(f"+OK filter deleted. [{words[1]}][{words[2]}]")
            elif len(words) >= 2:
                self.filters.append((words[0], " ".join(words[1:])))
                self._reply(f"+OK filter added. [{words[0]}]=[{' '.join(words[1:])}]")
            else:
                self._reply("-ERR invalid syntax")
        elif verb == "nixevent":
            self.events.difference_update(rest.split())
            self._reply("+OK events nixed")
        elif verb == "noevents":
            self.events.clear()
            self._reply("+OK no longer listening for events")
        elif verb == "linger":
            self._reply("-ERR not controlling a session")
        elif verb == "sendmsg":
            self._reply(await self.switch.sendmsg(rest.strip(), cmd))
        elif verb == "exit":
            self._reply("+OK bye")
            self.send(wire.disconnect_notice())
            return False
        else:
            self._reply("-ERR command not found")
        return True

    async def _background(self, job: str, command: str) -> None:
        body = await self.switch.api(command)
        self.switch.publish(self.switch.job_headers(job, command, owner=None), body)
