"""Turns lark's parse tree into the AST (dsl/ast.py); the only module that sees lark trees."""

from __future__ import annotations

import ast as pyast
from collections.abc import Callable
from typing import Any, cast

from lark import Token, Tree
from lark.tree import Meta

from dialscript.dsl import ast
from dialscript.dsl.span import Span

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DURATION_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}


def duration_seconds(text: str) -> float:
    digits = text.rstrip("abcdefghijklmnopqrstuvwxyz")
    return float(digits) * _DURATION_UNITS[text[len(digits) :]]


def unquote(raw: str) -> str:
    """The value of a double-quoted string with backslash escapes."""
    try:
        value = pyast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return raw[1:-1]
    return value if isinstance(value, str) else raw[1:-1]


def _number(text: str) -> float:
    value = float(text)
    return value


class ToAst:
    """One method per grammar rule (or alias), called with the rule's meta and its
    already-converted children.  A rule without a method is a bug, never skipped."""

    def __init__(self, path: str, lines: list[str]) -> None:
        self.path = path
        self.lines = lines
        self._methods: dict[str, Callable[..., Any]] = {}

    def transform(self, tree: Tree[Token]) -> ast.Module:
        module = self._visit(tree)
        assert isinstance(module, ast.Module)
        return module

    def _visit(self, tree: Tree[Token]) -> Any:
        children = [
            self._visit(child) if isinstance(child, Tree) else child for child in tree.children
        ]
        rule = str(tree.data)
        method = self._methods.get(rule)
        if method is None:
            method = getattr(self, rule, None)
            if method is None or rule.startswith("_"):
                raise TypeError(f"the grammar rule {rule!r} has no AST conversion")
            self._methods[rule] = method
        return method(tree.meta, *children)

    # ---------------------------------------------------------- helpers
    def _span(self, meta: Meta) -> Span:
        if getattr(meta, "empty", True):
            return Span(self.path, 1, 1, 1, 1)
        return Span(self.path, meta.line, meta.column, meta.end_line, meta.end_column)

    def _tok_span(self, token: Token) -> Span:
        line = token.line or 1
        column = token.column or 1
        return Span(self.path, line, column, token.end_line or line, token.end_column or column + 1)

    def _name(self, token: Token) -> ast.Name:
        return ast.Name(self._tok_span(token), str(token))

    def _text(self, token: Token) -> ast.Text:
        span = self._tok_span(token)
        return ast.Text(span, (ast.TextVariant(span, None, unquote(token)),))

    def _lang_text(self, meta: Meta, lines: list[ast.TextVariant]) -> ast.Text:
        return ast.Text(self._span(meta), tuple(lines))

    # ---------------------------------------------------------- module
    def start(self, meta: Meta, *items: Any) -> ast.Module:
        flows = [i for i in items if isinstance(i, ast.FlowHeader)]
        starts = [i for i in items if isinstance(i, ast.Name)]
        return ast.Module(
            span=self._span(meta),
            path=self.path,
            flow=flows[0] if flows else None,
            imports=tuple(i for i in items if isinstance(i, ast.Import)),
            choices=tuple(i for i in items if isinstance(i, ast.Choices)),
            schedules=tuple(i for i in items if isinstance(i, ast.Schedule)),
            start=starts[0] if starts else None,
            steps=tuple(i for i in items if isinstance(i, ast.Step)),
            handlers=tuple(i for i in items if isinstance(i, ast.Handler)),
        )

    def flow(self, meta: Meta, name: Token, *rest: Any) -> ast.FlowHeader:
        title = unquote(rest[0]) if rest and isinstance(rest[0], Token) else None
        items = [r for r in rest if not isinstance(r, Token)]
        languages: tuple[ast.Name, ...] = ()
        channel = None
        budget = None
        record_calls = False
        for item in items:
            if isinstance(item, tuple) and item and item[0] == "languages":
                languages = languages + item[1]
            elif isinstance(item, tuple) and item[0] == "channel":
                channel = item[1]
            elif isinstance(item, tuple) and item[0] == "budget":
                budget = item[1]
            elif item == "record_calls":
                record_calls = True
        return ast.FlowHeader(
            span=self._tok_span(name),
            name=self._name(name),
            title=title,
            languages=languages,
            channel=channel,
            budget_seconds=budget,
            decls=tuple(i for i in items if isinstance(i, ast.Decl)),
            outcomes=tuple(i for i in items if isinstance(i, ast.OutcomeDecl)),
            record_calls=record_calls,
        )

    def languages(self, meta: Meta, *names: Token) -> tuple[str, tuple[ast.Name, ...]]:
        return ("languages", tuple(self._name(n) for n in names))

    def channel(self, meta: Meta, name: Token) -> tuple[str, ast.Name]:
        return ("channel", self._name(name))

    def budget(self, meta: Meta, value: Token) -> tuple[str, float]:
        return ("budget", duration_seconds(value))

    def record_calls(self, meta: Meta) -> str:
        return "record_calls"

    def _decl(self, role: str, meta: Meta, children: tuple[Any, ...]) -> ast.Decl:
        name, type_spec, *rest = children
        optional = any(isinstance(r, Token) and r.type == "OPTIONAL" for r in rest)
        default = next((r for r in rest if not isinstance(r, Token)), None)
        return ast.Decl(
            self._span(meta),
            cast(Any, role),
            self._name(name),
            type_spec,
            optional=optional,
            default=default,
        )

    def input_decl(self, meta: Meta, *children: Any) -> ast.Decl:
        return self._decl("input", meta, children)

    def result_decl(self, meta: Meta, *children: Any) -> ast.Decl:
        return self._decl("result", meta, children)

    def var_decl(self, meta: Meta, *children: Any) -> ast.Decl:
        return self._decl("var", meta, children)

    def outcome_decl(self, meta: Meta, name: Token, *rest: Token) -> ast.OutcomeDecl:
        title = None
        requires = []
        for token in rest:
            if token.type == "STRING":
                title = unquote(token)
            else:
                requires.append(self._name(token))
        return ast.OutcomeDecl(self._span(meta), self._name(name), title, tuple(requires))

    # ---------------------------------------------------------- types
    def range(self, meta: Meta, low: Token, high: Token) -> tuple[float, float]:
        return (_number(low), _number(high))

    def _type(
        self, meta: Meta, kind: str, bounds: tuple[float, float] | None = None
    ) -> ast.TypeSpec:
        low, high = bounds if bounds else (None, None)
        return ast.TypeSpec(self._span(meta), cast(Any, kind), low, high)

    def t_yesno(self, meta: Meta, _token: Token) -> ast.TypeSpec:
        return self._type(meta, "yesno")

    def t_number(self, meta: Meta, bounds: tuple[float, float] | None = None) -> ast.TypeSpec:
        return self._type(meta, "number", bounds)

    def t_scale(self, meta: Meta, bounds: tuple[float, float]) -> ast.TypeSpec:
        return self._type(meta, "scale", bounds)

    def t_digits(self, meta: Meta, bounds: tuple[float, float] | None = None) -> ast.TypeSpec:
        return self._type(meta, "digits", bounds)

    def t_one(self, meta: Meta, name: Token) -> ast.TypeSpec:
        return ast.TypeSpec(self._span(meta), "one", choices=self._name(name))

    def t_many(self, meta: Meta, name: Token) -> ast.TypeSpec:
        return ast.TypeSpec(self._span(meta), "many", choices=self._name(name))

    def t_text(self, meta: Meta) -> ast.TypeSpec:
        return self._type(meta, "text")

    def t_date(self, meta: Meta) -> ast.TypeSpec:
        return self._type(meta, "date")

    def t_time(self, meta: Meta) -> ast.TypeSpec:
        return self._type(meta, "time")

    def t_datetime(self, meta: Meta) -> ast.TypeSpec:
        return self._type(meta, "datetime")

    def t_phone(self, meta: Meta) -> ast.TypeSpec:
        return self._type(meta, "phone")

    # ---------------------------------------------------------- top level
    def import_(self, meta: Meta, path: Token) -> ast.Import:
        return ast.Import(self._span(meta), unquote(path))

    def start_at(self, meta: Meta, name: Token) -> ast.Name:
        return self._name(name)

    def choices(self, meta: Meta, name: Token, *options: ast.ChoiceOption) -> ast.Choices:
        return ast.Choices(self._span(meta), self._name(name), options)

    def choice(self, meta: Meta, name: Token, *rest: Any) -> ast.ChoiceOption:
        key = None
        variants: list[ast.TextVariant] = []
        for item in rest:
            if isinstance(item, Token) and item.type == "STRING":
                variants.append(ast.TextVariant(self._tok_span(item), None, unquote(item)))
            elif isinstance(item, ast.TextVariant):
                variants.append(item)
            elif isinstance(item, str):
                key = item
        label = ast.Text(self._span(meta), tuple(variants))
        return ast.ChoiceOption(self._span(meta), self._name(name), label, key)

    def key(self, meta: Meta, token: Token) -> str:
        return unquote(token) if token.startswith('"') else str(token)

    def schedule(self, meta: Meta, name: Token, *items: Any) -> ast.Schedule:
        timezone = next((i for i in items if isinstance(i, str)), None)
        return ast.Schedule(
            self._span(meta),
            self._name(name),
            timezone,
            tuple(i for i in items if isinstance(i, ast.Hours)),
            tuple(i for i in items if isinstance(i, ast.Holiday)),
        )

    def timezone(self, meta: Meta, token: Token) -> str:
        return str(token)

    def hours(self, meta: Meta, days: Token, *ranges: tuple[str, str]) -> ast.Hours:
        first, _, last = str(days).partition("-")
        return ast.Hours(
            self._span(meta), _DAYS.index(first), _DAYS.index(last or first), tuple(ranges)
        )

    def hour_range(self, meta: Meta, start: Token, end: Token) -> tuple[str, str]:
        return (str(start).zfill(5), str(end).zfill(5))

    def holiday(self, meta: Meta, first: Token, last: Token | None = None) -> ast.Holiday:
        return ast.Holiday(self._span(meta), str(first), str(last or first))

    def step(self, meta: Meta, name: Token, *body: ast.Stmt) -> ast.Step:
        return ast.Step(self._span(meta), self._name(name), body)

    def end_step(self, meta: Meta, name: Token, outcome: Token, *body: ast.Stmt) -> ast.Step:
        return ast.Step(self._span(meta), self._name(name), body, self._name(outcome))

    def handler(self, meta: Meta, name: Token, *rest: Any) -> ast.Handler:
        title = unquote(rest[0]) if rest and isinstance(rest[0], Token) else None
        items = [r for r in rest if not isinstance(r, Token)]
        return ast.Handler(
            self._span(meta),
            self._name(name),
            title,
            tuple(i for i in items if isinstance(i, ast.Name)),
            tuple(i for i in items if not isinstance(i, ast.Name)),
        )

    def handler_key(self, meta: Meta, token: Token) -> ast.Name:
        value = unquote(token) if token.startswith('"') else str(token)
        return ast.Name(self._tok_span(token), value)

    # ---------------------------------------------------------- statements
    def lang_line(self, meta: Meta, lang: Token, text: Token) -> ast.TextVariant:
        return ast.TextVariant(self._span(meta), str(lang), unquote(text))

    def _say_like(self, meta: Meta, children: tuple[Any, ...]) -> ast.Text:
        if len(children) == 1 and isinstance(children[0], Token):
            return self._text(children[0])
        return self._lang_text(meta, list(children))

    def say(self, meta: Meta, *children: Any) -> ast.Say:
        return ast.Say(self._span(meta), self._say_like(meta, children))

    def play(self, meta: Meta, *children: Any) -> ast.Play:
        return ast.Play(self._span(meta), self._say_like(meta, children))

    def note(self, meta: Meta, text: Token) -> ast.Note:
        return ast.Note(self._span(meta), self._text(text))

    def _ask(self, meta: Meta, is_menu: bool, children: tuple[Any, ...]) -> ast.Ask:
        var = None
        text = None
        type_spec = None
        fields: dict[str, Any] = {
            "routes": [],
            "hints": [],
            "reprompts": [],
            "requires": [],
            "confirms": [],
            "key_maps": [],
        }
        variants: list[ast.TextVariant] = []
        for child in children:
            if isinstance(child, Token) and child.type == "NAME":
                var = self._name(child)
            elif isinstance(child, Token) and child.type == "STRING":
                text = self._text(child)
            elif isinstance(child, ast.TypeSpec):
                type_spec = child
            elif isinstance(child, ast.TextVariant):
                variants.append(child)
            elif isinstance(child, ast.Route):
                fields["routes"].append(child)
            elif isinstance(child, ast.Require):
                fields["requires"].append(child)
            elif isinstance(child, ast.Confirm):
                fields["confirms"].append(child)
            elif isinstance(child, ast.KeyMap):
                fields["key_maps"].append(child)
            elif isinstance(child, tuple):
                tag, value = child
                if tag in ("hints", "reprompts"):
                    fields[tag].append(value)
                elif tag == "digits":
                    fields["max_digits"], fields["terminator"] = value
                else:
                    fields[tag] = value
        if variants:
            if text is not None:
                variants.insert(0, text.variants[0])
            text = ast.Text(variants[0].span.cover(variants[-1].span), tuple(variants))
        lists = {k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()}
        return ast.Ask(self._span(meta), is_menu, var, text, type_spec, **lists)  # type: ignore[arg-type]

    def ask(self, meta: Meta, *children: Any) -> ast.Ask:
        return self._ask(meta, False, children)

    def menu(self, meta: Meta, *children: Any) -> ast.Ask:
        return self._ask(meta, True, children)

    def route(self, meta: Meta, *children: Any) -> ast.Route:
        *patterns, target = children
        return ast.Route(self._span(meta), tuple(patterns), self._name(target))

    def p_yes(self, meta: Meta) -> ast.Pattern:
        return ast.Pattern(self._span(meta), "yes")

    def p_no(self, meta: Meta) -> ast.Pattern:
        return ast.Pattern(self._span(meta), "no")

    def p_dont_know(self, meta: Meta) -> ast.Pattern:
        return ast.Pattern(self._span(meta), "dont_know")

    def p_refused(self, meta: Meta) -> ast.Pattern:
        return ast.Pattern(self._span(meta), "refused")

    def p_name(self, meta: Meta, name: Token) -> ast.Pattern:
        return ast.Pattern(self._span(meta), "name", str(name))

    def p_number(self, meta: Meta, value: Token) -> ast.Pattern:
        return ast.Pattern(self._span(meta), "number", _number(value))

    def p_range(self, meta: Meta, low: Token, high: Token) -> ast.Pattern:
        return ast.Pattern(self._span(meta), "range", _number(low), _number(high))

    def p_sign(self, meta: Meta, sign: Token) -> ast.Pattern:
        return ast.Pattern(self._span(meta), "sign", unquote(sign))

    def hint(self, meta: Meta, text: Token) -> tuple[str, ast.Text]:
        return ("hints", self._text(text))

    def reprompt(self, meta: Meta, text: Token) -> tuple[str, ast.Text]:
        return ("reprompts", self._text(text))

    def timeout(self, meta: Meta, value: Token) -> tuple[str, float]:
        return ("timeout", duration_seconds(value))

    def _fallback(self, meta: Meta, children: tuple[Token, ...]) -> ast.Fallback:
        times = int(float(children[0])) if len(children) == 2 else 1
        return ast.Fallback(self._span(meta), times, self._name(children[-1]))

    def silence(self, meta: Meta, *children: Token) -> tuple[str, ast.Fallback]:
        return ("silence", self._fallback(meta, children))

    def invalid(self, meta: Meta, *children: Token) -> tuple[str, ast.Fallback]:
        return ("invalid", self._fallback(meta, children))

    def otherwise(self, meta: Meta, target: Token) -> tuple[str, ast.Name]:
        return ("otherwise", self._name(target))

    def require(self, meta: Meta, condition: ast.Expr, message: Token) -> ast.Require:
        return ast.Require(self._span(meta), condition, self._text(message))

    def confirm(self, meta: Meta, condition: ast.Expr, question: Token) -> ast.Confirm:
        return ast.Confirm(self._span(meta), condition, self._text(question))

    def key_map(self, meta: Meta, key: Token, answer: ast.Pattern) -> ast.KeyMap:
        value = unquote(key) if key.startswith('"') else str(key)
        return ast.KeyMap(self._span(meta), value, answer)

    def max_digits(
        self, meta: Meta, count: Token, ending: Token | None = None
    ) -> tuple[str, tuple[int, str | None]]:
        return ("digits", (int(float(count)), unquote(ending) if ending else None))

    def if_(self, meta: Meta, condition: ast.Expr, target: Token) -> ast.If:
        return ast.If(self._span(meta), condition, self._name(target))

    def else_(self, meta: Meta, target: Token) -> ast.Else:
        return ast.Else(self._span(meta), self._name(target))

    def goto(self, meta: Meta, target: Token) -> ast.Goto:
        return ast.Goto(self._span(meta), self._name(target))

    def set_(self, meta: Meta, name: Token, value: ast.Expr) -> ast.SetVar:
        return ast.SetVar(self._span(meta), self._name(name), value)

    def arg(self, meta: Meta, name: Token, value: ast.Expr) -> ast.Arg:
        return ast.Arg(self._span(meta), self._name(name), value)

    def with_args(self, meta: Meta, *args: ast.Arg) -> tuple[str, tuple[ast.Arg, ...]]:
        return ("with", args)

    def returning(self, meta: Meta, *args: ast.Arg) -> tuple[str, tuple[ast.Arg, ...]]:
        return ("returning", args)

    def call(self, meta: Meta, flow: Token, *parts: tuple[str, tuple[ast.Arg, ...]]) -> ast.Call:
        by_tag = dict(parts)
        return ast.Call(
            self._span(meta), self._name(flow), by_tag.get("with", ()), by_tag.get("returning", ())
        )

    def transfer(self, meta: Meta, kind: Token, dest: Token, *items: Any) -> ast.Transfer:
        failed = next((i for i in items if isinstance(i, ast.Name)), None)
        timeout = next((i[1] for i in items if isinstance(i, tuple)), None)
        return ast.Transfer(
            self._span(meta), cast(Any, str(kind)), self._name(dest), failed, timeout
        )

    def failed(self, meta: Meta, target: Token) -> ast.Name:
        return self._name(target)

    def record(self, meta: Meta, var: Token, *rest: Token) -> ast.Record:
        prompt = None
        max_seconds = None
        for token in rest:
            if token.type == "STRING":
                prompt = self._text(token)
            else:
                max_seconds = duration_seconds(token)
        return ast.Record(self._span(meta), self._name(var), prompt, max_seconds)

    def hangup(self, meta: Meta, cause: Token | None = None) -> ast.Hangup:
        return ast.Hangup(self._span(meta), self._name(cause) if cause else None)

    def sms(self, meta: Meta, to: Token, text: Token) -> ast.Sms:
        return ast.Sms(self._span(meta), self._name(to), self._text(text))

    def fields(self, meta: Meta, *names: Token) -> tuple[ast.Name, ...]:
        return tuple(self._name(n) for n in names)

    def notify(self, meta: Meta, kind: Token, dest: Token, *rest: Any) -> ast.Notify:
        subject = None
        names: tuple[ast.Name, ...] = ()
        for item in rest:
            if isinstance(item, Token):
                subject = self._text(item)
            else:
                names = names + item
        return ast.Notify(self._span(meta), cast(Any, str(kind)), self._name(dest), subject, names)

    def lookup(self, meta: Meta, var: Token, source: Token, *rest: Any) -> ast.Lookup:
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
        return ast.Lookup(
            self._span(meta), self._name(var), self._name(source), args, timeout, error
        )

    def error_route(self, meta: Meta, target: Token) -> ast.Name:
        return self._name(target)

    def outcome(self, meta: Meta, name: Token) -> ast.SetOutcome:
        return ast.SetOutcome(self._span(meta), self._name(name))

    def resume(self, meta: Meta) -> ast.Resume:
        return ast.Resume(self._span(meta))

    def limit(self, meta: Meta, times: Token, target: Token) -> ast.Limit:
        return ast.Limit(self._span(meta), int(float(times)), self._name(target))

    # ---------------------------------------------------------- expressions
    def number(self, meta: Meta, value: Token) -> ast.Literal_:
        return ast.Literal_(self._span(meta), "number", _number(value))

    def string(self, meta: Meta, value: Token) -> ast.Literal_:
        return ast.Literal_(self._span(meta), "string", unquote(value))

    def yes(self, meta: Meta) -> ast.Literal_:
        return ast.Literal_(self._span(meta), "yesno", True)

    def no(self, meta: Meta) -> ast.Literal_:
        return ast.Literal_(self._span(meta), "yesno", False)

    def dont_know(self, meta: Meta) -> ast.Literal_:
        return ast.Literal_(self._span(meta), "special", "dont_know")

    def refused(self, meta: Meta) -> ast.Literal_:
        return ast.Literal_(self._span(meta), "special", "refused")

    def ref(self, meta: Meta, *names: Token) -> ast.Ref:
        return ast.Ref(self._span(meta), tuple(str(n) for n in names))

    def is_open(self, meta: Meta, name: Token) -> ast.ScheduleTest:
        return ast.ScheduleTest(self._span(meta), self._name(name), True)

    def is_closed(self, meta: Meta, name: Token) -> ast.ScheduleTest:
        return ast.ScheduleTest(self._span(meta), self._name(name), False)

    def compare(self, meta: Meta, left: ast.Expr, op: Token, right: ast.Expr) -> ast.Compare:
        return ast.Compare(self._span(meta), cast(Any, str(op)), left, right)

    def arith(self, meta: Meta, left: ast.Expr, op: Token, right: ast.Expr) -> ast.Arith:
        return ast.Arith(self._span(meta), cast(Any, str(op)), left, right)

    def in_range(self, meta: Meta, value: ast.Expr, low: Token, high: Token) -> ast.InRange:
        return ast.InRange(self._span(meta), value, _number(low), _number(high))

    def in_list(self, meta: Meta, value: ast.Expr, *options: ast.Expr) -> ast.InList:
        return ast.InList(self._span(meta), value, options)

    def is_set(self, meta: Meta, value: ast.Expr) -> ast.IsSet:
        return ast.IsSet(self._span(meta), value, False)

    def is_not_set(self, meta: Meta, value: ast.Expr) -> ast.IsSet:
        return ast.IsSet(self._span(meta), value, True)

    def not_(self, meta: Meta, value: ast.Expr) -> ast.Not:
        return ast.Not(self._span(meta), value)

    def and_expr(self, meta: Meta, *values: ast.Expr) -> ast.BoolOp:
        return ast.BoolOp(self._span(meta), "and", values)

    def or_expr(self, meta: Meta, *values: ast.Expr) -> ast.BoolOp:
        return ast.BoolOp(self._span(meta), "or", values)
