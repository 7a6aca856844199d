"""A call ending with the `callback` outcome keeps its contact among the agent's callbacks;
calling back starts a new call and keeps the first one (and who made it)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

from starlette.applications import Starlette

from dialscript.console.db import ConsoleDB
from tests.console.conftest import Agent

Login = Callable[[str], Agent]
WHEN = "завтра после обеда"


def _agree_a_callback(ann: Agent) -> tuple[str, int]:
    """Work the NPS call to its callback outcome; the call's URL and the contact's id."""
    url = ann.type_in()
    ann.answer(url, "no")  # not a good time
    html = ann.answer(url, WHEN)  # when to call again
    assert "Call over: Перезвонить" in html
    match = re.search(r'action="/contacts/(\d+)/callback"', ann.get("/agent"))
    assert match, "the contact is not among the callbacks"
    return url, int(match.group(1))


def test_a_callback_is_listed_with_its_time_and_called_back(login: Login, app: Starlette) -> None:
    ann = login("ann")
    first, contact_id = _agree_a_callback(ann)
    agent_page = ann.get("/agent")
    assert f"agreed: {WHEN}" in agent_page
    ann.post(f"/contacts/{contact_id}/callback")
    second = str(ann.last.url)
    assert second != first and "/calls/" in second
    assert "Вам удобно сейчас разговаривать?" in ann.last.text  # a new call from the start
    assert "No callbacks agreed." in ann.get("/agent")
    ann.answer(second, "yes")
    assert "Call over: Анкета заполнена" in ann.answer(second, "10")

    db: ConsoleDB = app.state.services.db
    first_id, second_id = first.rsplit("/", 1)[1], second.rsplit("/", 1)[1]
    assert db.agents_by_call() == {first_id: "ann", second_id: "ann"}  # exports keep both
    assert "Call over: Перезвонить" in ann.get(first)  # the first call is still there
    contact = db.contact(contact_id)
    assert contact is not None and contact.status == "done" and contact.callback is None
    sue = login("sue")
    assert "callbacks agreed" in sue.get("/supervisor")


def test_only_the_agent_who_agreed_calls_back(login: Login) -> None:
    ann, bob = login("ann"), login("bob")
    _, contact_id = _agree_a_callback(ann)
    bob.get("/agent")
    bob.post(f"/contacts/{contact_id}/callback")
    assert bob.last.status_code == 409 and "not yours" in bob.last.text
    ann.post(f"/contacts/{contact_id}/callback")
    assert "/calls/" in str(ann.last.url)
    ann.get("/agent")
    ann.post(f"/contacts/{contact_id}/callback")  # called back already
    assert ann.last.status_code == 409


def test_a_database_of_the_previous_version_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "console.sqlite"
    old = sqlite3.connect(path, isolation_level=None)
    old.executescript(
        "CREATE TABLE console_contacts (id INTEGER PRIMARY KEY, flow TEXT NOT NULL,"
        " fields TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'new', claimed_by TEXT,"
        " claimed_at REAL, call_id TEXT, agent TEXT, created TEXT NOT NULL);"
        "INSERT INTO console_contacts (flow, fields, status, call_id, agent, created)"
        " VALUES ('nps_survey', '{}', 'done', 'call-1', 'ann', '2026-11-01');"
    )
    db = ConsoleDB(old)
    db = ConsoleDB(old)  # twice: the upgrade runs once
    assert db.agents_by_call() == {"call-1": "ann"}
    contact = db.contact_for_call("call-1")
    assert contact is not None and contact.callback is None and contact.status == "done"
    old.close()
