"""Answers: validating and normalising what an agent typed or a caller keyed for a Question.

The same question answered by an agent ("7", 7, "да") or by the IVR (digits
"7", "1""0", a mapped key "0" -> 10) gives the same stored value:
numbers as int when integral, "yes"/"no", choice names, "dont_know"/"refused",
ISO dates/times, phones as +digits.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from dialscript.graph.model import Choice, Question

Via = Literal["digits", "agent", "text"]

YES_WORDS = frozenset(
    "yes y yeah yep sure ok okay true да ага угу конечно точно верно".split()
    + "是 是的 对 对的 好 好的 嗯".split()
)
NO_WORDS = frozenset("no n nope false нет неа не 不 不是 没有 否 不要 不对".split())
DONT_KNOW_WORDS = frozenset(
    {"dont_know", "don't know", "dont know", "do not know", "not sure", "не знаю",
     "затрудняюсь", "затрудняюсь ответить", "не могу сказать", "不知道", "说不清", "不清楚"}
)  # fmt: skip
REFUSED_WORDS = frozenset(
    {"refused", "refuse", "no comment", "decline", "отказ", "отказался", "отказ от ответа",
     "не скажу", "не хочу отвечать", "拒绝", "拒绝回答", "不想说"}
)  # fmt: skip
_TODAY = {"today", "сегодня", "今天"}
_TOMORROW = {"tomorrow", "завтра", "明天"}
_PUNCT = " \t.!?,;。！？，"
_NUMBERS = (int, float)  # a tuple: isinstance is cheaper with it than with `int | float`


@dataclass(frozen=True, slots=True)
class Accepted:
    value: Any


@dataclass(frozen=True, slots=True)
class Rejected:
    reason: str
    template: str = ""  # the reason with %(name)s fields, for front ends that translate it
    params: tuple[tuple[str, str], ...] = ()  # the fields' values, already shown as text


def _rejected(template: str, **params: str) -> Rejected:
    """A refusal whose reason can be shown in another language (``template % params``)."""
    return Rejected(template % params if params else template, template, tuple(params.items()))


Outcome = Accepted | Rejected


def words(raw: str) -> str:
    return raw.strip(_PUNCT).casefold()


def normalise_answer(
    question: Question,
    raw: Any,
    *,
    via: Via,
    choices: tuple[Choice, ...] = (),
    extra_keys: Iterable[str] = (),
    today: date | None = None,
) -> Outcome:
    """Validate `raw` for `question`; `extra_keys` are menu keys that have a route.

    >>> q = Question(type="scale", low=1, high=10, keys={"0": "10"}, max_digits=2)
    >>> [normalise_answer(q, r, via=v).value for r, v in (("7", "agent"), ("10", "digits"),
    ...                                                  ("0", "digits"), (7.0, "agent"))]
    [7, 10, 10, 7]
    """
    if via == "digits":
        digits = str(raw).strip()
        if question.terminator and digits.endswith(question.terminator):
            digits = digits[: -len(question.terminator)]
        if not digits:
            return _rejected("no keys pressed")
        if digits in question.keys:
            mapped = question.keys[digits]
            if question.type == "keys":
                return Accepted(mapped)
            return _typed(question, mapped, choices, extra_keys, today, digits=True)
        return _typed(question, digits, choices, extra_keys, today, digits=True)
    if isinstance(raw, str) and question.accepts_special:
        special = _special(raw)
        # A choice of the flow's own ("refuse" / "отказ" as an answer option) wins
        # over the built-in word; the canonical names always mean the built-ins.
        if special is not None and (
            raw in ("dont_know", "refused") or not _names_a_choice(raw, choices or question.choices)
        ):
            return Accepted(special)
    result = _typed(question, raw, choices, extra_keys, today, digits=False)
    if isinstance(result, Rejected) and isinstance(raw, str | int) and not isinstance(raw, bool):
        key = str(raw).strip()
        if key in question.keys:
            return _typed(question, question.keys[key], choices, extra_keys, today, digits=True)
    return result


def _names_a_choice(raw: str, choices: tuple[Choice, ...]) -> bool:
    text = words(raw)
    return any(
        text == choice.name.casefold()
        or any(text == words(label) for label in choice.label.values())
        for choice in choices
    )


def _special(raw: str) -> str | None:
    text = words(raw)
    if text in DONT_KNOW_WORDS:
        return "dont_know"
    if text in REFUSED_WORDS:
        return "refused"
    return None


def _typed(
    question: Question,
    raw: Any,
    choices: tuple[Choice, ...],
    extra_keys: Iterable[str],
    today: date | None,
    *,
    digits: bool,
) -> Outcome:
    if question.accepts_special and raw in ("dont_know", "refused"):
        return Accepted(raw)
    kind = question.type
    if kind == "yesno":
        return _yesno(raw)
    if kind in ("number", "scale"):
        return _number(question, raw)
    if kind == "one":
        name = _choice(raw, choices, question.keys)
        return (
            Accepted(name)
            if name
            else _rejected("not one of the options: %(answer)s", answer=repr(raw))
        )
    if kind == "many":
        return _many(raw, choices, question.keys, digits=digits)
    if kind == "keys":
        key = str(raw).strip()
        if key in question.keys:
            return Accepted(question.keys[key])
        if key in set(extra_keys):
            return Accepted(key)
        return _rejected("no such menu key: %(key)s", key=repr(key))
    if not isinstance(raw, str | int | float) or isinstance(raw, bool):
        return _rejected("expected text, got %(answer)s", answer=repr(raw))
    text = str(raw).strip()
    if kind == "digits":
        return _digit_string(question, text)
    if kind == "phone":
        return _phone(text)
    if kind == "date":
        found = parse_date(text, today)
        return (
            Accepted(found.isoformat())
            if found
            else _rejected("not a date: %(answer)s", answer=repr(text))
        )
    if kind == "time":
        moment = parse_time(text)
        return (
            Accepted(moment.strftime("%H:%M"))
            if moment
            else _rejected("not a time: %(answer)s", answer=repr(text))
        )
    if kind == "datetime":
        return _datetime(text, today)
    return Accepted(text) if text else _rejected("empty answer")


def _yesno(raw: Any) -> Outcome:
    if raw is True:
        return Accepted("yes")
    if raw is False:
        return Accepted("no")
    if isinstance(raw, str):
        text = words(raw)
        if text in YES_WORDS:
            return Accepted("yes")
        if text in NO_WORDS:
            return Accepted("no")
    return _rejected("expected yes or no, got %(answer)s", answer=repr(raw))


def _number(question: Question, raw: Any) -> Outcome:
    if isinstance(raw, bool):
        return _rejected("expected a number")
    if isinstance(raw, _NUMBERS):
        number = float(raw)
    elif isinstance(raw, str):
        try:
            number = float(raw.strip().replace(",", "."))
        except ValueError:
            return _rejected("not a number: %(answer)s", answer=repr(raw))
    else:
        return _rejected("not a number: %(answer)s", answer=repr(raw))
    if not math.isfinite(number):
        return _rejected("not a number")
    if question.type == "scale" and not number.is_integer():
        return _rejected("a scale takes whole numbers, got %(answer)s", answer=repr(raw))
    if question.low is not None and number < question.low:
        return _rejected(
            "%(answer)s is below %(low)s", answer=_show(number), low=_show(question.low)
        )
    if question.high is not None and number > question.high:
        return _rejected(
            "%(answer)s is above %(high)s", answer=_show(number), high=_show(question.high)
        )
    return Accepted(int(number) if number.is_integer() else number)


def _show(number: float) -> str:
    return str(int(number)) if number.is_integer() else str(number)


def _choice(raw: Any, choices: tuple[Choice, ...], keys: dict[str, str]) -> str | None:
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        return None
    text = str(raw).strip()
    folded = words(text)
    for option in choices:
        if text == option.name or folded == option.name.casefold():
            return option.name
    for option in choices:
        if any(folded == words(label) for label in option.label.values()):
            return option.name
    if text in keys and any(o.name == keys[text] for o in choices):
        return keys[text]
    for position, option in enumerate(choices, start=1):
        if text == (option.key or str(position)):
            return option.name
    return None


def _many(raw: Any, choices: tuple[Choice, ...], keys: dict[str, str], *, digits: bool) -> Outcome:
    if isinstance(raw, list | tuple):
        items = [str(item) for item in raw]
    elif isinstance(raw, str):
        items = list(raw) if digits else [p for p in re.split(r"[,;]", raw) if p.strip()]
    else:
        return _rejected("expected options, got %(answer)s", answer=repr(raw))
    chosen: list[str] = []
    for item in items:
        name = _choice(item, choices, keys)
        if name is None:
            return _rejected("not one of the options: %(answer)s", answer=repr(item))
        if name not in chosen:
            chosen.append(name)
    return Accepted(chosen) if chosen else _rejected("no option chosen")


def _digit_string(question: Question, text: str) -> Outcome:
    if not text.isdigit() or not text.isascii():
        return _rejected("expected digits, got %(answer)s", answer=repr(text))
    if question.low is not None and len(text) < question.low:
        return _rejected("expected at least %(low)s digits", low=_show(question.low))
    if question.high is not None and len(text) > question.high:
        return _rejected("expected at most %(high)s digits", high=_show(question.high))
    return Accepted(text)


def _phone(text: str) -> Outcome:
    compact = re.sub(r"[\s()\-.]", "", text)
    plus = compact.startswith("+")
    number = compact[1:] if plus else compact
    if not number.isdigit() or not number.isascii() or not 5 <= len(number) <= 15:
        return _rejected("not a phone number: %(answer)s", answer=repr(text))
    if not plus and len(number) == 11 and number[0] == "8":
        number = "7" + number[1:]
    if not plus and len(number) == 10 and number[0] == "9":
        number = "7" + number
    return Accepted(("+" if plus or len(number) >= 11 else "") + number)


def parse_date(text: str, today: date | None) -> date | None:
    folded = words(text)
    if today is not None and folded in _TODAY:
        return today
    if today is not None and folded in _TOMORROW:
        return today + timedelta(days=1)
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d.%m.%y", "%Y年%m月%d日"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def parse_time(text: str) -> time | None:
    match = re.fullmatch(r"\s*(\d{1,2})(?:[:.\s]?(\d{2}))?\s*", text)
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


def _datetime(text: str, today: date | None) -> Outcome:
    try:
        moment = datetime.fromisoformat(text.strip())
        return Accepted(moment.replace(second=0, microsecond=0).isoformat(timespec="minutes"))
    except ValueError:
        pass
    head, _, tail = text.strip().rpartition(" ")
    day, clock = parse_date(head, today), parse_time(tail)
    if day is None or clock is None:
        return _rejected("not a date and time: %(answer)s", answer=repr(text))
    return Accepted(datetime.combine(day, clock).isoformat(timespec="minutes"))
