"""What the fake FreeSWITCH puts on the wire, byte for byte, and how it reads commands.

Written from ``mod_event_socket.c`` / ``switch_event.c`` behaviour and checked
against the recordings in ``shared/esl`` -- deliberately *not* sharing code
with :mod:`dialscript.runtime.esl`, so the double cannot hide a client bug.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = [
    "GOODBYE",
    "Command",
    "CommandFramingError",
    "CommandReader",
    "api_response",
    "auth_request",
    "command_reply",
    "disconnect_notice",
    "event_frame",
    "fs_url_encode",
    "linger_notice",
    "rude_rejection",
    "serialize_event_json",
    "serialize_event_plain",
]

GOODBYE = b"Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"
"""The 67-byte body of the final disconnect notice."""

_ENCODE_SET = frozenset(b'\r\n #%&+:;<=>?@[\\]^`{|}"')
_HEX = frozenset(b"0123456789abcdefABCDEF")
_MAX_CONTENT_LENGTH = 16 << 20
_MAX_COMMAND = 10 << 20


def fs_url_encode(value: str | bytes) -> str:
    """``switch_url_encode``: upper-case ``%XX`` for controls, non-ASCII and the reserved set.

    An existing ``%XX`` is left alone (no double encoding), as FreeSWITCH does.

    >>> fs_url_encode("José 50%41 x+y ::1")
    'Jos%C3%A9%2050%41%20x%2By%20%3A%3A1'
    """
    if isinstance(value, str):
        return _encode_text(value)
    return _NEEDS_ENCODING.sub(_percent, value).decode("ascii")


@lru_cache(maxsize=1 << 16)
def _encode_text(value: str) -> str:
    # Every event repeats the channel's variables: most values were encoded before.
    return _NEEDS_ENCODING.sub(_percent, value.encode("utf-8")).decode("ascii")


_NEEDS_ENCODING = re.compile(
    b"%(?![0-9A-Fa-f]{2})|["
    + b"".join(
        re.escape(bytes([b]))
        for b in range(256)
        if b != 0x25 and (b < 0x20 or b > 0x7E or b in _ENCODE_SET)
    )  # fmt: skip
    + b"]"
)
"""The bytes :func:`fs_url_encode` replaces: one regexp pass in C, not a loop per byte."""


def _percent(match: re.Match[bytes]) -> bytes:
    return b"%%%02X" % match.group()[0]


def _fs_url_encode_per_byte(value: str | bytes) -> str:
    """The per-byte reference for :func:`fs_url_encode` (kept for its tests)."""
    data = value.encode("utf-8") if isinstance(value, str) else value
    out: list[str] = []
    n = len(data)
    for i, byte in enumerate(data):
        if byte == 0x25 and i + 2 < n and data[i + 1] in _HEX and data[i + 2] in _HEX:
            out.append("%")
        elif byte < 0x20 or byte > 0x7E or byte in _ENCODE_SET:
            out.append(f"%{byte:02X}")
        else:
            out.append(chr(byte))
    return "".join(out)


def serialize_event_plain(headers: Sequence[tuple[str, str]], body: bytes | None = None) -> bytes:
    """``switch_event_serialize``: encoded ``Name: value`` lines, then body or a blank line."""
    lines = [f"{name}: {fs_url_encode(value) if value else '_undef_'}\n" for name, value in headers]
    text = "".join(lines).encode("ascii")
    if body is None:
        return text + b"\n"
    return text + f"Content-Length: {len(body)}\n\n".encode("ascii") + body


def serialize_event_json(headers: Sequence[tuple[str, str]], body: bytes | None = None) -> bytes:
    """``switch_event_serialize_json``: raw values, repeats as arrays, body in ``_body``."""
    obj: dict[str, object] = {}
    for name, value in headers:
        prior = obj.get(name)
        if prior is None:
            obj[name] = value
        elif isinstance(prior, list):
            prior.append(value)
        else:
            obj[name] = [prior, value]
    if body is not None:
        obj["Content-Length"] = str(len(body))
        obj["_body"] = body.decode("utf-8", "replace")
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def event_frame(payload: bytes, fmt: str = "plain") -> bytes:
    """Outer envelope of an event: ``Content-Length`` first, then ``Content-Type``."""
    head = f"Content-Length: {len(payload)}\nContent-Type: text/event-{fmt}\n\n"
    return head.encode("ascii") + payload


def command_reply(text: str, *, job_uuid: str | None = None) -> bytes:
    """``command/reply``; ``Reply-Text`` is raw (not encoded)."""
    extra = f"Job-UUID: {job_uuid}\n" if job_uuid else ""
    return f"Content-Type: command/reply\nReply-Text: {text}\n{extra}\n".encode()


def api_response(body: bytes) -> bytes:
    """``api/response``: ``Content-Type`` first; an empty body becomes ``-ERR no reply``."""
    data = body or b"-ERR no reply\n"
    return f"Content-Type: api/response\nContent-Length: {len(data)}\n\n".encode() + data


def auth_request() -> bytes:
    """The greeting of an inbound connection."""
    return b"Content-Type: auth/request\n\n"


def rude_rejection() -> bytes:
    """Sent to a peer refused by the ACL, before closing."""
    body = b"Access Denied, go away.\n"
    return f"Content-Type: text/rude-rejection\nContent-Length: {len(body)}\n\n".encode() + body


def disconnect_notice(session_uuid: str | None = None) -> bytes:
    """Final notice before FreeSWITCH closes; outbound names the controlled session."""
    if session_uuid is None:
        head = f"Content-Type: text/disconnect-notice\nContent-Length: {len(GOODBYE)}\n\n"
    else:
        head = (
            "Content-Type: text/disconnect-notice\n"
            f"Controlled-Session-UUID: {session_uuid}\n"
            "Content-Disposition: disconnect\n"
            f"Content-Length: {len(GOODBYE)}\n\n"
        )
    return head.encode() + GOODBYE


def linger_notice(session_uuid: str, channel_name: str, linger_time: int) -> bytes:
    """Mid-stream notice that the channel hung up and the socket lingers (``-1``: forever)."""
    return (
        "Content-Type: text/disconnect-notice\n"
        f"Controlled-Session-UUID: {session_uuid}\n"
        "Content-Disposition: linger\n"
        f"Channel-Name: {channel_name}\n"
        f"Linger-Time: {linger_time}\n"
        "Content-Length: 0\n\n"
    ).encode()


class CommandFramingError(Exception):
    """The client sent something ``read_packet`` would kill the connection for."""


@dataclass(slots=True)
class Command:
    """One command as FreeSWITCH's ``read_packet`` sees it."""

    line: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None
    raw: bytes = b""

    def get(self, name: str) -> str | None:
        """First header ``name`` (case-insensitive), as FreeSWITCH looks them up."""
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None

    @property
    def verb(self) -> str:
        """First word of the command line."""
        return self.line.split(" ", 1)[0]

    @property
    def rest(self) -> str:
        """The command line after its first word."""
        parts = self.line.split(" ", 1)
        return parts[1] if len(parts) > 1 else ""


class CommandReader:
    """Incremental client-to-FreeSWITCH command parser, modelled on ``read_packet``.

    Leading CR/LF are skipped; ``\\r`` is ignored; the text up to the first
    empty line is the command; a ``content-length`` header reads that many
    body bytes; the body is a C string (cut at NUL).
    """

    def __init__(self) -> None:
        self._buf = bytearray()
        self._pending: Command | None = None
        self._need = 0

    def feed(self, data: bytes) -> list[Command]:
        """Add bytes; return the commands they completed."""
        self._buf += data
        out: list[Command] = []
        while True:
            if self._pending is None:
                while self._buf and self._buf[0] in (0x0D, 0x0A):
                    del self._buf[:1]
                text = self._buf.replace(b"\r", b"")
                end = text.find(b"\n\n")
                if end < 0:
                    if len(self._buf) > _MAX_COMMAND:
                        raise CommandFramingError("command text over 10 MB")
                    return out
                # Locate the terminator in the raw buffer (CRs were ignored).
                raw_end = self._raw_index(end + 2)
                block = bytes(text[:end]).decode("utf-8", "replace").split("\n")
                raw = bytes(self._buf[:raw_end])
                del self._buf[:raw_end]
                cmd = Command(line=block[0], raw=raw)
                for line in block[1:]:
                    name, sep, value = line.partition(":")
                    if sep:
                        cmd.headers.append((name, value.lstrip(" ")))
                length = cmd.get("content-length")
                self._need = 0
                if length is not None:
                    if not length.strip().isdigit() or int(length) > _MAX_CONTENT_LENGTH:
                        raise CommandFramingError(f"bad content-length {length!r}")
                    self._need = int(length)
                self._pending = cmd
            if len(self._buf) < self._need:
                return out
            cmd, self._pending = self._pending, None
            if self._need:
                body = bytes(self._buf[: self._need])
                del self._buf[: self._need]
                cmd.raw += body
                cmd.body = body.split(b"\x00", 1)[0]
            out.append(cmd)

    def _raw_index(self, clean_index: int) -> int:
        seen = 0
        for i, byte in enumerate(self._buf):
            if byte != 0x0D:
                seen += 1
                if seen == clean_index:
                    return i + 1
        return len(self._buf)
