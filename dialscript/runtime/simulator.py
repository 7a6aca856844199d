"""The simulator: runs a flow in the terminal or from a list of answers, printing a transcript.

It plays every channel role itself: shows what is said and asked, feeds the
answers (scripted or typed), answers lookups from a `LookupClient`, lets
transfers succeed (or fail when the script says `fail`), and journals the call
when given a store.  `dialscript run` is a thin shell over `Simulator`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dialscript.graph.flowgraph import FlowGraph
from dialscript.runtime import commands as c
from dialscript.runtime import events as e
from dialscript.runtime.interpreter import Channel, feed, start
from dialscript.runtime.lookups import CannedLookups, LookupClient
from dialscript.runtime.runner import CallRunner
from dialscript.runtime.state import CallState
from dialscript.runtime.store.base import CallStore

Reader = Callable[[str], str]
_KEYS = set("0123456789*#")


@dataclass
class Simulation:
    """What happened: the transcript lines and the call record."""

    state: CallState
    transcript: list[str] = field(default_factory=list)
    call_id: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    finished: c.Finished | None = None

    def record(self) -> dict[str, Any]:
        """The result record: inputs, typed results, outcome, the answers given."""
        st = self.state
        results = self.finished.results if self.finished else dict(st.results)
        return {
            "call_id": self.call_id,
            "flow": st.flow,
            "flow_hash": st.flow_hash,
            "channel": st.channel,
            "outcome": st.outcome,
            "reason": st.reason,
            "finished": st.finished,
            "results": results,
            "inputs": self.inputs,
            "warnings": [t["warning"] for t in st.trace if "warning" in t],
            "answers": [
                {k: a[k] for k in ("step", "var", "value", "raw", "superseded")} for a in st.answers
            ],
        }


def event_for(item: str, channel: Channel) -> e.Event:
    """One scripted answer: `silence`, `hangup`, `back`, `!handler`, `a|b` (many), or an answer."""
    word = item.strip()
    if word == "silence":
        return e.Silence()
    if word == "hangup":
        return e.Hangup("NORMAL_CLEARING")
    if word == "back":
        return e.Back()
    if word.startswith("!") and len(word) > 1:
        return e.HandlerInvoked(word[1:])
    if "|" in word:
        return e.AgentAnswer([p.strip() for p in word.split("|") if p.strip()])
    if channel == "ivr":
        return e.Digits(word) if word and set(word) <= _KEYS else e.TextAnswer(word)
    return e.AgentAnswer(word)


class Simulator:
    def __init__(
        self,
        graph: FlowGraph,
        *,
        inputs: Mapping[str, Any] | None = None,
        now: datetime,
        channel: Channel = "agent",
        language: str | None = None,
        lookups: LookupClient | None = None,
        store: CallStore | None = None,
        echo: Callable[[str], None] | None = None,
    ) -> None:
        self.graph = graph
        self.inputs = dict(inputs or {})
        self.now = now
        self.channel = channel
        self.language = language
        self.lookups = lookups or CannedLookups({})
        self.store = store
        self.echo = echo
        self._runner: CallRunner | None = None
        self._sim: Simulation | None = None
        self._pushback: str | None = None

    # ------------------------------------------------------------ driving
    def _start(self) -> list[c.Command]:
        if self.store is not None:
            self._runner, out = CallRunner.start(
                self.graph, self.store, self.inputs, now=self.now, channel=self.channel,
                language=self.language,
            )  # fmt: skip
            state = self._runner.state
        else:
            state, out = start(self.graph, self.inputs, now=self.now, channel=self.channel,
                               language=self.language)  # fmt: skip
        self._sim = Simulation(state, inputs=self.inputs,
                               call_id=self._runner.call_id if self._runner else None)  # fmt: skip
        return out

    @property
    def sim(self) -> Simulation:
        assert self._sim is not None, "the simulation has not started"
        return self._sim

    def _feed(self, event: e.Event) -> list[c.Command]:
        event = _stamped(event, self.now)
        if self._runner is not None:
            out = self._runner.feed(event)
            self.sim.state = self._runner.state
            return out
        self.sim.state, out = feed(self.graph, self.sim.state, event)
        return out

    def _show(self, line: str) -> None:
        self.sim.transcript.append(line)
        if self.echo is not None:
            self.echo(line)

    def _play(self, commands: list[c.Command], script: Iterator[str] | None) -> None:
        """Show commands; answer lookups and transfers at once (they need no person)."""
        pending = list(commands)
        while pending:
            command = pending.pop(0)
            self._show_command(command)
            if isinstance(command, c.HttpRequest):
                answer = self.lookups.fetch(command.source, command.args, command.timeout)
                self._show(f"  <- {command.source}: {_brief(answer)}")
                pending.extend(self._feed(answer))
            elif isinstance(command, c.Transfer | c.Queue | c.Bridge):
                ok = self._transfer_ok(script)
                self._show(f"  <- {command.kind} {'connected' if ok else 'failed'}")
                pending.extend(self._feed(e.TransferResult(ok, None if ok else "failed")))

    def _transfer_ok(self, script: Iterator[str] | None) -> bool:
        if script is None:
            return True
        peek = next(script, None)
        if peek is None:
            return True
        if peek.strip() in ("fail", "failed"):
            return False
        self._pushback = peek
        return True

    def _show_command(self, command: c.Command) -> None:
        self._show(format_command(command))
        if isinstance(command, c.Finished):
            self.sim.finished = command
        if isinstance(command, c.Ask):
            if command.options:
                self._show("    " + "  ".join(_option(o) for o in command.options))
            for hint in command.hints:
                self._show(f"    hint: {hint}")

    # ------------------------------------------------------------ modes
    def run_script(self, answers: list[str]) -> Simulation:
        """Unattended: feed the answers in order; a call still waiting at the end hangs up."""
        items = iter(answers)
        self._play(self._start(), items)
        while not self.sim.state.finished:
            item = self._pushback if self._pushback is not None else next(items, None)
            self._pushback = None
            if item is None:
                self._show("-- the script has no more answers: the caller hangs up")
                item = "hangup"
            event = event_for(item, self.channel)
            self._show(f"> {item}")
            self._play(self._feed(event), items)
        return self.sim

    def run_interactive(self, read: Reader) -> Simulation:
        """Prompt for each answer; `/handler NAME` or `!NAME`, `/handlers`, `back`, `silence`,
        `hangup`; Ctrl-C or end of input hang up (outcome breakoff)."""
        self._play(self._start(), None)
        names = [h.name for h in self.graph.model.handlers]
        while not self.sim.state.finished:
            try:
                line = read("> ").strip()
            except (KeyboardInterrupt, EOFError):
                self._show("-- interrupted: the caller hangs up")
                line = "hangup"
            if line in ("/handlers", "/help", "?"):
                self._show("handlers: " + (", ".join(f"!{n}" for n in names) or "none"))
                self._show("also: back, silence, hangup; many-of answers as a|b")
                continue
            if line.startswith("/handler "):
                line = "!" + line.split(None, 1)[1]
            self.sim.transcript.append(f"> {line}")
            self._play(self._feed(event_for(line, self.channel)), None)
        return self.sim


def _stamped(event: e.Event, now: datetime) -> e.Event:
    return event if event.at is not None else dataclasses.replace(event, at=now)


def _option(option: c.Option) -> str:
    key = f"[{option.key}] " if option.key else ""
    return f"{key}{option.label}" + (f" ({option.value})" if option.label != option.value else "")


def _brief(answer: e.HttpResult | e.HttpFailed) -> str:
    return f"failed: {answer.reason}" if isinstance(answer, e.HttpFailed) else str(answer.data)


def format_command(command: c.Command) -> str:
    """One transcript line per command."""
    match command:
        case c.Say():
            return f"say: {command.text}"
        case c.Play():
            return f"play: {command.audio}"
        case c.ShowNote():
            return f"note: {command.text}"
        case c.Ask():
            tag = "confirm" if command.confirmation else f"ask {command.var}"
            again = f" (attempt {command.attempt})" if command.attempt > 1 else ""
            return f"{tag}{again}: {command.text}"
        case c.Transfer() | c.Queue() | c.Bridge():
            return f"{command.kind}: {command.destination}"
        case c.Record():
            return f"record {command.var} (max {command.max_seconds:g}s): {command.reference}"
        case c.SendSms():
            return f"sms to {command.to}: {command.text}"
        case c.Notify():
            return (
                f"{command.channel} {command.destination}: {command.subject or ''} {command.fields}"
            )
        case c.HttpRequest():
            return f"lookup {command.var} from {command.source} {command.args}"
        case c.SetResult():
            return f"result {command.name} = {command.value!r}"
        case c.SetOutcome():
            return f"outcome {command.name}"
        case c.Hangup():
            return "hangup" + (f" ({command.cause})" if command.cause else "")
        case c.Finished():
            return f"finished: {command.outcome}" + (
                f" ({command.reason})" if command.reason else ""
            )
    raise TypeError(f"no transcript line for {type(command).__name__}")
