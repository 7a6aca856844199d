"""The agent's side of the console: working a call, handlers, Back, validation,
resuming after a restart, claims and visibility, and hostile text."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.console.conftest import Agent, csrf, make_app

Login = Callable[[str], Agent]
RATE = "Учитывая Ваш опыт"
WHY = "Скажите, а что повлияло на вашу оценку?"


def _ask(html: str) -> str:
    match = re.search(r'<p class="ask">(.*?)</p>', html, re.S)
    return match.group(1) if match else ""


def test_sign_in_required_and_wrong_password_rejected(app: Starlette) -> None:
    client = TestClient(app)
    assert client.get("/agent", follow_redirects=False).headers["location"] == "/login"
    page = client.get("/login")
    bad = client.post("/login", data={"csrf": csrf(page.text), "name": "ann", "password": "no"})
    assert bad.status_code == 401 and "Wrong name or password" in bad.text


def test_forms_need_the_csrf_token(login: Login) -> None:
    ann = login("ann")
    response = ann.client.post("/agent/contacts", data={"flow": "nps_survey"})
    assert response.status_code == 403
    response = ann.client.post("/agent/contacts", data={"flow": "nps_survey", "csrf": "forged"})
    assert response.status_code == 403


def test_promoter_completes_the_survey(login: Login) -> None:
    ann = login("ann")
    url = ann.type_in()
    html = ann.last.text
    assert "Иван Петров, добрый день!" in html and "специалист ann" in html
    assert "Вам удобно сейчас разговаривать?" in _ask(html)
    assert RATE in _ask(ann.answer(url, "yes"))
    html = ann.answer(url, "10")
    assert "Call over: Анкета заполнена" in html
    assert "greeting" in html and "goodbye" in html  # the path


def test_detractor_gives_a_reason(login: Login) -> None:
    ann = login("ann")
    url = ann.type_in()
    ann.answer(url, "yes")
    assert WHY in _ask(ann.answer(url, "3"))
    assert 'data-key="2"' in ann.last.text  # one key per choice, as on the phone
    html = ann.answer(url, "stock")
    assert "Call over" in html and "наличие товара на складе" in html


def test_invalid_answer_shows_a_message_and_stays(login: Login) -> None:
    ann = login("ann")
    url = ann.type_in()
    ann.answer(url, "yes")
    html = ann.answer(url, "42")
    assert 'id="message"' in html and "not a valid answer" in html
    assert RATE in _ask(html)
    assert RATE in _ask(ann.get(url))  # the message is shown once


def test_handler_returns_to_the_question(login: Login) -> None:
    ann = login("ann")
    url = ann.type_in()
    ann.answer(url, "yes")
    html = ann.post(url, action="handler", handler="expensive")
    assert "с кем Вы сравниваете наши цены?" in html
    assert RATE in _ask(html)


def test_back_corrects_the_last_answer_and_keeps_it_in_the_trail(
    login: Login, app: Starlette
) -> None:
    ann = login("ann")
    url = ann.type_in()
    ann.answer(url, "yes")
    ann.answer(url, "3")
    html = ann.post(url, action="back")
    assert RATE in _ask(html)
    assert 'class="superseded"' in html
    ann.answer(url, "9")
    call_id = url.rsplit("/", 1)[1]
    answers = app.state.services.store.get_call(call_id).answers
    assert [(a.var, a.value, a.superseded) for a in answers] == [
        ("greeting", "yes", False),
        ("score", 3, True),
        ("score", 9, False),
    ]


def test_the_call_resumes_after_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "calls.sqlite"
    ann = Agent(TestClient(make_app(db)), "ann")
    url = ann.type_in()
    ann.answer(url, "yes")
    ann.answer(url, "4")
    again = Agent(TestClient(make_app(db)), "ann")  # a new process, a new session
    html = again.get(url)
    assert WHY in _ask(html)
    assert "<th>score</th><td>4</td>" in html
    assert "Call over" in again.answer(url, "delivery")


def test_screen_is_rebuilt_when_the_saved_one_is_behind(login: Login, app: Starlette) -> None:
    ann = login("ann")
    url = ann.type_in()
    ann.answer(url, "yes")
    app.state.services.db.db.execute("DELETE FROM console_screens")
    assert RATE in _ask(ann.get(url))


def test_another_agent_cannot_see_or_take_a_claimed_contact(login: Login, app: Starlette) -> None:
    ann = login("ann")
    url = ann.type_in()
    bob = login("bob")
    assert bob.client.get(url).status_code == 404
    contact = app.state.services.db.contact_for_call(url.rsplit("/", 1)[1])
    bob.get("/agent")
    response = bob.client.post(f"/contacts/{contact.id}/open", data={"csrf": csrf(bob.last.text)})
    assert response.status_code == 409
    sue = login("sue")
    html = sue.get(url)
    assert "view only" in html and 'name="action"' not in html


def test_a_lapsed_claim_can_be_taken_over(tmp_path: Path) -> None:
    from dialscript.console import Config, create_app

    db = tmp_path / "calls.sqlite"
    make_app(db)
    app = create_app(Config(flows=Path("flows"), db=db, secret_key="k" * 40,
                            secure_cookies=False, claim_timeout=-1))  # fmt: skip
    ann, bob = Agent(TestClient(app), "ann"), Agent(TestClient(app), "bob")
    url = ann.type_in()
    contact = app.state.services.db.contact_for_call(url.rsplit("/", 1)[1])
    bob.get("/agent")
    response = bob.client.post(f"/contacts/{contact.id}/open", data={"csrf": csrf(bob.last.text)})
    assert response.status_code == 200 and str(response.url) == url


def test_prompt_with_script_renders_as_text(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "evil.flow").write_text(
        'flow evil "Evil"\n  language ru\n  input client_name text\n  result ok yes/no\n'
        '  outcome done "Done"\nstep a\n  say "<script>alert(1)</script> {{ client_name }}"\n'
        '  ask ok "<img src=x onerror=alert(2)>?" yes/no\n    else -> fin\n  -> fin\n'
        "end fin done\n",
        encoding="utf-8",
    )
    ann = Agent(TestClient(make_app(tmp_path / "c.sqlite", flows)), "ann")
    ann.type_in("evil", client_name="<b>Bob</b>")
    html = ann.last.text
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "<b>Bob" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;Bob&lt;/b&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;?" in html


def test_errors_show_no_stack_trace(login: Login, app: Starlette) -> None:
    ann = login("ann")
    assert ann.client.get("/calls/nope").status_code == 404
    client = TestClient(app, raise_server_exceptions=False)
    Agent(client, "ann")
    app.state.services.flows.current.clear()  # break the app: no flows at all
    app.state.services.db.db.execute("DROP TABLE console_flows")
    response = client.get("/agent")
    assert response.status_code in (200, 500)
    assert "Traceback" not in response.text


def test_security_headers_and_cookie_flags(app: Starlette) -> None:
    client = TestClient(app)
    page = client.get("/login")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    response = client.post(
        "/login", data={"csrf": csrf(page.text), "name": "ann", "password": "ann-password"},
        follow_redirects=False,
    )  # fmt: skip
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_secure_cookie_flag_when_configured(tmp_path: Path) -> None:
    from dialscript.console import Config, create_app

    app = create_app(Config(flows=Path("flows"), db=tmp_path / "c.sqlite", secret_key="k" * 40))
    app.state.services.db.add_user("ann", "agent", "ann-password")
    client = TestClient(app, base_url="https://testserver")
    page = client.get("/login")
    response = client.post(
        "/login", data={"csrf": csrf(page.text), "name": "ann", "password": "ann-password"},
        follow_redirects=False,
    )  # fmt: skip
    assert "secure" in response.headers["set-cookie"].lower()
