"""The `switch` call driver: a scenario's call runs on a real FreeSWITCH.

`dialscript test --switch HOST:PORT` runs every scenario through the same
:class:`~dialscript.runtime.esl.OutboundServer` and
:class:`~dialscript.runtime.channels.CallService` as the `esl` driver, but the
call is a real one: the driver connects to the switch's inbound Event Socket,
originates a loopback call whose leg runs ``socket HOST:PORT async full`` into
the scenario's outbound server, and plays the caller on it
(:class:`~dialscript.testing.switch_caller.SwitchCaller`):

* a question waits for the caller once its ``play_and_get_digits`` runs: keys
  are sent with ``uuid_recv_dtmf`` while the prompt plays (they interrupt it),
  silence is the switch's own no-input timeout, hanging up is ``uuid_kill``;
* queues are real mod_fifo queues, one per scenario and queue name: the
  scenario's "transfer fails" is the caller leaving the queue by its exit key,
  a connected transfer is a consumer leg taking the caller;
* a voicemail (``record``) gets a short spoken message from the far end of the
  call, then the caller's terminator key.

Settings come from the environment (so pytest workers inherit them):
``DIALSCRIPT_SWITCH`` (``HOST:PORT`` of the Event Socket), ``DIALSCRIPT_SWITCH_PASSWORD``
(default ``ClueCon``), ``DIALSCRIPT_SWITCH_LISTEN`` (the address of this machine the
switch connects back to; default ``127.0.0.1``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import uuid as uuidlib
from dataclasses import dataclass

from dialscript.runtime.channels import ChannelConfig, LoadedFlow
from dialscript.runtime.esl import ESLError
from dialscript.testing.esl_driver import FAILED_OUTCOME, CallerAction, EslDriver, _ScenarioBindings
from dialscript.testing.fake_freeswitch import HangUp, Press, Silence
from dialscript.testing.scenarios.driver import CallSetup
from dialscript.testing.scenarios.world import ScenarioFailure
from dialscript.testing.switch_caller import AppRun, CallLine, SwitchCaller, parse_switch_address

__all__ = ["SwitchDriver", "SwitchSettings"]

SWITCH_VAR = "DIALSCRIPT_SWITCH"
PASSWORD_VAR = "DIALSCRIPT_SWITCH_PASSWORD"
LISTEN_VAR = "DIALSCRIPT_SWITCH_LISTEN"

QUEUE_APPS = ("fifo", "callcenter")
EXIT_KEY = "*"  # leaves a mod_fifo queue (fifo_caller_exit_key): the scenario's failed transfer
KEY_DELAY = 0.25  # s after a question starts: past its digit flush, inside its prompt
_scenarios = itertools.count(1)


@dataclass(frozen=True)
class SwitchSettings:
    """Which FreeSWITCH the scenarios call, and where it reaches the outbound server."""

    host: str
    port: int
    password: str = "ClueCon"
    listen: str = "127.0.0.1"

    @classmethod
    def from_environment(cls) -> SwitchSettings:
        address = os.environ.get(SWITCH_VAR, "")
        if not address:
            raise ScenarioFailure(
                f"the switch driver needs {SWITCH_VAR}=HOST:PORT (dialscript test --switch sets it)"
            )
        host, port = parse_switch_address(address)
        return cls(
            host,
            port,
            os.environ.get(PASSWORD_VAR) or "ClueCon",
            os.environ.get(LISTEN_VAR) or "127.0.0.1",
        )


@dataclass(frozen=True)
class _SwitchBindings(_ScenarioBindings):
    """Queues become this scenario's own mod_fifo queues, so concurrent scenarios never
    take each other's callers and the scenario decides each queue's outcome."""

    tag: str = ""

    def resolve(self, statement: str, name: str) -> str:
        if statement == "queue":
            return f"fifo:dsq_{self.tag}_{name}"
        return super().resolve(statement, name)


class SwitchDriver(EslDriver):
    """One scenario call on a real FreeSWITCH (see the module docstring)."""

    def __init__(self, settings: SwitchSettings | None = None, *, timeout: float = 60.0) -> None:
        super().__init__(timeout=timeout)
        self.settings = settings or SwitchSettings.from_environment()
        self.listen_host = self.settings.listen
        self.tag = f"{os.getpid()}_{next(_scenarios)}_{uuidlib.uuid4().hex[:6]}"
        self._caller: SwitchCaller | None = None
        self._line: CallLine | None = None
        self._player: asyncio.Task[None] | None = None

    @property
    def line(self) -> CallLine:
        """The call on the switch (the applications that ran, hangup cause), once started."""
        if self._line is None:
            raise RuntimeError("the call has not started")
        return self._line

    def _loaded_flow(self, setup: CallSetup) -> LoadedFlow:
        path = setup.graph.model.path
        base = _SwitchBindings.for_flow(path or ".", "test")
        bindings = _SwitchBindings(base.bindings, base.env, self.tag)
        return LoadedFlow(setup.graph, bindings, ChannelConfig.from_bindings(bindings))

    async def _place_call(self, host: str, port: int, variables: dict[str, str]) -> None:
        settings = self.settings
        caller = SwitchCaller(settings.host, settings.port, settings.password)
        try:
            await caller.__aenter__()
        except ESLError as error:
            raise ScenarioFailure(
                f"cannot reach FreeSWITCH at {settings.host}:{settings.port}: {error}"
            ) from None
        self._caller = caller
        variables = {**variables, "fifo_caller_exit_key": EXIT_KEY}
        try:
            self._line = await caller.call(host, port, variables)
        except ESLError as error:
            raise ScenarioFailure(f"FreeSWITCH did not place the call: {error}") from None
        self._player = asyncio.create_task(self._play_caller(self._line), name="switch-caller")

    async def _play_caller(self, line: CallLine) -> None:
        """Act as the person on the line, application by application."""
        index = 0
        try:
            while True:
                index, run = await line.next_app(index)
                index += 1
                if run.name == "play_and_get_digits":
                    await self._answer(line, run, await self._caller_input())
                elif run.name in QUEUE_APPS:
                    await self._queue(line, run, await self._queue_outcome(run.name))
                elif run.name == "record":
                    await self._leave_message(line, run)
        except LookupError:
            return  # the call is over
        except ESLError as error:
            self._errors.append(ScenarioFailure(f"the switch stopped answering: {error}"))
            self._signal()

    async def _answer(self, line: CallLine, run: AppRun, action: CallerAction) -> None:
        match action:
            case Press(digits=digits):
                await asyncio.sleep(KEY_DELAY)
                await line.press(digits)
            case HangUp(cause=cause):
                await line.hang_up(cause or "NORMAL_CLEARING")
            case Silence():
                pass
        await line.wait_done(run, self.timeout)

    async def _queue(self, line: CallLine, run: AppRun, outcome: str) -> None:
        if outcome == FAILED_OUTCOME:
            await line.press(EXIT_KEY)
        else:
            await self._take_from_queue(run)
        await line.wait_done(run, self.timeout)

    async def _take_from_queue(self, run: AppRun) -> None:
        """A consumer leg takes the caller from the fifo, then hangs up: the transfer connected."""
        assert self._caller is not None
        name = run.arg.split()[0]
        consumer = str(uuidlib.uuid4())
        await self._caller.client.bgapi(
            f"originate {{origination_uuid={consumer}}}loopback/park/default"
            f" '&fifo({name} out nowait)'",
            timeout=self.timeout,
        )

    async def _leave_message(self, line: CallLine, run: AppRun) -> None:
        """A voicemail: the caller waits a moment, then presses the recording's terminator."""
        await asyncio.sleep(1.0)
        keys = (run.start.variable("playback_terminators") if run.start else None) or "*"
        key = next((k for k in keys if k in "0123456789*#"), "*")  # FreeSWITCH's default is *
        with contextlib.suppress(ESLError):
            await line.press(key)
        await line.wait_done(run, self.timeout)

    async def _hang_up(self, cause: str) -> None:
        if self._line is not None:
            await self._line.hang_up(cause)

    async def _end_call(self) -> None:
        line = self._line
        if line is None:
            return
        await line.hang_up()
        try:
            await line.ended(self.timeout)
        except TimeoutError:
            raise ScenarioFailure("the call on the switch did not end after uuid_kill") from None

    async def _close_switch(self) -> None:
        player, self._player = self._player, None
        if player is not None:
            player.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await player
        if self._line is not None:
            await self._line.close()
        if self._caller is not None:
            await self._caller.__aexit__(None, None, None)
        self._line = self._caller = None
