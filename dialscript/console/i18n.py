"""The console in the agent's language: English, Russian or Chinese, from the browser's
Accept-Language.

Texts are marked ``_("...")`` in templates and in the console's code (``N_`` where a text is
only marked, to be translated where it is shown); their translations live in
``locale/<lang>.po`` (gettext catalogs, read with Babel). A text with no translation is
shown in English. The flow's own texts are never translated here: they are already in the
call's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from typing import Any

from babel.core import negotiate_locale
from babel.messages.pofile import read_po

__all__ = ["LANGUAGES", "N_", "Notice", "NoticeError", "Translator", "best_language", "translator"]

LANGUAGES = ("en", "ru", "zh")
"""The console's languages; English is the source."""


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Mark a text for translation where it is shown, not here."""
    return message


SHOWN_FROM_DATA = (N_("agent"), N_("supervisor"), N_("new"), N_("active"), N_("done"))
"""Roles and contact statuses: data the pages translate when they show it."""


class Translator:
    """``_(msgid, **params)``: the text in one language, with ``%(name)s`` fields filled."""

    def __init__(self, language: str, messages: Mapping[str, str]) -> None:
        self.language = language
        self.messages = messages

    def __call__(self, message: str, /, **params: object) -> str:
        text = self.messages.get(message) or message
        return text % params if params else text


@cache
def _catalog(language: str) -> dict[str, str]:
    if language == "en":
        return {}
    source = resources.files("dialscript.console").joinpath(f"locale/{language}.po")
    with source.open("rb") as file:
        catalog = read_po(file, locale=language)
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy}


class Notice:
    """A message for the agent: an English text marked for translation, and its fields."""

    def __init__(self, message: str, /, **params: object) -> None:
        self.message = message
        self.params = params

    def __str__(self) -> str:
        return self.shown(lambda message, **params: message % params if params else message)

    def shown(self, translate: Callable[..., str]) -> str:
        """The message in the agent's language (``translate`` is the console's ``_``); a field
        that is itself a notice (the runtime's reason for refusing an answer) is translated too."""
        params = {k: v.shown(translate) if isinstance(v, Notice) else v
                  for k, v in self.params.items()}  # fmt: skip
        return translate(self.message, **params)

    def to_data(self) -> list[Any]:
        """As JSON data (kept in the session until the page shows it)."""
        return [self.message, {k: v.to_data() if isinstance(v, Notice) else v
                               for k, v in self.params.items()}]  # fmt: skip

    @classmethod
    def from_data(cls, data: Any) -> Notice | None:
        """The notice :meth:`to_data` gave, or None for anything else."""
        if not (isinstance(data, list) and len(data) == 2 and isinstance(data[0], str)
                and isinstance(data[1], dict)):  # fmt: skip
            return None
        params = {str(k): cls.from_data(v) or str(v) for k, v in data[1].items()}
        return cls(data[0], **params)


class NoticeError(Exception):
    """An error whose message is a :class:`Notice` (shown in the agent's language)."""

    def __init__(self, message: str, /, **params: object) -> None:
        self.notice = Notice(message, **params)
        super().__init__(str(self.notice))


def translator(language: str) -> Translator:
    """The console's texts in ``language`` (one of :data:`LANGUAGES`)."""
    return Translator(language, _catalog(language))


def best_language(accept_language: str | None) -> str:
    """The console language that suits an ``Accept-Language`` header best (English if none).

    >>> best_language("ru-RU,ru;q=0.9,en;q=0.8"), best_language("zh-CN"), best_language("de")
    ('ru', 'zh', 'en')
    >>> best_language("en-US,ru;q=0.5"), best_language("ru;q=0.2, zh-TW")
    ('en', 'zh')
    """
    wanted: list[tuple[float, str]] = []
    for item in (accept_language or "").split(","):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and quality > 0:
            wanted.append((quality, tag.strip()))
    wanted.sort(key=lambda pair: -pair[0])  # stable: equal weights keep the header's order
    preferred: list[str] = []
    for _, tag in wanted:
        preferred += [tag.replace("_", "-"), tag.split("-")[0].split("_")[0]]  # zh-CN, then zh
    return negotiate_locale(preferred, list(LANGUAGES), sep="-") or "en"
