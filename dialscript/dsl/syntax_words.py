"""Words for syntax errors: what the parser expected, said the way an analyst reads it."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from functools import lru_cache

# Terminals that are not plain keywords, as an analyst would say them.
_WORDS = {
    "NAME": "a name",
    "STRING": 'a text in double quotes ("...")',
    "NUMBER": "a number",
    "DURATION": "a duration such as 30s or 2min",
    "DATE": "a date such as 2026-01-01",
    "CLOCK": "a time of day such as 09:00",
    "DAYS": "days such as mon-fri",
    "TZNAME": "a time zone such as Europe/Moscow",
    "KEY": 'a phone key (0-9, "*" or "#")',
    "KEY_SIGN": 'a phone key "*" or "#"',
    "COMPARE": "a comparison (==, !=, <, <=, >, >=)",
    "SIGN": "+ or -",
    "YESNO": "`yes/no`",
    "OPTIONAL": "`optional`",
    "TRANSFER_KIND": "`transfer`, `queue` or `bridge`",
    "NOTIFY_KIND": "`email` or `webhook`",
    "_NL": "the end of the line",
    "_INDENT": "an indented block",
    "_DEDENT": "the end of the block",
    "$END": "the end of the file",
}
_STATEMENT_MARKERS = {"SAY", "ASK", "HANGUP"}
_TYPE_MARKERS = {"T_TEXT", "YESNO", "T_SCALE"}
_STATEMENTS = (
    "say", "play", "note", "ask", "menu", "if", "else", "->", "set", "call", "transfer", "queue",
    "bridge", "record", "hangup", "sms", "email", "webhook", "lookup", "outcome", "resume",
    "at most",
)  # fmt: skip
_TYPES = (
    "yes/no", "number", "scale", "one of", "many of", "text", "date", "time", "datetime", "phone",
    "digits",
)  # fmt: skip
_TOP_LEVEL = ("flow", "import", "choices", "schedule", "start", "step", "end", "handler")
_MAX_LISTED = 6
_BLOCK_OPENERS = re.compile(r"^(\s*)(step|end|handler|choices|schedule|flow|ask|menu)\b\s*(\S*)")

Literals = Callable[[], dict[str, str]]


@lru_cache(maxsize=1)
def _literals() -> dict[str, str]:
    """Terminal name -> its literal text, for keywords and symbols ("SAY" -> "say")."""
    from dialscript.dsl.parser import grammar

    found: dict[str, str] = {}
    for terminal in grammar().terminals:
        pattern = terminal.pattern
        if pattern.type == "str":
            found[terminal.name] = pattern.value
    return found


def word_for(terminal: str) -> str:
    if terminal in _WORDS:
        return _WORDS[terminal]
    literal = _literals().get(terminal)
    return f"`{literal}`" if literal else f"`{terminal.lower()}`"


def _listing(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def explain(found: str, found_type: str, expected: set[str], before: str) -> tuple[str, str | None]:
    """(what was expected, a hint) for a token that does not fit.

    `before` is the text of the line up to the token.
    """
    close = None
    if expected & _STATEMENT_MARKERS == _STATEMENT_MARKERS:
        if found_type == "NAME":
            close = difflib.get_close_matches(found, _STATEMENTS + _TOP_LEVEL, n=1)
        statements = "a statement (" + ", ".join(f"`{s}`" for s in _STATEMENTS[:8]) + ", ...)"
        hint = f'did you mean "{close[0]}"?' if close else None
        if found_type in ("YES", "NO", "NUMBER", "DONT_KNOW", "REFUSED", "SILENCE", "INVALID"):
            hint = "answers such as `yes -> step` belong to a question: indent them under its `ask`"
        return statements, hint
    if expected & {"STEP", "FLOW", "HANDLER"} == {"STEP", "FLOW", "HANDLER"}:
        if found_type == "NAME":
            close = difflib.get_close_matches(found, _TOP_LEVEL, n=1)
        blocks = "a block (" + ", ".join(f"`{b}`" for b in _TOP_LEVEL) + ")"
        return blocks, (f'did you mean "{close[0]}"?' if close else None)
    if expected & _TYPE_MARKERS == _TYPE_MARKERS:
        if found_type == "NAME":
            close = difflib.get_close_matches(found, _TYPES, n=1)
        types = "an answer type (" + ", ".join(f"`{t}`" for t in _TYPES) + ")"
        return types, (f'did you mean "{close[0]}"?' if close else None)
    tail = before.rstrip()
    if tail.endswith("->") and "NAME" in expected:
        return "a step name after `->`", None
    if "DURATION" in expected and found_type == "NUMBER":
        return _WORDS["DURATION"], f"add a unit: {found}s"
    if "NAME" in expected and found_type != "NAME":
        keyword = tail.split()[-1] if tail.split() else ""
        if keyword in ("step", "end", "handler", "choices", "schedule", "flow", "start"):
            return f"a name after `{keyword}` (letters, digits and _ only)", None
    words = sorted({word_for(t) for t in expected} - {word_for("_DEDENT")} or {word_for("_DEDENT")})
    if len(words) > _MAX_LISTED:
        words = words[: _MAX_LISTED - 1] + ["another word"]
    return _listing(words), None


def opening_block(lines: list[str], line: int) -> str | None:
    """The nearest enclosing block header above `line`, e.g. 'step "rate" (line 12)'."""
    if not lines:
        return None
    current = lines[min(line, len(lines)) - 1]
    indent = len(current) - len(current.lstrip(" "))
    for number in range(min(line, len(lines)) - 1, 0, -1):
        text = lines[number - 1]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        match = _BLOCK_OPENERS.match(text)
        if match and len(match.group(1)) < indent:
            kind, name = match.group(2), match.group(3).strip('"')
            label = f'{kind} "{name}"' if name and kind not in ("ask", "menu") else kind
            return f"{label} (line {number})"
    return None
