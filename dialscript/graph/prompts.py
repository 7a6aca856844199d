"""Names of recorded prompts: the id under which a voice talent's recording of a text is
stored.  The recording book lists them; the FreeSWITCH channel plays them when present."""

from __future__ import annotations

from functools import lru_cache

# Parts whose id carries no suffix: the node's own text.
_OWN_TEXT = ("say", "ask", "play")


def safe_name(text: str) -> str:
    """Letters, digits, `-` and `_` kept; anything else becomes `_` (file-name safe)."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)


@lru_cache(maxsize=16384)
def recording_id(flow: str, node: str, part: str, lang: str) -> str:
    """`flow-node[-part]-lang`, e.g. `nps_survey-greeting-ru`, `nps_survey-rate-reprompt2-ru`.

    >>> recording_id("nps_survey", "rate", "reprompt2", "ru")
    'nps_survey-rate-reprompt2-ru'
    """
    suffix = "" if part in _OWN_TEXT else f"-{safe_name(part)}"
    return f"{safe_name(flow)}-{safe_name(node)}{suffix}-{safe_name(lang)}"
