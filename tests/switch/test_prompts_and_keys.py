"""Questions on the real switch: their prompts are spoken, and keyed answers are taken."""

from __future__ import annotations

import asyncio
from pathlib import Path

from freeswitch_server import FreeSwitch

from dialscript.runtime.store import SqliteCallStore

from .rig import flow_variables, switch_rig

CALLER = {"caller": "+8613800000000"}


def test_questions_are_spoken_and_keys_without_hash_are_answers(
    real_switch: FreeSwitch, tmp_path: Path
) -> None:
    store = SqliteCallStore(tmp_path / "calls.sqlite")

    async def scenario() -> None:
        lookups = {"billing_balance": {"amount": "42.50"}}
        async with switch_rig(real_switch, store, lookups=lookups) as (caller, server, _):
            host, port = server.address
            line = await caller.call(
                host, port, flow_variables("support_ivr", CALLER, dialscript_language="zh")
            )
            seen = 0
            for keys in ("1", "1", "12345678"):  # the account number without its "#"
                run = await line.wait_for("play_and_get_digits", after=seen)
                seen = line.apps.index(run) + 1
                await asyncio.sleep(0.3)  # into the spoken prompt: the key interrupts it
                await line.press(keys)
                await line.wait_done(run)
                assert run.variable("read_result") in ("success", "timeout")
            rating = await line.wait_for("play_and_get_digits", after=seen)
            await line.press("5")
            await line.wait_done(rating)
            await line.ended(30)
            # the prompt is spoken text, the voice the language's own
            assert "'say:请对本次服务进行评价" in rating.arg
            assert rating.variable("tts_engine") == "tts_commandline"
            assert rating.variable("tts_voice") == "cmn"

    asyncio.run(scenario())
    [record] = [store.get_call(r.call_id) for r in store.results()]
    assert [a.var for a in record.answers] == ["main_menu", "billing_menu", "account", "rating"]
    assert record.results == {"rating": 5} and record.outcome == "self_service"
    assert "Invalid Args" not in real_switch.log.read_text(errors="replace")
