"""The call a scenario drives: its setup (Given), the events it sends (When), what it saw (Then).

`ScenarioCall` holds the compiled flow, a `CallDriver`, every command the flow
issued, and the *window*: the commands since the latest When step began, which
"the caller hears" / "the agent is asked" look at.  Failures are
`ScenarioFailure`s that say where the call was in the flow (step, file:line) and
which answers it had been given.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dialscript.dsl.diagnostics import Diagnostic
from dialscript.dsl.load import compile_file
from dialscript.graph.flowgraph import FlowGraph
from dialscript.runtime import commands as c
from dialscript.runtime import events as e
from dialscript.runtime.interpreter import Channel
from dialscript.runtime.state import CallState
from dialscript.testing.scenarios.driver import CallDriver, CallSetup, driver_for

Recorder = Callable[[FlowGraph, CallState], None]


class ScenarioFailure(AssertionError):
    """A Then step that did not hold, or a Given/When the flow cannot take."""


_GRAPHS: dict[tuple[str, float], FlowGraph] = {}


def load_flow(path: Path) -> FlowGraph:
    """The compiled flow at `path` (cached per file version); a failure lists its errors."""
    try:
        stamp = path.stat().st_mtime
    except OSError as error:
        raise ScenarioFailure(f'the flow "{path}" cannot be read: {error}') from None
    key = (str(path), stamp)
    graph = _GRAPHS.get(key)
    if graph is None:
        compiled = compile_file(_display(path))
        if compiled.graph is None:
            errors = "\n".join(_diagnostic(d) for d in compiled.diagnostics if d.is_error)
            raise ScenarioFailure(f'the flow "{path}" does not compile:\n{errors}')
        graph = _GRAPHS[key] = compiled.graph
    return graph


def _display(path: Path) -> str:
    """`path` relative to the working folder when it is inside it (spans then read short)."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _diagnostic(diagnostic: Diagnostic) -> str:
    return f"  {diagnostic.span}: {diagnostic.code}: {diagnostic.message}"


def parse_time(text: str) -> datetime:
    """`2026-11-24 10:30 Europe/Samara`, `2026-11-24T10:30+04:00` or `2026-11-24 10:30` (UTC).

    >>> parse_time("2026-11-24 10:30 Europe/Samara").isoformat()
    '2026-11-24T10:30:00+04:00'
    """
    words = text.strip().split()
    zone = None
    if len(words) >= 2 and "/" in words[-1] or words[-1:] == ["UTC"]:
        try:
            zone = ZoneInfo(words[-1])
        except (ZoneInfoNotFoundError, ValueError):
            raise ScenarioFailure(f'unknown time zone "{words[-1]}" in "{text}"') from None
        words = words[:-1]
    try:
        moment = datetime.fromisoformat(" ".join(words))
    except ValueError:
        raise ScenarioFailure(
            f'cannot read the time "{text}": write it as "2026-11-24 10:30 Europe/Samara"'
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone or ZoneInfo("UTC"))
    return moment


class ScenarioCall:
    """One scenario's call.  Given steps fill `setup`; the first When starts the call."""

    def __init__(
        self, *, rootdir: Path, channel: str = "inprocess", recorder: Recorder | None = None
    ) -> None:
        self.rootdir = rootdir
        self.driver_name = channel
        self.recorder = recorder
        self.flow_path: Path | None = None
        self.setup: CallSetup | None = None
        self.channel_chosen = False
        self.driver: CallDriver | None = None
        self.commands: list[c.Command] = []
        self.window = 0

    # ------------------------------------------------------------ Given
    def use_flow(self, path: str, inputs: dict[str, str]) -> None:
        file = Path(path)
        if not file.is_absolute():
            candidates = [Path.cwd() / file, self.rootdir / file]
            file = next((p for p in candidates if p.exists()), candidates[0])
        graph = load_flow(file)
        self.flow_path = file
        channel: Channel = "ivr" if graph.model.channel == "ivr" else "agent"
        self.setup = CallSetup(graph=graph, inputs=dict(inputs), channel=channel)

    @property
    def ready(self) -> CallSetup:
        if self.setup is None:
            raise ScenarioFailure('no flow yet: start the scenario with `Given the flow "..."`')
        return self.setup

    @property
    def graph(self) -> FlowGraph:
        return self.ready.graph

    # ------------------------------------------------------------ When
    @property
    def started(self) -> bool:
        return self.driver is not None

    def answer_call(self) -> None:
        if self.started:
            raise ScenarioFailure("the call was already answered")
        self.window = len(self.commands)
        self.driver = driver_for(self.driver_name)
        self.commands.extend(self.driver.start(self.ready))

    def send(self, event: e.Event) -> None:
        """Feed one event (answering the call first if no step did)."""
        if not self.started:
            self.answer_call()
        else:
            self.window = len(self.commands)
        if self.state.finished:
            raise ScenarioFailure(
                f"the call is already over, it cannot take {event.kind} ({self.position()})"
            )
        if self.state.wait == "transfer" and not isinstance(event, e.TransferResult | e.Hangup):
            self.commands.extend(self._driver.send(e.TransferResult(True)))
            if self.state.finished:
                raise ScenarioFailure(
                    f"the call was transferred, it cannot take {event.kind} ({self.position()})"
                )
        self.commands.extend(self._driver.send(event))

    def settle(self) -> None:
        """A transfer nobody failed connects: called before Then steps about the end."""
        if self.started and self.state.wait == "transfer":
            self.commands.extend(self._driver.send(e.TransferResult(True)))

    @property
    def _driver(self) -> CallDriver:
        assert self.driver is not None
        return self.driver

    @property
    def state(self) -> CallState:
        if self.driver is None:
            raise ScenarioFailure("the call has not started: add `When the call is answered`")
        return self.driver.state

    def finish(self) -> None:
        """The scenario is over: hand the call's trace to the coverage recorder."""
        if self.driver is not None:
            if self.recorder is not None and self.setup is not None:
                self.recorder(self.setup.graph, self.driver.state)
            self.driver.close()

    # ------------------------------------------------------------ Then helpers
    def recent(self) -> list[c.Command]:
        return self.commands[self.window :]

    def position(self) -> str:
        """Where the call is: `call at step "why", flows/nps_survey.flow:83; answers ...`."""
        if not self.started:
            return "the call has not started"
        st = self.state
        graph = self._graph_of(st.path)
        node = graph.nodes.get(st.node or "")
        where = ""
        if node is not None:
            span = f", {node.span.path}:{node.span.line}" if node.span else ""
            flow = f" of {graph.name}" if st.path else ""
            where = f'step "{node.step}"{flow}{span}'
        if st.finished:
            text = f"call over after {where}" if where else "call over"
            text += f", outcome {st.outcome}" if st.outcome else ", no outcome"
        elif st.wait == "transfer":
            text = f"call waiting for a transfer at {where}"
        else:
            text = f"call at {where}" if where else "call started"
        return f"{text}; answers so far: {self.answers_so_far()}"

    def answers_so_far(self) -> str:
        given = [f"{a['var']}={a['value']}" for a in self.state.answers if not a["superseded"]]
        return ", ".join(given) or "none"

    def _graph_of(self, path: list[str]) -> FlowGraph:
        graph = root = self.graph
        for name in path:
            graph = graph.subflows.get(name) or root.subflows.get(name) or graph
        return graph

    def fail(self, message: str) -> ScenarioFailure:
        return ScenarioFailure(f"{message} ({self.position()})")


def quoted(texts: list[str], limit: int = 6) -> str:
    """A short list of what was said, for failure messages."""
    if not texts:
        return "nothing"
    shown = [f'"{t}"' for t in texts[-limit:]]
    more = f"{len(texts) - limit} earlier, " if len(texts) > limit else ""
    return more + ", ".join(shown)


def value_text(value: Any) -> str:
    if value is None:
        return "not set"
    return f'"{value}"' if isinstance(value, str) else str(value)
