"""Builds the AST (dsl/ast.py) while lark parses; the only module that sees lark's output.

Lark calls one method per grammar rule or alias with the rule's children: the
named tokens it kept (keywords that open a line are named, so every statement
knows where it starts) and the AST pieces already built for sub-rules.
A rule without a method would come back as a lark Tree; `ToAst.check_rules`
and a test make sure that never happens.
"""

from __future__ import annotations

import ast as pyast
from typing import Any, cast

from lark import Token

from dialscript.dsl import ast
from dialscript.dsl.span import Span

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DURATION_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}
Children = list[Any]


def duration_seconds(text: str) -> float:
    digits = text.rstrip("abcdefghijklmnopqrstuvwxyz")
    return float(digits) * _DURATION_UNITS[text[len(digits) :]]


def unquote(raw: str) -> str:
    """The value of a double-quoted string with backslash escapes."""
    if "\\" not in raw:
        return raw[1:-1]
    try:
        value = pyast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return raw[1:-1]
    return value if isinstance(value, str) else raw[1:-1]


def _key(token: Token) -> str:
    return unquote(token) if token.startswith('"') else str(token)


class ToAst:
    """One method per grammar rule; `path` is set for each file parsed."""

    path = "<flow>"

    # ---------------------------------------------------------- spans
    def _tok(self, token: Token) -> Span:
        line = token.line or 1
        column = token.column or 1
        return Span(self.path, line, column, token.end_line or line, token.end_column or column)

    def _end(self, item: Any) -> tuple[int, int]:
        if isinstance(item, Token):
            return (item.end_line or 1, item.end_column or 1)
        span = getattr(item, "span", None)
        if isinstance(span, Span):
            return (span.end_line, span.end_column)
        if isinstance(item, tuple | list) and item:
            return self._end(item[-1])
        return (0, 0)

    def _from(self, first: Token, children: Children) -> Span:
        """From `first` to the end of the last child that has a position."""
        line = first.line or 1
        column = first.column or 1
        end = (first.end_line or line, first.end_column or column)
        for child in reversed(children):
            child_end = self._end(child)
            if child_end > end:
                end = child_end
                break
        return Span(self.path, line, column, end[0], end[1])

    def _cover(self, first: Any, last: Any) -> Span:
        start = first if isinstance(first, Span) else first.span
        end = self._end(last)
        return Span(self.path, start.line, start.column, end[0], end[1])

    def _name(self, token: Token) -> ast.Name:
        return ast.Name(self._tok(token), str(token))

    def _text(self, token: Token) -> ast.Text:
        span = self._tok(token)
        return ast.Text(span, (ast.TextVariant(span, None, unquote(token)),))

    # ---------------------------------------------------------- module
    def start(self, c: Children) -> ast.Module:
        flows = [i for i in c if isinstance(i, ast.FlowHeader)]
        starts = [i for i in c if isinstance(i, ast.Name)]
        first = c[0].span if c and hasattr(c[0], "span") else Span(self.path, 1, 1, 1, 1)
        return ast.Module(
            span=self._cover(first, c[-1]) if c else first,
            path=self.path,
            flow=flows[0] if flows else None,
            imports=tuple(i for i in c if isinstance(i, ast.Import)),
            choices=tuple(i for i in c if isinstance(i, ast.Choices)),
            schedules=tuple(i for i in c if isinstance(i, ast.Schedule)),
            start=starts[0] if starts else None,
            steps=tuple(i for i in c if isinstance(i, ast.Step)),
            handlers=tuple(i for i in c if isinstance(i, ast.Handler)),
        )

    def flow(self, c: Children) -> ast.FlowHeader:
        keyword, name, *rest = c
        title = unquote(rest[0]) if rest and isinstance(rest[0], Token) else None
        items = [r for r in rest if not isinstance(r, Token)]
        languages: tuple[ast.Name, ...] = ()
        channel = None
        budget = None
        record_calls = False
        for item in items:
            if isinstance(item, tuple) and item[0] == "languages":
                languages = languages + item[1]
            elif isinstance(item, tuple) and item[0] == "channel":
                channel = item[1]
            elif isinstance(item, tuple) and item[0] == "budget":
                budget = item[1]
            elif item == "record_calls":
                record_calls = True
        return ast.FlowHeader(
            span=self._tok(name),
            name=self._name(name),
            title=title,
            languages=languages,
            channel=channel,
            budget_seconds=budget,
            decls=tuple(i for i in items if isinstance(i, ast.Decl)),
            outcomes=tuple(i for i in items if isinstance(i, ast.OutcomeDecl)),
            record_calls=record_calls,
        )

    def languages(self, c: Children) -> tuple[str, tuple[ast.Name, ...]]:
        return ("languages", tuple(self._name(n) for n in c[1:]))

    def channel(self, c: Children) -> tuple[str, ast.Name]:
        return ("channel", self._name(c[1]))

    def budget(self, c: Children) -> tuple[str, float]:
        return ("budget", duration_seconds(c[1]))

    def record_calls(self, c: Children) -> str:
        return "record_calls"

    def _decl(self, role: str, c: Children) -> ast.Decl:
        keyword, name, type_spec, *rest = c
        optional = any(isinstance(r, Token) and r.type == "OPTIONAL" for r in rest)
        default = next((r for r in rest if not isinstance(r, Token)), None)
        return ast.Decl(
            self._from(keyword, c),
            cast(Any, role),
            self._name(name),
            type_spec,
            optional=optional,
            default=default,
        )

    def input_decl(self, c: Children) -> ast.Decl:
        return self._decl("input", c)

    def result_decl(self, c: Children) -> ast.Decl:
        return self._decl("result", c)

    def var_decl(self, c: Children) -> ast.Decl:
        return self._decl("var", c)

    def outcome_decl(self, c: Children) -> ast.OutcomeDecl:
        keyword, name, *rest = c
        title = None
        requires = []
        for token in rest:
            if token.type == "STRING":
                title = unquote(token)
            else:
                requires.append(self._name(token))
        return ast.OutcomeDecl(self._from(keyword, c), self._name(name), title, tuple(requires))

    # ---------------------------------------------------------- types
    def range(self, c: Children) -> tuple[float, float, Token]:
        return (float(c[0]), float(c[1]), c[1])

    def _type(self, c: Children, kind: str) -> ast.TypeSpec:
        keyword = c[0]
        low = high = None
        if len(c) > 1:
            low, high, _ = c[1]
        return ast.TypeSpec(self._from(keyword, c), cast(Any, kind), low, high)

    def t_yesno(self, c: Children) -> ast.TypeSpec:
        return self._type(c, "yesno")

    def t_number(self, c: Children) -> ast.TypeSpec:
        return self._type(c, "number")

    def t_scale(self, c: Children) -> ast.TypeSpec:
        return self._type(c, "scale")

    def t_digits(self, c: Children) -> ast.TypeSpec:
        return self._type(c, "digits")

    def t_one(self, c: Children) -> ast.TypeSpec:
        return ast.TypeSpec(self._from(c[0], c), "one", choices=self._name(c[1]))

    def t_many(self, c: Children) -> ast.TypeSpec:
        return ast.TypeSpec(self._from(c[0], c), "many", choices=self._name(c[1]))

    def t_text(self, c: Children) -> ast.TypeSpec:
        return self._type(c, "text")

    def t_date(self, c: Children) -> ast.TypeSpec:
        return self._type(c, "date")

    def t_time(self, c: Children) -> ast.TypeSpec:
        return self._type(c, "time")

    def t_datetime(self, c: Children) -> ast.TypeSpec:
        return self._type(c, "datetime")

    def t_phone(self, c: Children) -> ast.TypeSpec:
        return self._type(c, "phone")

    # ---------------------------------------------------------- top level
    def import_(self, c: Children) -> ast.Import:
        return ast.Import(self._from(c[0], c), unquote(c[1]))

    def start_at(self, c: Children) -> ast.Name:
        return self._name(c[1])

    def choices(self, c: Children) -> ast.Choices:
        return ast.Choices(self._from(c[0], c), self._name(c[1]), tuple(c[2:]))

    def choice(self, c: Children) -> ast.ChoiceOption:
        name, *rest = c
        key = None
        variants: list[ast.TextVariant] = []
        for item in rest:
            if isinstance(item, Token) and item.type == "STRING":
                variants.append(ast.TextVariant(self._tok(item), None, unquote(item)))
            elif isinstance(item, ast.TextVariant):
                variants.append(item)
            elif isinstance(item, str):
                key = item
        span = self._from(name, c)
        return ast.ChoiceOption(span, self._name(name), ast.Text(span, tuple(variants)), key)

    def key(self, c: Children) -> str:
        return _key(c[1])

    def schedule(self, c: Children) -> ast.Schedule:
        keyword, name, *items = c
        timezone = next((i for i in items if isinstance(i, str)), None)
        return ast.Schedule(
            self._from(keyword, c),
            self._name(name),
            timezone,
            tuple(i for i in items if isinstance(i, ast.Hours)),
            tuple(i for i in items if isinstance(i, ast.Holiday)),
        )

    def timezone(self, c: Children) -> str:
        return str(c[1])

    def hours(self, c: Children) -> ast.Hours:
        days, *ranges = c
        first, _, last = str(days).partition("-")
        span = self._from(days, c)
        return ast.Hours(
            span,
            _DAYS.index(first),
            _DAYS.index(last or first),
            tuple((start, end) for start, end, _ in ranges),
        )

    def hour_range(self, c: Children) -> tuple[str, str, Token]:
        return (str(c[0]).zfill(5), str(c[1]).zfill(5), c[1])

    def holiday(self, c: Children) -> ast.Holiday:
        first = c[1]
        last = c[2] if len(c) > 2 else first
        return ast.Holiday(self._from(c[0], c), str(first), str(last))

    def step(self, c: Children) -> ast.Step:
        return ast.Step(self._from(c[0], c), self._name(c[1]), tuple(c[2:]))

    def end_step(self, c: Children) -> ast.Step:
        span = self._from(c[0], c)
        return ast.Step(span, self._name(c[1]), tuple(c[3:]), self._name(c[2]))

    def handler(self, c: Children) -> ast.Handler:
        keyword, name, *rest = c
        title = unquote(rest[0]) if rest and isinstance(rest[0], Token) else None
        items = [r for r in rest if not isinstance(r, Token)]
        return ast.Handler(
            self._from(keyword, c),
            self._name(name),
            title,
            tuple(i for i in items if isinstance(i, ast.Name)),
            tuple(i for i in items if not isinstance(i, ast.Name)),
        )

    def handler_key(self, c: Children) -> ast.Name:
        return ast.Name(self._tok(c[1]), _key(c[1]))

    # ---------------------------------------------------------- statements
    def lang_line(self, c: Children) -> ast.TextVariant:
        return ast.TextVariant(self._from(c[0], c), str(c[0]), unquote(c[1]))

    def _say_like(self, c: Children) -> ast.Text:
        if len(c) == 2 and isinstance(c[1], Token):
            return self._text(c[1])
        variants = tuple(c[1:])
        return ast.Text(self._cover(variants[0], variants[-1]), variants)

    def say(self, c: Children) -> ast.Say:
        return ast.Say(self._from(c[0], c), self._say_like(c))

    def play(self, c: Children) -> ast.Play:
        return ast.Play(self._from(c[0], c), self._say_like(c))

    def note(self, c: Children) -> ast.Note:
        return ast.Note(self._from(c[0], c), self._say_like(c))

    def _ask(self, is_menu: bool, c: Children) -> ast.Ask:
        var = None
        text = None
        type_spec = None
        routes: list[ast.Route] = []
        hints: list[ast.Text] = []
        reprompts: list[ast.Text] = []
        requires: list[ast.Require] = []
        confirms: list[ast.Confirm] = []
        key_maps: list[ast.KeyMap] = []
        variants: list[ast.TextVariant] = []
        scalars: dict[str, Any] = {}
        for child in c[1:]:
            if isinstance(child, Token):
                if child.type == "NAME":
                    var = self._name(child)
                else:
                    text = self._text(child)
            elif isinstance(child, ast.Route):
                routes.append(child)
            elif isinstance(child, ast.TextVariant):
                variants.append(child)
            elif isinstance(child, ast.TypeSpec):
                type_spec = child
            elif isinstance(child, ast.Require):
                requires.append(child)
            elif isinstance(child, ast.Confirm):
                confirms.append(child)
            elif isinstance(child, ast.KeyMap):
                key_maps.append(child)
            else:
                tag, value = child
                if tag == "hint":
                    hints.append(value)
                elif tag == "reprompt":
                    reprompts.append(value)
                elif tag == "digits":
                    scalars["max_digits"], scalars["terminator"] = value
                else:
                    scalars[tag] = value
        if variants:
            if text is not None:
                variants.insert(0, text.variants[0])
            text = ast.Text(self._cover(variants[0], variants[-1]), tuple(variants))
        return ast.Ask(
            self._from(c[0], c),
            is_menu,
            var,
            text,
            type_spec,
            routes=tuple(routes),
            hints=tuple(hints),
            reprompts=tuple(reprompts),
            timeout=scalars.get("timeout"),
            silence=scalars.get("silence"),
            invalid=scalars.get("invalid"),
            otherwise=scalars.get("otherwise"),
            requires=tuple(requires),
            confirms=tuple(confirms),
            key_maps=tuple(key_maps),
            max_digits=scalars.get("max_digits"),
            terminator=scalars.get("terminator"),
        )

    def ask(self, c: Children) -> ast.Ask:
        return self._ask(False, c)

    def menu(self, c: Children) -> ast.Ask:
        return self._ask(True, c)

    def route(self, c: Children) -> ast.Route:
        *patterns, target = c
        return ast.Route(self._cover(patterns[0], target), tuple(patterns), self._name(target))

    def _pattern(self, c: Children, kind: str, value: Any = None, high: Any = None) -> ast.Pattern:
        return ast.Pattern(self._from(c[0], c), cast(Any, kind), value, high)

    def p_yes(self, c: Children) -> ast.Pattern:
        return self._pattern(c, "yes")

    def p_no(self, c: Children) -> ast.Pattern:
        return self._pattern(c, "no")

    def p_dont_know(self, c: Children) -> ast.Pattern:
        return self._pattern(c, "dont_know")

    def p_refused(self, c: Children) -> ast.Pattern:
        return self._pattern(c, "refused")

    def p_name(self, c: Children) -> ast.Pattern:
        return self._pattern(c, "name", str(c[0]))

    def p_number(self, c: Children) -> ast.Pattern:
        return self._pattern(c, "number", float(c[0]))

    def p_range(self, c: Children) -> ast.Pattern:
        return self._pattern(c, "range", float(c[0]), float(c[1]))

    def p_sign(self, c: Children) -> ast.Pattern:
        return self._pattern(c, "sign", unquote(c[0]))

    def hint(self, c: Children) -> tuple[str, ast.Text]:
        return ("hint", self._say_like(c))

    def reprompt(self, c: Children) -> tuple[str, ast.Text]:
        return ("reprompt", self._say_like(c))

    def timeout(self, c: Children) -> tuple[str, float]:
        return ("timeout", duration_seconds(c[1]))

    def _fallback(self, c: Children) -> ast.Fallback:
        times = int(float(c[1])) if len(c) == 3 else 1
        return ast.Fallback(self._from(c[0], c), times, self._name(c[-1]))

    def silence(self, c: Children) -> tuple[str, ast.Fallback]:
        return ("silence", self._fallback(c))

    def invalid(self, c: Children) -> tuple[str, ast.Fallback]:
        return ("invalid", self._fallback(c))

    def otherwise(self, c: Children) -> tuple[str, ast.Name]:
        return ("otherwise", self._name(c[1]))

    def require(self, c: Children) -> ast.Require:
        return ast.Require(self._from(c[0], c), c[1], self._say_like([c[0], *c[2:]]))

    def confirm(self, c: Children) -> ast.Confirm:
        return ast.Confirm(self._from(c[0], c), c[1], self._say_like([c[0], *c[2:]]))

    def key_map(self, c: Children) -> ast.KeyMap:
        return ast.KeyMap(self._from(c[0], c), _key(c[1]), c[2])

    def max_digits(self, c: Children) -> tuple[str, tuple[int, str | None]]:
        ending = unquote(c[2]) if len(c) > 2 else None
        return ("digits", (int(float(c[1])), ending))

    def if_(self, c: Children) -> ast.If:
        return ast.If(self._from(c[0], c), c[1], self._name(c[2]))

    def else_(self, c: Children) -> ast.Else:
        return ast.Else(self._from(c[0], c), self._name(c[1]))

    def goto(self, c: Children) -> ast.Goto:
        return ast.Goto(self._from(c[0], c), self._name(c[1]))

    def set_(self, c: Children) -> ast.SetVar:
        return ast.SetVar(self._from(c[0], c), self._name(c[1]), c[2])

    def arg(self, c: Children) -> ast.Arg:
        return ast.Arg(self._from(c[0], c), self._name(c[0]), c[1])

    def with_args(self, c: Children) -> tuple[str, tuple[ast.Arg, ...]]:
        return ("with", tuple(c))

    def returning(self, c: Children) -> tuple[str, tuple[ast.Arg, ...]]:
        return ("returning", tuple(c))

    def call(self, c: Children) -> ast.Call:
        by_tag: dict[str, tuple[ast.Arg, ...]] = {"with": (), "returning": ()}
        for tag, args in c[2:]:
            by_tag[tag] = by_tag[tag] + args
        return ast.Call(self._from(c[0], c), self._name(c[1]), by_tag["with"], by_tag["returning"])

    def transfer(self, c: Children) -> ast.Transfer:
        kind, dest, *items = c
        failed = next((i for i in items if isinstance(i, ast.Name)), None)
        timeout = next((i[1] for i in items if isinstance(i, tuple)), None)
        span = self._from(kind, c)
        return ast.Transfer(span, cast(Any, str(kind)), self._name(dest), failed, timeout)

    def failed(self, c: Children) -> ast.Name:
        return self._name(c[1])

    def record(self, c: Children) -> ast.Record:
        prompt = None
        max_seconds = None
        variants = [item for item in c[2:] if isinstance(item, ast.TextVariant)]
        for item in c[2:]:
            if isinstance(item, Token) and item.type == "STRING":
                prompt = self._text(item)
            elif isinstance(item, Token):
                max_seconds = duration_seconds(item)
        if variants:
            prompt = ast.Text(self._cover(variants[0], variants[-1]), tuple(variants))
        return ast.Record(self._from(c[0], c), self._name(c[1]), prompt, max_seconds)

    def hangup(self, c: Children) -> ast.Hangup:
        cause = self._name(c[1]) if len(c) > 1 else None
        return ast.Hangup(self._from(c[0], c), cause)

    def sms(self, c: Children) -> ast.Sms:
        return ast.Sms(self._from(c[0], c), self._name(c[1]), self._say_like([c[0], *c[2:]]))

    def fields(self, c: Children) -> tuple[ast.Name, ...]:
        return tuple(self._name(n) for n in c)

    def notify(self, c: Children) -> ast.Notify:
        kind, dest, *rest = c
        subject = None
        names: tuple[ast.Name, ...] = ()
        for item in rest:
            if isinstance(item, Token):
                subject = self._text(item)
            else:
                names = names + item
        span = self._from(kind, c)
        return ast.Notify(span, cast(Any, str(kind)), self._name(dest), subject, names)

    def lookup(self, c: Children) -> ast.Lookup:
        keyword, var, source, *rest = c
        args: tuple[ast.Arg, ...] = ()
        timeout = None
        error = None
        for item in rest:
            if isinstance(item, ast.Name):
                error = item
            elif item[0] == "with":
                args = item[1]
            elif item[0] == "timeout":
                timeout = item[1]
        span = self._from(keyword, c)
        return ast.Lookup(span, self._name(var), self._name(source), args, timeout, error)

    def error_route(self, c: Children) -> ast.Name:
        return self._name(c[1])

    def outcome(self, c: Children) -> ast.SetOutcome:
        return ast.SetOutcome(self._from(c[0], c), self._name(c[1]))

    def resume(self, c: Children) -> ast.Resume:
        return ast.Resume(self._tok(c[0]))

    def limit(self, c: Children) -> ast.Limit:
        return ast.Limit(self._from(c[0], c), int(float(c[1])), self._name(c[2]))

    # ---------------------------------------------------------- expressions
    def number(self, c: Children) -> ast.Literal_:
        return ast.Literal_(self._tok(c[0]), "number", float(c[0]))

    def string(self, c: Children) -> ast.Literal_:
        return ast.Literal_(self._tok(c[0]), "string", unquote(c[0]))

    def yes(self, c: Children) -> ast.Literal_:
        return ast.Literal_(self._tok(c[0]), "yesno", True)

    def no(self, c: Children) -> ast.Literal_:
        return ast.Literal_(self._tok(c[0]), "yesno", False)

    def dont_know(self, c: Children) -> ast.Literal_:
        return ast.Literal_(self._tok(c[0]), "special", "dont_know")

    def refused(self, c: Children) -> ast.Literal_:
        return ast.Literal_(self._tok(c[0]), "special", "refused")

    def ref(self, c: Children) -> ast.Ref:
        return ast.Ref(self._from(c[0], c), tuple(str(n) for n in c))

    def is_open(self, c: Children) -> ast.ScheduleTest:
        return ast.ScheduleTest(self._from(c[0], c), self._name(c[1]), True)

    def is_closed(self, c: Children) -> ast.ScheduleTest:
        return ast.ScheduleTest(self._from(c[0], c), self._name(c[1]), False)

    def compare(self, c: Children) -> ast.Compare:
        return ast.Compare(self._cover(c[0], c[2]), cast(Any, str(c[1])), c[0], c[2])

    def arith(self, c: Children) -> ast.Arith:
        return ast.Arith(self._cover(c[0], c[2]), cast(Any, str(c[1])), c[0], c[2])

    def in_range(self, c: Children) -> ast.InRange:
        return ast.InRange(self._cover(c[0], c[2]), c[0], float(c[1]), float(c[2]))

    def in_list(self, c: Children) -> ast.InList:
        return ast.InList(self._cover(c[0], c[-1]), c[0], tuple(c[1:]))

    def is_set(self, c: Children) -> ast.IsSet:
        return ast.IsSet(c[0].span, c[0], False)

    def is_not_set(self, c: Children) -> ast.IsSet:
        return ast.IsSet(c[0].span, c[0], True)

    def not_(self, c: Children) -> ast.Not:
        return ast.Not(self._from(c[0], c), c[1])

    def and_expr(self, c: Children) -> ast.BoolOp:
        return ast.BoolOp(self._cover(c[0], c[-1]), "and", tuple(c))

    def or_expr(self, c: Children) -> ast.BoolOp:
        return ast.BoolOp(self._cover(c[0], c[-1]), "or", tuple(c))
