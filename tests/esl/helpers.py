"""Small async harness: an OutboundServer and a FakeFreeSWITCH on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from dialscript.runtime.esl import CallSession, OutboundServer
from dialscript.testing.fake_freeswitch import FakeCall, FakeFreeSWITCH, Faults, ScriptedCaller

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T], timeout: float = 10.0) -> T:
    """Run ``coro`` in a fresh event loop with an overall deadline."""

    async def bounded() -> T:
        return await asyncio.wait_for(coro, timeout)

    return asyncio.run(bounded())


class Outcome:
    """What the handler saw: its return value or the exception it raised."""

    def __init__(self) -> None:
        self.value: object = None
        self.error: BaseException | None = None
        self.session: CallSession | None = None
        self.done = asyncio.Event()


async def call_through(
    handler: Callable[[CallSession], Awaitable[object]],
    caller: ScriptedCaller | None = None,
    *,
    faults: Faults | None = None,
    server: dict[str, Any] | None = None,
    place: dict[str, Any] | None = None,
    fake: dict[str, Any] | None = None,
) -> tuple[FakeCall, Outcome]:
    """Place one fake call into an OutboundServer running ``handler``; wait for both ends."""
    outcome = Outcome()

    async def wrapped(session: CallSession) -> None:
        outcome.session = session
        try:
            outcome.value = await handler(session)
        except BaseException as exc:
            outcome.error = exc
            raise
        finally:
            outcome.done.set()

    async with OutboundServer(wrapped, port=0, **(server or {})) as srv:
        async with FakeFreeSWITCH(**(fake or {})) as fs:
            host, port = srv.address
            call = await fs.place_call(
                host, port, caller=caller or ScriptedCaller(), faults=faults, **(place or {})
            )
            await call.finished(8.0)
            for _ in range(800):  # the server side winds down right after the fake
                if srv.active_calls == 0:
                    break
                await asyncio.sleep(0.01)
    return call, outcome
