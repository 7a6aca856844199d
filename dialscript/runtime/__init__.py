"""dialscript.runtime: the sans-IO interpreter and what drives it (journal, simulator).

`start(graph, inputs, now=...)` then `feed(graph, state, event)`; each returns
the new `CallState` and the commands for the channel.  `CallRunner` journals
every step in a `CallStore`; `Simulator` runs a call in the terminal.
"""

from __future__ import annotations

from dialscript.runtime import commands, events
from dialscript.runtime.interpreter import feed, run_events, start
from dialscript.runtime.runner import CallRunner, FlowMismatch
from dialscript.runtime.state import CallState, Limits

__all__ = [
    "CallRunner",
    "CallState",
    "FlowMismatch",
    "Limits",
    "commands",
    "events",
    "feed",
    "run_events",
    "start",
]
