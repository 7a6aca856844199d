"""FreeSWITCH Event Socket layer: a sans-IO wire core and a thin asyncio shell.

Pure core: :mod:`.frames` (frame reader), :mod:`.events` (event decoding),
:mod:`.commands` (command builder), :mod:`.args` (argument rendering),
:mod:`.vocab` (FreeSWITCH names), :mod:`.errors` (exception tree).
"""

from __future__ import annotations

from .args import check_no_expansion, has_expansion, pagd_args, positional, quote_token
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
from .vocab import AnswerState, CallState, ChannelState, ContentType, EventName, HangupCause

__all__ = [
    "AnswerState",
    "AuthFailed",
    "CallHungUp",
    "CallState",
    "ChannelState",
    "CommandFailed",
    "ConnectionLost",
    "ContentType",
    "ESLError",
    "ESLTimeout",
    "Event",
    "EventName",
    "Frame",
    "FrameReader",
    "HangupCause",
    "ProtocolError",
    "UnsafeValue",
    "check_no_expansion",
    "has_expansion",
    "pagd_args",
    "parse_header_block",
    "positional",
    "quote_token",
    "url_decode",
]
