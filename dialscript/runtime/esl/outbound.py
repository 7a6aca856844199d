"""Outbound server: FreeSWITCH's ``socket`` application connects here, once per call.

For each allowed peer: ``connect`` (its reply is the unframed CHANNEL_DATA),
``myevents``, optionally ``nixevent`` for the types the handler never reads,
``linger N``, optional extra subscriptions, expansion disabled
on the channel, then ``await handler(session)``. Each call runs in a task the
server owns; :meth:`OutboundServer.close` cancels and awaits them.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence

from . import commands, direct
from .connection import ESLConnection
from .errors import CallHungUp, ConnectionLost, ESLError
from .events import Event
from .session import CallSession

__all__ = ["CallHandler", "OutboundServer"]

log = logging.getLogger(__name__)

CallHandler = Callable[[CallSession], Awaitable[None]]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _networks(peers: Iterable[str | Network]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) if isinstance(p, str) else p for p in peers)


class OutboundServer:
    """Accepts ``socket`` connections from FreeSWITCH and runs ``handler`` per call.

    ``allowed_peers`` are networks whose connections are served; anything else
    is closed at once (whoever connects could impersonate FreeSWITCH).
    """

    def __init__(
        self,
        handler: CallHandler,
        *,
        host: str = "127.0.0.1",
        port: int = 8084,
        allowed_peers: Iterable[str | Network] = ("127.0.0.1/32", "::1/128"),
        linger: int = 10,
        event_format: str = "plain",
        extra_events: Sequence[str] = (),
        nix_events: Sequence[str] = (),
        disable_expansion: bool = True,
        connect_timeout: float = 10.0,
        reply_timeout: float = 10.0,
        execute_timeout: float = 3600.0,
        exit_timeout: float = 5.0,
    ) -> None:
        commands.linger(linger)  # validate early
        self.handler = handler
        self.host = host
        self.port = port
        self.allowed_peers = _networks(allowed_peers)
        self.linger = linger
        self.event_format = event_format
        self.extra_events = tuple(extra_events)
        self.nix_events = tuple(nix_events)
        if self.nix_events:
            commands.nixevent(self.nix_events)  # validate early
        self.disable_expansion = disable_expansion
        self.connect_timeout = connect_timeout
        self.reply_timeout = reply_timeout
        self.execute_timeout = execute_timeout
        self.exit_timeout = exit_timeout
        self.accepted = 0
        self.rejected = 0
        self._server: asyncio.Server | None = None
        self._calls: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Bind and listen."""
        self._server = await direct.start_server(self._accept, self.host, self.port)

    @property
    def address(self) -> tuple[str, int]:
        """The bound ``(host, port)`` (useful with ``port=0``)."""
        if self._server is None:
            raise RuntimeError("server not started")
        host, port = self._server.sockets[0].getsockname()[:2]
        return str(host), int(port)

    @property
    def active_calls(self) -> int:
        """Calls being served now."""
        return len(self._calls)

    async def close(self) -> None:
        """Stop accepting, cancel every call task and wait for them."""
        if self._server is not None:
            self._server.close()
        calls = list(self._calls)
        for task in calls:
            task.cancel()
        for task in calls:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def drain(self, timeout: float) -> int:
        """Stop accepting, let live calls finish for up to ``timeout`` s, then :meth:`close`.

        Returns how many calls were still running (and were cancelled) at the deadline.
        """
        if self._server is not None:
            self._server.close()
        calls = list(self._calls)
        late: set[asyncio.Task[None]] = set()
        if calls:
            _, late = await asyncio.wait(calls, timeout=timeout)
        await self.close()
        return len(late)

    async def __aenter__(self) -> OutboundServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _allowed(self, peer: object) -> bool:
        if not isinstance(peer, tuple) or not peer:
            return False
        try:
            address = ipaddress.ip_address(str(peer[0]).split("%", 1)[0])
        except ValueError:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return any(address in net for net in self.allowed_peers)

    def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        if not self._allowed(peer):
            self.rejected += 1
            log.warning("refused ESL connection from %s", peer)
            writer.transport.abort()
            return
        self.accepted += 1
        task = asyncio.create_task(self._serve(reader, writer), name=f"esl-call-{peer}")
        self._calls.add(task)
        task.add_done_callback(self._calls.discard)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = ESLConnection(
            reader,
            writer,
            reply_timeout=self.reply_timeout,
            execute_timeout=self.execute_timeout,
        )
        conn.start()
        try:
            reply = await conn.send(commands.connect(), timeout=self.connect_timeout)
            session = CallSession(conn, Event.from_encoded_headers(reply.headers))
            del reply  # the session keeps a compact copy; this frame would live as long as the call
            await conn.myevents(self.event_format)
            if self.nix_events:
                await conn.nixevent(self.nix_events)
            await conn.linger(self.linger)
            if self.extra_events:
                await conn.event(self.event_format, self.extra_events)
            if self.disable_expansion and not session.expansion_disabled:
                await session.disable_expansion()
            await self.handler(session)
        except CallHungUp as exc:
            log.info("call ended: %s", exc)
        except ConnectionLost as exc:
            log.info("ESL connection lost: %s", exc)
        except ESLError as exc:
            log.warning("ESL error in call: %s", exc)
        except Exception:
            log.exception("call handler failed")
        finally:
            await self._finish(conn)

    async def _finish(self, conn: ESLConnection) -> None:
        try:
            if not conn.closed and not conn.disconnected:
                try:
                    await conn.exit(timeout=self.exit_timeout)
                    await conn.wait_closed(self.exit_timeout)
                except ESLError as exc:
                    log.debug("exit did not complete cleanly: %s", exc)
        finally:
            await conn.close()  # even when the server is closing and cancelled the call
