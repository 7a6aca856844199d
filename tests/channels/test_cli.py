"""`dialscript serve-calls` and `dialscript call` against the fake FreeSWITCH."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from dialscript.cli.main import main
from dialscript.runtime.channels import MemoryIntegrations
from dialscript.runtime.channels.serve import ServeOptions, serve_calls
from dialscript.runtime.store import SqliteCallStore
from dialscript.testing.fake_freeswitch import FakeFreeSWITCH, Press, ScriptedCaller, Silence

from .harness import FLOWS, OPEN, run

ROOT = Path(__file__).resolve().parents[2]


async def _serving(tmp_path: Path, body: object) -> None:
    stop = asyncio.Event()
    ready: asyncio.Future[tuple[str, int]] = asyncio.get_running_loop().create_future()
    options = ServeOptions(flows=FLOWS, journal=tmp_path / "calls.sqlite", port=0, env="test",
                           drain_timeout=5.0)  # fmt: skip
    server = asyncio.create_task(
        serve_calls(
            options,
            stop=stop,
            integrations=MemoryIntegrations(),
            clock=lambda: OPEN,
            ready=ready.set_result,
        )  # fmt: skip
    )
    try:
        address = await asyncio.wait_for(ready, 5.0)
        await body(address, stop)  # type: ignore[operator]
    finally:
        stop.set()
        assert await asyncio.wait_for(server, 10.0) == 0


def test_dialscript_call_through_the_fake_inbound_side(tmp_path: Path, capsys: object) -> None:
    async def body(address: tuple[str, int], stop: asyncio.Event) -> None:
        async with FakeFreeSWITCH() as fs:
            fs.expect_originate(ScriptedCaller([Press("2"), Press("2")]))
            host, port = fs.inbound_address
            argv = ["call", "+8613800000000", "--flow", "support_ivr",
                    "--inbound", f"{host}:{port}", "--password", "ClueCon",
                    "--socket", f"{address[0]}:{address[1]}", "--input", "caller=+8613800000000",
                    "--gateway", "sofia/gateway/gw1"]  # fmt: skip
            code = await asyncio.to_thread(main, argv)
            assert code == 0
            call = fs.calls[0]
            await call.finished(10.0)
            assert call.channel.destination_number == "+8613800000000"
            assert [a.arg for a in call.apps if a.name == "callcenter"] == ["tech_support@test"]

    run(_serving(tmp_path, body))
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    store = SqliteCallStore(tmp_path / "calls.sqlite")
    [record] = store.results()
    assert record.outcome == "to_agent" and record.inputs == {"caller": "+8613800000000"}
    assert store.get_call(record.call_id).external_id == out.strip()


def test_dialscript_call_reports_a_busy_number(tmp_path: Path, capsys: object) -> None:
    async def body(address: tuple[str, int], stop: asyncio.Event) -> None:
        async with FakeFreeSWITCH() as fs:
            fs.expect_originate(ScriptedCaller(originate_result="USER_BUSY"))
            host, port = fs.inbound_address
            argv = ["call", "1000", "--flow", "support_ivr", "--inbound", f"{host}:{port}",
                    "--socket", f"{address[0]}:{address[1]}"]  # fmt: skip
            assert await asyncio.to_thread(main, argv) == 1

    run(_serving(tmp_path, body))
    assert "USER_BUSY" in capsys.readouterr().err  # type: ignore[attr-defined]


def test_shutdown_lets_a_live_call_finish(tmp_path: Path) -> None:
    async def body(address: tuple[str, int], stop: asyncio.Event) -> None:
        async with FakeFreeSWITCH(time_scale=0.02) as fs:
            caller = ScriptedCaller([Press("1"), Press("2"), Silence()])
            call = await fs.place_call(*address, caller=caller,
                                       variables={"dialscript_flow": "support_ivr"})  # fmt: skip
            await asyncio.wait_for(call.connected.wait(), 5.0)
            stop.set()  # SIGTERM while the call is live: no new calls, this one drains
            await call.finished(10.0)
            assert call.hangup_cause == "NORMAL_CLEARING"

    run(_serving(tmp_path, body))
    store = SqliteCallStore(tmp_path / "calls.sqlite")
    [record] = store.results()
    assert store.get_call(record.call_id).finished
    assert record.outcome == "self_service"


def test_sigterm_stops_the_server(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "dialscript.cli.main", "serve-calls", "--listen",
            "127.0.0.1:0", "--flows", str(FLOWS), "--journal", str(tmp_path / "j.sqlite"),
            "--env", "test"]  # fmt: skip
    with subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, env=env) as proc:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "listening on 127.0.0.1:" in line
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
