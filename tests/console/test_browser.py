"""End to end in headless Chromium: a real server process (uvicorn), a real browser.

Needs Debian's `chromium` (scripts/system-deps); skipped when it is missing.
Screenshots go to artifacts/ (gitignored).
"""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from tests.console.conftest import FLOWS, REPO

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO / "artifacts"
CONTACTS = (
    "ОП;ИНН;Наименование организации;ФИО контактного лица;Телефон\r\n"
    "Ижевск;1831000001;ООО Альфа;Анна Смирнова;+79000000001\r\n"
    "Казань;1650000002;ООО Бета;Борис Иванов;+79000000002\r\n"
)

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")
sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """`dialscript serve` in a subprocess; `restart()` after `kill()` keeps db and secret."""

    folder: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _cli(self, *args: str, env: dict[str, str] | None = None) -> list[str]:
        return [sys.executable, "-m", "dialscript.cli.main", *args]

    def add_user(self, name: str, role: str) -> None:
        env = {**os.environ, "PW": f"{name}-password"}
        subprocess.run(
            self._cli(
                "users",
                "add",
                name,
                "--role",
                role,
                "--db",
                str(self.folder / "calls.sqlite"),
                "--password-env",
                "PW",
            ),
            check=True,
            env=env,
            capture_output=True,
        )

    def start(self) -> None:
        log = open(self.folder / "server.log", "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            self._cli(
                "serve",
                "--flows",
                str(FLOWS),
                "--db",
                str(self.folder / "calls.sqlite"),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--secret-file",
                str(self.folder / "secret"),
            ),
            stdout=log,
            stderr=log,
            cwd=REPO,
        )
        log.close()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/login", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError((self.folder / "server.log").read_text(errors="replace"))

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    srv = Server(tmp_path, _free_port())
    srv.add_user("ann", "agent")
    srv.add_user("sue", "supervisor")
    srv.start()
    try:
        yield srv
    finally:
        srv.kill(signal.SIGTERM)


@pytest.fixture
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def _sign_in(page: object, server: Server, name: str) -> None:
    page.goto(f"{server.url}/login")  # type: ignore[attr-defined]
    page.fill("input[name=name]", name)  # type: ignore[attr-defined]
    page.fill("input[name=password]", f"{name}-password")  # type: ignore[attr-defined]
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    page.wait_for_selector("text=Sign out")  # type: ignore[attr-defined]


def _sign_out(page: object) -> None:
    page.click("text=Sign out")  # type: ignore[attr-defined]
    page.wait_for_selector("input[name=password]")  # type: ignore[attr-defined]


def _key(page: object, key: str, then: str) -> None:
    page.keyboard.press(key)  # type: ignore[attr-defined]
    page.wait_for_selector(then)  # type: ignore[attr-defined]


def test_agent_works_two_calls_and_supervisor_exports(
    server: Server, browser: object, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(30_000)  # generous: CI machines are shared

    _sign_in(page, server, "sue")
    csv_file = tmp_path / "contacts.csv"
    csv_file.write_bytes(CONTACTS.encode("utf-8-sig"))
    page.select_option("select[name=flow]", "nps_survey")
    page.set_input_files("input[type=file]", str(csv_file))
    page.click("button:has-text('Upload')")
    page.wait_for_selector("text=Imported 2 contact(s)")
    _sign_out(page)

    _sign_in(page, server, "ann")
    # a promoter, keyboard only: N takes the next contact, 1 = yes, 0 = 10
    _key(page, "n", "text=Вам удобно сейчас разговаривать?")
    assert "Анна Смирнова, добрый день!" in page.inner_text("#script")
    _key(page, "1", "text=Учитывая Ваш опыт")
    _key(page, "0", "text=Call over: Анкета заполнена")
    # a detractor with a reason, with a handler on the way
    _key(page, "n", "text=Вам удобно сейчас разговаривать?")
    _key(page, "1", "text=Учитывая Ваш опыт")
    page.keyboard.press("Alt+4")  # the fourth handler: «У вас дорого»
    page.wait_for_selector("text=с кем Вы сравниваете наши цены?")
    _key(page, "5", "text=Скажите, а что повлияло на вашу оценку?")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "agent-mid-call.png"), full_page=True)
    _key(page, "2", "text=Call over: Анкета заполнена")
    assert "наличие товара на складе" in page.inner_text("#outcome")
    _sign_out(page)

    _sign_in(page, server, "sue")
    page.wait_for_selector("#stats-nps_survey p.nps-score")
    page.screenshot(path=str(ARTIFACTS / "supervisor.png"), full_page=True)
    with page.expect_download() as download_info:
        page.click("#stats-nps_survey >> text=Export XLSX")
    saved = tmp_path / "export.xlsx"
    download_info.value.save_as(saved)
    sheet = load_workbook(io.BytesIO(saved.read_bytes())).active
    assert sheet is not None
    rows = {row[3]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Анна Смирнова"][:7] == (
        "Ижевск",
        "1831000001",
        "ООО Альфа",
        "Анна Смирнова",
        "'+79000000001",
        10,
        None,
    )
    assert rows["Борис Иванов"][5:7] == (5, "наличие товара на складе")
    context.close()


def test_call_resumes_after_the_server_is_killed(server: Server, browser: object) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(30_000)  # generous: CI machines are shared
    _sign_in(page, server, "ann")
    page.click("text=Type in a contact")
    page.fill("input[name=field_client_name]", "Вера Кузнецова")
    for name, value in (
        ("company", "ООО Гамма"),
        ("inn", "5900000003"),
        ("office", "Пермь"),
        ("phone", "+79000000003"),
    ):
        page.fill(f"input[name=field_{name}]", value)
    page.click("text=Start the call")
    page.wait_for_selector("text=Вам удобно сейчас разговаривать?")
    _key(page, "1", "text=Учитывая Ваш опыт")
    _key(page, "4", "text=Скажите, а что повлияло на вашу оценку?")
    call_url = page.url

    server.kill(signal.SIGKILL)
    server.start()
    page.goto(call_url)
    page.wait_for_selector("text=Скажите, а что повлияло на вашу оценку?")
    answers = page.inner_text("table.answers")
    assert "score" in answers and "4" in answers and "greeting" in answers
    _key(page, "3", "text=Call over: Анкета заполнена")
    assert "срок доставки товара" in page.inner_text("#outcome")
    context.close()


def test_a_russian_browser_gets_the_console_in_russian(
    server: Server, browser: object, tmp_path: Path
) -> None:
    context = browser.new_context(locale="ru-RU", viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{server.url}/login")
    page.wait_for_selector("h1:has-text('Вход')")
    page.fill("input[name=name]", "ann")
    page.fill("input[name=password]", "ann-password")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Выйти")
    form = page.locator("details").first  # type a contact in
    form.locator("summary").click()
    for field in form.locator("input[name^=field_]").all():
        field.fill("Пётр Сидоров")
    form.locator("button:has-text('Начать звонок')").click()
    page.wait_for_selector("text=Вам удобно сейчас разговаривать?")
    for label in ("Контакт", "Путь", "Ответы", "Нет ответа / молчание"):
        assert label in page.inner_text("body"), label
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "agent-mid-call-ru.png"), full_page=True)
    context.close()
