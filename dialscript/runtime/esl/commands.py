"""Command builder for what we send to FreeSWITCH (sans-IO).

Every builder returns the exact bytes to write. Command lines, header names
and header values are refused (:class:`UnsafeValue`) when they contain CR, LF
or NUL: FreeSWITCH would read a ``\\n`` as a new header and ``\\n\\n`` as a new
command. Application arguments never travel in a header: ``sendmsg`` carries
them as a ``text/plain`` body with a byte-exact ``content-length``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .errors import UnsafeValue

__all__ = [
    "api",
    "auth",
    "bgapi",
    "build",
    "check_uuid",
    "connect",
    "divert_events",
    "event",
    "exit_",
    "filter_",
    "linger",
    "myevents",
    "nixevent",
    "nolinger",
    "sendmsg_execute",
    "sendmsg_hangup",
]

_FORBIDDEN = re.compile(r"[\r\n\x00]")
_HEADER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
_APP_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*\Z")
_UUID = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,127}\Z")
_EVENT_WORD = re.compile(r"[A-Za-z0-9_:.-]+\Z")
_MAX_BODY = 16 << 20


def _clean(what: str, value: str) -> str:
    if _FORBIDDEN.search(value):
        raise UnsafeValue(f"{what} contains CR, LF or NUL: {value[:60]!r}")
    return value


def check_uuid(value: str) -> str:
    """Return ``value`` if it is a safe channel/job id (UUID-like token), else raise.

    >>> check_uuid("6d4d6a3e-4b0a-4d5e-9c1b-2f1e0b7a9c11")
    '6d4d6a3e-4b0a-4d5e-9c1b-2f1e0b7a9c11'
    """
    if not _UUID.match(value):
        raise UnsafeValue(f"not a valid uuid: {value[:60]!r}")
    return value


def build(
    line: str,
    headers: Iterable[tuple[str, str]] = (),
    body: str | bytes | None = None,
) -> bytes:
    """Serialize one command: ``line``, ``Name: value`` headers, optional body.

    The builder owns ``content-length`` (counted in bytes) and refuses to be
    given one. A body may hold newlines but not NUL (FreeSWITCH stores it as
    a C string).

    >>> build("sendmsg", [("call-command", "execute")], "é")
    b'sendmsg\\ncall-command: execute\\ncontent-length: 2\\n\\n\\xc3\\xa9'
    """
    if not line.strip():
        raise UnsafeValue("empty command line")
    parts = [_clean("command line", line)]
    for name, value in headers:
        if not _HEADER_NAME.match(name):
            raise UnsafeValue(f"bad header name {name[:60]!r}")
        if name.lower() == "content-length":
            raise UnsafeValue("content-length is computed by the builder")
        parts.append(f"{name}: {_clean('header ' + name, value)}")
    if body is None:
        return ("\n".join(parts) + "\n\n").encode("utf-8")
    data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    if b"\x00" in data:
        raise UnsafeValue("body contains NUL")
    if len(data) > _MAX_BODY:
        raise UnsafeValue(f"body of {len(data)} bytes exceeds FreeSWITCH's 16 MiB limit")
    parts.append(f"content-length: {len(data)}")
    return ("\n".join(parts) + "\n\n").encode("utf-8") + data


def connect() -> bytes:
    """``connect``: the mandatory first command of an outbound session."""
    return build("connect")


def auth(password: str) -> bytes:
    """``auth <password>`` (inbound)."""
    if not password or " " in password:
        raise UnsafeValue("password must be one non-empty word")
    return build(f"auth {password}")


def api(command: str) -> bytes:
    """``api <command>``: runs in FreeSWITCH's socket thread; use :func:`bgapi` for slow ones."""
    return build(f"api {command}")


def bgapi(command: str, job_uuid: str) -> bytes:
    """``bgapi <command>`` with our own ``Job-UUID`` so the result can be matched."""
    return build(f"bgapi {command}", [("Job-UUID", check_uuid(job_uuid))])


def _event_words(words: Iterable[str]) -> str:
    out = []
    for word in words:
        if not _EVENT_WORD.match(word):
            raise UnsafeValue(f"bad event name {word[:60]!r}")
        out.append(word)
    return " ".join(out)


def event(fmt: str, names: Sequence[str]) -> bytes:
    """``event <plain|json|xml> NAME...``."""
    if fmt not in ("plain", "json", "xml"):
        raise UnsafeValue(f"bad event format {fmt!r}")
    if not names:
        raise UnsafeValue("event needs at least one name")
    return build(f"event {fmt} {_event_words(names)}")


def myevents(fmt: str = "plain", uuid: str | None = None) -> bytes:
    """``myevents [uuid] [plain|json]``: the channel's events only."""
    if fmt not in ("plain", "json", "xml"):
        raise UnsafeValue(f"bad event format {fmt!r}")
    if uuid is None:
        return build(f"myevents {fmt}")
    return build(f"myevents {check_uuid(uuid)} {fmt}")


def nixevent(names: Sequence[str]) -> bytes:
    """``nixevent NAME...``: stop event types (also those ``myevents`` turned on)."""
    if not names:
        raise UnsafeValue("nixevent needs at least one name")
    return build(f"nixevent {_event_words(names)}")


def linger(seconds: int) -> bytes:
    """``linger N``; a number is required (a bare ``linger`` never times out)."""
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds <= 0:
        raise UnsafeValue(f"linger needs a positive number of seconds, not {seconds!r}")
    return build(f"linger {seconds}")


def nolinger() -> bytes:
    """``nolinger``."""
    return build("nolinger")


def filter_(header: str, value: str, *, delete: bool = False) -> bytes:
    """``filter [delete] <header> <value>``; the value may not hold CR/LF/NUL."""
    if not _HEADER_NAME.match(header):
        raise UnsafeValue(f"bad filter header {header[:60]!r}")
    verb = "filter delete" if delete else "filter"
    return build(f"{verb} {header} {_clean('filter value', value)}")


def divert_events(on: bool) -> bytes:
    """``divert_events on|off`` (route the session's own events to the socket)."""
    return build(f"divert_events {'on' if on else 'off'}")


def exit_() -> bytes:
    """``exit``: FreeSWITCH replies ``+OK bye``, sends the disconnect notice and closes."""
    return build("exit")


def sendmsg_execute(
    app: str,
    arg: str | None = None,
    *,
    event_uuid: str,
    uuid: str | None = None,
    event_lock: bool = True,
    loops: int | None = None,
) -> bytes:
    """``sendmsg`` executing ``app``; ``arg`` goes in a ``text/plain`` body, never a header.

    ``event_uuid`` becomes ``Application-UUID`` on CHANNEL_EXECUTE(_COMPLETE).
    ``uuid`` addresses a channel (inbound mode); outbound sessions omit it.

    >>> sendmsg_execute("playback", "a b", event_uuid="e1")
    b'sendmsg\\ncall-command: execute\\nexecute-app-name: playback\\nEvent-UUID: e1\\nevent-lock: true\\ncontent-type: text/plain\\ncontent-length: 3\\n\\na b'
    """  # noqa: E501
    if not _APP_NAME.match(app):
        raise UnsafeValue(f"bad application name {app[:60]!r}")
    line = "sendmsg" if uuid is None else f"sendmsg {check_uuid(uuid)}"
    headers = [
        ("call-command", "execute"),
        ("execute-app-name", app),
        ("Event-UUID", check_uuid(event_uuid)),
    ]
    if event_lock:
        headers.append(("event-lock", "true"))
    if loops is not None:
        if isinstance(loops, bool) or loops < 1:
            raise UnsafeValue(f"loops must be >= 1, not {loops!r}")
        headers.append(("loops", str(loops)))
    if not arg:
        return build(line, headers)
    headers.append(("content-type", "text/plain"))
    return build(line, headers, arg)


def sendmsg_hangup(cause: str = "NORMAL_CLEARING", *, uuid: str | None = None) -> bytes:
    """``sendmsg`` with ``call-command: hangup`` and a ``hangup-cause``."""
    if not re.fullmatch(r"[A-Z_0-9]+", cause):
        raise UnsafeValue(f"bad hangup cause {cause[:60]!r}")
    line = "sendmsg" if uuid is None else f"sendmsg {check_uuid(uuid)}"
    return build(line, [("call-command", "hangup"), ("hangup-cause", cause)])
