"""Typed errors of the ESL layer: one root, a few precise leaves.

::

    ESLError
    ├── ProtocolError        malformed or oversized bytes from the peer
    ├── UnsafeValue          a value we were asked to send could inject commands
    ├── CommandFailed        FreeSWITCH answered ``-ERR ...``
    │   └── AuthFailed       ``auth`` was refused
    ├── ESLTimeout           a reply, event or connection did not come in time
    ├── ConnectionLost       EOF, reset, or a disconnect notice while we waited
    └── CallHungUp           the controlled channel hung up while we waited
"""

from __future__ import annotations

__all__ = [
    "AuthFailed",
    "CallHungUp",
    "CommandFailed",
    "ConnectionLost",
    "ESLError",
    "ESLTimeout",
    "ProtocolError",
    "UnsafeValue",
]


class ESLError(Exception):
    """Root of every error raised by :mod:`dialscript.runtime.esl`."""


class ProtocolError(ESLError):
    """The peer sent bytes that are not valid Event Socket framing."""


class UnsafeValue(ESLError):
    """A command line, header or argument contains bytes that could inject commands."""


class CommandFailed(ESLError):
    """FreeSWITCH answered a command with ``-ERR``."""

    def __init__(self, command: str, reply: str) -> None:
        super().__init__(f"{command!r} failed: {reply}")
        self.command = command
        self.reply = reply


class AuthFailed(CommandFailed):
    """The inbound ``auth`` command was refused (wrong password or ACL)."""


class ESLTimeout(ESLError):
    """A reply, an event or a connection attempt did not complete in time."""


class ConnectionLost(ESLError):
    """The socket reached EOF, was reset, or FreeSWITCH announced a disconnect."""


class CallHungUp(ESLError):
    """The controlled channel hung up before the awaited operation completed."""

    def __init__(self, uuid: str, cause: str | None) -> None:
        super().__init__(f"channel {uuid} hung up ({cause or 'unknown cause'})")
        self.uuid = uuid
        self.cause = cause
