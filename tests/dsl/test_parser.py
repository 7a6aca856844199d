"""The parser builds the AST with exact spans; every grammar rule has a builder."""

from __future__ import annotations

from dialscript.dsl import ast
from dialscript.dsl.parser import grammar, parse
from dialscript.dsl.transform import ToAst

FLOW = """\
flow survey "Опрос"
  language ru, en
  result score number 1..10

step rate
  ask score "Оцените нас" scale 1..10
    1..8 -> why
    else -> bye
  -> bye

step why
  say
    ru "Жаль"
    en "Sorry"
  -> bye

end bye completed
"""


def test_every_grammar_rule_has_a_builder() -> None:
    names = {rule.alias or rule.origin.name for rule in grammar().rules}
    names = {str(n) for n in names if not str(n).startswith(("_", "__"))}
    inlined = {"expr", "or_expr", "and_expr", "not_expr", "comparison", "sum", "atom"}
    missing = sorted(n for n in names - inlined if not hasattr(ToAst, n))
    assert missing == []


def test_statement_spans_start_at_their_keyword() -> None:
    module = parse(FLOW, path="s.flow")
    rate = module.steps[0]
    ask = rate.body[0]
    assert isinstance(ask, ast.Ask)
    assert (ask.span.line, ask.span.column) == (6, 3)
    assert ask.var is not None and (ask.var.span.line, ask.var.span.column) == (6, 7)
    route = ask.routes[0]
    assert (route.span.line, route.span.column, route.span.end_column) == (7, 5, 16)
    assert (route.target.span.column, route.target.span.end_column) == (13, 16)
    goto = rate.body[1]
    assert isinstance(goto, ast.Goto) and (goto.span.line, goto.span.column) == (9, 3)


def test_multi_language_text_keeps_each_language() -> None:
    module = parse(FLOW, path="s.flow")
    say = module.steps[1].body[0]
    assert isinstance(say, ast.Say)
    assert [(v.lang, v.value) for v in say.text.variants] == [("ru", "Жаль"), ("en", "Sorry")]
    assert say.text.variants[1].span.line == 14


def test_end_step_carries_its_outcome() -> None:
    module = parse(FLOW, path="s.flow")
    end = module.steps[2]
    assert end.end_outcome is not None and end.end_outcome.value == "completed"
    assert end.body == ()


def test_escapes_in_text() -> None:
    module = parse('step a\n  say "He said \\"hi\\""\n  hangup\n', path="e.flow")
    say = module.steps[0].body[0]
    assert isinstance(say, ast.Say)
    assert say.text.variants[0].value == 'He said "hi"'


def test_keywords_are_names_where_no_keyword_fits() -> None:
    module = parse('choices topics\n  text "Текст"\n  say "Сказать"\n', path="k.flow")
    assert [o.name.value for o in module.choices[0].options] == ["text", "say"]


MULTI = """\
flow both "Both"
  languages ru, en
  input phone phone
  result score scale 1..5
  result memo text optional
  outcome done

step rate
  note
    ru "Заметка"
    en "Note"
  ask score
    ru "Оцените"
    en "Rate us"
    reprompt
      ru "Ещё раз"
      en "Once more"
    hint
      ru "Подсказка"
      en "Hint"
    require score > 0 else
      ru "Не то"
      en "Not that"
    confirm if score == 1
      ru "Точно 1?"
      en "Really 1?"
    else -> memo
  -> memo

step memo
  record memo max 30s
    ru "Говорите"
    en "Speak"
  sms phone
    ru "Спасибо"
    en "Thanks"
  call other
    with a = 1
    returning b = c
  -> bye

end bye done
"""


def test_every_text_can_be_given_per_language() -> None:
    module = parse(MULTI, path="m.flow")
    rate, memo = module.steps[0], module.steps[1]
    note, ask = rate.body[0], rate.body[1]
    assert isinstance(note, ast.Note) and isinstance(ask, ast.Ask)

    def langs(text: ast.Text) -> list[tuple[str | None, str]]:
        return [(v.lang, v.value) for v in text.variants]

    assert langs(note.text) == [("ru", "Заметка"), ("en", "Note")]
    assert langs(ask.reprompts[0]) == [("ru", "Ещё раз"), ("en", "Once more")]
    assert langs(ask.hints[0]) == [("ru", "Подсказка"), ("en", "Hint")]
    assert langs(ask.requires[0].message) == [("ru", "Не то"), ("en", "Not that")]
    assert langs(ask.confirms[0].question) == [("ru", "Точно 1?"), ("en", "Really 1?")]
    record, sms, call = memo.body[0], memo.body[1], memo.body[2]
    assert isinstance(record, ast.Record) and record.prompt is not None
    assert record.max_seconds == 30.0 and langs(record.prompt)[1] == ("en", "Speak")
    assert isinstance(sms, ast.Sms) and langs(sms.text)[0] == ("ru", "Спасибо")
    assert isinstance(call, ast.Call)
    assert [a.name.value for a in call.args] == ["a"]
    assert [a.name.value for a in call.returning] == ["b"]
