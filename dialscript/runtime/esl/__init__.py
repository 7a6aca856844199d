"""FreeSWITCH Event Socket layer: a sans-IO wire core and a thin asyncio shell.

Pure core: :mod:`.frames` (frame reader), :mod:`.events` (event decoding),
:mod:`.commands` (command builder), :mod:`.args` (argument rendering),
:mod:`.vocab` (FreeSWITCH names), :mod:`.errors` (exception tree).
Shell: :mod:`.connection`, :mod:`.streams`, :mod:`.session`, :mod:`.outbound`,
:mod:`.inbound`. Standard library only.
"""

from __future__ import annotations

from .args import check_no_expansion, has_expansion, pagd_args, positional, quote_token
from .connection import ESLConnection
from .errors import (
    AuthFailed,
    CallHungUp,
    CommandFailed,
    ConnectionLost,
    ESLError,
    ESLTimeout,
    ProtocolError,
    UnsafeValue,
)
from .events import Event, url_decode
from .frames import Frame, FrameReader, parse_header_block
from .inbound import InboundClient, originate_command
from .outbound import CallHandler, OutboundServer
from .session import CallSession
from .streams import EventStream
from .vocab import AnswerState, CallState, ChannelState, ContentType, EventName, HangupCause

__all__ = [
    "AnswerState",
    "AuthFailed",
    "CallHandler",
    "CallHungUp",
    "CallSession",
    "CallState",
    "ChannelState",
    "CommandFailed",
    "ConnectionLost",
    "ContentType",
    "ESLConnection",
    "ESLError",
    "ESLTimeout",
    "Event",
    "EventName",
    "EventStream",
    "Frame",
    "FrameReader",
    "HangupCause",
    "InboundClient",
    "OutboundServer",
    "ProtocolError",
    "UnsafeValue",
    "check_no_expansion",
    "has_expansion",
    "originate_command",
    "pagd_args",
    "parse_header_block",
    "positional",
    "quote_token",
    "url_decode",
]
