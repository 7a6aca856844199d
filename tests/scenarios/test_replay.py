"""Replay: journaled calls re-run on the same flow agree; on a changed flow they are listed."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dialscript.cli.main import main
from dialscript.runtime.simulator import Simulator
from dialscript.runtime.store import SqliteCallStore, open_store
from dialscript.testing.scenarios.replay import read_calls, replay
from dialscript.testing.scenarios.world import load_flow

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = [
    ["yes", "7", "delivery"],
    ["yes", "10"],
    ["no", "завтра"],
    ["yes", "5", "hangup"],
    ["yes", "!off_topic", "Вопрос", "9"],
    ["yes", "плохо", "ужасно", "silence", "silence"],
]


@pytest.fixture
def journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(REPO)
    graph = load_flow(Path("flows/nps_survey.flow"))
    path = tmp_path / "calls.sqlite"
    store = SqliteCallStore(path)
    for script in SCRIPTS:
        Simulator(graph, inputs={"client_name": "Иван"}, now=datetime(2026, 3, 2, tzinfo=UTC),
                  store=store).run_script(script)  # fmt: skip
    store.close()
    return path


def test_same_flow_replays_identically(journal: Path) -> None:
    graph = load_flow(Path("flows/nps_survey.flow"))
    ran, differences = replay(graph, read_calls(journal, graph))
    assert (ran, differences) == (len(SCRIPTS), [])


def test_changed_flow_lists_the_calls_that_differ(journal: Path, tmp_path: Path) -> None:
    draft = tmp_path / "flows"
    shutil.copytree(REPO / "flows", draft)
    shutil.copy(REPO / "dialscript.bindings.toml", tmp_path)
    text = (draft / "nps_survey.flow").read_text(encoding="utf-8")
    changed = text.replace("1..8               -> why", "1..6 -> why\n    7, 8 -> goodbye")
    assert changed != text
    (draft / "nps_survey.flow").write_text(changed, encoding="utf-8")
    graph = load_flow(draft / "nps_survey.flow")
    ran, differences = replay(graph, read_calls(journal, graph))
    assert ran == len(SCRIPTS)
    assert len(differences) == 1
    assert differences[0].changes[0].startswith("path: why -> goodbye after rate")
    assert "result reason: 'delivery' -> None" in differences[0].changes


def test_journal_state_column_has_no_trace_and_replay_reads_the_trace_table(
    journal: Path,
) -> None:
    import json
    import sqlite3

    db = sqlite3.connect(journal)
    try:
        states = [json.loads(row[0]) for row in db.execute("SELECT state FROM calls")]
        traced = db.execute("SELECT COUNT(*) FROM trace").fetchone()[0]
    finally:
        db.close()
    assert states and all(state["trace"] == [] for state in states)
    assert traced > 0
    graph = load_flow(Path("flows/nps_survey.flow"))
    calls = read_calls(journal, graph)
    assert all(call.steps for call in calls)
    store = SqliteCallStore(journal)
    try:
        ids = [call.call_id for call in calls]
        assert all(store.load_state(i).trace == store.trace(i) != [] for i in ids)
    finally:
        store.close()


def test_postgres_journal_replays_through_the_cli(
    postgres_db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO)
    graph = load_flow(Path("flows/nps_survey.flow"))
    store = open_store(postgres_db)
    for script in SCRIPTS:
        Simulator(graph, inputs={"client_name": "Иван"}, now=datetime(2026, 3, 2, tzinfo=UTC),
                  store=store).run_script(script)  # fmt: skip
    store.close()
    assert main(["replay", postgres_db, "--flow", "flows/nps_survey.flow"]) == 0
    assert f"{len(SCRIPTS)} calls of nps_survey replayed" in capsys.readouterr().out
    nowhere = postgres_db.replace("/journal_", "/missing_")
    assert main(["replay", nowhere, "--flow", "flows/nps_survey.flow"]) == 2
    assert "cannot read the calls" in capsys.readouterr().err
