"""serve-calls journaling into PostgreSQL: calls over ESL, two servers sharing one journal."""

from __future__ import annotations

import asyncio
from pathlib import Path

from dialscript.cli.main import main
from dialscript.runtime.channels import (
    JournalWriter,
)
from dialscript.testing.fake_freeswitch import FakeCall, FakeFreeSWITCH, Press, ScriptedCaller

from .harness import AS_IVR, FLOWS, NPS_INPUTS, run, serving, variables


async def calls_through(journal: JournalWriter, fs: FakeFreeSWITCH, count: int) -> list[FakeCall]:
    """``count`` NPS calls at once through one server journaling into ``journal``."""
    async with serving(journal) as server:
        placed = [
            await fs.place_call(
                *server.address,
                caller=ScriptedCaller([Press("1"), Press(f"{score}#"), Press("3")]),
                variables={**variables("nps_survey", NPS_INPUTS), **AS_IVR},
            )
            for score in range(1, count + 1)
        ]
        await asyncio.gather(*(call.finished(20.0) for call in placed))
    return placed


def test_two_servers_share_one_postgres_journal(postgres_db: str) -> None:
    first, second = JournalWriter(postgres_db), JournalWriter(postgres_db)

    async def both() -> list[FakeCall]:
        async with FakeFreeSWITCH() as fs:
            a, b = await asyncio.gather(calls_through(first, fs, 6), calls_through(second, fs, 6))
        return a + b

    try:
        placed = run(both(), timeout=60.0)
        assert all(call.hangup_cause == "NORMAL_CLEARING" for call in placed)
        records = first.results("nps_survey")
        assert len(records) == 12 and {r.outcome for r in records} == {"completed"}
        assert sorted(r.results["score"] for r in records) == sorted([*range(1, 7)] * 2)
        by_uuid = {first.get_call(r.call_id).external_id: r.call_id for r in records}
        assert set(by_uuid) == {call.uuid for call in placed}  # each call, FreeSWITCH's UUID
        answers = first.get_call(by_uuid[placed[0].uuid]).answers
        assert [(a.var, a.value) for a in answers] == [
            ("greeting", "yes"), ("score", 1), ("reason", "delivery")
        ]  # fmt: skip
    finally:
        first.close()
        second.close()


def test_serve_calls_refuses_to_start_without_its_journal(tmp_path: Path, capsys: object) -> None:
    unreachable = f"postgresql://dialscript@/calls?host={tmp_path}&port=5"
    code = main(["serve-calls", "--flows", str(FLOWS), "--journal", unreachable, "--env", "test",
                 "--listen", "127.0.0.1:0"])  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err  # type: ignore[attr-defined]
    assert "dialscript serve-calls: the call journal failed:" in err
