"""The supervisor's side: contacts upload, numbers (NPS, distributions, drop-off), exports."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from openpyxl import load_workbook

from dialscript.console.contacts import ContactsError, parse_contacts
from dialscript.console.export import neutralise
from dialscript.console.stats import nps
from tests.console.conftest import Agent, csrf

Login = Callable[[str], Agent]
RUSSIAN_EXCEL = (
    "ОП;ИНН;Наименование организации;ФИО контактного лица;Телефон;Лишнее\r\n"
    "Ижевск;1831000001;ООО Альфа;Анна Смирнова;+79000000001;x\r\n"
    "Казань;=cmd|' /C calc'!A0;ООО Бета;@Борис;+79000000002;y\r\n"
).encode("utf-8-sig")
COMMAS = b"client_name,company,inn,office,phone\nVera,Gamma LLC,1650000003,Perm,+79000000003\n"


def _upload(sue: Agent, data: bytes, name: str = "contacts.csv") -> str:
    sue.get("/supervisor")
    sue.last = sue.client.post(
        "/supervisor/contacts",
        data={"csrf": csrf(sue.last.text), "flow": "nps_survey"},
        files={"file": (name, data, "text/csv")},
    )
    return sue.last.text


def _work(agent: Agent, *answers: str) -> str:
    agent.get("/agent")
    agent.post("/agent/next", flow="nps_survey")
    url = str(agent.last.url)
    for value in answers:
        if value == "!hangup":
            agent.post(url, action="hangup")
        else:
            agent.answer(url, value)
    return url


def test_agents_cannot_open_supervisor_pages(login: Login) -> None:
    ann = login("ann")
    assert ann.client.get("/supervisor").status_code == 403
    assert ann.client.get("/supervisor/export.xlsx?flow=nps_survey").status_code == 403


def test_upload_work_and_export(login: Login) -> None:
    sue = login("sue")
    html = _upload(sue, RUSSIAN_EXCEL)
    assert "Imported 2 contact(s)" in html and "Columns ignored: Лишнее" in html
    assert "Imported 1 contact(s)" in _upload(sue, COMMAS)
    ann = login("ann")
    _work(ann, "yes", "10")  # promoter
    _work(ann, "yes", "5", "stock")  # detractor with a reason
    _work(ann, "yes", "7", "!hangup")  # a passive who hung up at the reason
    ann.get("/agent")
    assert "No contacts left" in ann.post("/agent/next", flow="nps_survey")

    html = sue.get("/supervisor")
    assert "NPS <b>0</b>" in html  # 1 promoter, 1 passive, 1 detractor
    assert "наличие товара на складе" in html
    assert "<td>why</td><td>1</td>" in html  # drop-off: one call ended at the reason

    response = sue.client.get("/supervisor/export.xlsx?flow=nps_survey")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:8] == [
        "ОП",
        "ИНН",
        "Наименование организации",
        "ФИО контактного лица",
        "Телефон",
        "Оценка (1-10)",
        "Что повлияло на оценку",
        "Комментарий",
    ]
    by_name = {row[3]: row for row in rows[1:]}
    assert by_name["Анна Смирнова"][:6] == [
        "Ижевск",
        "1831000001",
        "ООО Альфа",
        "Анна Смирнова",
        "'+79000000001",
        10,
    ]
    assert by_name["'@Борис"][1] == "'=cmd|' /C calc'!A0"
    assert by_name["'@Борис"][6] == "наличие товара на складе"
    assert by_name["Vera"][5] == 7

    csv_text = sue.client.get("/supervisor/export.csv?flow=nps_survey").content.decode("utf-8-sig")
    assert csv_text.startswith("ОП;ИНН;") and "'=cmd" in csv_text


def test_bad_uploads_are_explained(login: Login) -> None:
    sue = login("sue")
    assert "not UTF-8" in _upload(sue, "ИНН;Телефон\n1;2\n".encode("cp1251"))
    assert "no column matches" in _upload(sue, b"foo;bar\n1;2\n")


def test_contacts_parser_separators_and_bom() -> None:
    inputs = ["client_name", "inn", "phone"]
    semi = parse_contacts("\ufeffФИО;ИНН\nА;1\n\n".encode(), inputs, inputs)
    assert semi.rows == [{"client_name": "А", "inn": "1"}] and semi.missing == ["phone"]
    comma = parse_contacts(b'client_name,phone\n"Doe, J",+1\n', inputs, [])
    assert comma.rows == [{"client_name": "Doe, J", "phone": "+1"}]
    with pytest.raises(ContactsError):
        parse_contacts(b"", inputs, [])


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


def test_nps_bands() -> None:
    result = nps([1, 6, 7, 8, 9, 10, 10])
    assert (result.detractors, result.passives, result.promoters) == (2, 2, 3)
    assert result.score == 14
