"""Decoded FreeSWITCH events: plain (lazily URL-decoded) and JSON.

Plain event bodies are split on raw ``\\n`` first and each value is decoded on
first access, so a decoded value holding ``\\nUnique-ID: ...`` can never
forge a header. The event's own body (BACKGROUND_JOB results, CUSTOM bodies)
is bounded by the inner ``Content-Length`` and never decoded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from itertools import repeat
from urllib.parse import unquote

from .errors import ProtocolError
from .frames import Frame
from .vocab import ContentType

__all__ = ["Event", "url_decode"]

_UNDEF = "_undef_"


def url_decode(value: str) -> str:
    """Decode a FreeSWITCH URL-encoded value (``%XX`` only; ``+`` stays ``+``).

    >>> url_decode("Jos%C3%A9%20%2B1")
    'José +1'
    """
    if "%" not in value:
        return value
    return unquote(value, errors="replace")


def _split_lines(text: str) -> list[tuple[str, str]]:
    """``Name: value`` lines split at the first ``:``, leading spaces of the value dropped."""
    headers: list[tuple[str, str]] = []
    for name, sep, value in [line.partition(": ") for line in text.split("\n") if line]:
        if not sep or not name or ":" in name or value[:1] == " ":
            name, sep, value = (name + sep + value).partition(":")
            if not sep or not name:
                raise ProtocolError(f"event header line without a name: {name[:80]!r}")
            value = value.lstrip(" ")
        headers.append((name, value))
    return headers


def _check_lines(head: str) -> None:
    """Refuse a header block with a non-empty line that has no name (no ``:``, or ``:`` first).

    The same lines :func:`_split_lines` refuses, checked without splitting them
    (``str.find`` mapped in C: a third of the cost of the split).
    """
    if min(map(str.find, filter(None, head.split("\n")), repeat(":")), default=1) > 0:
        return
    line = next(x for x in head.split("\n") if x and x.find(":") <= 0)
    raise ProtocolError(f"event header line without a name: {line[:80]!r}")


class Event:
    """One event: ordered headers (repeats kept), optional body.

    Build it with :meth:`from_frame` (``text/event-plain`` / ``text/event-json``
    frames), :meth:`from_plain` or :meth:`from_encoded_headers` (the ``connect``
    reply). Lookups are case-sensitive, as in FreeSWITCH's serializer output;
    plain values are URL-decoded one by one, on access.

    A plain event keeps its header block as one string and is checked line by
    line on arrival (in C, by a regexp); a header is looked up by searching the
    block for ``\n<name>:`` (values are URL-encoded, so a raw ``\n`` only ever
    starts a line), and only the headers read are ever split out and decoded. A
    CHANNEL_EXECUTE_COMPLETE carries every channel variable (5-25 KB) and a call
    reads four or five of them. The full header list is built on first need
    (:meth:`items`, :meth:`get_all`, :attr:`variables`).
    """

    __slots__ = ("_text", "_list", "_first", "_encoded", "body")

    def __init__(
        self,
        headers: list[tuple[str, str]],
        body: bytes | None = None,
        *,
        encoded: bool = False,
    ) -> None:
        self._text: str | None = None
        self._list: list[tuple[str, str]] | None = headers
        self._encoded = encoded
        self._first: dict[str, str] | None = dict(reversed(headers))  # first occurrence wins
        self.body = body
        """The event body (raw bytes), or ``None`` if the event had none."""

    @classmethod
    def _from_block(cls, text: str, body: bytes | None) -> Event:
        """A plain event over its header block ``text`` (starting with ``\n``), unsplit."""
        event = cls.__new__(cls)
        event._text = text
        event._list = None
        event._first = None
        event._encoded = True
        event.body = body
        return event

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def from_frame(cls, frame: Frame) -> Event:
        """Decode an event frame; raise :class:`ProtocolError` for anything else."""
        ctype = frame.content_type
        if ctype == ContentType.EVENT_PLAIN:
            return cls.from_plain(frame.body)
        if ctype == ContentType.EVENT_JSON:
            return cls.from_json(frame.body)
        raise ProtocolError(f"not a supported event frame: {ctype!r}")

    @classmethod
    def from_plain(cls, data: bytes) -> Event:
        """Parse a ``text/event-plain`` body: encoded header lines, then an optional body.

        The serializer puts ``Content-Length`` last when the event has a body; the
        body is exactly that many bytes after the first blank line.
        """
        end = data.find(b"\n\n")
        head = (data if end < 0 else data[:end]).decode("utf-8", "replace")
        _check_lines(head)
        text = "\n" + head
        body: bytes | None = None
        last = text.rfind("\n")
        if text.startswith("Content-Length:", last + 1):
            value = text[last + 16 :].lstrip(" ")
            if not value.isascii() or not value.isdigit():
                raise ProtocolError(f"bad inner Content-Length {value[:40]!r}")
            if end < 0:
                raise ProtocolError("inner Content-Length without a blank line")
            length = int(value)
            body = data[end + 2 : end + 2 + length]
            if len(body) < length:
                raise ProtocolError(f"inner body shorter than Content-Length {length}")
        return cls._from_block(text, body)

    @classmethod
    def from_json(cls, data: bytes) -> Event:
        """Parse a ``text/event-json`` body (raw values; bytes >= 0x80 may be invalid UTF-8)."""
        try:
            obj = json.loads(data.decode("utf-8", "replace"))
        except ValueError as exc:
            raise ProtocolError(f"bad JSON event: {exc}") from None
        if not isinstance(obj, dict):
            raise ProtocolError("JSON event is not an object")
        headers: list[tuple[str, str]] = []
        body: bytes | None = None
        for name, value in obj.items():
            if name == "_body":
                body = str(value).encode("utf-8")
            elif isinstance(value, list):
                headers.extend((name, str(item)) for item in value)
            else:
                headers.append((name, str(value)))
        return cls(headers, body, encoded=False)

    @classmethod
    def from_encoded_headers(cls, headers: tuple[tuple[str, str], ...]) -> Event:
        """An already split, URL-encoded header list (the outbound ``connect`` reply).

        Kept as one header block, like a plain event (the session holds the
        reply for the whole call: one string of a few KB instead of a few
        hundred tuples and strings). Names never hold ``:`` nor values a raw
        ``\n`` or a leading blank (the frame reader split and stripped them
        there), so lookups are the same; other lists are kept as given.
        """
        for name, value in headers:
            if not name or ":" in name or "\n" in name or "\n" in value or value[:1] == " ":
                return cls(list(headers), None, encoded=True)  # not from the frame reader
        text = "".join([f"\n{name}: {value}" for name, value in headers])
        return cls._from_block(text, None)

    @property
    def _raw(self) -> list[tuple[str, str]]:
        if self._list is None:
            assert self._text is not None
            self._list = _split_lines(self._text)
        return self._list

    def _lookup(self, name: str) -> str | None:
        """The raw (still encoded) first value of ``name``, or ``None``."""
        text = self._text
        if text is None:
            assert self._first is not None
            return self._first.get(name)
        if not name or ":" in name or "\n" in name:
            return None
        at = text.find("\n" + name + ":")
        if at < 0:
            return None
        start = at + len(name) + 2
        stop = text.find("\n", start)
        value = text[start:] if stop < 0 else text[start:stop]
        return value.lstrip(" ")

    # -- access -----------------------------------------------------------------------------

    def _decode(self, raw: str) -> str:
        return url_decode(raw) if self._encoded else raw

    def get(self, name: str, default: str | None = None) -> str | None:
        """First decoded value of ``name``, or ``default``."""
        raw = self._lookup(name)
        return default if raw is None else self._decode(raw)

    def __getitem__(self, name: str) -> str:
        raw = self._lookup(name)
        if raw is None:
            raise KeyError(name)
        return self._decode(raw)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._lookup(name) is not None

    def get_all(self, name: str) -> list[str]:
        """Every decoded value of a repeated header, in wire order."""
        return [self._decode(v) for k, v in self._raw if k == name]

    def items(self) -> Iterator[tuple[str, str]]:
        """All ``(name, decoded value)`` pairs in wire order."""
        for name, raw in self._raw:
            yield name, self._decode(raw)

    def raw_items(self) -> list[tuple[str, str]]:
        """All ``(name, value)`` pairs exactly as received (still URL-encoded for plain)."""
        return list(self._raw)

    @property
    def name(self) -> str:
        """``Event-Name`` (``""`` if absent)."""
        return self.get("Event-Name") or ""

    @property
    def uuid(self) -> str | None:
        """The channel ``Unique-ID`` the event is about, if any."""
        return self.get("Unique-ID")

    @property
    def text(self) -> str:
        """The body decoded as UTF-8 with replacement (``""`` without a body)."""
        return "" if self.body is None else self.body.decode("utf-8", "replace")

    def variable(self, name: str) -> str | None:
        """Channel variable ``name`` as carried in ``variable_<name>``; ``_undef_`` is ``None``."""
        value = self.get("variable_" + name)
        return None if value == _UNDEF else value

    @property
    def variables(self) -> Mapping[str, str]:
        """Every ``variable_*`` header, prefix stripped (first value of repeats)."""
        out: dict[str, str] = {}
        decode = self._decode
        # The split lines are not kept: the connect reply lives as long as its call.
        lines = self._list if self._list is not None else _split_lines(self._text or "")
        for name, raw in lines:  # only the variables are decoded
            if name.startswith("variable_") and name[9:] not in out:
                out[name[9:]] = decode(raw)
        return out

    def __repr__(self) -> str:
        return f"<Event {self.name} uuid={self.uuid} headers={len(self._raw)}>"
