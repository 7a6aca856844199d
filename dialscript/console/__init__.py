"""The agent console: a Starlette app where people work calls from the script, and
supervisors watch the campaign and export its answers.  `create_app(Config(...))`."""

from __future__ import annotations

from dialscript.console.app import Config, create_app

__all__ = ["Config", "create_app"]
