"""The call journal: every step persisted, resume after a crash, typed failures; the same
contract on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from dialscript.graph.flowgraph import FlowGraph
from dialscript.runtime import commands as c
from dialscript.runtime import events as e
from dialscript.runtime.runner import CallRunner, FlowMismatch
from dialscript.runtime.store import (
    CallNotFound,
    CallStore,
    SqliteCallStore,
    StoreError,
    StoreFull,
    StoreLocked,
    StoreReadOnly,
    open_store,
)
from dialscript.runtime.store.postgres import PostgresCallStore

from .builders import NOW, nps

INPUTS = {"client_name": "Иван", "company": "ООО Ромашка"}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "calls.sqlite"


@pytest.fixture(params=["sqlite", "postgresql"])
def journal(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], CallStore]]:
    """Opens the journal (again): a SQLite file, or a new database on a PostgreSQL server.
    Every store opened is closed after the test."""
    if request.param == "sqlite":
        target = str(tmp_path / "calls.sqlite")
    else:
        target = str(request.getfixturevalue("postgres_db"))
    opened: list[CallStore] = []

    def open_journal() -> CallStore:
        opened.append(open_store(target))
        return opened[-1]

    yield open_journal
    for store in opened:
        store.close()


def test_every_step_is_journaled(journal: Callable[[], CallStore]) -> None:
    store = journal()
    runner, out = CallRunner.start(nps(), store, INPUTS, now=NOW, external_id="uuid-1")
    call = store.get_call(runner.call_id)
    assert call.external_id == "uuid-1" and not call.finished and call.inputs == INPUTS
    assert store.load_state(runner.call_id) == runner.state
    runner.feed(e.AgentAnswer("yes"))
    assert [a.var for a in store.get_call(runner.call_id).answers] == ["ready"]
    assert store.load_state(runner.call_id) == runner.state
    assert [r.id for r in store.calls_in_progress()] == [runner.call_id]
    runner.feed(e.AgentAnswer("9"))
    call = store.get_call(runner.call_id)
    assert call.finished and call.outcome == "completed" and call.results == {"score": 9}
    assert call.ended == NOW.isoformat()
    assert store.trace(runner.call_id) == runner.state.trace
    assert store.calls_in_progress() == []
    [record] = store.results("nps")
    assert record.to_dict() == {
        "call_id": runner.call_id, "flow": "nps", "flow_hash": nps().content_hash,
        "inputs": INPUTS, "results": {"score": 9}, "outcome": "completed",
        "started": NOW.isoformat(), "ended": NOW.isoformat(),
    }  # fmt: skip
    assert store.results("other") == []


def test_kill_and_resume_from_the_journal(journal: Callable[[], CallStore]) -> None:
    store = journal()
    runner, _ = CallRunner.start(nps(), store, INPUTS, now=NOW)
    runner.feed(e.AgentAnswer("yes"))
    runner.feed(e.HandlerInvoked("off_topic"))
    call_id = runner.call_id
    store.close()
    del runner  # the process dies here

    store = journal()
    [pending] = store.calls_in_progress()
    runner = CallRunner.resume(nps(), store, pending.id)
    assert runner.state.node == "off_topic.1"
    out = runner.feed(e.TextAnswer("Где мой заказ?"))
    assert isinstance(out[-1], c.Ask) and out[-1].node == "rate"  # resumed question
    runner.feed(e.AgentAnswer("5"))
    runner.feed(e.AgentAnswer("delivery"))
    call = store.get_call(call_id)
    assert call.outcome == "completed" and call.results == {"score": 5, "reason": "delivery"}


def test_resume_refuses_another_flow_version(journal: Callable[[], CallStore]) -> None:
    store = journal()
    runner, _ = CallRunner.start(nps(), store, INPUTS, now=NOW)
    other = FlowGraph(nps().model.model_copy(update={"title": "changed"}))
    with pytest.raises(FlowMismatch):
        CallRunner.resume(other, store, runner.call_id)
    with pytest.raises(CallNotFound):
        store.load_state("nope")


def test_hangup_keeps_answers_as_breakoff(journal: Callable[[], CallStore]) -> None:
    store = journal()
    runner, _ = CallRunner.start(nps(), store, INPUTS, now=NOW)
    runner.feed(e.AgentAnswer("yes"))
    runner.feed(e.AgentAnswer("4"))
    runner.feed(e.Hangup("NORMAL_CLEARING"))
    call = store.get_call(runner.call_id)
    assert call.outcome == "breakoff" and call.results == {"score": 4}
    assert [(a.var, a.value) for a in call.answers] == [("ready", "yes"), ("score", 4)]


def test_back_marks_the_answer_superseded(journal: Callable[[], CallStore]) -> None:
    store = journal()
    runner, _ = CallRunner.start(nps(), store, INPUTS, now=NOW)
    for event in (e.AgentAnswer("yes"), e.AgentAnswer("4"), e.Back(), e.AgentAnswer("10")):
        runner.feed(event)
    answers = store.get_call(runner.call_id).answers
    assert [(a.var, a.value, a.superseded) for a in answers] == [
        ("ready", "yes", False), ("score", 4, True), ("score", 10, False)
    ]  # fmt: skip


def test_full_journal_raises_typed_error_and_keeps_committed_steps(db: Path) -> None:
    store = SqliteCallStore(db)
    runner, _ = CallRunner.start(nps(), store, INPUTS, now=NOW)
    runner.feed(e.AgentAnswer("yes"))
    committed = runner.state
    pages = store.connection.execute("PRAGMA page_count").fetchone()[0]
    store.connection.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreFull):
        runner.feed(e.TextAnswer("x" * 200_000))  # a huge (invalid) answer: a big state row
    assert runner.state == committed  # the runner did not move on
    store.connection.execute("PRAGMA max_page_count = 1073741823")
    runner.feed(e.AgentAnswer("9"))
    assert store.get_call(runner.call_id).outcome == "completed"
    reopened = SqliteCallStore(db)
    assert reopened.get_call(runner.call_id).results == {"score": 9}


def test_locked_journal_raises_typed_error(db: Path) -> None:
    store = SqliteCallStore(db, timeout=0.05)
    runner, _ = CallRunner.start(nps(), store, INPUTS, now=NOW)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreLocked):
            runner.feed(e.AgentAnswer("yes"))
    finally:
        other.execute("ROLLBACK")
        other.close()
    runner.feed(e.AgentAnswer("yes"))
    assert runner.state.node == "rate"


def test_postgres_lock_held_too_long_is_store_locked(postgres_db: str) -> None:
    store = PostgresCallStore(postgres_db, lock_timeout=0.2)
    runner, _ = CallRunner.start(nps(), store, INPUTS, now=NOW)
    with psycopg.connect(postgres_db) as other:  # a transaction holding the table
        other.execute("LOCK TABLE calls IN ACCESS EXCLUSIVE MODE")
        with pytest.raises(StoreLocked):
            runner.feed(e.AgentAnswer("yes"))
    runner.feed(e.AgentAnswer("yes"))  # the lock is gone: the same answer is journaled
    assert [a.var for a in store.get_call(runner.call_id).answers] == ["ready"]
    store.close()


def test_postgres_read_only_database_is_store_read_only(postgres_db: str) -> None:
    store = PostgresCallStore(postgres_db)
    runner, _ = CallRunner.start(nps(), store, INPUTS, now=NOW)
    name = postgres_db.split("/")[3].split("?")[0]
    with psycopg.connect(postgres_db, autocommit=True) as admin:
        admin.execute(f"ALTER DATABASE {name} SET default_transaction_read_only = on")
    store.close()  # a new connection takes the database's setting
    with pytest.raises(StoreReadOnly):
        runner.feed(e.AgentAnswer("yes"))
    assert store.get_call(runner.call_id).answers == ()  # reads still work
    store.close()


def test_postgres_lost_connection_fails_one_write_then_reconnects(postgres_db: str) -> None:
    store = PostgresCallStore(postgres_db)
    runner, _ = CallRunner.start(nps(), store, INPUTS, now=NOW)
    runner.feed(e.AgentAnswer("yes"))
    with psycopg.connect(postgres_db, autocommit=True) as admin:  # the server drops us
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    with pytest.raises(StoreError):
        runner.feed(e.AgentAnswer("9"))
    runner.feed(e.AgentAnswer("9"))  # a new connection: nothing committed was lost
    call = store.get_call(runner.call_id)
    assert call.outcome == "completed" and call.results == {"score": 9}
    assert [a.var for a in call.answers] == ["ready", "score"]
    store.close()
