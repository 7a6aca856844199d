"""1,000 concurrent survey calls through `serve-calls`' machinery against a fake FreeSWITCH.

Run: ``.venv/bin/python bench/esl.py [--calls 1000] [--time-scale 0.3] [--ramp 0]
[--think 1-4] [--ring 2-8] [--think-time-scale 1.0] [--profile both|lockstep|think]
[--seed 1] [--rounds 1] [--journal postgresql://...]``.

Two profiles of callers; each runs twice, in a fresh process each time (its own
RSS, GC and instrumentation): first against the floor, then against dialscript.
Every run prints the figures below; a summary puts them side by side.

* "callers think MIN-MAX s", the load of real callers: each caller takes a seeded
  uniform ``--think`` time (simulated seconds; people press 1-4 s after a prompt
  ends) before each keyed answer, and each call rings a seeded ``--ring`` time
  before it is picked up and reaches the socket app (calls start over time). The
  ring spread is kept under a call's length so all ``--calls`` are live at once
  (the peak is printed, and a run whose peak falls short says so). It runs at
  ``--think-time-scale`` (default 1.0: real time, so the server sees the step rate
  1,000 real callers make).
* "lockstep (think 0 s)", a stress case no real traffic makes: every caller
  presses its keys the instant a prompt ends and every call is placed at once,
  so all calls run the same script with the same timing and each step's events
  reach the server as ONE burst of ``--calls``: the last event of a burst waits
  for the whole burst's work (about 1,000 x 0.4 ms on one core), so its p99 is
  that burst, not the latency of a step. ``--time-scale`` 0.3 makes every caller
  act 3.3x faster than a person.

The server side runs in this process's child, pinned to the first core the bench
was started with (the journal's writer thread included): either dialscript (the
OutboundServer + CallService as ``serve-calls`` builds them, the NPS survey over
ESL, journaled to SQLite through the group-committing JournalWriter, with the GC
tuning of ``serve-calls``) or the floor, a bare asyncio responder (``esl_bare.py``)
that replays the commands dialscript sent for one such call and nothing else.
The fake FreeSWITCH runs in ANOTHER process, pinned to the next core, and is
GC-tuned too (it stands in for a C program). Each caller says yes, scores 5 and
names a reason (three questions, 11 applications per call). Printed:

* calls/s over the whole batch, and the peak number of live calls;
* ADDED LATENCY PER STEP, p50/p99: from the fake writing an application's
  CHANNEL_EXECUTE_COMPLETE to the server writing its next command, both stamped
  on the machine's monotonic clock and joined by Application-UUID: loopback,
  the server's wait for its loop, decoding, interpreter, journal hand-over and
  command building. The first such interval of a call is its set-up (flow lookup,
  interpreter start, first journal row, then ``answer``), reported on its own
  line; "per step" counts the ten after it. Below it, the part from the event
  being decoded to the command being written; and the round trip as the fake
  sees it, which adds the fake's own loop (a Python process as busy as ours);
* CPU per step, and the share of each core the hypervisor stole while the calls
  ran (from /proc/stat: on a shared virtual machine, time no process here got);
* pacing: ``--ramp S`` places the calls evenly over S seconds (a dialer's
  calls-per-second limit) instead of all at once;
* memory per live call: RSS growth of the server process at the peak / live calls;
* baseline: a bare asyncio request/reply round trip on loopback, same run.

``--rounds N`` repeats every (floor, dialscript) pair N times, to show the spread.
``--journal URL`` journals into that (empty) PostgreSQL database instead of a new
SQLite file, for one profile and one round.
Loopback only; bounded (every wait has a timeout; a round of both profiles takes
about a minute and a half).
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
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from esl_bare import BareResponder, capture_commands

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


def _pin(core: int, cores: tuple[int, ...]) -> None:
    """Pin this process to ``cores[core]``: the cores the bench was STARTED with (a child
    inherits its parent's pinning, so it cannot ask its own affinity)."""
    with contextlib.suppress(AttributeError, OSError):
        if cores:
            os.sched_setaffinity(0, {cores[core % len(cores)]})


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _cpu_ticks() -> dict[int, tuple[int, int]]:
    """Per core: (all ticks, ticks stolen by the hypervisor) from /proc/stat (Linux)."""
    ticks = {}
    with contextlib.suppress(OSError), open("/proc/stat") as stat:
        for line in stat:
            name, *fields = line.split()
            if name.startswith("cpu") and name[3:].isdigit():
                values = [int(v) for v in fields[:8]]
                ticks[int(name[3:])] = (sum(values), values[7] if len(values) > 7 else 0)
    return ticks


def steal_share(before: dict[int, tuple[int, int]], after: dict[int, tuple[int, int]],
                core: int) -> float:  # fmt: skip
    """Fraction of ``core``'s time the hypervisor ran something else (NaN if unknown)."""
    if core not in before or core not in after:
        return float("nan")
    total = after[core][0] - before[core][0]
    return (after[core][1] - before[core][1]) / total if total else float("nan")


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
    bare: bool = False  # serve the bare responder (the floor) instead of dialscript
    cores: tuple[int, ...] = ()  # the machine's cores: this side on the first, the fake on the next
    journal: str = ""  # a postgresql:// URL (an empty database) instead of a new SQLite file


def parse_range(text: str) -> tuple[float, float]:
    """``"1-4"`` -> ``(1.0, 4.0)``; ``"2"`` -> ``(2.0, 2.0)`` (seconds, simulated)."""
    low, sep, high = text.partition("-")
    bounds = (float(low), float(high if sep else low))
    if not 0 <= bounds[0] <= bounds[1]:
        raise argparse.ArgumentTypeError(f"expected MIN-MAX seconds with 0 <= MIN <= MAX: {text}")
    return bounds


# ---------------------------------------------------------------- the fake, in its own process


def fake_process(address: tuple[str, int], profile: Profile, out: Any) -> None:
    _pin(1, profile.cores)
    # The fake stands in for FreeSWITCH, a C program with no garbage collector: its own
    # collections would land in the intervals it measures, so it is tuned as serve-calls is.
    from dialscript.runtime.channels.serve import tune_gc

    tune_gc()
    out.put(asyncio.run(_fake_main(address, profile)))


async def _fake_main(address: tuple[str, int], profile: Profile) -> dict[str, Any]:
    from dialscript.testing.fake_freeswitch import FakeFreeSWITCH, Press, ScriptedCaller
    from dialscript.testing.fake_freeswitch.call import FakeCall

    latencies: list[float] = []
    measured: set[int] = set()
    completed_at: dict[int, float] = {}
    written: dict[str, float] = {}  # Application-UUID -> its CHANNEL_EXECUTE_COMPLETE written
    first_apps: set[str] = set()  # each call's first application: its set-up interval
    original_complete, original_send = FakeCall._complete, FakeCall._send
    original_handle = FakeCall._handle

    async def timed_complete(self: FakeCall, run: Any) -> None:  # bench-only instrumentation
        await original_complete(self, run)
        completed_at[id(self)] = time.perf_counter()
        if len(self.apps) == 1:
            first_apps.add(run.app_uuid)

    async def timed_send(self: FakeCall, data: bytes) -> None:
        # _send writes before its first await: the stamp is the event's write, give or take µs
        if b"\nEvent-Name: CHANNEL_EXECUTE_COMPLETE\n" in data:
            at = data.index(b"\nApplication-UUID: ") + len(b"\nApplication-UUID: ")
            written[data[at : data.index(b"\n", at)].decode()] = time.perf_counter()
        await original_send(self, data)

    async def timed_handle(self: FakeCall, cmd: Any) -> None:
        if cmd.verb == "sendmsg":
            sent = completed_at.pop(id(self), None)
            if sent is not None:
                took = (time.perf_counter() - sent) * 1000
                if id(self) in measured:
                    latencies.append(took)
                else:  # the call's first interval, its set-up, is not a step
                    measured.add(id(self))
        await original_handle(self, cmd)

    FakeCall._complete = timed_complete  # type: ignore[method-assign]
    FakeCall._send = timed_send  # type: ignore[method-assign]
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
    return {"wall": wall, "latencies": latencies, "failures": failures[:3],
            "written": written, "first_apps": first_apps,
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


def _instrument_server() -> tuple[list[float], list[float], dict[str, float]]:
    """Bench-only: stamp each CHANNEL_EXECUTE_COMPLETE as decoded, measure to the next sendmsg.

    Returns (steps, set-ups, sent): a connection's first interval is its call set-up;
    ``sent`` maps each completed application's UUID to when the next command was written.
    """
    from dialscript.runtime.esl import ESLConnection

    inside: list[float] = []
    setups: list[float] = []
    sent: dict[str, float] = {}
    measured: set[int] = set()
    stamps: dict[int, tuple[float, str]] = {}
    on_event, write = ESLConnection._on_event, ESLConnection._write

    def timed_on_event(self: ESLConnection, event: Any) -> None:
        if event.name == "CHANNEL_EXECUTE_COMPLETE":
            stamps[id(self)] = (time.perf_counter(), event.get("Application-UUID", ""))
        on_event(self, event)

    async def timed_write(self: ESLConnection, data: bytes) -> Any:  # every command goes here
        if data.startswith(b"sendmsg"):
            stamp = stamps.pop(id(self), None)
            if stamp is not None:
                now = time.perf_counter()
                sent[stamp[1]] = now
                took = (now - stamp[0]) * 1000
                if id(self) in measured:
                    inside.append(took)
                else:
                    measured.add(id(self))
                    setups.append(took)
        return await write(self, data)

    ESLConnection._on_event = timed_on_event  # type: ignore[method-assign]
    ESLConnection._write = timed_write  # type: ignore[method-assign]
    return inside, setups, sent


def _line(label: str, values: list[float]) -> str:
    return (f"{label} (n={len(values)}): p50 {pct(values, 0.5):.3f} ms"
            f"  p99 {pct(values, 0.99):.3f} ms  max {max(values, default=0):.3f} ms")  # fmt: skip


class _DialscriptSide:
    """The server under test: OutboundServer + CallService + JournalWriter, as serve-calls."""

    def __init__(self, tmp: str, journal: str = "") -> None:
        from dialscript.runtime.channels import (
            UNUSED_EVENTS,
            CallService,
            FlowLibrary,
            JournalWriter,
            MemoryIntegrations,
        )
        from dialscript.runtime.esl import OutboundServer

        # the journal serve-calls uses: a new SQLite file, or --journal (an empty database)
        self.store = JournalWriter(journal or Path(tmp) / "calls.sqlite")
        if self.store.results():
            self.store.close()
            raise SystemExit(f"--journal {journal} already holds calls: give an empty database")
        library = FlowLibrary(FLOWS, env="test")
        library.get("nps_survey")  # compile before measuring
        now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
        service = CallService(
            library, store=self.store, integrations=MemoryIntegrations(), clock=lambda: now
        )
        self.server = OutboundServer(  # as serve-calls builds it
            service, port=0, linger=1, reply_timeout=30.0, nix_events=UNUSED_EVENTS
        )

    async def start(self) -> tuple[str, int]:
        await self.server.start()
        return self.server.address

    def live(self) -> int:
        return self.server.active_calls

    async def stop(self) -> int:
        """Stop; how many calls the journal holds as completed."""
        await self.server.drain(5.0)
        records = self.store.results()
        self.store.close()
        return sum(1 for r in records if r.outcome == "completed")


class _BareSide:
    """The floor: :class:`esl_bare.BareResponder` replaying dialscript's commands."""

    def __init__(self, script: list[bytes], sent: dict[str, float]) -> None:
        self.script = script
        self.sent = sent
        self.sessions: list[BareResponder] = []
        self.server: asyncio.Server | None = None

    async def start(self) -> tuple[str, int]:
        def session() -> BareResponder:
            self.sessions.append(BareResponder(self.script, self.sent))
            return self.sessions[-1]

        self.server = await asyncio.get_running_loop().create_server(session, "127.0.0.1", 0)
        host, port = self.server.sockets[0].getsockname()[:2]
        return host, port

    def live(self) -> int:
        return sum(1 for s in self.sessions if s.transport and not s.transport.is_closing())

    async def stop(self) -> int:
        """Stop; how many connections got through the whole script."""
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()
        return sum(1 for s in self.sessions if s.next_index == len(self.script))


async def run_profile(profile: Profile, script: list[bytes]) -> dict[str, Any]:
    """This process is the server side of one profile; prints its section, returns figures."""
    from dialscript.runtime.channels.serve import tune_gc

    calls, ramp = profile.calls, profile.ramp
    _pin(0, profile.cores)
    inside, inside_setups, sent = _instrument_server()
    base = await baseline_round_trip()
    with tempfile.TemporaryDirectory() as tmp:
        side: _DialscriptSide | _BareSide = (
            _BareSide(script, sent) if profile.bare else _DialscriptSide(tmp, profile.journal)
        )
        tune_gc()  # as serve-calls does at start-up
        address = await side.start()
        rss0 = _rss()
        ticks0 = _cpu_ticks()
        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        out: Any = mp.get_context("spawn").Queue()
        proc = mp.get_context("spawn").Process(target=fake_process, args=(address, profile, out))
        proc.start()
        peak_calls, peak_rss = 0, rss0
        result: dict[str, Any] | None = None
        deadline = time.monotonic() + 110
        while result is None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            if side.live() > peak_calls:
                peak_calls, peak_rss = side.live(), _rss()
            with contextlib.suppress(Exception):
                result = out.get_nowait()
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        ticks1 = _cpu_ticks()
        proc.join(5)
        if proc.is_alive():
            proc.kill()
        completed = await side.stop()
    if result is None:
        raise SystemExit("the fake FreeSWITCH did not report in time")
    lat: list[float] = result["latencies"]
    written: dict[str, float] = result["written"]
    first: set[str] = result["first_apps"]
    # Both processes stamp with perf_counter (CLOCK_MONOTONIC: one clock for the machine).
    added = [
        (sent[app] - at) * 1000 for app, at in written.items() if app in sent and app not in first
    ]
    added_setups = [
        (sent[app] - at) * 1000 for app, at in written.items() if app in sent and app in first
    ]
    print(f"\n=== {profile.label} ===")
    served = "the bare responder (the floor)" if profile.bare else "dialscript (NPS survey)"
    done = "whole script" if profile.bare else "journaled completed"
    print(f"calls: {calls} served by {served}; {done}: {completed}")
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
    print(
        _line("ADDED LATENCY PER STEP (the fake writes the event -> next command written)", added)
    )
    if not profile.bare:
        print(_line("  of which inside dialscript (event decoded -> command written)", inside))
    print(_line("call set-up (first interval), added", added_setups))
    if not profile.bare:
        print(_line("  of which inside dialscript", inside_setups))
    print(_line("round trip seen by the fake (its own loop's lag included)", lat))
    cores = profile.cores or (0, 1)
    stolen = steal_share(ticks0, ticks1, cores[0])
    print(f"machine: the hypervisor stole {stolen:.1%} of this side's core (core {cores[0]})"
          f" and {steal_share(ticks0, ticks1, cores[1 % len(cores)]):.1%} of the fake's"
          " while the calls ran (time no process here could use)")  # fmt: skip
    own = resource.getrusage(resource.RUSAGE_SELF)
    busy = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
    intervals = len(added) + len(added_setups)
    per_step = busy / max(intervals, 1) * 1000
    print(f"CPU seconds: server {own.ru_utime + own.ru_stime:.2f}"
          f" ({busy:.2f} while the calls ran: {per_step:.3f} ms per step)"
          f"  fake FreeSWITCH {result['cpu']:.2f}  (wall {result['wall']:.2f})")  # fmt: skip
    print(f"baseline asyncio round trip (n={len(base)}): p50 {pct(base, 0.5):.3f} ms"
          f"  p99 {pct(base, 0.99):.3f} ms")  # fmt: skip
    per_call = (peak_rss - rss0) / max(peak_calls, 1)
    print(f"memory per live call: {per_call / 1024:.1f} KB (RSS +{(peak_rss - rss0) / 2**20:.1f}"
          f" MB at {peak_calls} live calls)")  # fmt: skip
    print(f"mean added step latency {statistics.fmean(added) if added else float('nan'):.3f} ms;"
          f" fake warnings: {result['failures'] or 'none'}", flush=True)  # fmt: skip
    return {
        "label": profile.label, "scale": profile.time_scale, "bare": profile.bare,
        "calls_s": calls / result["wall"], "peak": peak_calls,
        "calls": calls, "completed": completed,
        "added": (pct(added, 0.5), pct(added, 0.99)),
        "added_setup": (pct(added_setups, 0.5), pct(added_setups, 0.99)),
        "step": (pct(inside, 0.5), pct(inside, 0.99)),
        "fake": (pct(lat, 0.5), pct(lat, 0.99)),
        "cpu_step": per_step, "kb_call": per_call / 1024,
        "base": (pct(base, 0.5), pct(base, 0.99)), "steal": stolen,
    }  # fmt: skip


def profile_process(profile: Profile, script: list[bytes], out: Any) -> None:
    out.put(asyncio.run(run_profile(profile, script)))


def _verdict(row: dict[str, Any]) -> str:
    if row["bare"]:
        return "(floor)"
    return "yes" if row["added"][1] < 5.0 else "NO"


def summary(rows: list[dict[str, Any]]) -> None:
    def pair(values: tuple[float, float]) -> str:
        if values[0] != values[0]:  # NaN: not measured on this side (the floor)
            return "-"
        return f"{values[0]:.3f} / {values[1]:.3f}"

    lines = [
        ("", [row["label"] for row in rows]),
        ("fake time scale", [f"{row['scale']:g}" for row in rows]),
        ("peak live calls", [f"{row['peak']} of {row['calls']}" for row in rows]),
        ("calls/s", [f"{row['calls_s']:.0f}" for row in rows]),
        ("ADDED LATENCY PER STEP p50/p99 ms", [pair(row["added"]) for row in rows]),
        ("  p99 under the 5 ms target", [_verdict(row) for row in rows]),
        ("  inside dialscript p50/p99 ms", [pair(row["step"]) for row in rows]),
        ("set-up, added p50/p99 ms", [pair(row["added_setup"]) for row in rows]),
        ("round trip seen by the fake p50/p99 ms", [pair(row["fake"]) for row in rows]),
        ("CPU per step ms", [f"{row['cpu_step']:.3f}" for row in rows]),
        ("core stolen by the hypervisor", [f"{row['steal']:.1%}" for row in rows]),
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
    try:
        cores = tuple(sorted(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux: no pinning
        cores = ()
    lockstep = Profile("lockstep (think 0 s)", args.calls, args.time_scale, args.ramp, cores=cores)
    low, high = args.think
    realistic = Profile(
        f"callers think {low:g}-{high:g} s", args.calls, args.think_time_scale, args.ramp,
        think=args.think, ring=args.ring, seed=args.seed, cores=cores,
    )  # fmt: skip
    if args.journal:
        if args.profile == "both" or args.rounds > 1:
            raise SystemExit("--journal: one profile, one round (the database must start empty)")
        lockstep, realistic = (replace(p, journal=args.journal) for p in (lockstep, realistic))
    chosen = {"both": [lockstep, realistic], "lockstep": [lockstep], "think": [realistic]}
    script = asyncio.run(capture_commands(FLOWS, INPUTS))
    runs = []
    for profile in chosen[args.profile]:
        floor = replace(profile, label=f"{profile.label}, bare responder", bare=True)
        for round_ in range(args.rounds):
            suffix = f" #{round_ + 1}" if args.rounds > 1 else ""
            runs += [replace(floor, label=floor.label + suffix),
                     replace(profile, label=profile.label + suffix)]  # fmt: skip
    rows = []
    for profile in runs:
        out: Any = mp.get_context("spawn").Queue()
        proc = mp.get_context("spawn").Process(target=profile_process, args=(profile, script, out))
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
    parser.add_argument("--journal", default="", metavar="URL",
                        help="journal into this empty PostgreSQL database instead of a new"
                        " SQLite file (one profile, one round)")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=1,
                        help="run each profile N times (the floor, then dialscript)")  # fmt: skip
    main(parser.parse_args())
