"""Sockets whose bytes go straight to the ESL connection, in the transport's read callback.

With a plain :class:`asyncio.StreamReader`, the connection needs a reader task:
the transport's callback buffers the bytes and wakes the task, which gets them
on a later turn of the event loop and only then parses and dispatches. Under
load every such turn queues behind other calls' work, once per frame.
:class:`DirectReader` hands the bytes to the connection's sink in the callback
itself, so a CHANNEL_EXECUTE_COMPLETE wakes the call that waits for it one turn
earlier, and no task, buffer or wake-up is spent per read.

:func:`start_server` and :func:`open_connection` are asyncio's, with a
:class:`DirectReader` in place of the reader.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import SupportsIndex

__all__ = ["DirectReader", "open_connection", "start_server"]

Sink = Callable[[bytes], None]
End = Callable[[Exception | None], None]


class DirectReader(asyncio.StreamReader):
    """A stream reader for one consumer that takes the bytes as they arrive.

    Until :meth:`attach` the bytes and the end are held; :meth:`attach` hands
    them over, and from then on each chunk goes to ``sink`` at once and the end
    (``None`` for EOF, or the socket's error) to ``end``. It is not meant to be
    read with :meth:`read`.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop=loop)
        self._sink: Sink | None = None
        self._end: End | None = None
        self._held: list[bytes] = []
        self._ended: tuple[Exception | None] | None = None

    def attach(self, sink: Sink, end: End) -> None:
        """Send the bytes to ``sink`` and the end to ``end`` from now on (what was held first)."""
        held, self._held = self._held, []
        for chunk in held:
            sink(chunk)
        self._sink, self._end = sink, end
        if self._ended is not None:
            end(self._ended[0])

    def detach(self) -> None:
        """Stop delivering (the consumer is closing)."""
        self._sink = self._end = None

    def feed_data(self, data: Iterable[SupportsIndex]) -> None:
        chunk = data if isinstance(data, bytes) else bytes(data)  # the transport's bytes
        if self._sink is not None:
            self._sink(chunk)
        elif self._ended is None:
            self._held.append(chunk)

    def feed_eof(self) -> None:
        super().feed_eof()
        self._finish(None)

    def set_exception(self, exc: Exception) -> None:
        super().set_exception(exc)
        self._finish(exc)

    def _finish(self, exc: Exception | None) -> None:
        if self._ended is not None:
            return
        self._ended = (exc,)
        if self._end is not None:
            self._end(exc)


async def start_server(
    client_connected: Callable[
        [asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None] | None
    ],
    host: str | None,
    port: int,
) -> asyncio.Server:
    """:func:`asyncio.start_server` with a :class:`DirectReader` per connection
    (``client_connected`` gets it as its reader)."""
    loop = asyncio.get_running_loop()

    def protocol() -> asyncio.StreamReaderProtocol:
        return asyncio.StreamReaderProtocol(DirectReader(loop), client_connected, loop=loop)

    return await loop.create_server(protocol, host, port)


async def open_connection(host: str, port: int) -> tuple[DirectReader, asyncio.StreamWriter]:
    """:func:`asyncio.open_connection` with a :class:`DirectReader`."""
    loop = asyncio.get_running_loop()
    reader = DirectReader(loop)
    protocol = asyncio.StreamReaderProtocol(reader, loop=loop)
    transport, _ = await loop.create_connection(lambda: protocol, host, port)
    return reader, asyncio.StreamWriter(transport, protocol, reader, loop)
