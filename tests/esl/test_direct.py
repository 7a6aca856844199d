"""DirectReader: bytes go to the connection in the read callback, with no reader task."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialscript.runtime.esl import ConnectionLost, ESLConnection, commands, direct
from dialscript.testing.fake_freeswitch import wire

from .helpers import run


def test_bytes_and_end_before_attach_are_handed_over_in_order() -> None:
    async def body() -> None:
        reader = direct.DirectReader(asyncio.get_running_loop())
        reader.feed_data(b"Content-Type: ")
        reader.feed_data(b"command/reply\n\n")
        reader.feed_eof()
        reader.feed_data(b"after the end: dropped")
        got: list[bytes] = []
        ends: list[Exception | None] = []
        reader.attach(got.append, ends.append)
        assert got == [b"Content-Type: ", b"command/reply\n\n"]
        assert ends == [None]

    run(body())


def test_after_attach_bytes_go_straight_through_and_an_error_ends_once() -> None:
    async def body() -> None:
        reader = direct.DirectReader(asyncio.get_running_loop())
        got: list[bytes] = []
        ends: list[Exception | None] = []
        reader.attach(got.append, ends.append)
        reader.feed_data(bytearray(b"abc"))
        error = ConnectionResetError("reset by peer")
        reader.set_exception(error)
        reader.feed_eof()
        assert got == [b"abc"]
        assert ends == [error]
        reader.detach()
        reader.feed_data(b"late")
        assert got == [b"abc"]

    run(body())


async def _serve_once(reply: bytes) -> tuple[asyncio.Server, int]:
    async def serve(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await r.readuntil(b"\n\n")
        w.write(reply)
        await w.drain()
        w.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


def test_connection_over_direct_reader_dispatches_without_a_reader_task() -> None:
    async def body() -> None:
        server, port = await _serve_once(wire.command_reply("+OK accepted"))
        reader, writer = await direct.open_connection("127.0.0.1", port)
        async with ESLConnection(reader, writer, reply_timeout=2.0) as conn:
            assert conn._task is None
            assert await conn.command(commands.build("resume")) == "+OK accepted"
            await conn.wait_closed(2.0)  # the peer's close reaches the connection as EOF
            assert conn.closed
        server.close()
        await server.wait_closed()

    run(body())


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (b"Content-Length: many\n\n", "protocol error: bad Content-Length"),
        (b"Content-Type: command/reply\nReply-Te", "protocol error"),  # EOF inside a frame
    ],
)
def test_malformed_or_cut_input_fails_the_waiter_with_connection_lost(
    reply: bytes, reason: str
) -> None:
    async def body() -> None:
        server, port = await _serve_once(reply)
        reader, writer = await direct.open_connection("127.0.0.1", port)
        async with ESLConnection(reader, writer, reply_timeout=2.0) as conn:
            with pytest.raises(ConnectionLost, match=reason):
                await conn.command(commands.build("resume"))
        server.close()
        await server.wait_closed()

    run(body())


class _Writer:
    """The connection never writes in these tests; closing is all it may do."""

    def is_closing(self) -> bool:
        return True

    def close(self) -> None:
        pass

    async def wait_closed(self) -> None:
        pass


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    chunks=st.lists(
        st.one_of(
            st.binary(max_size=300),
            st.sampled_from([
                b"Content-Type: command/reply\nReply-Text: +OK\n\n",
                b"Content-Length: 40\nContent-Type: text/event-plain\n\n",
                b"Event-Name: CHANNEL_EXECUTE_COMPLETE\nApplication-UUID: x\n\n",
                b"Content-Type: text/disconnect-notice\nContent-Disposition: linger\n\n",
                b"Content-Type: text/rude-rejection\nContent-Length: 3\n\nno\n",
                b"\n", b":", b"%", b"\xff",
            ]),
        ),
        max_size=25,
    ),
    eof=st.booleans(),
)  # fmt: skip
def test_any_bytes_in_the_read_callback_end_at_worst_in_connection_lost(
    chunks: list[bytes], eof: bool
) -> None:
    """Whatever FreeSWITCH (or anything on its port) sends, nothing but ConnectionLost comes
    out of the connection: no exception escapes into asyncio's transport."""

    async def body() -> None:
        reader = direct.DirectReader(asyncio.get_running_loop())
        conn = ESLConnection(reader, _Writer(), reply_timeout=1.0)  # type: ignore[arg-type]
        conn.controlled_uuid = "x"
        conn.start()
        for chunk in chunks:
            reader.feed_data(chunk)  # as the transport does: exceptions would escape here
        if eof:
            reader.feed_eof()
            assert conn.closed
        await conn.close()
        with pytest.raises(ConnectionLost):
            await conn.command(commands.build("status"))

    run(body())
