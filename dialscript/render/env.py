"""The one jinja2 environment for everything a person reads: scripts, books, console pages.

Sandboxed, `StrictUndefined` (a missing field is a bug, not an empty string), and
HTML autoescaping: flow text is untrusted and must never become markup.  Markdown
templates escape through the `md` filter instead.
"""

from __future__ import annotations

import re
from functools import cache

from jinja2 import PackageLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

__all__ = ["environment", "md_escape"]

_MD_SPECIAL = re.compile(r"([\\`*\[\]|<>#]|(?<!\w)_|_(?!\w))")


def md_escape(value: object) -> str:
    r"""Text made inert in Markdown: HTML brackets and Markdown punctuation escaped.

    >>> md_escape("<script>*x*</script>")
    '\\<script\\>\\*x\\*\\</script\\>'
    """
    text = re.sub(r"\s*\n\s*", " ", str(value))
    return _MD_SPECIAL.sub(r"\\\1", text)


@cache
def environment() -> SandboxedEnvironment:
    """The shared environment (built once); templates live in dialscript/render/templates."""
    env = SandboxedEnvironment(
        loader=PackageLoader("dialscript.render", "templates"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(
            enabled_extensions=("html",),
            disabled_extensions=("md",),
            default_for_string=True,
            default=True,
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    return env
