"""The fake's caller timing: think time before keys, ring delay before pickup (seeded)."""

from __future__ import annotations

import asyncio

import pytest

from dialscript.runtime.esl import CallSession
from dialscript.testing.fake_freeswitch import Press, ScriptedCaller, Silence

from .helpers import call_through, run


def draws(caller: ScriptedCaller, n: int = 50) -> tuple[float, list[float]]:
    return caller.ring_time(), [caller.think_time() for _ in range(n)]


def test_same_seed_same_timings_other_seed_other_timings() -> None:
    def make(seed: int) -> ScriptedCaller:
        return ScriptedCaller([Press("1")], think=(1.0, 4.0), ring=(3.0, 12.0), seed=seed)

    assert draws(make(7)) == draws(make(7))
    assert draws(make(7)) != draws(make(8))


def test_draws_stay_within_bounds_and_spread() -> None:
    caller = ScriptedCaller(think=(1.0, 4.0), ring=(2.0, 5.0), seed=3)
    rings = [caller.ring_time() for _ in range(500)]
    thinks = [caller.think_time() for _ in range(500)]
    assert all(2.0 <= r <= 5.0 for r in rings)
    assert all(1.0 <= t <= 4.0 for t in thinks)
    assert max(thinks) - min(thinks) > 2.5  # spread over the range, not one value
    fixed = ScriptedCaller(think=(2.0, 2.0), seed=1)
    assert {fixed.think_time() for _ in range(5)} == {2.0}


def test_default_is_lockstep_zero_and_bad_ranges_are_refused() -> None:
    caller = ScriptedCaller([Press("1")])
    assert caller.think == caller.ring == (0.0, 0.0)
    assert draws(caller, 5) == (0.0, [0.0] * 5)
    for bad in ((-1.0, 2.0), (3.0, 1.0)):
        with pytest.raises(ValueError, match="min_s"):
            ScriptedCaller(think=bad)
        with pytest.raises(ValueError, match="min_s"):
            ScriptedCaller(ring=bad)


async def _pagd_twice(session: CallSession) -> list[str | None]:
    await session.answer()
    first = await session.play_and_get_digits("ivr/menu.wav", tries=1)
    second = await session.play_and_get_digits("ivr/menu.wav", tries=1)
    await session.hangup()
    return [first, second]


def _timed_call(caller: ScriptedCaller, scale: float) -> tuple[float, list[str | None]]:
    async def go() -> tuple[float, list[str | None]]:
        start = asyncio.get_running_loop().time()
        call, outcome = await call_through(_pagd_twice, caller, fake={"time_scale": scale})
        assert outcome.error is None and call.warnings == []
        assert isinstance(outcome.value, list)
        return asyncio.get_running_loop().time() - start, outcome.value

    return run(go())


def test_think_and_ring_take_scaled_simulated_time_before_the_keys() -> None:
    scale = 0.02
    # Lockstep: two prompts of 0.5 s each, keys at once -> about 1 s simulated.
    plain, digits = _timed_call(ScriptedCaller([Press("1"), Press("2")]), scale)
    assert digits == ["1", "2"]
    timed = ScriptedCaller([Press("1"), Press("2")], think=(5.0, 5.0), ring=(10.0, 10.0))
    slow, digits = _timed_call(timed, scale)
    assert digits == ["1", "2"]
    # + 10 s ring + 2 x 5 s think = 20 s simulated more, i.e. 0.4 s real at this scale.
    assert slow - plain >= 20 * scale * 0.9


def test_silence_is_not_delayed_by_think_time() -> None:
    caller = ScriptedCaller([Silence(), Press("3")], think=(1.0, 1.0), seed=0)
    _, digits = _timed_call(caller, 0.0)
    assert digits == [None, "3"]
