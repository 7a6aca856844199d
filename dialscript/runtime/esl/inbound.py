"""Inbound client: we connect to FreeSWITCH's Event Socket port (a dialer, a monitor).

``auth``, event subscription (BACKGROUND_JOB always included, so ``bgapi``
results are matched by our own Job-UUID), ``api``, ``bgapi``, ``originate``
into an outbound server, and a supervisor task that reconnects with capped
exponential backoff when the connection drops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import uuid as uuidlib
from collections.abc import Collection, Mapping, Sequence

from . import commands, direct
from .connection import ESLConnection
from .errors import AuthFailed, CommandFailed, ConnectionLost, ESLError, UnsafeValue
from .events import Event
from .streams import EventStream

__all__ = ["InboundClient", "originate_command"]

log = logging.getLogger(__name__)

_DIAL = re.compile(r"[A-Za-z0-9_.@:/+*#=-]+\Z")
_VAR_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_VAR_VALUE = re.compile(r"[^'{},$\\\s]*\Z")
_HOST = re.compile(r"[A-Za-z0-9_.:-]+\Z")


def originate_command(
    dial_string: str,
    socket_host: str,
    socket_port: int,
    *,
    variables: Mapping[str, str] | None = None,
) -> str:
    """``originate {vars}dial '&socket(host:port async full)'`` with every part validated.

    >>> originate_command("sofia/gateway/gw1/15551234567", "127.0.0.1", 8084,
    ...                   variables={"origination_uuid": "u-1"})
    "originate {origination_uuid=u-1}sofia/gateway/gw1/15551234567 '&socket(127.0.0.1:8084 async full)'"
    """  # noqa: E501
    if not _DIAL.match(dial_string):
        raise UnsafeValue(f"bad dial string {dial_string[:60]!r}")
    if not _HOST.match(socket_host) or not 0 < socket_port < 65536:
        raise UnsafeValue(f"bad socket target {socket_host!r}:{socket_port!r}")
    parts = []
    for key, value in (variables or {}).items():
        if not _VAR_KEY.match(key):
            raise UnsafeValue(f"bad variable name {key!r}")
        text = value.replace(" ", "")
        if not _VAR_VALUE.match(text) or "\n" in value or "\r" in value:
            raise UnsafeValue(f"unsafe value for {key}: {value[:60]!r}")
        parts.append(f"{key}='{value}'" if " " in value else f"{key}={value}")
    block = "{" + ",".join(parts) + "}" if parts else ""
    return f"originate {block}{dial_string} '&socket({socket_host}:{socket_port} async full)'"


class InboundClient:
    """A supervised inbound ESL connection.

    ``await client.start()`` connects (retrying with backoff) and keeps the
    connection alive until :meth:`close`; an :class:`AuthFailed` is final.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 8021,
        password: str = "ClueCon",
        *,
        events: Sequence[str] = (),
        event_format: str = "plain",
        connect_timeout: float = 5.0,
        reply_timeout: float = 10.0,
        backoff_initial: float = 0.5,
        backoff_max: float = 30.0,
        reconnect: bool = True,
    ) -> None:
        self.host = host
        self.port = port
        self._password = password
        self.events = tuple(dict.fromkeys([*events, "BACKGROUND_JOB"]))
        self.event_format = event_format
        self.connect_timeout = connect_timeout
        self.reply_timeout = reply_timeout
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.reconnect = reconnect
        self.connects = 0
        self._conn: ESLConnection | None = None
        self._ready = asyncio.Event()
        self._supervisor: asyncio.Task[None] | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect and authenticate once (raising on failure), then supervise reconnection."""
        await self._connect_once()
        if self.reconnect:
            self._supervisor = asyncio.create_task(self._supervise(), name="esl-inbound-supervisor")

    async def close(self) -> None:
        """Stop reconnecting, say ``exit`` if connected, and close."""
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
            self._supervisor = None
        conn, self._conn = self._conn, None
        self._ready.clear()
        if conn is not None:
            if not conn.closed:
                with contextlib.suppress(ESLError):
                    await conn.exit(timeout=2.0)
                    await conn.wait_closed(2.0)
            await conn.close()

    async def __aenter__(self) -> InboundClient:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def connected(self) -> bool:
        """True while an authenticated connection is up."""
        return self._conn is not None and not self._conn.closed

    async def connection(self, timeout: float | None = None) -> ESLConnection:
        """The current connection, waiting up to ``timeout`` for a reconnect."""
        wait = self.connect_timeout if timeout is None else timeout
        try:
            await asyncio.wait_for(self._ready.wait(), wait)
        except TimeoutError:
            raise ConnectionLost("not connected to FreeSWITCH") from None
        assert self._conn is not None
        return self._conn

    async def _connect_once(self) -> None:
        try:
            reader, writer = await asyncio.wait_for(
                direct.open_connection(self.host, self.port), self.connect_timeout
            )
        except (OSError, TimeoutError) as exc:
            raise ConnectionLost(f"cannot reach {self.host}:{self.port}: {exc}") from None
        conn = ESLConnection(reader, writer, reply_timeout=self.reply_timeout)
        conn.start()
        try:
            await conn.wait_auth_request(self.connect_timeout)
            try:
                await conn.command(commands.auth(self._password))
            except CommandFailed as exc:
                raise AuthFailed("auth", exc.reply) from None
            await conn.event(self.event_format, self.events)
        except BaseException:
            await conn.close()
            raise
        self._conn = conn
        self.connects += 1
        self._ready.set()

    async def _supervise(self) -> None:
        while True:
            conn = self._conn
            if conn is not None:
                await conn.wait_closed(None)
                self._ready.clear()
                await conn.close()
                log.warning("ESL inbound connection lost; reconnecting")
            delay = self.backoff_initial
            while True:
                try:
                    await self._connect_once()
                    break
                except AuthFailed:
                    log.error("ESL auth failed on reconnect; giving up")
                    return
                except ESLError as exc:
                    log.info("reconnect failed (%s); retrying in %.2f s", exc, delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, self.backoff_max)

    # -- commands -------------------------------------------------------------------------------

    async def api(self, command: str, *, timeout: float | None = None) -> str:
        """``api`` and its output text."""
        conn = await self.connection()
        return await conn.api(command, timeout=timeout)

    async def bgapi(self, command: str, *, timeout: float = 60.0) -> str:
        """``bgapi``; the BACKGROUND_JOB body (``+OK ...`` / ``-ERR ...``)."""
        conn = await self.connection()
        event: Event = await conn.bgapi(command, timeout=timeout)
        return event.text

    async def originate(
        self,
        dial_string: str,
        socket_host: str,
        socket_port: int,
        *,
        variables: Mapping[str, str] | None = None,
        timeout: float = 60.0,
    ) -> str:
        """Place a call whose answered leg runs ``socket host:port async full``; its UUID.

        Raises :class:`CommandFailed` with the hangup cause (``-ERR USER_BUSY``).
        """
        uuid = str(uuidlib.uuid4())
        merged = {"origination_uuid": uuid, **(variables or {})}
        command = originate_command(dial_string, socket_host, socket_port, variables=merged)
        result = (await self.bgapi(command, timeout=timeout)).strip()
        if not result.startswith("+OK"):
            raise CommandFailed("originate", result)
        return result[3:].strip() or uuid

    async def subscribe(
        self, uuid: str | None = None, names: Collection[str] | None = None
    ) -> EventStream:
        """Events of the current connection (a new stream is needed after a reconnect)."""
        conn = await self.connection()
        return conn.subscribe(uuid, names)
