"""Calls that do not reach the client: a contact nobody answers is called again an hour later,
three calls in all, then counted as not reached; a number not in service is done at once.
The supervisor sees the survey contract's figures: calls made, reached, not reached, inactive."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from starlette.applications import Starlette

from dialscript.console import agent as agent_pages
from dialscript.console.db import ConsoleDB
from tests.console.conftest import Agent

Login = Callable[[str], Agent]


def _figure(html: str, label: str) -> int:
    match = re.search(rf"<b>(\d+)</b> {re.escape(label)}", html)
    assert match, label
    return int(match.group(1))


def _take_next(agent: Agent) -> str:
    agent.get("/agent")
    agent.post("/agent/next", flow="nps_survey")
    return str(agent.last.url)


def test_nobody_answers_three_times_then_the_contact_is_not_reached(
    login: Login, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann = login("ann")
    url = ann.type_in()
    assert 'id="not-reached"' in ann.last.text  # before the client answers
    db: ConsoleDB = app.state.services.db
    [contact] = db.contacts_of("ann")
    calls = []
    for attempt in range(1, 4):
        monkeypatch.setattr(agent_pages, "_clock", time.time)  # now
        calls.append(url)
        html = ann.post(url, action="unreached")
        assert "Call over" in html
        stored = db.contact(contact.id)
        assert stored is not None and stored.attempts == attempt
        assert "No contacts left to call" in ann.get(_take_next(ann))  # not before an hour
        later = time.time() + 3601  # an hour later
        monkeypatch.setattr(agent_pages, "_clock", lambda later=later: later)
        url = _take_next(ann)
        if attempt < 3:
            assert "/calls/" in url and url not in calls  # a new call to the same contact
    assert "No contacts left to call" in ann.get(url)  # three calls: done
    stored = db.contact(contact.id)
    assert stored is not None and stored.status == "done" and stored.disposition == "unreached"

    page = login("sue").get("/supervisor")
    assert _figure(page, "calls made") == 3
    assert _figure(page, "not reached after every attempt") == 1
    assert _figure(page, "contacts reached") == 0
    assert "No finished calls yet." in page  # not-reached calls are not survey outcomes


def test_a_number_not_in_service_is_done_at_once(login: Login, app: Starlette) -> None:
    ann = login("ann")
    url = ann.type_in()
    ann.post(url, action="inactive")
    assert "No contacts left to call" in ann.get(_take_next(ann))
    sue = login("sue")
    page = sue.get("/supervisor")
    assert _figure(page, "numbers not in service") == 1
    assert _figure(page, "calls made") == 1
    csv_text = sue.client.get("/supervisor/export.csv?flow=nps_survey").content.decode("utf-8-sig")
    assert "Номер не обслуживается" in csv_text  # the export's «Итог» says why


def test_once_the_client_answered_the_call_reached_them(login: Login) -> None:
    ann = login("bob")
    url = ann.type_in()
    html = ann.post(url, action="handler", handler="where_number")  # the client asked a thing
    assert 'id="not-reached"' not in html
    ann.post(url, action="unreached")
    assert ann.last.status_code == 409
    ann = login("ann")
    url = ann.type_in()
    html = ann.answer(url, "yes")
    assert 'id="not-reached"' not in html
    ann.post(url, action="unreached")
    assert ann.last.status_code == 409 and "answered already" in ann.last.text
    ann.answer(url, "10")
    page = login("sue").get("/supervisor")
    assert _figure(page, "contacts reached") == 1 and _figure(page, "calls made") == 2
