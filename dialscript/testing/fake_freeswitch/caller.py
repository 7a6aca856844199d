"""The scripted caller on the far end of a fake call, and the fault modes of the fake.

Actions are consumed in order. Input applications (``play_and_get_digits``,
``read``) take one action per try: :class:`Press` sends DTMF, :class:`Silence`
lets the try time out. :class:`Talk` is consumed by ``record``. A
:class:`HangUp` is consumed at the next prompt that waits for the caller (an
input try or a recording), so ``[Press("1"), HangUp()]`` answers one menu and
hangs up at the next. :class:`HangUpDuring` fires on the N-th start of a given
application (any app if ``app`` is ``None``) wherever it sits in the list.

A live caller (a scenario driver) passes ``on_input``: once the script is spent,
each input try awaits it for the caller's reaction, step by step; ``on_outcome``
likewise decides, when a ``bridge`` or queue starts, what it meets.

Timing (simulated seconds, scaled by the fake's ``time_scale`` like every prompt):
by default a caller reacts the instant a prompt has played and the call reaches the
socket app at once, so callers running the same script stay in lockstep. ``think``
``(min_s, max_s)`` makes the caller take a uniform random time in that range after
each prompt before its keys (a person presses 1-4 s after a prompt ends); ``ring``
``(min_s, max_s)`` delays the pickup of the call (a few rings) before the ``socket``
app dials in. Both draw from one ``random.Random(seed)`` per caller: ring first,
then one think time per keyed answer, so a seed gives the same timings every run.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

__all__ = [
    "Action",
    "Faults",
    "HangUp",
    "HangUpDuring",
    "InputHook",
    "OutcomeHook",
    "Press",
    "ScriptedCaller",
    "Silence",
    "Talk",
]


@dataclass(frozen=True, slots=True)
class Press:
    """Press DTMF keys (``"123#"``) at the next input prompt."""

    digits: str

    def __post_init__(self) -> None:
        if not self.digits or any(c not in "0123456789*#ABCD" for c in self.digits):
            raise ValueError(f"not DTMF digits: {self.digits!r}")


@dataclass(frozen=True, slots=True)
class Silence:
    """Say nothing at the next input prompt (that try times out)."""


@dataclass(frozen=True, slots=True)
class Talk:
    """Speak for ``seconds`` into the next ``record``."""

    seconds: float = 3.0


@dataclass(frozen=True, slots=True)
class HangUp:
    """Hang up at the next prompt that waits for the caller (input or recording)."""

    cause: str = "NORMAL_CLEARING"


@dataclass(frozen=True, slots=True)
class HangUpDuring:
    """Hang up when ``app`` (any app if ``None``) starts for the ``occurrence``-th time."""

    app: str | None = None
    occurrence: int = 1
    cause: str = "NORMAL_CLEARING"


Action = Press | Silence | Talk | HangUp | HangUpDuring
InputHook = Callable[[], Awaitable[Press | Silence | HangUp]]
"""Awaited for the caller's reaction to an input try once the script is spent."""
OutcomeHook = Callable[[str], Awaitable[str]]
"""Awaited with the app name (``bridge``, ``callcenter``, ``fifo``) for what it meets."""


class ScriptedCaller:
    """A caller that follows a script; see the module docstring for the rules.

    ``bridge_outcome`` is what a ``bridge`` meets: ``"answer"`` or a hangup
    cause such as ``"USER_BUSY"``. ``answer_originate`` controls whether an
    ``originate`` placed through the inbound side is answered. ``on_input`` and
    ``on_outcome`` make the caller live (see the module docstring). ``think`` and
    ``ring`` are ``(min_s, max_s)`` ranges of simulated seconds drawn from
    ``random.Random(seed)`` (see the module docstring); ``(0, 0)``, the default,
    draws nothing and keeps the lockstep timing.
    """

    def __init__(
        self,
        actions: Iterable[Action] = (),
        *,
        bridge_outcome: str = "answer",
        originate_result: str = "answer",
        on_input: InputHook | None = None,
        on_outcome: OutcomeHook | None = None,
        think: tuple[float, float] = (0.0, 0.0),
        ring: tuple[float, float] = (0.0, 0.0),
        seed: int | None = None,
    ) -> None:
        self.think = _delay_range("think", think)
        self.ring = _delay_range("ring", ring)
        self._rng = random.Random(seed)
        self._queue: deque[Action] = deque()
        self._triggers: list[HangUpDuring] = []
        for action in actions:
            if isinstance(action, HangUpDuring):
                self._triggers.append(action)
            else:
                self._queue.append(action)
        self.bridge_outcome = bridge_outcome
        self.originate_result = originate_result
        self.on_input = on_input
        self.on_outcome = on_outcome
        self._starts: dict[str | None, int] = {}

    def _draw(self, bounds: tuple[float, float]) -> float:
        low, high = bounds
        return self._rng.uniform(low, high) if high > 0 else 0.0

    def ring_time(self) -> float:
        """Simulated seconds the call rings before it is picked up (drawn once per call)."""
        return self._draw(self.ring)

    def think_time(self) -> float:
        """Simulated seconds before the caller keys its next answer (a fresh draw each time)."""
        return self._draw(self.think)

    @property
    def remaining(self) -> list[Action]:
        """Actions not consumed yet."""
        return list(self._queue)

    def on_app_start(self, app: str) -> str | None:
        """Called when an app starts: the hangup cause if the caller hangs up now."""
        for key in (app, None):
            self._starts[key] = self._starts.get(key, 0) + 1
        for trigger in self._triggers:
            if self._starts.get(trigger.app, 0) == trigger.occurrence:
                self._triggers.remove(trigger)
                return trigger.cause
        return None

    def next_input(self) -> Press | Silence | HangUp:
        """The caller's reaction to one input prompt (silence once the script is spent)."""
        while self._queue:
            head = self._queue[0]
            if isinstance(head, Talk):
                self._queue.popleft()
                continue
            if isinstance(head, HangUp):
                self._queue.popleft()
                return head
            assert isinstance(head, Press | Silence)
            self._queue.popleft()
            return head
        return Silence()

    async def input(self) -> Press | Silence | HangUp:
        """The reaction to one input try: the script first, then ``on_input``, else silence."""
        if self.on_input is not None and not any(
            isinstance(a, Press | Silence | HangUp) for a in self._queue
        ):
            return await self.on_input()
        return self.next_input()

    async def outcome(self, app: str) -> str:
        """What a ``bridge`` / queue app meets: ``on_outcome(app)``, else ``bridge_outcome``."""
        if self.on_outcome is not None:
            return await self.on_outcome(app)
        return self.bridge_outcome

    def next_talk(self) -> Talk | HangUp | None:
        """What the caller does into a recording (``None``: silence)."""
        head = self._queue[0] if self._queue else None
        if isinstance(head, Talk | HangUp):
            self._queue.popleft()
            return head
        return None


def _delay_range(name: str, bounds: tuple[float, float]) -> tuple[float, float]:
    low, high = (float(b) for b in bounds)
    if not 0.0 <= low <= high:
        raise ValueError(f"{name} must be (min_s, max_s) with 0 <= min_s <= max_s, not {bounds!r}")
    return low, high


@dataclass(frozen=True, slots=True)
class Faults:
    """Misbehaviour to inject into a fake call.

    * ``fragment_writes``: write every frame in random 1-7 byte pieces.
    * ``drop_during_app``: abort the TCP connection when the N-th app (1-based) starts.
    * ``slow_reader``: seconds to sleep between small reads of the app's commands.
    * ``park_before_reply``: emit CHANNEL_PARK just before the reply to the command
      following ``myevents`` (an event queued earlier arrives before a reply).
    * ``seed``: random seed for fragmentation.
    """

    fragment_writes: bool = False
    drop_during_app: int | None = None
    slow_reader: float = 0.0
    park_before_reply: bool = True
    seed: int = 0
