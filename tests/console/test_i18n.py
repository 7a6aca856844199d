"""The console speaks the agent's language (Accept-Language): English, Russian, Chinese,
down to why an answer was refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from starlette.applications import Starlette
from starlette.testclient import TestClient

from dialscript.console.i18n import LANGUAGES, Notice, best_language, translator

from .conftest import REPO, Agent, csrf

KEYWORDS = {"_": None, "N_": None}
LOCALE = REPO / "dialscript" / "console" / "locale"


def marked_texts() -> set[str]:
    """Every text marked _()/N_() in the console's code and templates."""
    found: set[str] = set()
    jinja = "jinja2.ext:babel_extract"
    for path in (REPO / "dialscript" / "render" / "templates" / "console").glob("*.html"):
        messages = extract_from_file(jinja, str(path), keywords=KEYWORDS, options={})
        found |= {str(m[1]) for m in messages}
    for path in (REPO / "dialscript" / "console").glob("*.py"):
        found |= {str(m[1]) for m in extract_from_file("python", str(path), keywords=KEYWORDS)}
    answers = REPO / "dialscript" / "runtime" / "answers.py"  # why an answer is refused
    found |= {str(m[1]) for m in extract_from_file("python", str(answers),
                                                   keywords={"_rejected": None})}  # fmt: skip
    return found


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_marked_text_is_translated_with_the_same_fields(language: str) -> None:
    with (LOCALE / f"{language}.po").open("rb") as file:
        catalog = {str(m.id): str(m.string) for m in read_po(file) if m.id}
    marked = marked_texts()
    assert len(marked) > 110  # the extraction found the pages' texts and the refusals
    assert sorted(marked - catalog.keys()) == []  # nothing shown untranslated
    assert sorted(catalog.keys() - marked) == []  # no stale entries
    for source, translated in catalog.items():
        assert translated.strip(), f"{language}: {source!r} is empty"
        fields = sorted(re.findall(r"%\(\w+\)s", source))
        assert sorted(re.findall(r"%\(\w+\)s", translated)) == fields, (language, source)


def test_the_browser_language_chooses_the_console_language() -> None:
    assert best_language(None) == best_language("") == best_language("de-DE,fr;q=0.9") == "en"
    assert best_language("ru-RU,ru;q=0.9,en-US;q=0.8") == "ru"
    assert best_language("zh-CN,zh;q=0.9") == "zh"
    assert best_language("en-GB,ru;q=0.7") == "en"
    assert best_language("ru;q=0.3,zh-TW;q=0.8") == "zh"
    assert best_language("ru;q=x, zh") == "zh"  # a malformed weight skips that language


def test_pages_in_russian_and_chinese(app: Starlette) -> None:
    client = TestClient(app)
    for header, lang, title in (
        ("ru-RU,ru;q=0.9", "ru", "Вход"),
        ("zh-CN", "zh", "登录"),
        ("en-US", "en", "Sign in"),
    ):
        html = client.get("/login", headers={"accept-language": header}).text
        assert f'<html lang="{lang}">' in html and f"<h1>{title}</h1>" in html


def test_an_agent_works_a_call_in_russian(app: Starlette, tmp_path: Path) -> None:
    client = TestClient(app, headers={"accept-language": "ru-RU,ru;q=0.9"})
    ann = Agent(client, "ann")
    url = ann.type_in()
    html = ann.get(url)
    for label in ("Контакт", "Путь", "Ответы", "Нет ответа / молчание", "Клиент положил трубку"):
        assert label in html, label
    ann.answer(url, "yes")
    html = ann.answer(url, "42")  # not a score
    assert "недопустимый ответ: 42 больше 10" in html  # the runtime's reason, translated too
    html = ann.post(url, action="answer", value="")
    assert "сначала укажите ответ" in html
    wrong = client.post("/login", data={"csrf": "x", "name": "ann", "password": "nope"})
    assert "Форма устарела: обновите страницу и повторите." in wrong.text


def test_a_notice_survives_the_session_and_is_translated_field_by_field() -> None:
    reason = Notice("%(answer)s is above %(high)s", answer="42", high="10")
    notice = Notice("not a valid answer: %(reason)s", reason=reason)
    data = json.loads(json.dumps(notice.to_data()))  # what the session cookie keeps
    again = Notice.from_data(data)
    assert again is not None and str(again) == str(notice) == "not a valid answer: 42 is above 10"
    assert again.shown(translator("zh")) == "无效的回答：42 大于 10"
    assert Notice.from_data(["only text"]) is None and Notice.from_data("x") is None


def test_a_refused_contacts_file_is_explained_in_chinese(app: Starlette) -> None:
    client = TestClient(app, headers={"accept-language": "zh-CN"})
    sue = Agent(client, "sue")
    sue.get("/supervisor")
    html = client.post(
        "/supervisor/contacts",
        data={"csrf": csrf(sue.last.text), "flow": "nps_survey"},
        files={"file": ("contacts.csv", "ИНН;Телефон\n1;2\n".encode("cp1251"), "text/csv")},
    ).text
    assert "未导入：文件不是 UTF-8 编码：请另存为“CSV UTF-8”。" in html
