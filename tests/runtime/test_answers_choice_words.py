"""A choice of the flow's own wins over the built-in words for dont_know / refused."""

from __future__ import annotations

from dialscript.graph.model import Choice, Question
from dialscript.runtime.answers import Accepted, normalise_answer

CHOICES = (
    Choice(name="refuse", label={"ru": "отказ"}),
    Choice(name="sale", label={"ru": "продажа"}),
)
QUESTION = Question(type="one", choices=CHOICES, keys={"1": "refuse", "2": "sale"})


def _answer(raw: str) -> object:
    result = normalise_answer(QUESTION, raw, via="agent", choices=CHOICES)
    assert isinstance(result, Accepted), result
    return result.value


def test_choice_name_and_label_win_over_the_builtin_refusal() -> None:
    assert _answer("refuse") == "refuse"
    assert _answer("Отказ") == "refuse"


def test_canonical_and_other_words_still_mean_the_builtins() -> None:
    assert _answer("refused") == "refused"
    assert _answer("не хочу отвечать") == "refused"
    assert _answer("не знаю") == "dont_know"
