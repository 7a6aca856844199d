"""Pure translation helpers for the ESL channel (no IO): keypad specs, inert text, causes.

A question becomes one ``play_and_get_digits`` try: :func:`digit_spec` derives
its digit count, terminators and the regexp of valid keys from the interpreter's
``Ask``; counting silent and invalid tries stays with the interpreter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from dialscript.runtime import commands as c
from dialscript.runtime.esl import HangupCause

__all__ = [
    "DigitSpec",
    "channel_value",
    "digit_spec",
    "hangup_cause",
    "spoken",
]

_NUMERIC = ("number", "scale", "digits")
_KEY = re.compile(r"[0-9*#A-D]\Z")
_EXPANSION = re.compile(r"\$(\\?)\{")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_CAUSES = frozenset(str(cause) for cause in HangupCause)
_CAUSE_ALIASES = {
    "busy": HangupCause.USER_BUSY,
    "rejected": HangupCause.CALL_REJECTED,
    "error": HangupCause.NORMAL_TEMPORARY_FAILURE,
    "limit": HangupCause.NORMAL_CLEARING,
}


@dataclass(frozen=True, slots=True)
class DigitSpec:
    """One ``play_and_get_digits`` try: how many keys, which end the input, which are valid."""

    max_digits: int
    terminators: str  # "none" when no key ends the input
    regexp: str


def digit_spec(ask: c.Ask, handler_keys: Iterable[str] = ()) -> DigitSpec:
    """The keypad side of a question.

    Single-key questions accept exactly their keys (answers, routed menu keys,
    handler keys such as 0 for the operator); multi-key answers accept up to
    ``max_digits`` digits, or a lone handler key.

    >>> from dialscript.graph.model import Question
    >>> q = Question(type="yesno", keys={"1": "yes", "2": "no"})
    >>> ask = c.Ask(node="n", var="v", text="?", lang="en", question=q, keys=dict(q.keys))
    >>> digit_spec(ask, ["0"])
    DigitSpec(max_digits=1, terminators='none', regexp='^[012]$')
    >>> q = Question(type="digits", max_digits=10, terminator="#")
    >>> ask = c.Ask(node="n", var="v", text="?", lang="en", question=q, max_digits=10,
    ...             terminator="#")
    >>> digit_spec(ask, ["0", "*"])
    DigitSpec(max_digits=10, terminators='#', regexp='^(?:[0-9]{1,10}|[*])$')
    """
    extra = {k for k in handler_keys if _KEY.match(k)}
    keys = {k for k in ask.keys if _KEY.match(k)}
    keys |= {o.key for o in ask.options if o.key and _KEY.match(o.key)}
    max_digits = max(1, ask.max_digits)
    terminator = ask.terminator if ask.terminator and _KEY.match(ask.terminator) else None
    numeric = ask.question.type in _NUMERIC and not ask.options
    if max_digits == 1 and not numeric:
        allowed = (keys | extra) or set("0123456789*#")
        if terminator in allowed:
            terminator = None
        return DigitSpec(1, terminator or "none", f"^[{_klass(allowed)}]$")
    singles = sorted((keys | extra) - set("0123456789"))
    pattern = f"[0-9]{{1,{max_digits}}}"
    if singles:
        pattern = f"(?:{pattern}|[{_klass(singles)}])"
    if terminator is None and max_digits > 1:
        terminator = "#"
    return DigitSpec(max_digits, terminator or "none", f"^{pattern}$")


def _klass(keys: Iterable[str]) -> str:
    order = "0123456789*#ABCD"
    return "".join(k for k in sorted(set(keys), key=order.index))


def spoken(text: str) -> str:
    """Text for TTS made inert: control characters become blanks, ``${`` loses its brace.

    The argument already travels as a Content-Length body with expansion
    disabled on the channel; this is the second lock (ESL.md §2.8 rule 3).

    >>> spoken("Ivan\\n\\nbgapi originate x"), spoken("${system(id)}")
    ('Ivan bgapi originate x', '$ {system(id)}')
    """
    return _EXPANSION.sub(r"$\1 {", _CONTROL.sub(" ", text)).strip()


def channel_value(value: Any) -> str:
    """A result as a channel variable value: lists comma-joined, booleans yes/no, inert."""
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, list | tuple):
        text = ",".join(str(v) for v in value)
    elif value is None:
        text = ""
    else:
        text = str(value)
    return spoken(text)[:1024]


def hangup_cause(cause: str | None) -> str:
    """A flow's ``hangup [cause]`` as a FreeSWITCH hangup cause (unknown: NORMAL_CLEARING).

    >>> hangup_cause(None), hangup_cause("busy"), hangup_cause("USER_BUSY"), hangup_cause("x")
    ('NORMAL_CLEARING', 'USER_BUSY', 'USER_BUSY', 'NORMAL_CLEARING')
    """
    if not cause:
        return str(HangupCause.NORMAL_CLEARING)
    if cause.upper() in _CAUSES:
        return cause.upper()
    return str(_CAUSE_ALIASES.get(cause.lower(), HangupCause.NORMAL_CLEARING))
