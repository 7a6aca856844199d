"""Rendering application arguments safely (sans-IO).

Positional applications (``play_and_get_digits``, ``record``, ...) split their
argument on runs of blanks with ``'...'`` grouping and ``\\`` escapes, so an
empty or spaced value would shift every later slot. :func:`quote_token`
renders one slot so it always survives as exactly one argument.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .errors import UnsafeValue

__all__ = [
    "check_no_expansion",
    "has_expansion",
    "multiset_args",
    "pagd_args",
    "positional",
    "quote_token",
]

_SAFE_TOKEN = re.compile(r"[A-Za-z0-9_./:+#*@=,%()~-]+\Z")
_EXPANSION = re.compile(r"\$\\?\{")


def has_expansion(text: str) -> bool:
    """True if FreeSWITCH would treat part of ``text`` as ``${...}`` expansion.

    >>> has_expansion("${system(id)}"), has_expansion("$\\\\{x}"), has_expansion("5$ {x}")
    (True, True, False)
    """
    return _EXPANSION.search(text) is not None


def check_no_expansion(what: str, text: str) -> str:
    """Return ``text``, or raise :class:`UnsafeValue` if it holds ``${`` or ``$\\{``."""
    if has_expansion(text):
        raise UnsafeValue(f"{what} contains a ${{...}} expansion: {text[:60]!r}")
    return text


def quote_token(token: str) -> str:
    """Render one positional argument so FreeSWITCH reads back exactly ``token``.

    >>> quote_token("ivr/pin.wav"), quote_token(""), quote_token("it's a file")
    ('ivr/pin.wav', "''", "'it\\\\'s a file'")
    """
    if _SAFE_TOKEN.match(token):
        return token
    escaped = token.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def positional(*tokens: str | int) -> str:
    """Join positional arguments, each quoted as needed.

    >>> positional(1, "a b", "")
    "1 'a b' ''"
    """
    return " ".join(quote_token(str(t)) for t in tokens)


def pagd_args(
    *,
    file: str,
    min_digits: int = 1,
    max_digits: int = 1,
    tries: int = 3,
    timeout_ms: int = 5000,
    terminators: str = "#",
    invalid_file: str = "",
    var_name: str = "dialscript_digits",
    regexp: str = "",
    digit_timeout_ms: int | None = None,
    transfer_on_failure: str | None = None,
) -> str:
    """Arguments of ``play_and_get_digits`` with every slot filled, empties as ``''``.

    Order: ``min max tries timeout terminators file invalid_file var_name
    regexp [digit_timeout [transfer_on_failure]]``.

    >>> pagd_args(file="ivr/pin.wav", max_digits=4, regexp="\\\\d+")
    "1 4 3 5000 # ivr/pin.wav '' dialscript_digits '\\\\\\\\d+'"
    """
    if not 1 <= min_digits <= max_digits:
        raise UnsafeValue(f"need 1 <= min_digits <= max_digits ({min_digits}, {max_digits})")
    if tries < 1 or timeout_ms < 0:
        raise UnsafeValue("tries must be >= 1 and timeout_ms >= 0")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", var_name):
        raise UnsafeValue(f"bad variable name {var_name!r}")
    if terminators and not re.fullmatch(r"[0-9*#A-D]+|none", terminators):
        raise UnsafeValue(f"bad terminators {terminators!r}")
    tokens: list[str | int] = [
        min_digits,
        max_digits,
        tries,
        timeout_ms,
        terminators or "none",
        file,
        invalid_file,
        var_name,
        regexp,
    ]
    if digit_timeout_ms is not None or transfer_on_failure is not None:
        tokens.append(digit_timeout_ms if digit_timeout_ms is not None else timeout_ms)
    if transfer_on_failure is not None:
        tokens.append(transfer_on_failure)
    return positional(*tokens)


MULTISET_DELIM = "|"
MULTISET_MAX = 64
"""Items per ``multiset`` we send (FreeSWITCH splits at most 256; the last keeps the rest)."""
_MULTISET_ESCAPES = str.maketrans({"\\": "\\\\", "'": "\\'", " ": "\\s", MULTISET_DELIM: "\\|"})


def multiset_args(pairs: Sequence[tuple[str, str]]) -> str:
    """The argument of mod_dptools ``multiset``: ``^^|name=value|...``, each value escaped.

    FreeSWITCH splits it with ``switch_separate_string`` (``\\`` escapes,
    ``'`` groups, blanks at the ends dropped) and sets each ``name=value``;
    escaping ``\\``, ``'``, blanks and ``|`` makes every value read back exactly.
    Names are the caller's to validate; values must hold no CR/LF/NUL.

    >>> multiset_args([("a", "it's 1|2"), ("b", "")])
    "^^|a=it\\\\'s\\\\s1\\\\|2|b="
    """
    if not 1 <= len(pairs) <= MULTISET_MAX:
        raise UnsafeValue(f"multiset takes 1..{MULTISET_MAX} variables, not {len(pairs)}")
    items = []
    for name, value in pairs:
        if "=" in name or MULTISET_DELIM in name:
            raise UnsafeValue(f"bad variable name {name!r}")
        items.append(f"{name}={value.translate(_MULTISET_ESCAPES)}")
    return "^^" + MULTISET_DELIM + MULTISET_DELIM.join(items)
