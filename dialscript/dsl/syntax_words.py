"""Words for syntax errors: what the parser expected, said the way an analyst reads it."""

from __future__ import annotations

import re

from lark import Token

# Terminal names and keyword spellings, as an analyst would say them.
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
    "YESNO": "yes/no",
    "OPTIONAL": "optional",
    "TRANSFER_KIND": "transfer, queue or bridge",
    "NOTIFY_KIND": "email or webhook",
    "_NL": "the end of the line",
    "_INDENT": "an indented block",
    "_DEDENT": "the end of the block",
    "$END": "the end of the file",
}

_ANON = {
    "MINUS": "-", "LPAR": "(", "RPAR": ")", "LSQB": "[", "RSQB": "]", "COMMA": ",",
    "EQUAL": "=", "DOT": ".", "COLON": ":",
}  # fmt: skip

_BLOCK_OPENERS = re.compile(r"^(\s*)(step|end|handler|choices|schedule|flow|ask|menu)\b\s*(\S*)")

_MAX_LISTED = 6


def word_for(terminal: str) -> str:
    if terminal in _WORDS:
        return _WORDS[terminal]
    if terminal in _ANON:
        return f"`{_ANON[terminal]}`"
    if terminal.startswith("__ANON") or not terminal.isupper():
        return "a symbol"
    return f"`{terminal.lower()}`"


def describe_expected(expected: set[str], previous: Token | None) -> str:
    """'a step name after `->`', or a short list of what could come next."""
    if previous is not None and previous.value == "->" and "NAME" in expected:
        return "a step name after `->`"
    if previous is not None and previous.type == "NAME" and previous.value in ("step", "end"):
        return f"a step name after `{previous.value}`"
    if previous is not None and previous.value == "ask" and "STRING" in expected:
        return "the question in double quotes after `ask` (optionally after the answer's name)"
    words = sorted(
        {word_for(t) for t in expected if t not in ("_DEDENT",)} or {word_for("_DEDENT")}
    )
    if "a symbol" in words and len(words) > 1:
        words.remove("a symbol")
    if len(words) > _MAX_LISTED:
        keywords = [w for w in words if w.startswith("`")]
        others = [w for w in words if not w.startswith("`")]
        words = others[: _MAX_LISTED - 1] + (
            ["a statement such as `say`, `ask` or `->`"] if keywords else []
        )
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


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
