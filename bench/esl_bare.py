"""The floor for ``bench/esl.py``: a bare asyncio responder that replays dialscript's commands.

:func:`capture_commands` runs ONE NPS call through the real outbound server
against the fake FreeSWITCH (in process, no delays) and keeps the commands
dialscript sent after ``connect``. :class:`BareResponder` is then served in
dialscript's place: per connection it sends ``connect`` and replays those
commands verbatim (a fresh ``Event-UUID`` for each application), sending the
next one as soon as the previous one's reply, and for an application its
``CHANNEL_EXECUTE_COMPLETE``, have arrived. No interpreter, no journal, no
decoding beyond finding frame ends: what the same callers and the same fake
measure against it is what the loop, the loopback and the machine cost alone.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from pathlib import Path
from typing import Any

_CONTENT_LENGTH = re.compile(rb"(?im)^content-length: *(\d+)$")
_EVENT_UUID = re.compile(rb"Event-UUID: [0-9a-f-]+\n")
_PLACEHOLDER = b"Event-UUID: @\n"


def split_commands(wire: bytes) -> list[bytes]:
    """The commands in ``wire`` (what an app wrote to FreeSWITCH), bodies included."""
    commands, pos = [], 0
    while (end := wire.find(b"\n\n", pos)) != -1:
        head = wire[pos:end]
        length = _CONTENT_LENGTH.search(head)
        stop = end + 2 + (int(length.group(1)) if length else 0)
        commands.append(wire[pos:stop])
        pos = stop
    return commands


async def capture_commands(flows: Path, inputs: dict[str, str]) -> list[bytes]:
    """The commands dialscript sends for one NPS call (yes, score 5, reason 3), ``connect`` cut."""
    from dialscript.runtime.channels import (
        UNUSED_EVENTS,
        CallService,
        FlowLibrary,
        MemoryIntegrations,
    )
    from dialscript.runtime.esl import OutboundServer
    from dialscript.runtime.store.sqlite import SqliteCallStore
    from dialscript.testing.fake_freeswitch import FakeFreeSWITCH, Press, ScriptedCaller

    library = FlowLibrary(flows, env="test")
    service = CallService(
        library, store=SqliteCallStore(":memory:"), integrations=MemoryIntegrations()
    )
    server = OutboundServer(service, port=0, linger=1, nix_events=UNUSED_EVENTS)
    await server.start()
    try:
        async with FakeFreeSWITCH(time_scale=0) as fs:
            caller = ScriptedCaller([Press("1"), Press("5#"), Press("3")])
            call = await fs.place_call(*server.address, caller=caller, variables=inputs)
            await call.finished(30.0)
    finally:
        await server.drain(5.0)
    commands = split_commands(bytes(call.wire_in))
    if not commands or commands[0] != b"connect\n\n" or call.warnings:
        raise SystemExit(f"could not capture the NPS call's commands: {call.warnings}")
    return [_EVENT_UUID.sub(_PLACEHOLDER, command) for command in commands[1:]]


class BareResponder(asyncio.Protocol):
    """One outbound connection: ``connect``, then the captured commands in lockstep."""

    def __init__(self, script: list[bytes], sent: dict[str, float]) -> None:
        self.script = script
        self.sent = sent  # Application-UUID -> when the command after its completion was written
        self.completed: str | None = None
        self.transport: Any = None
        self.buffer = b""
        self.next_index = 0
        self.awaiting_reply = True  # the connect reply comes first
        self.awaiting_app: bytes | None = None  # Application-UUID of the running app

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        transport.write(b"connect\n\n")

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer + data
        while (end := buffer.find(b"\n\n")) != -1:
            head = buffer[:end]
            length = _CONTENT_LENGTH.search(head)
            stop = end + 2 + (int(length.group(1)) if length else 0)
            if len(buffer) < stop:
                break
            body, buffer = buffer[end + 2 : stop], buffer[stop:]
            if b"text/disconnect-notice" in head and b"disconnect\n" in head:
                self.transport.close()
                return
            if b"text/event-" in head:
                if (
                    self.awaiting_app is not None
                    and self.awaiting_app in body
                    and (b"Event-Name: CHANNEL_EXECUTE_COMPLETE\n" in body)
                ):
                    self.completed = self.awaiting_app[len(b"Application-UUID: ") : -1].decode()
                    self.awaiting_app = None
            elif b"text/disconnect-notice" not in head:  # a reply (the first: to connect)
                self.awaiting_reply = False
            if not self.awaiting_reply and self.awaiting_app is None:
                self.send_next()
        self.buffer = buffer

    def send_next(self) -> None:
        if self.next_index >= len(self.script):
            return
        command = self.script[self.next_index]
        self.next_index += 1
        if _PLACEHOLDER in command:
            app = str(uuid.uuid4()).encode()
            command = command.replace(_PLACEHOLDER, b"Event-UUID: " + app + b"\n")
            self.awaiting_app = b"Application-UUID: " + app + b"\n"
        self.awaiting_reply = True
        if self.completed is not None:
            self.sent[self.completed] = time.perf_counter()
            self.completed = None
        self.transport.write(command)
