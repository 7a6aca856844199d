"""1,000 concurrent survey calls through `serve-calls`' machinery against a fake FreeSWITCH.

Run: ``.venv/bin/python bench/esl.py [--calls 1000] [--time-scale 0.3] [--ramp 0]
[--think 1-4] [--ring 2-8] [--think-time-scale 1.0] [--profile both|lockstep|think]
[--seed 1]``.

Two profiles, each in a fresh process (its own RSS, GC and instrumentation), one
after the other; both print every figure below, then a summary puts them side by
side:

* "lockstep (think 0 s)": the worst case. Every scripted caller presses its keys
  the instant a prompt ends and every call is placed at once, so all calls run
  the same script with the same timing and each step's events reach the server as
  one burst of ``--calls``; the last of a burst waits for the whole burst.
* "callers think MIN-MAX s": each caller takes a seeded uniform ``--think`` time
  (simulated seconds; people press 1-4 s after a prompt ends) before each keyed
  answer, and each call rings a seeded ``--ring`` time before it is picked up and
  reaches the socket app (calls start over time). The ring spread is kept under a
  call's length so all ``--calls`` are still live at once (the peak is printed and
  a profile whose peak falls short says so). It runs at ``--think-time-scale``
  (default 1.0: real time, so 1-4 s of thinking takes 1-4 s and the server sees the
  step rate 1,000 real callers make); at the lockstep profile's 0.3 every caller
  acts 3.3x faster than a person, the load of ~3,300 real calls.

This process runs the OutboundServer + CallService (the NPS survey over ESL,
journaled to SQLite through the group-committing JournalWriter, with the GC
tuning of ``serve-calls``) pinned to one core (the journal's writer thread
included); the fake FreeSWITCH runs in ANOTHER PROCESS (multiprocessing, pinned
to another core when there is one) and places
every call at once. Each caller says yes, scores 5 and names a reason (three
questions, about 12 applications per call). Printed beside each other:

* calls/s over the whole batch, and the peak number of live calls;
* added latency per step: from the fake writing an application's
  CHANNEL_EXECUTE_COMPLETE to it reading our next ``sendmsg`` (decode, interpreter,
  journal commit, command build, both loopback hops), p50/p99. The first such
  interval of a call is its set-up (the handler starts: flow lookup, interpreter
  start, first journal row, then ``answer``); it is reported on its own line, and
  "per step" counts the steps after it (all intervals are printed too);
* pacing: ``--ramp S`` places the calls evenly over S seconds (a dialer's
  calls-per-second limit) instead of all at once; the calls still overlap (the
  peak number of live calls is printed). ``--ramp 0``, the default, is the old
  all-at-once start: every call then runs the same script with the same timing in
  lockstep, so each step's events reach the server as one burst;
* memory per live call: RSS growth of this process at the peak / live calls;
* baseline: a bare asyncio request/reply round trip on loopback, same run.

Loopback only; bounded (every wait has a timeout; both profiles well under 3 min).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing as mp
import os
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FLOWS = Path(__file__).resolve().parents[1] / "flows"
INPUTS = {
    "dialscript_flow": "nps_survey",
    "dialscript_channel": "ivr",  # an agent flow, driven here by keypad as an IVR
    "dialscript_input_client_name": "Иван",
    "dialscript_input_company": "ООО Ромашка",
    "dialscript_input_inn": "7701234567",
    "dialscript_input_office": "Самара",
    "dialscript_input_phone": "+79270000000",
    "dialscript_input_operator_name": "Ольга",
}


def _pin(core: int) -> None:
    with contextlib.suppress(AttributeError, OSError):
        cores = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cores[core % len(cores)]})


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass(frozen=True)
class Profile:
    """One run: how many calls, how they are paced, and how the callers behave."""

    label: str
    calls: int
    time_scale: float
    ramp: float
    think: tuple[float, float] = (0.0, 0.0)
    ring: tuple[float, float] = (0.0, 0.0)
    seed: int = 1


def parse_range(text: str) -> tuple[float, float]:
    """``"1-4"`` -> ``(1.0, 4.0)``; ``"2"`` -> ``(2.0, 2.0)`` (seconds, simulated)."""
    low, sep, high = text.partition("-")
    bounds = (float(low), float(high if sep else low))
    if not 0 <= bounds[0] <= bounds[1]:
        raise argparse.ArgumentTypeError(f"expected MIN-MAX seconds with 0 <= MIN <= MAX: {text}")
    return bounds


# ---------------------------------------------------------------- the fake, in its own process


def fake_process(address: tuple[str, int], profile: Profile, out: Any) -> None:
    _pin(1)
    out.put(asyncio.run(_fake_main(address, profile)))


async def _fake_main(address: tuple[str, int], profile: Profile) -> dict[str, Any]:
    from dialscript.testing.fake_freeswitch import FakeFreeSWITCH, Press, ScriptedCaller
    from dialscript.testing.fake_freeswitch.call import FakeCall

    latencies: list[float] = []
    setups: list[float] = []
    measured: set[int] = set()
    completed_at: dict[int, float] = {}
    original_complete = FakeCall._complete
    original_handle = FakeCall._handle

    async def timed_complete(self: FakeCall, run: Any) -> None:  # bench-only instrumentation
        await original_complete(self, run)
        completed_at[id(self)] = time.perf_counter()

    async def timed_handle(self: FakeCall, cmd: Any) -> None:
        if cmd.verb == "sendmsg":
            sent = completed_at.pop(id(self), None)
            if sent is not None:
                took = (time.perf_counter() - sent) * 1000
                if id(self) in measured:
                    latencies.append(took)
                else:  # the call's first interval: its set-up
                    measured.add(id(self))
                    setups.append(took)
        await original_handle(self, cmd)

    FakeCall._complete = timed_complete  # type: ignore[method-assign]
    FakeCall._handle = timed_handle  # type: ignore[method-assign]
    calls, ramp = profile.calls, profile.ramp
    async with FakeFreeSWITCH(time_scale=profile.time_scale) as fs:
        started = time.perf_counter()
        placed = []
        for i in range(calls):
            caller = ScriptedCaller(
                [Press("1"), Press("5#"), Press("3")],
                think=profile.think,
                ring=profile.ring,
                seed=profile.seed * 1_000_003 + i,  # one reproducible stream per caller
            )
            # place_call returns at once: the ring and the connect run in the call's task.
            placed.append(await fs.place_call(*address, caller=caller, variables=INPUTS))
            if ramp > 0:
                await asyncio.sleep(
                    max(0.0, started + ramp * (i + 1) / calls - time.perf_counter())
                )
            elif i % 50 == 49:
                await asyncio.sleep(0.005)  # let the accept backlog drain
        await asyncio.wait_for(asyncio.gather(*(c.finished(90.0) for c in placed)), 100.0)
        wall = time.perf_counter() - started
        failures = [c.warnings for c in placed if c.warnings]
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    return {"wall": wall, "latencies": latencies, "setups": setups, "failures": failures[:3],
            "calls": calls, "cpu": cpu.ru_utime + cpu.ru_stime}  # fmt: skip


# ---------------------------------------------------------------- baseline


async def baseline_round_trip(n: int = 3000) -> list[float]:
    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(4096):
            writer.write(data)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    host, port = server.sockets[0].getsockname()[:2]
    reader, writer = await asyncio.open_connection(host, port)
    samples = []
    payload = b"sendmsg\ncall-command: execute\n\n"
    for _ in range(n):
        t = time.perf_counter()
        writer.write(payload)
        await writer.drain()
        await asyncio.wait_for(reader.readexactly(len(payload)), 5.0)
        samples.append((time.perf_counter() - t) * 1000)
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()
    return samples


# ---------------------------------------------------------------- the server side (this process)


def _instrument_server() -> tuple[list[float], list[float]]:
    """Bench-only: stamp each CHANNEL_EXECUTE_COMPLETE as decoded, measure to the next sendmsg.

    Returns (steps, set-ups): a connection's first interval is its call set-up.
    """
    from dialscript.runtime.esl import ESLConnection

    inside: list[float] = []
    setups: list[float] = []
    measured: set[int] = set()
    stamps: dict[int, float] = {}
    on_event, send = ESLConnection._on_event, ESLConnection.send

    def timed_on_event(self: ESLConnection, event: Any) -> None:
        if event.name == "CHANNEL_EXECUTE_COMPLETE":
            stamps[id(self)] = time.perf_counter()
        on_event(self, event)

    async def timed_send(self: ESLConnection, data: bytes, *, timeout: float | None = None) -> Any:
        if data.startswith(b"sendmsg"):
            stamp = stamps.pop(id(self), None)
            if stamp is not None:
                took = (time.perf_counter() - stamp) * 1000
                if id(self) in measured:
                    inside.append(took)
                else:
                    measured.add(id(self))
                    setups.append(took)
        return await send(self, data, timeout=timeout)

    ESLConnection._on_event = timed_on_event  # type: ignore[method-assign]
    ESLConnection.send = timed_send  # type: ignore[method-assign]
    return inside, setups


def _line(label: str, values: list[float]) -> str:
    return (f"{label} (n={len(values)}): p50 {pct(values, 0.5):.3f} ms"
            f"  p99 {pct(values, 0.99):.3f} ms  max {max(values, default=0):.3f} ms")  # fmt: skip


async def run_profile(profile: Profile) -> dict[str, Any]:
    """This process is the server side of one profile; prints its section, returns figures."""
    from dialscript.runtime.channels import (
        UNUSED_EVENTS,
        CallService,
        FlowLibrary,
        JournalWriter,
        MemoryIntegrations,
    )
    from dialscript.runtime.channels.serve import tune_gc
    from dialscript.runtime.esl import OutboundServer

    calls, ramp = profile.calls, profile.ramp
    _pin(0)
    inside, inside_setups = _instrument_server()
    base = await baseline_round_trip()
    with tempfile.TemporaryDirectory() as tmp:
        store = JournalWriter(Path(tmp) / "calls.sqlite")  # the journal serve-calls uses
        library = FlowLibrary(FLOWS, env="test")
        library.get("nps_survey")  # compile before measuring
        tune_gc()  # as serve-calls does at start-up
        now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
        service = CallService(
            library, store=store, integrations=MemoryIntegrations(), clock=lambda: now
        )
        server = OutboundServer(  # as serve-calls builds it
            service, port=0, linger=1, reply_timeout=30.0, nix_events=UNUSED_EVENTS
        )
        await server.start()
        rss0 = _rss()
        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        out: Any = mp.get_context("spawn").Queue()
        proc = mp.get_context("spawn").Process(
            target=fake_process, args=(server.address, profile, out)
        )
        proc.start()
        peak_calls, peak_rss = 0, rss0
        result: dict[str, Any] | None = None
        deadline = time.monotonic() + 110
        while result is None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            if server.active_calls > peak_calls:
                peak_calls, peak_rss = server.active_calls, _rss()
            with contextlib.suppress(Exception):
                result = out.get_nowait()
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        proc.join(5)
        if proc.is_alive():
            proc.kill()
        await server.drain(5.0)
        records = store.results()
        store.close()
    if result is None:
        raise SystemExit("the fake FreeSWITCH did not report in time")
    lat: list[float] = result["latencies"]
    setups: list[float] = result["setups"]
    completed = sum(1 for r in records if r.outcome == "completed")
    print(f"\n=== {profile.label} ===")
    print(f"calls: {calls} (NPS survey over ESL, 3 questions), journaled completed: {completed}")
    pacing = (f"placed evenly over {ramp:g} s ({calls / ramp:.0f} calls/s)" if ramp > 0
              else "all placed at once")  # fmt: skip
    think, ring = profile.think, profile.ring
    callers = (f"think {think[0]:g}-{think[1]:g} s before each key press, pick up after"
               f" {ring[0]:g}-{ring[1]:g} s of ringing (seed {profile.seed})"
               if think[1] or ring[1] else "zero think time, no ringing (lockstep)")  # fmt: skip
    print(f"PACING: {pacing}; callers: {callers}")
    print(f"  fake time scale {profile.time_scale} (real s per simulated s)")
    print(f"wall: {result['wall']:.2f}s  calls/s: {calls / result['wall']:.0f}")
    short = "" if peak_calls >= calls else f"  (SHORT of {calls}: calls did not all overlap)"
    print(f"peak live calls: {peak_calls}{short}")
    print(_line("added latency per step, seen by the fake", lat))
    print(_line("  inside dialscript (event decoded -> next command written)", inside))
    print(_line("call set-up (first interval), seen by the fake", setups))
    print(_line("  inside dialscript", inside_setups))
    print(_line("all intervals, inside dialscript", inside + inside_setups))
    own = resource.getrusage(resource.RUSAGE_SELF)
    busy = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
    intervals = len(inside) + len(inside_setups)
    per_step = busy / max(intervals, 1) * 1000
    print(f"CPU seconds: dialscript {own.ru_utime + own.ru_stime:.2f}"
          f" ({busy:.2f} while the calls ran: {per_step:.3f} ms per step)"
          f"  fake FreeSWITCH {result['cpu']:.2f}  (wall {result['wall']:.2f})")  # fmt: skip
    print(f"baseline asyncio round trip (n={len(base)}): p50 {pct(base, 0.5):.3f} ms"
          f"  p99 {pct(base, 0.99):.3f} ms")  # fmt: skip
    per_call = (peak_rss - rss0) / max(peak_calls, 1)
    print(f"memory per live call: {per_call / 1024:.1f} KB (RSS +{(peak_rss - rss0) / 2**20:.1f}"
          f" MB at {peak_calls} live calls)")  # fmt: skip
    print(f"mean step latency {statistics.fmean(lat) if lat else float('nan'):.3f} ms;"
          f" fake warnings: {result['failures'] or 'none'}", flush=True)  # fmt: skip
    return {
        "label": profile.label, "scale": profile.time_scale,
        "calls_s": calls / result["wall"], "peak": peak_calls,
        "calls": calls, "completed": completed,
        "step": (pct(inside, 0.5), pct(inside, 0.99)),
        "setup": (pct(inside_setups, 0.5), pct(inside_setups, 0.99)),
        "fake": (pct(lat, 0.5), pct(lat, 0.99)),
        "cpu_step": per_step, "kb_call": per_call / 1024,
        "base": (pct(base, 0.5), pct(base, 0.99)),
    }  # fmt: skip


def profile_process(profile: Profile, out: Any) -> None:
    out.put(asyncio.run(run_profile(profile)))


def summary(rows: list[dict[str, Any]]) -> None:
    def pair(values: tuple[float, float]) -> str:
        return f"{values[0]:.3f} / {values[1]:.3f}"

    lines = [
        ("", [row["label"] for row in rows]),
        ("fake time scale", [f"{row['scale']:g}" for row in rows]),
        ("peak live calls", [f"{row['peak']} of {row['calls']}" for row in rows]),
        ("calls/s", [f"{row['calls_s']:.0f}" for row in rows]),
        ("per step inside dialscript p50/p99 ms", [pair(row["step"]) for row in rows]),
        ("set-up inside dialscript p50/p99 ms", [pair(row["setup"]) for row in rows]),
        ("per step seen by the fake p50/p99 ms", [pair(row["fake"]) for row in rows]),
        ("CPU per step ms", [f"{row['cpu_step']:.3f}" for row in rows]),
        ("memory per live call KB", [f"{row['kb_call']:.1f}" for row in rows]),
        ("asyncio round trip p50/p99 ms", [pair(row["base"]) for row in rows]),
    ]
    width = max(len(name) for name, _ in lines)
    cols = [max(len(line[1][i]) for line in lines) for i in range(len(rows))]
    print("\n=== summary (same machine, one invocation) ===")
    for name, cells in lines:
        print(
            f"{name:<{width}}  " + "  ".join(f"{c:>{w}}" for c, w in zip(cells, cols, strict=True))
        )


def main(args: argparse.Namespace) -> None:
    lockstep = Profile("lockstep (think 0 s)", args.calls, args.time_scale, args.ramp)
    low, high = args.think
    realistic = Profile(
        f"callers think {low:g}-{high:g} s", args.calls, args.think_time_scale, args.ramp,
        think=args.think, ring=args.ring, seed=args.seed,
    )  # fmt: skip
    chosen = {"both": [lockstep, realistic], "lockstep": [lockstep], "think": [realistic]}
    rows = []
    for profile in chosen[args.profile]:
        out: Any = mp.get_context("spawn").Queue()
        proc = mp.get_context("spawn").Process(target=profile_process, args=(profile, out))
        proc.start()
        try:
            rows.append(out.get(timeout=150))
        finally:
            proc.join(10)
            if proc.is_alive():
                proc.kill()
    summary(rows)
    sys.stdout.flush()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--time-scale", type=float, default=0.3,
                        help="real seconds per simulated second in the fake")  # fmt: skip
    parser.add_argument("--ramp", type=float, default=0.0,
                        help="place the calls evenly over S seconds (0: at once)")  # fmt: skip
    parser.add_argument("--think", type=parse_range, default=(1.0, 4.0), metavar="MIN-MAX",
                        help="realistic profile: caller think time before each key press,"
                        " simulated seconds (default 1-4)")  # fmt: skip
    parser.add_argument("--ring", type=parse_range, default=(2.0, 8.0), metavar="MIN-MAX",
                        help="realistic profile: ringing before pickup, simulated seconds"
                        " (default 2-8: one or two rings, under a call's length)")  # fmt: skip
    parser.add_argument("--think-time-scale", type=float, default=1.0,
                        help="realistic profile's time scale (default 1.0: real time)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1, help="seed of the callers' timings")
    parser.add_argument("--profile", choices=("both", "lockstep", "think"), default="both")
    main(parser.parse_args())
