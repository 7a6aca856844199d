"""JournalWriter: group-committed steps are all in the journal once synced or closed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dialscript.runtime import events as e
from dialscript.runtime.channels import JournalWriter
from dialscript.runtime.runner import CallRunner
from dialscript.runtime.store import CallNotFound
from dialscript.testing.scenarios.world import load_flow

FLOW = Path(__file__).resolve().parents[2] / "flows" / "support_ivr.flow"
NOW = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)


def test_steps_of_many_calls_are_committed_and_synced(tmp_path: Path) -> None:
    graph = load_flow(FLOW)
    journal = JournalWriter(tmp_path / "calls.sqlite")

    async def calls() -> list[str]:
        ids = []
        for _ in range(20):
            runner, _ = CallRunner.start(graph, journal, {"caller": "+86"}, now=NOW,
                                         channel="ivr")  # fmt: skip
            runner.feed(e.Digits("2", at=NOW))
            runner.feed(e.Digits("2", at=NOW))
            await journal.synced(runner.call_id)
            ids.append(runner.call_id)
        return ids

    try:
        ids = asyncio.run(calls())
        for call_id in ids:
            record = journal.get_call(call_id)
            assert [a.var for a in record.answers] == ["main_menu", "tech_menu"]
            assert journal.load_state(call_id).trace == journal.trace(call_id)
        assert journal.batches <= 3 * len(ids)
    finally:
        journal.close()


def test_steps_gather_before_one_hand_over_unless_a_call_waits(tmp_path: Path) -> None:
    """Steps wait up to ``hand_over_after`` on the loop; ``synced`` hands them over at once."""
    graph = load_flow(FLOW)
    journal = JournalWriter(tmp_path / "calls.sqlite", hand_over_after=30.0)

    async def calls() -> CallRunner:
        runners = []
        for _ in range(5):
            runner, _ = CallRunner.start(graph, journal, {"caller": "+86"}, now=NOW,
                                         channel="ivr")  # fmt: skip
            runner.feed(e.Digits("2", at=NOW))
            runners.append(runner)
        await asyncio.sleep(0.05)
        assert journal.batches == 0  # gathering: nothing handed over yet
        await asyncio.wait_for(journal.synced(runners[2].call_id), 5.0)  # not 30 s
        assert journal.batches == 1  # all ten steps in one commit
        for runner in runners:
            await asyncio.wait_for(journal.synced(runner.call_id), 5.0)
        runner.feed(e.Digits("2", at=NOW))  # left gathering when the loop ends
        return runner

    try:
        last = asyncio.run(calls())
        assert journal.load_state(last.call_id) == last.state  # a read flushes what gathered
    finally:
        journal.close()


def test_finish_call_goes_through_the_writer_and_reports_an_unknown_call(tmp_path: Path) -> None:
    graph = load_flow(FLOW)
    journal = JournalWriter(tmp_path / "calls.sqlite")

    async def call() -> str:
        runner, _ = CallRunner.start(graph, journal, {"caller": "+86"}, now=NOW, channel="ivr")
        return runner.call_id

    try:
        call_id = asyncio.run(call())
        journal.finish_call(call_id, outcome="abandoned", ended=NOW.isoformat(), reason="test")
        record = journal.get_call(call_id)
        assert record.finished and record.outcome == "abandoned" and record.reason == "test"
        with pytest.raises(CallNotFound):
            journal.finish_call("no-such-call", outcome=None, ended=NOW.isoformat())
    finally:
        journal.close()
