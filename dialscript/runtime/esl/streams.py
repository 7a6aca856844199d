"""Per-consumer event queues that never block the connection's reader.

The reader must drain FreeSWITCH as fast as it can (a listener with more than
500 lost events is killed), so a slow consumer loses its *oldest* events and
sees the count in :attr:`EventStream.dropped` instead of stalling everyone.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Collection

from .errors import ConnectionLost, ESLTimeout
from .events import Event

__all__ = ["EventStream"]


class EventStream:
    """Events for one consumer, optionally limited to a channel UUID and event names.

    Use as an async iterator (ends when the connection ends) or call :meth:`get`.
    Unregister with :meth:`close` or by leaving ``with`` / ``async with``.
    """

    def __init__(
        self,
        uuid: str | None,
        names: Collection[str] | None,
        maxsize: int,
        on_close: Callable[[EventStream], None],
    ) -> None:
        self.uuid = uuid
        self.names = frozenset(names) if names else None
        self.dropped = 0
        self._items: deque[Event] = deque()
        self._maxsize = maxsize
        self._ready = asyncio.Event()
        self._ended: BaseException | None = None
        self._on_close = on_close

    def wants(self, event: Event) -> bool:
        """True if ``event`` is for this stream."""
        if self.uuid is not None and event.uuid != self.uuid:
            return False
        return self.names is None or event.name in self.names

    def push(self, event: Event) -> None:
        """Called by the connection; drops the oldest event when full."""
        if len(self._items) >= self._maxsize:
            self._items.popleft()
            self.dropped += 1
        self._items.append(event)
        self._ready.set()

    def end(self, reason: BaseException) -> None:
        """Called by the connection when it ends."""
        if self._ended is None:
            self._ended = reason
        self._ready.set()

    async def get(self, timeout: float) -> Event:
        """Next event; :class:`ESLTimeout` after ``timeout`` s; :class:`ConnectionLost` at end."""
        while not self._items:
            if self._ended is not None:
                raise ConnectionLost(f"event stream ended: {self._ended}")
            self._ready.clear()
            try:
                await asyncio.wait_for(self._ready.wait(), timeout)
            except TimeoutError:
                raise ESLTimeout(f"no event within {timeout} s") from None
        return self._items.popleft()

    def get_nowait(self) -> Event | None:
        """Next buffered event, or ``None``."""
        return self._items.popleft() if self._items else None

    def __aiter__(self) -> EventStream:
        return self

    async def __anext__(self) -> Event:
        while not self._items:
            if self._ended is not None:
                raise StopAsyncIteration
            self._ready.clear()
            await self._ready.wait()
        return self._items.popleft()

    def close(self) -> None:
        """Stop receiving events."""
        self.end(ConnectionLost("stream closed"))
        self._on_close(self)

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> EventStream:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()
