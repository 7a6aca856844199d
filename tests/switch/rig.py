"""Calls on the real FreeSWITCH of the `real_switch` fixture, into a CallService on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from freeswitch_server import FreeSwitch  # tests/ is on sys.path (conftest)

from dialscript.runtime.channels import UNUSED_EVENTS, CallService, FlowLibrary, MemoryIntegrations
from dialscript.runtime.esl import OutboundServer
from dialscript.runtime.lookups import CannedLookups
from dialscript.runtime.store import SqliteCallStore
from dialscript.testing.switch_caller import SwitchCaller

FLOWS = Path(__file__).resolve().parents[2] / "flows"


def flow_variables(flow: str, inputs: dict[str, str] | None = None, **extra: str) -> dict[str, str]:
    out = {"dialscript_flow": flow, **extra}
    out.update({f"dialscript_input_{k}": v for k, v in (inputs or {}).items()})
    return out


@asynccontextmanager
async def switch_rig(
    fs: FreeSwitch,
    store: SqliteCallStore,
    *,
    folder: Path = FLOWS,
    lookups: dict[str, object] | None = None,
    port: int = 0,
) -> AsyncIterator[tuple[SwitchCaller, OutboundServer, MemoryIntegrations]]:
    """A CallService (env `test`) behind an OutboundServer, and a caller on the real switch."""
    integrations = MemoryIntegrations(CannedLookups(lookups or {}))
    service = CallService(FlowLibrary(folder, env="test"), store=store, integrations=integrations)
    async with OutboundServer(service, port=port, nix_events=UNUSED_EVENTS) as server:
        async with SwitchCaller(fs.esl_host, fs.esl_port, fs.password) as caller:
            yield caller, server, integrations
        for _ in range(500):
            if server.active_calls == 0:
                break
            await asyncio.sleep(0.01)
