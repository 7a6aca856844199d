"""Everything people read: rendered scripts and recording books (and the console's pages),
all through one sandboxed jinja2 environment fed with view models."""

from __future__ import annotations

from dialscript.render.document import Drawing, draw, render_script
from dialscript.render.env import environment

__all__ = ["Drawing", "draw", "environment", "render_script"]
