"""A full call journal ends the call at once, before the caller answers on top of a lost step."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from dialscript.runtime.channels import (
    JournalWriter,
)
from dialscript.testing.fake_freeswitch import FakeCall, FakeFreeSWITCH, Press, ScriptedCaller

from .harness import AS_IVR, NPS_INPUTS, run, serving, variables

NO_LIMIT = 1_073_741_823


def fill_up(journal: JournalWriter) -> None:
    """Cap the journal's database at its present size, then use up every free byte of it
    (SQLite's ``max_page_count``: the same SQLITE_FULL as a full disk)."""
    db = journal._store.connection  # the writer thread's connection: the cap is per connection
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")
    db.execute(
        "INSERT INTO calls (id, flow, flow_hash, channel, inputs, started, state)"
        " VALUES ('filler', '', '', '', '{}', '', '{}')"
    )
    for size in (4000, 1000, 250, 60, 15, 1):  # large rows first, then the last crumbs
        for table, row in (
            ("calls", "(id, flow, flow_hash, channel, inputs, started, state)"
                      " VALUES (hex(randomblob(8)), '', '', '', '{}', '', zeroblob(?))"),
            ("trace", "(call_id, seq, entry) VALUES ('filler', abs(random()), zeroblob(?))"),
            ("answers", "(call_id, seq, step, node, var, at, value)"
                        " VALUES ('filler', abs(random()), '', '', '', '', zeroblob(?))"),
        ):  # fmt: skip
            while True:
                try:
                    db.execute(f"INSERT INTO {table} {row}", (size,))
                except sqlite3.OperationalError:
                    break


async def one_call(journal: JournalWriter) -> FakeCall:
    async with serving(journal) as server:
        # Prompts last 0.4 s: a journal failure is seen while the greeting still plays.
        async with FakeFreeSWITCH(time_scale=0.4) as fs:
            caller = ScriptedCaller([Press("1"), Press("5#"), Press("3")])
            call = await fs.place_call(
                *server.address,
                caller=caller,
                variables={**variables("nps_survey", NPS_INPUTS), **AS_IVR},
            )
            await call.finished(15.0)
    return call


def test_full_journal_hangs_up_before_any_answer_and_recovers_when_space_is_back(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    journal = JournalWriter(tmp_path / "calls.sqlite")
    try:
        fill_up(journal)
        with caplog.at_level(logging.ERROR):
            call = run(one_call(journal), timeout=30.0)
        assert call.hangup_cause == "NORMAL_TEMPORARY_FAILURE"
        assert "play_and_get_digits" not in call.app_names  # no question was asked
        assert any("journal is full" in r.getMessage() for r in caplog.records)
        assert any("hanging up" in r.getMessage() for r in caplog.records)

        journal._store.connection.execute(f"PRAGMA max_page_count = {NO_LIMIT}")  # space again
        call = run(one_call(journal), timeout=30.0)
        assert call.hangup_cause == "NORMAL_CLEARING"
        [record] = [r for r in journal.results() if r.outcome == "completed"]
        answers = journal.get_call(record.call_id).answers
        assert [(a.var, a.value) for a in answers] == [
            ("greeting", "yes"), ("score", 5), ("reason", "delivery")
        ]  # fmt: skip
    finally:
        journal.close()
