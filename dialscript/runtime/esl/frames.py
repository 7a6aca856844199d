"""Byte-exact incremental reader for frames FreeSWITCH sends (sans-IO).

A frame is a header block ended by the first ``\\n\\n``; if it carries
``Content-Length: N``, exactly N body bytes follow. :class:`FrameReader` is
fed arbitrary chunks (split anywhere, even inside a UTF-8 sequence) and
returns the frames completed so far. It bounds the header block and the body,
so malformed input raises :class:`ProtocolError` instead of hanging or
growing without limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ProtocolError

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_HEADER_BYTES",
    "Frame",
    "FrameReader",
    "parse_header_block",
]

DEFAULT_MAX_HEADER_BYTES = 1 << 20
"""Largest header block accepted (the ``connect`` reply is 4-40 KB in practice)."""

DEFAULT_MAX_BODY_BYTES = 16 << 20
"""Largest ``Content-Length`` accepted, as ``MAX_CONTENT_LENGTH`` in ``mod_event_socket.c``."""

_BLANK = b"\n\n"


@dataclass(frozen=True, slots=True)
class Frame:
    """One message from FreeSWITCH: raw outer headers in wire order, and the body bytes.

    Outer header values are *not* URL-decoded (FreeSWITCH does not encode
    them), except in the ``connect`` reply, which :class:`~.events.Event` decodes.
    """

    headers: tuple[tuple[str, str], ...]
    body: bytes = b""

    def get(self, name: str, default: str | None = None) -> str | None:
        """First value of header ``name`` (case-insensitive), or ``default``."""
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return default

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header, or ``""`` (the ``connect`` reply has one at its end)."""
        return self.get("Content-Type") or ""

    @property
    def reply_text(self) -> str:
        """The ``Reply-Text`` header, or ``""``."""
        return self.get("Reply-Text") or ""


def parse_header_block(block: bytes) -> tuple[tuple[str, str], ...]:
    """Split a header block into ``(name, value)`` pairs, keeping order and repeats.

    Lines are split at the first ``:``; spaces after it are dropped; a trailing
    ``\\r`` is ignored. Bytes are decoded as UTF-8 with replacement, so a stray
    byte never kills a reader.

    >>> parse_header_block(b"Content-Type: command/reply\\nReply-Text: +OK")
    (('Content-Type', 'command/reply'), ('Reply-Text', '+OK'))
    """
    headers: list[tuple[str, str]] = []
    # One decode for the block: "\n" never occurs inside a UTF-8 sequence, so this is the
    # same as decoding line by line.
    for line in block.decode("utf-8", "replace").split("\n"):
        if line[-1:] == "\r":
            line = line[:-1]
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep or not name:
            raise ProtocolError(f"header line without a name: {line[:80].encode()!r}")
        headers.append((name, value.lstrip(" ")))
    return tuple(headers)


def _content_length(headers: tuple[tuple[str, str], ...], limit: int) -> int:
    length = 0
    for name, value in headers:
        if name.lower() == "content-length":
            text = value.strip()
            if not text.isdigit() or not text.isascii():
                raise ProtocolError(f"bad Content-Length {value[:40]!r}")
            length = int(text)
            if length > limit:
                raise ProtocolError(f"Content-Length {length} exceeds the {limit}-byte limit")
    return length


class FrameReader:
    """Incremental frame parser: :meth:`feed` bytes, get whole :class:`Frame` objects.

    The reader is a two-state machine (reading headers, reading a body). Once
    it has failed it stays failed: the stream can no longer be trusted. Frames
    completed before the bad bytes are still returned; the error is raised by
    the next :meth:`feed` (or :meth:`feed_eof`), so results never depend on how
    the stream was fragmented.

    >>> reader = FrameReader()
    >>> reader.feed(b"Content-Type: api/response\\nContent-Len")
    []
    >>> [f.body for f in reader.feed(b"gth: 2\\n\\nvm")]
    [b'vm']
    """

    __slots__ = ("_buf", "_pos", "_scan", "_pending", "_need", "_max_header", "_max_body", "_error")

    def __init__(
        self,
        *,
        max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        self._buf = bytearray()
        self._pos = 0
        self._scan = 0
        self._pending: tuple[tuple[str, str], ...] | None = None
        self._need = 0
        self._max_header = max_header_bytes
        self._max_body = max_body_bytes
        self._error: ProtocolError | None = None

    @property
    def buffered(self) -> int:
        """Bytes received but not yet returned as part of a frame."""
        return len(self._buf) - self._pos

    @property
    def mid_frame(self) -> bool:
        """True if EOF now would truncate a frame."""
        return self._pending is not None or bool(self._buf[self._pos :].strip(b"\r\n"))

    def feed(self, data: bytes) -> list[Frame]:
        """Add ``data`` and return every frame it completed, in order."""
        if self._error is not None:
            raise self._error
        self._buf += data
        frames: list[Frame] = []
        try:
            while (frame := self._next()) is not None:
                frames.append(frame)
        except ProtocolError as exc:
            self._error = exc
            self._buf.clear()
            self._pos = self._scan = 0
            if not frames:
                raise
            # Hand out the frames that were complete; the next call raises.
            return frames
        if self._pos:
            del self._buf[: self._pos]
            self._scan -= self._pos
            self._pos = 0
        return frames

    def feed_eof(self) -> None:
        """Signal end of stream: raise :class:`ProtocolError` if a frame was cut short."""
        if self._error is not None:
            raise self._error
        if self.mid_frame:
            self._error = ProtocolError(f"stream ended inside a frame ({self.buffered} bytes)")
            raise self._error

    def _next(self) -> Frame | None:
        buf = self._buf
        pos = self._pos
        if self._pending is None:
            # Leading blank lines between frames are harmless, as on the FreeSWITCH side.
            size = len(buf)
            while pos < size and buf[pos] in (0x0A, 0x0D):
                pos += 1
            self._pos = pos
            end = buf.find(_BLANK, max(self._scan - 1, pos))
            if end < 0:
                if size - pos - 1 > self._max_header:
                    raise ProtocolError(f"header block exceeds {self._max_header} bytes")
                self._scan = size
                return None
            if end - pos > self._max_header:
                raise ProtocolError(f"header block exceeds {self._max_header} bytes")
            headers = parse_header_block(bytes(buf[pos:end]))
            self._need = _content_length(headers, self._max_body)
            pos = self._pos = self._scan = end + 2
            self._pending = headers
        if len(buf) - pos < self._need:
            return None
        body = bytes(buf[pos : pos + self._need])
        self._pos = self._scan = pos + self._need
        headers, self._pending, self._need = self._pending, None, 0
        return Frame(headers, body)
