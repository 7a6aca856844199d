"""Loopback harness: a CallService behind an OutboundServer, calls placed by the fake FreeSWITCH."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from dialscript.runtime.channels import (
    UNUSED_EVENTS,
    CallService,
    FlowLibrary,
    Integrations,
    MemoryIntegrations,
)
from dialscript.runtime.esl import OutboundServer
from dialscript.runtime.lookups import CannedLookups
from dialscript.runtime.store import SqliteCallStore
from dialscript.runtime.store.base import CallRecord, CallStore
from dialscript.testing.fake_freeswitch import FakeCall, FakeFreeSWITCH, Faults, ScriptedCaller

FLOWS = Path(__file__).resolve().parents[2] / "flows"
# A Monday morning in Shanghai: support_ivr's support_hours are open.
OPEN = datetime(2026, 11, 23, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
NPS_INPUTS = {
    "client_name": "Иван",
    "company": "ООО Ромашка",
    "inn": "7701234567",
    "office": "Самара",
    "phone": "+79270000000",
    "operator_name": "Ольга",
}

# The NPS survey is an agent flow; these tests drive it by keypad, as an IVR.
AS_IVR = {"dialscript_channel": "ivr"}

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T], timeout: float = 20.0) -> T:
    async def bounded() -> T:
        async with asyncio.timeout(timeout):  # no extra task, unlike wait_for
            return await coro

    return asyncio.run(bounded())


@dataclass
class Rig:
    store: SqliteCallStore
    integrations: MemoryIntegrations
    calls: list[FakeCall] = field(default_factory=list)

    def record(self, call: FakeCall) -> CallRecord:
        """The journaled call whose external id is the fake call's UUID."""
        for record in self.store.results():
            full = self.store.get_call(record.call_id)
            if full.external_id == call.uuid:
                return full
        raise AssertionError(f"no journaled call for {call.uuid}")


def variables(flow: str, inputs: dict[str, str] | None = None, **extra: str) -> dict[str, str]:
    out = {"dialscript_flow": flow, **extra}
    out.update({f"dialscript_input_{k}": v for k, v in (inputs or {}).items()})
    return out


@asynccontextmanager
async def serving(
    store: CallStore,
    integrations: Integrations | None = None,
    *,
    folder: Path = FLOWS,
    allowed: tuple[str, ...] = ("127.0.0.1/32",),
) -> AsyncIterator[OutboundServer]:
    """An outbound server running ``folder``'s flows on ``store``; on leaving, its calls'
    handlers are given up to two seconds to finish (they end right after the sockets close)."""
    service = CallService(
        FlowLibrary(folder, env="test"),
        store=store,
        integrations=integrations or MemoryIntegrations(),
        clock=lambda: OPEN,
    )
    async with OutboundServer(
        service, port=0, allowed_peers=allowed, nix_events=UNUSED_EVENTS
    ) as server:
        yield server
        for _ in range(200):
            if server.active_calls == 0:
                break
            await asyncio.sleep(0.01)


async def place(
    rig: Rig,
    flow: str,
    caller: ScriptedCaller,
    *,
    inputs: dict[str, str] | None = None,
    faults: Faults | None = None,
    allowed: tuple[str, ...] = ("127.0.0.1/32",),
    folder: Path = FLOWS,
    extra_vars: dict[str, str] | None = None,
    sounds: tuple[str, ...] | None = None,
) -> FakeCall:
    """One call of ``flow`` end to end; returns the finished fake call."""
    async with serving(rig.store, rig.integrations, folder=folder, allowed=allowed) as server:
        async with FakeFreeSWITCH(sounds=sounds) as fs:
            host, port = server.address
            call = await fs.place_call(
                host,
                port,
                caller=caller,
                variables={**variables(flow, inputs), **(extra_vars or {})},
                faults=faults,
            )
            await call.finished(10.0)
    rig.calls.append(call)
    return call


def new_rig(tmp_path: Path, lookups: dict[str, Any] | None = None) -> Rig:
    return Rig(
        SqliteCallStore(tmp_path / "calls.sqlite"),
        MemoryIntegrations(CannedLookups(lookups or {})),
    )
