"""One Event Socket connection over asyncio streams (inbound or outbound).

Replies are matched FIFO to commands (a cancelled waiter leaves a tombstone so
order survives), events are fanned out to :class:`EventStream` consumers, and
``execute`` waits are matched by ``Application-UUID`` and raced against the
channel hanging up, a disconnect notice and EOF. Over a
:class:`~dialscript.runtime.esl.direct.DirectReader` (the outbound server's and
the inbound client's) frames are dispatched as the bytes arrive; over any other
stream reader the connection owns a reader task, which :meth:`ESLConnection.close`
cancels and awaits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid as uuidlib
from collections import deque
from collections.abc import Collection, Sequence
from functools import partial
from random import getrandbits
from typing import TypeVar

from . import commands
from .direct import DirectReader
from .errors import (
    CallHungUp,
    CommandFailed,
    ConnectionLost,
    ESLError,
    ESLTimeout,
    ProtocolError,
)
from .events import Event
from .frames import DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_HEADER_BYTES, Frame, FrameReader
from .streams import EventStream
from .vocab import ContentType, EventName

__all__ = ["ESLConnection"]

log = logging.getLogger(__name__)

_HANGUPS = (EventName.CHANNEL_HANGUP, EventName.CHANNEL_HANGUP_COMPLETE)
_KEEP_DONE = 256
_T = TypeVar("_T")


def _app_uuid() -> str:
    """A fresh version-4 UUID string for an ``Event-UUID``.

    Only a correlation key (FreeSWITCH echoes it as ``Application-UUID``), so the
    process's seeded PRNG serves; ``uuid.uuid4()`` makes a system call per id.
    """
    n = (getrandbits(128) & ~(0xF000 << 64) & ~(0xC << 60)) | (0x4000 << 64) | (0x8 << 60)
    h = f"{n:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _wake(waiter: asyncio.Future[None], _: object = None) -> None:
    if not waiter.done():
        waiter.set_result(None)


async def _wait(fut: asyncio.Future[_T], timeout: float) -> _T:
    """``fut``'s result, or :class:`TimeoutError` after ``timeout`` s; ``fut`` is left alone.

    Cancelling the caller does not cancel ``fut`` (as ``wait_for(shield(fut))``),
    at the cost of one future and one timer handle: no extra task.
    """
    if not fut.done():
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        wake = partial(_wake, waiter)
        fut.add_done_callback(wake)
        timer = loop.call_later(timeout, wake)
        try:
            await waiter
        finally:
            timer.cancel()
            fut.remove_done_callback(wake)
        if not fut.done():
            raise TimeoutError
    return fut.result()


def _expire(fut: asyncio.Future[Frame] | asyncio.Future[Event]) -> None:
    if not fut.done():
        fut.set_exception(TimeoutError())


def _check_execute_reply(
    done: asyncio.Future[Event],
    timer: asyncio.TimerHandle,
    data: bytes,
    reply: asyncio.Future[Frame],
) -> None:
    """The reply to an ``execute``'s ``sendmsg``: a ``-ERR`` or none at all fails the wait."""
    timer.cancel()
    if reply.cancelled():
        return
    error = reply.exception()  # retrieved even when nobody waits any more
    if done.done():
        return
    if isinstance(error, TimeoutError):
        error = ESLTimeout(f"no reply to {data[:40]!r}")
    elif error is None and reply.result().reply_text.startswith("-"):
        line = data.split(b"\n", 1)[0].decode("utf-8", "replace")
        error = CommandFailed(line, reply.result().reply_text)
    if error is not None:
        _fail(done, error)


def _fail(fut: asyncio.Future[Frame] | asyncio.Future[Event], error: BaseException) -> None:
    if not fut.done():
        fut.set_exception(error)
        fut.exception()  # retrieved: a waiter still gets it, nobody gets a GC warning


class ESLConnection:
    """An ESL peer: send commands, get replies in order, consume events.

    ``controlled_uuid`` is the channel of an outbound session; ``execute``
    without ``uuid`` addresses it.
    """

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        reply_timeout: float = 10.0,
        execute_timeout: float = 3600.0,
        max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        self.reply_timeout = reply_timeout
        self.execute_timeout = execute_timeout
        self.controlled_uuid: str | None = None
        self.lingering = False
        self.disconnected = False
        self._reader = reader
        self._writer = writer
        self._frames = FrameReader(max_header_bytes=max_header_bytes, max_body_bytes=max_body_bytes)
        self._replies: deque[asyncio.Future[Frame]] = deque()
        self._executions: dict[str, tuple[str | None, asyncio.Future[Event]]] = {}
        self._jobs: dict[str, asyncio.Future[Event]] = {}
        self._hangups: dict[str, str | None] = {}
        self._hangup_waiters: dict[str, asyncio.Event] = {}
        self._streams: list[EventStream] = []
        self._write_lock = asyncio.Lock()
        self._lost: ConnectionLost | None = None
        self._closed = asyncio.Event()
        self._auth_request = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._started = False

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> None:
        """Start reading: frames straight from a :class:`DirectReader`, else a reader task."""
        if self._started:
            return
        self._started = True
        if isinstance(self._reader, DirectReader):
            self._reader.attach(self._on_data, self._on_end)
        else:
            self._task = asyncio.create_task(self._read_loop(), name="esl-reader")

    async def close(self) -> None:
        """Stop reading, close the socket, fail every waiter with :class:`ConnectionLost`."""
        if isinstance(self._reader, DirectReader):
            self._reader.detach()
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._fail_all(ConnectionLost("connection closed locally"))
        if not self._writer.is_closing():
            self._writer.close()
        with contextlib.suppress(OSError, TimeoutError):
            await asyncio.wait_for(self._writer.wait_closed(), 2.0)

    async def __aenter__(self) -> ESLConnection:
        self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def closed(self) -> bool:
        """True once the connection is lost or closed."""
        return self._lost is not None

    async def wait_closed(self, timeout: float | None) -> None:
        """Wait until the connection ends (EOF, error or :meth:`close`).

        ``None`` waits indefinitely: only for a supervisor that owns the connection.
        """
        try:
            await asyncio.wait_for(self._closed.wait(), timeout)
        except TimeoutError:
            raise ESLTimeout(f"connection still open after {timeout} s") from None

    async def wait_auth_request(self, timeout: float) -> None:
        """Wait for the inbound greeting ``auth/request``."""
        try:
            await asyncio.wait_for(self._auth_request.wait(), timeout)
        except TimeoutError:
            raise ESLTimeout("no auth/request from FreeSWITCH") from None
        self._check()

    def _check(self) -> None:
        if self._lost is not None:
            raise self._lost

    # -- reading --------------------------------------------------------------------------------

    async def _read_loop(self) -> None:
        """Over a plain StreamReader: read here, then handled as a DirectReader's bytes are."""
        try:
            while self._lost is None:
                data = await self._reader.read(65536)
                if not data:
                    self._on_end(None)
                    return
                self._on_data(data)
        except OSError as exc:
            self._on_end(exc)
        finally:
            self._fail_all(ConnectionLost("EOF from FreeSWITCH"))  # cancelled: as at EOF

    def _on_data(self, data: bytes) -> None:
        """Bytes from FreeSWITCH: a :class:`DirectReader`'s, in the transport's read callback."""
        if self._lost is not None:
            return
        try:
            for frame in self._frames.feed(data):
                self._dispatch(frame)
        except ProtocolError as exc:
            log.warning("ESL protocol error: %s", exc)
            self._fail_all(ConnectionLost(f"protocol error: {exc}"))
            return
        if self._lost is not None:  # rejected by FreeSWITCH
            self._fail_all(self._lost)

    def _on_end(self, exc: Exception | None) -> None:
        """The end of what FreeSWITCH sends: EOF (``None``) or the socket's error."""
        if exc is not None:
            self._fail_all(ConnectionLost(f"socket error: {exc}"))
            return
        try:
            self._frames.feed_eof()
        except ProtocolError as error:
            log.warning("ESL protocol error: %s", error)
            self._fail_all(ConnectionLost(f"protocol error: {error}"))
            return
        self._fail_all(ConnectionLost("EOF from FreeSWITCH"))

    def _fail_all(self, reason: ConnectionLost) -> None:
        if self._lost is None:
            self._lost = reason
        self._closed.set()
        self._auth_request.set()
        while self._replies:
            _fail(self._replies.popleft(), reason)
        for _, execution in self._executions.values():
            _fail(execution, reason)
        for job in self._jobs.values():
            _fail(job, reason)
        self._jobs.clear()
        for waiter in self._hangup_waiters.values():
            waiter.set()
        for stream in self._streams:
            stream.end(reason)

    def _dispatch(self, frame: Frame) -> None:
        ctype = frame.content_type
        if ctype in (ContentType.COMMAND_REPLY, ContentType.API_RESPONSE):
            while self._replies:
                fut = self._replies.popleft()
                if not fut.done():  # a cancelled waiter is a tombstone: skip its reply
                    fut.set_result(frame)
                    return
                return
            log.warning("unsolicited %s: %r", ctype, frame.reply_text[:80])
        elif ctype.startswith("text/event-"):
            try:
                event = Event.from_frame(frame)
            except ProtocolError as exc:
                log.warning("undecodable event skipped: %s", exc)
                return
            self._on_event(event)
        elif ctype == ContentType.DISCONNECT_NOTICE:
            self._on_disconnect_notice(frame)
        elif ctype == ContentType.AUTH_REQUEST:
            self._auth_request.set()
        elif ctype == ContentType.RUDE_REJECTION:
            self._lost = ConnectionLost(f"rejected by FreeSWITCH: {frame.body[:80]!r}")
        elif ctype != ContentType.LOG_DATA:
            log.debug("ignored frame of type %r", ctype)

    def _on_event(self, event: Event) -> None:
        name = event.name
        if name == EventName.CHANNEL_EXECUTE_COMPLETE:
            entry = self._executions.get(event.get("Application-UUID") or "")
            if entry is not None and not entry[1].done():
                entry[1].set_result(event)  # kept until wait_execute collects it
                self._prune_executions()
        elif name in _HANGUPS and event.uuid:
            self._mark_hangup(event.uuid, event.get("Hangup-Cause"))
        elif name == EventName.BACKGROUND_JOB:
            job = self._jobs.pop(event.get("Job-UUID") or "", None)
            if job is not None and not job.done():
                job.set_result(event)
        for stream in self._streams:
            if stream.wants(event):
                stream.push(event)

    def _mark_hangup(self, uuid: str, cause: str | None) -> None:
        if uuid in self._hangups and self._hangups[uuid]:
            return
        self._hangups[uuid] = cause
        error = CallHungUp(uuid, cause)
        for channel, fut in self._executions.values():
            if channel == uuid:
                _fail(fut, error)
        waiter = self._hangup_waiters.get(uuid)
        if waiter is not None:
            waiter.set()

    def _on_disconnect_notice(self, frame: Frame) -> None:
        session = frame.get("Controlled-Session-UUID") or self.controlled_uuid
        if (frame.get("Content-Disposition") or "").lower() == "linger":
            # The channel is gone; the socket stays open for the trailing events.
            self.lingering = True
            if session:
                self._mark_hangup(session, self._hangups.get(session))
            return
        self.disconnected = True
        error = ConnectionLost("FreeSWITCH sent a disconnect notice")
        for _, fut in self._executions.values():
            _fail(fut, error)

    def _prune_executions(self) -> None:
        done = [key for key, (_, fut) in self._executions.items() if fut.done()]
        for key in done[: max(0, len(done) - _KEEP_DONE)]:
            del self._executions[key]

    # -- channel state ----------------------------------------------------------------------------

    def is_hung_up(self, uuid: str) -> bool:
        """True once CHANNEL_HANGUP(_COMPLETE) or a linger notice was seen for ``uuid``."""
        return uuid in self._hangups

    def hangup_cause(self, uuid: str) -> str | None:
        """The ``Hangup-Cause`` seen for ``uuid``, if any."""
        return self._hangups.get(uuid)

    async def wait_hangup(self, uuid: str, timeout: float) -> str | None:
        """Wait until ``uuid`` hangs up; returns the cause. Raises on timeout or loss."""
        if uuid not in self._hangups:
            waiter = self._hangup_waiters.setdefault(uuid, asyncio.Event())
            try:
                await asyncio.wait_for(waiter.wait(), timeout)
            except TimeoutError:
                raise ESLTimeout(f"channel {uuid} did not hang up within {timeout} s") from None
            if uuid not in self._hangups:
                self._check()
        return self._hangups.get(uuid)

    # -- commands -------------------------------------------------------------------------------

    async def send(self, data: bytes, *, timeout: float | None = None) -> Frame:
        """Write one built command and wait for its reply frame (FIFO)."""
        fut = await self._write(data)
        wait = self.reply_timeout if timeout is None else timeout
        timer = asyncio.get_running_loop().call_later(wait, _expire, fut)
        try:
            return await fut
        except TimeoutError:  # set by _expire: fut stays in the queue as a tombstone
            raise ESLTimeout(f"no reply within {wait} s to {data[:40]!r}") from None
        except BaseException:
            fut.cancel()  # a tombstone: its reply, if it ever comes, is skipped
            raise
        finally:
            timer.cancel()

    async def _write(self, data: bytes) -> asyncio.Future[Frame]:
        """Write one built command; the future of its reply (queued FIFO before the write)."""
        self._check()
        fut: asyncio.Future[Frame] = asyncio.get_running_loop().create_future()
        async with self._write_lock:
            self._check()
            self._replies.append(fut)
            try:
                self._writer.write(data)
                await self._writer.drain()
            except OSError as exc:
                self._fail_all(ConnectionLost(f"write failed: {exc}"))
            except BaseException:
                fut.cancel()
                raise
        return fut

    async def command(self, data: bytes, *, timeout: float | None = None) -> str:
        """Send a command; return its ``Reply-Text``; raise :class:`CommandFailed` on ``-ERR``."""
        frame = await self.send(data, timeout=timeout)
        text = frame.reply_text
        if text.startswith("-"):
            raise CommandFailed(data.split(b"\n", 1)[0].decode("utf-8", "replace"), text)
        return text

    async def api(self, command: str, *, timeout: float | None = None) -> str:
        """``api`` (blocks FreeSWITCH's socket thread): the response body as text."""
        frame = await self.send(commands.api(command), timeout=timeout)
        return frame.body.decode("utf-8", "replace")

    async def bgapi(self, command: str, *, timeout: float) -> Event:
        """``bgapi`` with our own ``Job-UUID``; returns the BACKGROUND_JOB event.

        BACKGROUND_JOB must be subscribed (``event plain BACKGROUND_JOB``).
        """
        job = str(uuidlib.uuid4())
        fut: asyncio.Future[Event] = asyncio.get_running_loop().create_future()
        self._jobs[job] = fut
        try:
            await self.command(commands.bgapi(command, job))
            return await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            raise ESLTimeout(f"bgapi {command.split(' ', 1)[0]} gave no result") from None
        finally:
            self._jobs.pop(job, None)

    async def event(self, fmt: str, names: Sequence[str]) -> str:
        """Subscribe: ``event <fmt> NAME...``."""
        return await self.command(commands.event(fmt, names))

    async def myevents(self, fmt: str = "plain", uuid: str | None = None) -> str:
        """``myevents``: the controlled channel's events."""
        return await self.command(commands.myevents(fmt, uuid))

    async def nixevent(self, names: Sequence[str]) -> str:
        """``nixevent NAME...`` (needs ``full``): unsubscribe event types."""
        return await self.command(commands.nixevent(names))

    async def linger(self, seconds: int) -> str:
        """``linger N`` (needs ``full``)."""
        return await self.command(commands.linger(seconds))

    async def nolinger(self) -> str:
        """``nolinger``."""
        return await self.command(commands.nolinger())

    async def filter(self, header: str, value: str, *, delete: bool = False) -> str:
        """``filter [delete] header value``."""
        return await self.command(commands.filter_(header, value, delete=delete))

    async def divert_events(self, on: bool) -> str:
        """``divert_events on|off``."""
        return await self.command(commands.divert_events(on))

    async def exit(self, *, timeout: float | None = None) -> None:
        """``exit``; FreeSWITCH replies ``+OK bye``, sends the disconnect notice and closes."""
        await self.command(commands.exit_(), timeout=timeout)

    def subscribe(
        self,
        uuid: str | None = None,
        names: Collection[str] | None = None,
        *,
        maxsize: int = 10000,
    ) -> EventStream:
        """A new :class:`EventStream` of events for ``uuid`` (all if ``None``)."""
        stream = EventStream(uuid, names, maxsize, self._streams.remove)
        if self._lost is not None:
            stream.end(self._lost)
        self._streams.append(stream)
        return stream

    # -- applications ---------------------------------------------------------------------------

    async def execute(
        self,
        app: str,
        arg: str | None = None,
        *,
        uuid: str | None = None,
        event_lock: bool = True,
        loops: int | None = None,
    ) -> str:
        """Queue ``app`` on a channel (``sendmsg``); returns the Application-UUID to wait on.

        The argument travels as a ``text/plain`` body. ``+OK`` only means queued.
        """
        target = uuid or self.controlled_uuid
        if target is not None and target in self._hangups:
            raise CallHungUp(target, self._hangups[target])
        app_uuid = _app_uuid()
        data = commands.sendmsg_execute(
            app, arg, event_uuid=app_uuid, uuid=uuid, event_lock=event_lock, loops=loops
        )
        fut: asyncio.Future[Event] = asyncio.get_running_loop().create_future()
        self._executions[app_uuid] = (target, fut)  # before sending: COMPLETE cannot be missed
        try:
            await self.command(data)
        except BaseException:
            self._executions.pop(app_uuid, None)
            fut.cancel()
            raise
        return app_uuid

    async def wait_execute(self, app_uuid: str, *, timeout: float | None = None) -> Event:
        """Wait for the CHANNEL_EXECUTE_COMPLETE of ``app_uuid``.

        Raises :class:`CallHungUp`, :class:`ConnectionLost` or :class:`ESLTimeout`.
        """
        entry = self._executions.get(app_uuid)
        if entry is None:
            self._check()
            raise ESLError(f"execution {app_uuid} is unknown or was already collected")
        wait = self.execute_timeout if timeout is None else timeout
        try:
            return await _wait(entry[1], wait)
        except TimeoutError:
            raise ESLTimeout(f"application {app_uuid} did not complete in {wait} s") from None
        finally:
            if entry[1].done():
                self._executions.pop(app_uuid, None)

    async def execute_and_wait(
        self,
        app: str,
        arg: str | None = None,
        *,
        uuid: str | None = None,
        timeout: float | None = None,
    ) -> Event:
        """:meth:`execute` then :meth:`wait_execute`, waking the caller once, at completion.

        The ``+OK`` is not waited for on its own: a ``-ERR`` (:class:`CommandFailed`)
        or no reply within ``reply_timeout`` (:class:`ESLTimeout`) fails the wait.
        """
        target = uuid or self.controlled_uuid
        if target is not None and target in self._hangups:
            raise CallHungUp(target, self._hangups[target])
        app_uuid = _app_uuid()
        data = commands.sendmsg_execute(app, arg, event_uuid=app_uuid, uuid=uuid)
        loop = asyncio.get_running_loop()
        done: asyncio.Future[Event] = loop.create_future()
        self._executions[app_uuid] = (target, done)  # before sending: COMPLETE cannot be missed
        try:
            reply = await self._write(data)
            reply_timer = loop.call_later(self.reply_timeout, _expire, reply)
            reply.add_done_callback(partial(_check_execute_reply, done, reply_timer, data))
            wait = self.execute_timeout if timeout is None else timeout
            timer = loop.call_later(wait, _expire, done)
            try:
                return await done
            except TimeoutError:
                raise ESLTimeout(f"application {app} did not complete in {wait} s") from None
            finally:
                timer.cancel()
        finally:
            self._executions.pop(app_uuid, None)

    async def hangup(self, cause: str = "NORMAL_CLEARING", *, uuid: str | None = None) -> None:
        """``sendmsg`` ``call-command: hangup``."""
        await self.command(commands.sendmsg_hangup(cause, uuid=uuid))
