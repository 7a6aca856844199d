"""ESLConnection edge cases against a hand-scripted peer on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from dialscript.runtime.esl import (
    CallHungUp,
    CommandFailed,
    ConnectionLost,
    ESLConnection,
    ESLTimeout,
    commands,
)
from dialscript.testing.fake_freeswitch import wire

from .helpers import run

Script = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
UUID = "36943c17-604d-41c2-8b5d-7b972bc23ef8"


def channel_event(name: str, *extra: tuple[str, str]) -> bytes:
    headers = [("Event-Name", name), ("Unique-ID", UUID), *extra]
    return wire.event_frame(wire.serialize_event_plain(headers))


async def read_command(reader: asyncio.StreamReader) -> wire.Command:
    parser = wire.CommandReader()
    while True:
        chunk = await reader.read(1)
        if not chunk:
            raise ConnectionError("client left")
        found = parser.feed(chunk)
        if found:
            return found[0]


async def with_peer(script: Script, body: Callable[[ESLConnection], Awaitable[None]]) -> None:
    done = asyncio.Event()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await script(reader, writer)
        except ConnectionError:
            pass
        finally:
            writer.close()
            done.set()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        conn = ESLConnection(reader, writer, reply_timeout=2.0)
        async with conn:
            conn.controlled_uuid = UUID
            await body(conn)
        await asyncio.wait_for(done.wait(), 2)
    finally:
        server.close()
        await server.wait_closed()


def test_late_reply_is_a_tombstone_not_the_next_answer() -> None:
    async def script(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await read_command(r)
        await read_command(r)
        await asyncio.sleep(0.2)
        w.write(wire.command_reply("+OK first") + wire.command_reply("+OK second"))
        await read_command(r)

    async def body(conn: ESLConnection) -> None:
        with pytest.raises(ESLTimeout):
            await conn.command(commands.build("first"), timeout=0.05)
        assert await conn.command(commands.build("second")) == "+OK second"

    run(with_peer(script, body))


def test_events_before_reply_and_non_utf8_reply() -> None:
    async def script(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await read_command(r)
        w.write(
            channel_event("CHANNEL_PARK") + b"Content-Type: command/reply\nReply-Text: \xff+OK\n\n"
        )
        await read_command(r)

    async def body(conn: ESLConnection) -> None:
        with conn.subscribe(UUID) as stream:
            assert await conn.command(commands.build("resume")) == "\ufffd+OK"
            assert (await stream.get(1)).name == "CHANNEL_PARK"

    run(with_peer(script, body))


def test_execute_raced_against_hangup() -> None:
    async def script(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        cmd = await read_command(r)
        app_uuid = cmd.get("Event-UUID") or ""
        w.write(wire.command_reply("+OK"))
        w.write(channel_event("CHANNEL_EXECUTE", ("Application-UUID", app_uuid)))
        w.write(channel_event("CHANNEL_HANGUP", ("Hangup-Cause", "NO_ANSWER")))
        w.write(channel_event("CHANNEL_EXECUTE_COMPLETE", ("Application-UUID", app_uuid)))
        await read_command(r)

    async def body(conn: ESLConnection) -> None:
        app_uuid = await conn.execute("playback", "x.wav")
        with pytest.raises(CallHungUp) as info:
            await conn.wait_execute(app_uuid, timeout=2)
        assert info.value.cause == "NO_ANSWER"
        with pytest.raises(CallHungUp):
            await conn.execute("playback", "y.wav")

    run(with_peer(script, body))


def test_disconnect_notice_while_waiting() -> None:
    async def script(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await read_command(r)
        w.write(wire.command_reply("+OK"))
        await asyncio.sleep(0.05)
        w.write(wire.disconnect_notice(UUID))

    async def body(conn: ESLConnection) -> None:
        app_uuid = await conn.execute("playback", "x.wav")
        with pytest.raises(ConnectionLost):
            await conn.wait_execute(app_uuid, timeout=2)
        assert conn.disconnected

    run(with_peer(script, body))


def test_linger_notice_is_not_eof() -> None:
    async def script(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await read_command(r)
        w.write(wire.linger_notice(UUID, "loopback/7000-b", 10))
        w.write(channel_event("CHANNEL_HANGUP_COMPLETE", ("Hangup-Cause", "NORMAL_CLEARING")))
        w.write(wire.command_reply("+OK bye") + wire.disconnect_notice(UUID))

    async def body(conn: ESLConnection) -> None:
        with conn.subscribe(UUID) as stream:
            await conn.exit()
            event = await stream.get(1)
        assert event.name == "CHANNEL_HANGUP_COMPLETE"
        assert conn.lingering and conn.is_hung_up(UUID)
        assert conn.hangup_cause(UUID) == "NORMAL_CLEARING"
        await conn.wait_closed(2)

    run(with_peer(script, body))


@pytest.mark.parametrize(
    "tail",
    [b"Content-Length: 50\nContent-Type: text/event-plain\n\nEvent-Name: X", b"", b"garbage\n\n"],
    ids=["truncated", "eof", "malformed"],
)
def test_eof_and_garbage_fail_pending_waits(tail: bytes) -> None:
    async def script(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await read_command(r)
        w.write(wire.command_reply("+OK"))
        w.write(tail)
        await w.drain()

    async def body(conn: ESLConnection) -> None:
        app_uuid = await conn.execute("answer")
        with pytest.raises(ConnectionLost):
            await conn.wait_execute(app_uuid, timeout=2)
        with pytest.raises(ConnectionLost):
            await conn.api("status")

    run(with_peer(script, body))


def test_rude_rejection() -> None:
    async def script(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        w.write(wire.rude_rejection())
        await w.drain()
        await asyncio.sleep(0.1)

    async def body(conn: ESLConnection) -> None:
        await conn.wait_closed(2)
        with pytest.raises(ConnectionLost, match="Access Denied"):
            await conn.api("status")

    run(with_peer(script, body))


def test_slow_consumer_drops_oldest_without_blocking_replies() -> None:
    async def script(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await read_command(r)
        for i in range(50):
            w.write(channel_event("DTMF", ("DTMF-Digit", str(i % 10))))
        w.write(wire.api_response(b"done"))
        await read_command(r)

    async def body(conn: ESLConnection) -> None:
        with conn.subscribe(UUID, {"DTMF"}, maxsize=5) as stream:
            assert await conn.api("status") == "done"
            assert stream.dropped == 45
            assert (await stream.get(1))["DTMF-Digit"] == "5"

    run(with_peer(script, body))


def test_execute_and_wait_fails_on_err_reply_without_waiting_for_completion() -> None:
    async def script(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await read_command(r)
        w.write(wire.command_reply("-ERR no such application"))
        await read_command(r)
        w.write(wire.command_reply("+OK in step"))
        await read_command(r)

    async def body(conn: ESLConnection) -> None:
        with pytest.raises(CommandFailed, match="no such application"):
            await asyncio.wait_for(conn.execute_and_wait("nosuchapp", timeout=30), 2)
        assert not conn._executions  # nothing is left waiting for a completion
        assert await conn.command(commands.build("status")) == "+OK in step"

    run(with_peer(script, body))


def test_execute_and_wait_times_out_when_no_reply_comes() -> None:
    async def script(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        cmd = await read_command(r)
        await asyncio.sleep(0.3)  # too late: the wait has given up on this reply
        w.write(wire.command_reply("+OK"))
        w.write(
            channel_event(
                "CHANNEL_EXECUTE_COMPLETE", ("Application-UUID", cmd.get("Event-UUID") or "")
            )
        )
        await read_command(r)
        w.write(wire.command_reply("+OK second"))
        await read_command(r)

    async def body(conn: ESLConnection) -> None:
        conn.reply_timeout = 0.1
        with pytest.raises(ESLTimeout, match="no reply"):
            await conn.execute_and_wait("playback", "x.wav", timeout=30)
        await asyncio.sleep(0.4)
        # the late +OK went to the timed-out command's tombstone, not to this one
        conn.reply_timeout = 2.0
        assert await conn.command(commands.build("second")) == "+OK second"

    run(with_peer(script, body))


def test_execute_and_wait_times_out_when_the_application_never_completes() -> None:
    async def script(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await read_command(r)
        w.write(wire.command_reply("+OK"))
        await read_command(r)

    async def body(conn: ESLConnection) -> None:
        with pytest.raises(ESLTimeout, match="playback did not complete"):
            await conn.execute_and_wait("playback", "x.wav", timeout=0.1)
        assert not conn._executions

    run(with_peer(script, body))
