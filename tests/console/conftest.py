"""Fixtures of the console tests: an app on a temporary database, signed-in clients."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from dialscript.console import Config, create_app

REPO = Path(__file__).resolve().parent.parent.parent
FLOWS = REPO / "flows"
SECRET = "test-secret-" + "x" * 40
CONTACT = {
    "client_name": "Иван Петров",
    "company": "ООО Ромашка",
    "inn": "1831000000",
    "office": "Ижевск",
    "phone": "+79001234567",
}


def csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def make_app(db: Path, flows: Path = FLOWS) -> Starlette:
    app = create_app(Config(flows=flows, db=db, secret_key=SECRET, secure_cookies=False))
    db_ = app.state.services.db
    for name, role in (("ann", "agent"), ("bob", "agent"), ("sue", "supervisor")):
        if db_.user(name) is None:
            db_.add_user(name, role, f"{name}-password")
    return app


class Agent:
    """A signed-in browser session driven through the TestClient."""

    def __init__(self, client: TestClient, name: str) -> None:
        self.client = client
        self.name = name
        page = client.get("/login")
        self.last = client.post(
            "/login", data={"csrf": csrf(page.text), "name": name, "password": f"{name}-password"}
        )
        assert self.last.status_code == 200, self.last.text

    def post(self, url: str, **data: str) -> str:
        self.last = self.client.post(url, data={"csrf": csrf(self.last.text), **data})
        return self.last.text

    def get(self, url: str) -> str:
        self.last = self.client.get(url)
        return self.last.text

    def type_in(self, flow: str = "nps_survey", **fields: str) -> str:
        """Type a contact in and start its call; the call's URL."""
        self.get("/agent")
        values = {f"field_{k}": v for k, v in {**CONTACT, **fields}.items()}
        self.post("/agent/contacts", flow=flow, **values)
        assert "/calls/" in str(self.last.url), self.last.text
        return str(self.last.url)

    def answer(self, url: str, value: str) -> str:
        return self.post(url, action="answer", value=value)


@pytest.fixture
def app(tmp_path: Path) -> Starlette:
    return make_app(tmp_path / "calls.sqlite")


@pytest.fixture
def login(app: Starlette) -> Callable[[str], Agent]:
    def sign_in(name: str) -> Agent:
        return Agent(TestClient(app), name)

    return sign_in
