"""The `esl` call driver: a scenario's call runs over the Event Socket, against the fake switch.

`dialscript test --channel esl` runs every scenario through a real
:class:`~dialscript.runtime.esl.OutboundServer` with the
:class:`~dialscript.runtime.channels.CallService` (the call loop ``serve-calls``
runs) and a :class:`~dialscript.testing.fake_freeswitch.FakeFreeSWITCH` on
loopback, on an event loop in a thread the driver owns (one per scenario).

* IVR calls: the caller's keys and silence reach the flow through the fake's
  scripted caller, one input try at a time (its ``on_input`` hook); "the client
  answers X" presses the key of X in the pending question, a handler its key;
  a failed transfer is what the fake's queue / bridge meets (``on_outcome``).
* Agent calls: answers, silence, handlers and Back go through the agent input
  port (:class:`~dialscript.runtime.channels.CallRegistry`), as the console's do.
* Either way, the caller hanging up is the fake hanging the channel up.

The commands reported back are the ones the interpreter returned to the call
loop (a :class:`~dialscript.runtime.channels.CallObserver`), so the Then steps
see what they see in process; lookups are answered from the scenario's canned
answers.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from dialscript.runtime import commands as c
from dialscript.runtime import events as e
from dialscript.runtime.answers import Accepted, normalise_answer
from dialscript.runtime.bindings import RuntimeBindings, UnboundName
from dialscript.runtime.channels import (
    CallObserver,
    CallRegistry,
    CallReport,
    CallService,
    ChannelConfig,
    LoadedFlow,
    MemoryIntegrations,
)
from dialscript.runtime.channels.service import (
    CHANNEL_VAR,
    FLOW_VAR,
    INPUT_PREFIX,
    LANGUAGE_VAR,
    UNUSED_EVENTS,
)
from dialscript.runtime.esl import ESLError, OutboundServer
from dialscript.runtime.runner import CallRunner
from dialscript.runtime.state import CallState
from dialscript.runtime.store import SqliteCallStore
from dialscript.testing.fake_freeswitch import (
    FakeCall,
    FakeFreeSWITCH,
    HangUp,
    Press,
    ScriptedCaller,
    Silence,
)
from dialscript.testing.scenarios.driver import (
    CallSetup,
    MissingLookup,
    lookup_answer,
    register_driver,
)
from dialscript.testing.scenarios.world import ScenarioFailure

__all__ = ["EslDriver", "ivr_key"]

T = TypeVar("T")
CallerAction = Press | Silence | HangUp
FAILED_OUTCOME = "NO_ANSWER"  # what a failed queue / bridge meets on the fake
_NUMERIC = ("number", "scale", "digits")


def ivr_key(ask: c.Ask, answer: Any) -> str | None:
    """The keys a caller presses to give ``answer`` to ``ask`` (``None``: no key gives it).

    >>> from dialscript.graph.model import Question
    >>> q = Question(type="yesno", keys={"1": "yes", "2": "no"})
    >>> ask = c.Ask(node="n", var="v", text="?", lang="en", question=q, keys=dict(q.keys))
    >>> ivr_key(ask, "да"), ivr_key(ask, "no"), ivr_key(ask, "maybe")
    ('1', '2', None)
    """
    question = ask.question
    text = str(answer).strip()
    wanted = normalise_answer(question, text, via="text")
    if isinstance(wanted, Accepted):
        keys = [*ask.keys, *(o.key for o in ask.options if o.key)]
        for key in dict.fromkeys(keys):
            given = normalise_answer(question, key, via="digits")
            if isinstance(given, Accepted) and given.value == wanted.value:
                return key
    if question.type in _NUMERIC and not ask.options and text.isdigit():
        short = ask.max_digits > 1 and len(text) < ask.max_digits
        return text + (ask.terminator or "") if short else text
    return None


@dataclass(frozen=True)
class _ScenarioBindings(RuntimeBindings):
    """The flow's bindings; a name they leave unbound stands for itself (scenarios run
    whatever the environment binds, as in process)."""

    def resolve(self, statement: str, name: str) -> str:
        try:
            return super().resolve(statement, name)
        except UnboundName:
            return name


class EslDriver(CallObserver):
    """One scenario call over ESL (see the module docstring)."""

    listen_host = "127.0.0.1"
    """Where the outbound server listens (and the switch connects)."""

    def __init__(self, *, timeout: float = 10.0) -> None:
        self.timeout = timeout
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._setup: CallSetup | None = None
        self._state: CallState | None = None
        self._now = datetime.now().astimezone()
        self._out: list[c.Command] = []
        self._last_ask: c.Ask | None = None
        self._settled: asyncio.Future[None] | None = None
        self._input: asyncio.Future[CallerAction] | None = None
        self._outcome: asyncio.Future[str] | None = None
        self._errors: list[Exception] = []
        self._ended = False
        self._handled: asyncio.Event | None = None
        self._call_id: str | None = None
        self._agents = CallRegistry()
        self._store: SqliteCallStore | None = None
        self._server: OutboundServer | None = None
        self._fs: FakeFreeSWITCH | None = None
        self._call: FakeCall | None = None
        self.integrations = MemoryIntegrations()

    # -- CallDriver -----------------------------------------------------------------------------

    @property
    def state(self) -> CallState:
        if self._state is None:
            raise RuntimeError("the call has not started")
        return self._state

    @property
    def fake_call(self) -> FakeCall:
        """The call on the fake switch (its apps, variables, wire bytes), once started."""
        if self._call is None:
            raise RuntimeError("the call has not started")
        return self._call

    @property
    def call_id(self) -> str | None:
        """The call's id in the journal (also its key in the agent input port)."""
        return self._call_id

    def start(self, setup: CallSetup) -> list[c.Command]:
        self._setup = setup
        self._now = setup.now
        self._start_thread()
        try:
            return self._run(self._start_call(setup))
        except BaseException:
            self.close()
            raise

    def send(self, event: e.Event) -> list[c.Command]:
        if self._loop is None:
            raise RuntimeError("the call has not started")
        return self._run(self._send(event))

    def close(self) -> None:
        loop, thread, stop = self._loop, self._thread, self._stop
        if loop is None or thread is None or stop is None:
            return
        try:
            self._run(self._teardown(), self.timeout * 2)
        finally:
            loop.call_soon_threadsafe(stop.set)
            thread.join(self.timeout)
            self._loop = self._thread = self._stop = None

    # -- the loop thread ------------------------------------------------------------------------

    def _start_thread(self) -> None:
        ready = threading.Event()
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._main(ready)), name="dialscript-esl-driver", daemon=True
        )
        self._thread.start()
        if not ready.wait(self.timeout):
            raise RuntimeError("the ESL driver's event loop did not start")

    async def _main(self, ready: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        ready.set()
        await self._stop.wait()

    def _run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout or self.timeout * 2)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise ScenarioFailure("the call over ESL did not answer in time") from None

    # -- the call -------------------------------------------------------------------------------

    async def _start_call(self, setup: CallSetup) -> list[c.Command]:
        self._store = SqliteCallStore(":memory:")
        self._handled = asyncio.Event()
        flow = self._loaded_flow(setup)
        service = CallService(
            lambda name: flow,
            store=self._store,
            integrations=self.integrations,
            clock=lambda: self._now,
            agents=self._agents,
            observer=self,
            lookup=self._lookup,
        )

        async def handler(session: Any) -> None:
            try:
                await service(session)
            except Exception as error:
                self._errors.append(error)
                raise
            finally:
                assert self._handled is not None
                self._handled.set()

        self._server = OutboundServer(
            handler, host=self.listen_host, port=0, nix_events=UNUSED_EVENTS
        )
        await self._server.start()
        variables = {FLOW_VAR: setup.graph.name, CHANNEL_VAR: setup.channel}
        if setup.language:
            variables[LANGUAGE_VAR] = setup.language
        variables.update({f"{INPUT_PREFIX}{k}": str(v) for k, v in setup.inputs.items()})
        self._settled = asyncio.get_running_loop().create_future()
        host, port = self._server.address
        await self._place_call(host, port, variables)
        return await self._settle()

    def _loaded_flow(self, setup: CallSetup) -> LoadedFlow:
        path = setup.graph.model.path
        bindings = (
            _ScenarioBindings.for_flow(path, "test") if path else _ScenarioBindings.for_flow(".")
        )
        return LoadedFlow(setup.graph, bindings, ChannelConfig.from_bindings(bindings))

    async def _place_call(self, host: str, port: int, variables: dict[str, str]) -> None:
        """The switch calls the outbound server at ``host:port`` (here: the fake)."""
        self._fs = FakeFreeSWITCH()
        await self._fs.start()
        caller = ScriptedCaller(on_input=self._caller_input, on_outcome=self._queue_outcome)
        self._call = await self._fs.place_call(host, port, caller=caller, variables=variables)

    async def _send(self, event: e.Event) -> list[c.Command]:
        if self._ended:
            raise ScenarioFailure(f"the call over ESL is over, it cannot take {event.kind}")
        assert self._setup is not None
        if isinstance(event, e.Tick):
            self._now = event.now
        if isinstance(event, e.Answered) or (
            isinstance(event, e.Tick) and self._setup.channel != "agent"
        ):
            return []  # nothing on the line: the new time rides on the next event
        self._settled = asyncio.get_running_loop().create_future()
        if isinstance(event, e.Hangup):
            await self._hang_up(event.cause)
        elif isinstance(event, e.TransferResult):
            if self._outcome is None or self._outcome.done():
                raise ScenarioFailure(
                    "no queue or bridge on the line is waiting for its outcome (over ESL a"
                    " `transfer` to an extension always connects)"
                )
            self._outcome.set_result("answer" if event.ok else FAILED_OUTCOME)
        elif self._setup.channel == "agent":
            if self._call_id is None:
                raise ScenarioFailure("the agent call has no journal id yet")
            self._agents.send(self._call_id, event)
        else:
            action = self._caller_action(event)
            if self._input is None or self._input.done():
                raise ScenarioFailure(f"the IVR is not waiting for the caller ({event.kind})")
            self._input.set_result(action)
        return await self._settle()

    async def _hang_up(self, cause: str) -> None:
        """The caller hangs up."""
        assert self._call is not None
        await self._call.hang_up(cause)

    async def _settle(self) -> list[c.Command]:
        """Wait until the call waits again (for the caller, the agent or a queue) or is over."""
        assert self._settled is not None and self._handled is not None
        try:
            async with asyncio.timeout(self.timeout):
                await self._settled
                if self._ended:
                    await self._handled.wait()
        except TimeoutError:
            raise ScenarioFailure(
                f"the call over ESL did not come to a wait within {self.timeout:g} s"
            ) from None
        if self._errors:
            raise self._errors.pop(0)
        out, self._out = self._out, []
        return out

    def _signal(self) -> None:
        if self._settled is not None and not self._settled.done():
            self._settled.set_result(None)

    def _caller_action(self, event: e.Event) -> CallerAction:
        assert self._setup is not None
        if isinstance(event, e.Silence):
            return Silence()
        if isinstance(event, e.Digits):
            try:
                return Press(event.digits)
            except ValueError:
                raise ScenarioFailure(f'"{event.digits}" are not keys of a phone') from None
        if isinstance(event, e.AgentAnswer | e.TextAnswer):
            value = event.value if isinstance(event, e.AgentAnswer) else event.text
            ask = self._last_ask
            key = ivr_key(ask, value) if ask is not None and not isinstance(value, list) else None
            if key is None:
                keys = ", ".join(f"{k}={v}" for k, v in (ask.keys if ask else {}).items())
                raise ScenarioFailure(
                    f'the caller cannot answer "{value}" on the IVR: no key of the question'
                    f' "{ask.text if ask else "?"}" gives it (keys: {keys or "none"});'
                    ' write `When the caller presses "..."`'
                )
            return Press(key)
        if isinstance(event, e.HandlerInvoked):
            handler = next(
                (h for h in self._setup.graph.model.handlers if h.name == event.name), None
            )
            if handler is None or not handler.keys:
                raise ScenarioFailure(
                    f'the handler "{event.name}" has no key, so an IVR caller cannot reach it'
                )
            return Press(handler.keys[0])
        raise ScenarioFailure(f"an IVR caller cannot do {event.kind} (only keys and silence)")

    async def _teardown(self) -> None:
        server = self._server
        try:
            await self._end_call()
            if self._handled is not None and self._call_id is not None:
                async with asyncio.timeout(self.timeout):
                    await self._handled.wait()
        except (TimeoutError, ESLError) as error:
            raise ScenarioFailure(f"the call over ESL did not end cleanly: {error!r}") from None
        finally:
            if server is not None:
                await server.close()
            await self._close_switch()
            if self._store is not None:
                self._store.close()
            self._server = self._store = None

    async def _end_call(self) -> None:
        """Hang the call up if the scenario left it up, and wait until the switch is done."""
        call = self._call
        if call is not None and not call.done:
            if call.channel.is_up:
                await call.hang_up()
            await call.finished(self.timeout)

    async def _close_switch(self) -> None:
        if self._fs is not None:
            await self._fs.close()
        self._call = self._fs = None

    # -- hooks: the fake's caller, lookups, the call loop ----------------------------------------

    async def _caller_input(self) -> CallerAction:
        future: asyncio.Future[CallerAction] = asyncio.get_running_loop().create_future()
        self._input = future
        self._signal()
        try:
            return await future
        finally:
            self._input = None

    async def _queue_outcome(self, app: str) -> str:
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._outcome = future
        self._signal()
        try:
            return await future
        finally:
            self._outcome = None

    async def _lookup(self, request: c.HttpRequest) -> e.HttpResult | e.HttpFailed:
        assert self._setup is not None
        try:
            return lookup_answer(self._setup, request)
        except MissingLookup as error:
            self._errors.append(error)
            return e.HttpFailed(str(error))

    def issued(self, runner: CallRunner, commands: Any) -> None:
        self._call_id = runner.call_id
        self._state = runner.state
        self._out.extend(commands)
        for command in commands:
            if isinstance(command, c.Ask):
                self._last_ask = command

    def waiting(self, runner: CallRunner) -> None:
        self._state = runner.state
        self._signal()

    def ended(self, runner: CallRunner | None, report: CallReport) -> None:
        if runner is not None:
            self._state = runner.state
        self._ended = True
        self._signal()


register_driver("esl", EslDriver)
