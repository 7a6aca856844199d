"""The valid answers of a question as buttons/menu entries, labelled in the call's language."""

from __future__ import annotations

from dialscript.graph.model import Choice, Question
from dialscript.runtime.commands import Option
from dialscript.runtime.plan import pick

_LABELS: dict[str, dict[str, str]] = {
    "ru": {"yes": "Да", "no": "Нет", "dont_know": "Затрудняюсь ответить", "refused": "Отказ"},
    "en": {"yes": "Yes", "no": "No", "dont_know": "Don't know", "refused": "Refused"},
    "zh": {"yes": "是", "no": "否", "dont_know": "不知道", "refused": "拒绝回答"},
}
_MAX_SCALE_BUTTONS = 11


def label(word: str, lang: str) -> str:
    return _LABELS.get(lang, _LABELS["en"]).get(word, word)


def options_for(
    question: Question, choices: tuple[Choice, ...], route_keys: tuple[str, ...], lang: str,
    default_lang: str,
) -> tuple[Option, ...]:  # fmt: skip
    """Buttons for the agent / entries for an IVR menu, special answers last."""
    key_of = {answer: key for key, answer in reversed(question.keys.items())}
    found: list[Option] = []
    kind = question.type
    if kind == "yesno":
        found = [Option(w, label(w, lang), key_of.get(w)) for w in ("yes", "no")]
    elif kind in ("one", "many"):
        for position, choice in enumerate(choices, start=1):
            key = key_of.get(choice.name) or choice.key or str(position)
            found.append(Option(choice.name, pick(choice.label, lang, default_lang), key))
    elif kind == "keys":
        keys = dict.fromkeys([*question.keys, *route_keys])
        found = [Option(question.keys.get(k, k), k, k) for k in keys]
    elif kind == "scale" and question.low is not None and question.high is not None:
        low, high = int(question.low), int(question.high)
        if high - low < _MAX_SCALE_BUTTONS:
            for n in range(low, high + 1):
                found.append(Option(str(n), str(n), key_of.get(str(n), str(n))))
    if question.accepts_special:
        found += [Option(w, label(w, lang), key_of.get(w)) for w in ("dont_know", "refused")]
    return tuple(found)
