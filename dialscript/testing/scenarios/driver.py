"""Call drivers: how a scenario's call is run (in process, or through a telephony channel).

A `CallDriver` starts one call and feeds it events; it answers lookups itself
from the scenario's canned answers and reports every command the flow issued.
`DRIVERS` maps a channel name (`dialscript test --channel NAME`) to a factory;
`esl` runs each call through a real OutboundServer and the fake FreeSWITCH
(`dialscript.testing.esl_driver`); `switch` runs it on a real FreeSWITCH
(`dialscript.testing.switch_driver`); another channel plugs in with `register_driver`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from dialscript.graph.flowgraph import FlowGraph
from dialscript.runtime import commands as c
from dialscript.runtime import events as e
from dialscript.runtime.interpreter import Channel, feed, start
from dialscript.runtime.state import CallState

# A canned lookup answer: the response object, or an `e.HttpFailed` for a failure.
LookupAnswers = Mapping[str, dict[str, Any] | e.HttpFailed]


@dataclass
class CallSetup:
    """Everything a scenario's Given steps decide before the call starts."""

    graph: FlowGraph
    inputs: dict[str, Any] = field(default_factory=dict)
    now: datetime = datetime.fromisoformat("2026-03-02T10:00:00+00:00")  # a Monday morning
    channel: Channel = "agent"
    language: str | None = None
    lookups: dict[str, dict[str, Any] | e.HttpFailed] = field(default_factory=dict)


class MissingLookup(LookupError):
    """The flow looked something up that the scenario gave no answer for."""


class CallDriver(Protocol):
    """One call under test.  `start` and `send` return the commands the flow issued."""

    def start(self, setup: CallSetup) -> list[c.Command]: ...

    def send(self, event: e.Event) -> list[c.Command]: ...

    @property
    def state(self) -> CallState: ...

    def close(self) -> None: ...


DriverFactory = Callable[[], CallDriver]


def lookup_answer(setup: CallSetup, request: c.HttpRequest) -> e.HttpResult | e.HttpFailed:
    """The canned answer for a lookup, by its variable name or its source name."""
    for name in (request.var, request.source):
        if name in setup.lookups:
            answer = setup.lookups[name]
            return answer if isinstance(answer, e.HttpFailed) else e.HttpResult(dict(answer))
    raise MissingLookup(
        f'the flow looks up "{request.var}" from {request.source} but the scenario gives no'
        f' answer: add `Given the lookup "{request.var}" returns` (with a JSON docstring)'
        f' or `Given the lookup "{request.var}" fails`'
    )


class InProcessDriver:
    """Runs the interpreter in this process: `start` / `feed`, lookups answered at once."""

    def __init__(self) -> None:
        self._setup: CallSetup | None = None
        self._state: CallState | None = None

    @property
    def state(self) -> CallState:
        if self._state is None:
            raise RuntimeError("the call has not started")
        return self._state

    def start(self, setup: CallSetup) -> list[c.Command]:
        self._setup = setup
        self._state, out = start(
            setup.graph, setup.inputs, now=setup.now, channel=setup.channel, language=setup.language
        )
        return self._settle(out)

    def send(self, event: e.Event) -> list[c.Command]:
        assert self._setup is not None, "the call has not started"
        if event.at is None:
            event = dataclasses.replace(event, at=self._setup.now)
        self._state, out = feed(self._setup.graph, self.state, event)
        return self._settle(out)

    def _settle(self, out: list[c.Command]) -> list[c.Command]:
        assert self._setup is not None
        done: list[c.Command] = []
        pending = list(out)
        while pending:
            command = pending.pop(0)
            done.append(command)
            if isinstance(command, c.HttpRequest):
                answer = dataclasses.replace(
                    lookup_answer(self._setup, command), at=self._setup.now
                )
                self._state, more = feed(self._setup.graph, self.state, answer)
                pending.extend(more)
        return done

    def close(self) -> None:
        self._state = None


def _esl_driver() -> CallDriver:
    """The `esl` driver (imported on first use: it brings the ESL stack and the fake)."""
    from dialscript.testing.esl_driver import EslDriver

    return EslDriver()


def _switch_driver() -> CallDriver:
    """The `switch` driver: a real FreeSWITCH (``DIALSCRIPT_SWITCH``), imported on first use."""
    from dialscript.testing.switch_driver import SwitchDriver

    return SwitchDriver()


DRIVERS: dict[str, DriverFactory] = {
    "inprocess": InProcessDriver,
    "esl": _esl_driver,
    "switch": _switch_driver,
}


def register_driver(name: str, factory: DriverFactory) -> None:
    """Make `--channel NAME` (and `--dialscript-channel NAME`) run calls through `factory()`."""
    DRIVERS[name] = factory


def driver_for(name: str) -> CallDriver:
    try:
        factory = DRIVERS[name]
    except KeyError:
        known = ", ".join(sorted(DRIVERS))
        raise ValueError(f"no call driver named {name!r} (known: {known})") from None
    return factory()
