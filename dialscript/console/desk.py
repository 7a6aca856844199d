"""The call desk: starts, resumes and advances calls for agents, journaling every step.

Each action goes through `CallRunner` (the journal commits the new state first);
then what the agent must now see is saved as the call's screen.  If the process
dies between the two, the screen is rebuilt from the journaled state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dialscript.console.db import ConsoleDB, Contact, User
from dialscript.console.flows import OPERATOR_INPUT, FlowLibrary
from dialscript.console.i18n import N_, Notice, NoticeError
from dialscript.graph.flowgraph import FlowGraph
from dialscript.graph.model import Question
from dialscript.runtime import commands as c
from dialscript.runtime import events as e
from dialscript.runtime.answers import Rejected, normalise_answer
from dialscript.runtime.machine import Machine
from dialscript.runtime.plan import plan_for
from dialscript.runtime.runner import CallRunner
from dialscript.runtime.state import CallState
from dialscript.runtime.store.sqlite import SqliteCallStore

__all__ = ["Action", "CallDesk", "DeskError"]

Screen = dict[str, Any]

NOT_REACHED = {"unreached": "NO_ANSWER", "inactive": "UNALLOCATED_NUMBER"}
"""The agent's actions for a call that did not reach the client, and their hangup causes."""

CALLBACK_OUTCOME = "callback"
"""A call ending with this outcome puts its contact among the agent's callbacks, with the
time agreed (the `callback_time` result or variable, as the client said it)."""


class DeskError(NoticeError):
    """The action cannot be done (the message is shown to the agent)."""


@dataclass(frozen=True, slots=True)
class Action:
    kind: str  # answer | handler | back | silence | hangup | unreached | inactive
    value: str | list[str] = ""


def _now() -> datetime:
    return datetime.now().astimezone().replace(microsecond=0)


def screen_of(commands: list[c.Command], keep: Screen | None = None) -> Screen:
    """What the agent sees after these commands: the lines to read, the question, the end."""
    lines: list[dict[str, str]] = []
    screen: Screen = {"lines": lines, "ask": None, "finished": None}
    for cmd in commands:
        if isinstance(cmd, c.Say):
            lines.append({"kind": "say", "text": cmd.text})
        elif isinstance(cmd, c.ShowNote):
            lines.append({"kind": "note", "text": cmd.text})
        elif isinstance(cmd, c.Play):
            lines.append({"kind": "play", "text": cmd.audio})
        elif isinstance(cmd, c.Notify):
            lines.append({"kind": "notify", "text": f"{cmd.channel} → {cmd.destination}"})
        elif isinstance(cmd, c.Ask):
            screen["ask"] = c.command_to_dict(cmd)
        elif isinstance(cmd, c.Finished):
            screen["finished"] = {"outcome": cmd.outcome, "reason": cmd.reason}
    if not lines and screen["ask"] is None and screen["finished"] is None and keep is not None:
        return keep  # nothing new to show (an ignored event)
    return screen


class CallDesk:
    def __init__(self, store: SqliteCallStore, db: ConsoleDB, flows: FlowLibrary,
                 *, claim_timeout: float = 900.0, attempts: int = 3,
                 retry_after: float = 3600.0) -> None:  # fmt: skip
        self.store = store
        self.db = db
        self.flows = flows
        self.claim_timeout = claim_timeout
        self.attempts = attempts  # calls to a contact nobody answers before it counts as unreached
        self.retry_after = retry_after  # seconds before an unanswered contact is called again

    # ------------------------------------------------------------ claims
    def claim(self, contact: Contact, user: User) -> None:
        if not self.db.claim(contact.id, user.name, now=_now().timestamp(),
                             timeout=self.claim_timeout):  # fmt: skip
            raise DeskError(N_("another agent is working this contact"))

    def open(self, contact: Contact, user: User) -> str:
        """Claim the contact and start its call, or go on with the call already begun."""
        self.claim(contact, user)
        if contact.call_id is not None:
            return contact.call_id
        graph = self.flows.get(contact.flow)
        if graph is None:
            raise DeskError(N_("the flow %(flow)s is not available"), flow=contact.flow)
        declared = {v.name for v in graph.model.variables if v.role == "input"}
        inputs: dict[str, Any] = {k: v for k, v in contact.fields.items() if k in declared}
        if OPERATOR_INPUT in declared:
            inputs[OPERATOR_INPUT] = user.name
        runner, commands = CallRunner.start(graph, self.store, inputs, now=_now(),
                                            external_id=f"contact:{contact.id}")  # fmt: skip
        self.db.set_call(contact.id, runner.call_id, user.name)
        self._after(runner, commands, contact, None)
        return runner.call_id

    # ------------------------------------------------------------ calls
    def graph_of(self, state: CallState) -> FlowGraph:
        graph = self.flows.by_hash(state.flow_hash)
        if graph is None:
            raise DeskError(N_("the version of the flow this call ran is not known"))
        return graph

    def runner(self, call_id: str) -> CallRunner:
        state = self.store.load_state(call_id)
        return CallRunner.resume(self.graph_of(state), self.store, call_id)

    def act(self, call_id: str, contact: Contact, user: User, action: Action) -> Notice | None:
        """Apply the agent's action; a validation message when the answer is not valid."""
        self.claim(contact, user)
        runner = self.runner(call_id)
        if runner.finished:
            raise DeskError(N_("the call is over"))
        current = self.screen(call_id, runner)
        if action.kind == "answer":
            problem = self._check(current, action.value, runner.state)
            if problem:
                return problem
            event: e.Event = e.AgentAnswer(action.value, at=_now())
        elif action.kind == "handler":
            event = e.HandlerInvoked(str(action.value), at=_now())
        elif action.kind == "back":
            event = e.Back(at=_now())
        elif action.kind == "silence":
            event = e.Silence(at=_now())
        elif action.kind == "hangup":
            event = e.Hangup("NORMAL_CLEARING", at=_now())
        elif action.kind in NOT_REACHED:
            if not unanswered(runner.state):
                raise DeskError(N_("the client has answered already: this call reached them"))
            commands = runner.feed(e.Hangup(NOT_REACHED[action.kind], at=_now()))
            self.db.save_screen(call_id, len(runner.state.trace), screen_of(commands, current))
            self.db.not_reached(contact, call_id, inactive=action.kind == "inactive",
                                now=_now().timestamp(), attempts=self.attempts,
                                retry_after=self.retry_after)  # fmt: skip
            return None
        else:
            raise DeskError(N_("unknown action %(action)s"), action=action.kind)
        commands = runner.feed(event)
        self._after(runner, commands, contact, current)
        return None

    def _check(self, screen: Screen, value: str | list[str], state: CallState) -> Notice | None:
        ask = screen.get("ask")
        if ask is None:
            return Notice(N_("no question is waiting for an answer"))
        if value == "" or value == []:
            return Notice(N_("give an answer first"))
        question = Question.model_validate(ask["question"])
        today = datetime.fromisoformat(state.clock).date()
        result = normalise_answer(question, value, via="agent", choices=question.choices,
                                  today=today)  # fmt: skip
        if isinstance(result, Rejected):
            reason = Notice(result.template or result.reason, **dict(result.params))
            return Notice(N_("not a valid answer: %(reason)s"), reason=reason)
        return None

    def _after(self, runner: CallRunner, commands: list[c.Command], contact: Contact,
               previous: Screen | None) -> None:  # fmt: skip
        screen = screen_of(commands, previous)
        self.db.save_screen(runner.call_id, len(runner.state.trace), screen)
        if runner.finished:
            state = runner.state
            callback = None
            if state.outcome == CALLBACK_OUTCOME:  # the client agreed to be called again
                when = state.results.get("callback_time") or state.vars.get("callback_time")
                callback = "" if when is None else str(when)
            self.db.release(contact.id, done=True, callback=callback)

    def screen(self, call_id: str, runner: CallRunner | None = None) -> Screen:
        """The saved screen, or one rebuilt from the journal when it is behind."""
        runner = runner or self.runner(call_id)
        saved = self.db.screen(call_id)
        state = runner.state
        if saved is not None and saved[0] == len(state.trace):
            return saved[1]
        return rebuild_screen(runner.graph, state)


def unanswered(state: CallState) -> bool:
    """Nothing came from the client yet (no answer, silence, handler or Back): the call may
    still turn out not to have reached them."""
    return all(entry.get("event") in (None, "start") for entry in state.trace)


def rebuild_screen(graph: FlowGraph, state: CallState) -> Screen:
    """The question the call waits on, asked afresh from the state (no lines to read)."""
    if state.finished:
        return {"lines": [], "ask": None,
                "finished": {"outcome": state.outcome, "reason": state.reason}}  # fmt: skip
    machine = Machine(plan_for(graph), state.copy(), None)
    np = machine.plan.nodes.get(state.node or "")
    if np is None or np.kind != "ask" or state.wait not in ("answer", "confirm"):
        return {"lines": [], "ask": None, "finished": None}
    silent, wrong = state.attempts.get(np.id, [0, 0])
    machine.ask(np, silent + wrong + 1)
    return screen_of(machine.out)
