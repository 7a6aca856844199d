"""Stage 2: name resolution.  Builds the Scope of one flow: its steps, handlers,
variables, choices, schedules, outcomes and imported subflows.

Reports what scope building itself finds (names defined twice, imports that
fail); the checker (dsl/check/) reports the rest against the scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dialscript.bindings import Bindings
from dialscript.dsl import ast
from dialscript.dsl.codes import Code
from dialscript.dsl.diagnostics import Diagnostic
from dialscript.dsl.parser import FlowSyntaxError, parse
from dialscript.dsl.span import Span

DEFAULT_LANGUAGE = "en"
BUILTIN_OUTCOMES = ("breakoff", "limit", "error", "transferred")


@dataclass(frozen=True)
class Variable:
    """Something a flow can read: declared in the header or made by a statement."""

    name: str
    role: str  # input | result | var | answer | lookup | recording
    type: ast.TypeSpec | None  # None: any (lookup results)
    span: Span
    optional: bool = False
    default: ast.Expr | None = None


@dataclass
class Scope:
    module: ast.Module
    path: str
    name: str
    languages: tuple[str, ...]
    steps: dict[str, ast.Step] = field(default_factory=dict)
    handlers: dict[str, ast.Handler] = field(default_factory=dict)
    choices: dict[str, ast.Choices] = field(default_factory=dict)
    schedules: dict[str, ast.Schedule] = field(default_factory=dict)
    variables: dict[str, Variable] = field(default_factory=dict)
    outcomes: dict[str, ast.OutcomeDecl | None] = field(default_factory=dict)
    subflows: dict[str, Scope] = field(default_factory=dict)
    start: str | None = None
    bindings: Bindings = field(default_factory=lambda: Bindings(None, {}))
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def choice_member(self, name: str) -> ast.ChoiceOption | None:
        for choices in self.choices.values():
            for option in choices.options:
                if option.name.value == name:
                    return option
        return None

    def ask_var(self, step: ast.Step | ast.Handler, ask: ast.Ask) -> str:
        return ask.var.value if ask.var else step.name.value


Loader = Callable[[Path], str]


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def resolve(
    module: ast.Module,
    *,
    bindings: Bindings | None = None,
    loader: Loader = _read,
    sources: dict[str, str] | None = None,
    _importing: tuple[str, ...] = (),
) -> tuple[Scope, list[Diagnostic]]:
    """Build the scope of `module`, following its imports.

    >>> from dialscript.dsl.parser import parse
    >>> scope, problems = resolve(parse('flow f\\n  result x number\\nstep a\\n  hangup\\n'))
    >>> sorted(scope.variables), list(scope.steps), problems
    (['x'], ['a'], [])
    """
    diagnostics: list[Diagnostic] = []
    header = module.flow
    languages = tuple(n.value for n in header.languages) if header else ()
    scope = Scope(
        module=module,
        path=module.path,
        name=header.name.value if header else Path(module.path).stem,
        languages=languages or (DEFAULT_LANGUAGE,),
        bindings=bindings or Bindings(None, {}),
        sources=sources if sources is not None else {},
    )
    for outcome in BUILTIN_OUTCOMES:
        scope.outcomes[outcome] = None
    _import_all(scope, module, loader, diagnostics, _importing + (str(module.path),))
    _define_own(scope, module, diagnostics)
    _define_statement_variables(scope, module, diagnostics)
    if module.start is not None:
        scope.start = module.start.value
    elif module.steps:
        scope.start = module.steps[0].name.value
    return scope, diagnostics


def _import_all(
    scope: Scope,
    module: ast.Module,
    loader: Loader,
    diagnostics: list[Diagnostic],
    importing: tuple[str, ...],
) -> None:
    base = Path(module.path).parent
    for item in module.imports:
        target = base / item.path
        key = str(target)
        if key in importing or target.resolve() == Path(module.path).resolve():
            diagnostics.append(
                Code.DS110.at(
                    item.span,
                    f'"{item.path}" imports itself (directly or through others)',
                    hint="remove one of the imports that close the circle",
                )  # fmt: skip
            )
            continue
        try:
            text = loader(target)
        except OSError:
            diagnostics.append(
                Code.DS110.at(
                    item.span,
                    f'cannot find the file "{item.path}"',
                    hint=f"the path is relative to this file's folder: {base}/",
                )
            )
            continue
        except UnicodeDecodeError:
            diagnostics.append(
                Code.DS110.at(
                    item.span,
                    f'"{item.path}" is not saved as UTF-8 text',
                    hint="save it again choosing the UTF-8 encoding",
                )
            )
            continue
        scope.sources[key] = text
        try:
            imported = parse(text, path=key)
        except FlowSyntaxError as error:
            diagnostics.append(error.diagnostic)
            continue
        sub, problems = resolve(
            imported,
            bindings=scope.bindings,
            loader=loader,
            sources=scope.sources,
            _importing=importing,
        )
        diagnostics.extend(problems)
        for name, choices in sub.choices.items():
            scope.choices.setdefault(name, choices)
        for name, schedule in sub.schedules.items():
            scope.schedules.setdefault(name, schedule)
        for name, handler in sub.handlers.items():
            scope.handlers.setdefault(name, handler)
        if imported.flow is not None and imported.steps:
            scope.subflows[sub.name] = sub


def _duplicate(kind: str, name: ast.Name, first: Span) -> Diagnostic:
    return Code.DS102.at(
        name.span,
        f'{kind} "{name.value}" is defined twice',
        hint=f"the first definition is at line {first.line}; rename one of them",
    )


def _define_own(scope: Scope, module: ast.Module, diagnostics: list[Diagnostic]) -> None:
    seen_blocks: dict[str, Span] = {}
    for step in module.steps:
        name = step.name
        if name.value in seen_blocks:
            diagnostics.append(_duplicate("step", name, seen_blocks[name.value]))
            continue
        seen_blocks[name.value] = name.span
        scope.steps[name.value] = step
    for handler in module.handlers:
        name = handler.name
        if name.value in seen_blocks:
            diagnostics.append(_duplicate("handler", name, seen_blocks[name.value]))
            continue
        seen_blocks[name.value] = name.span
        scope.handlers[name.value] = handler
    own_lists: dict[str, Span] = {}
    for choices in module.choices:
        if choices.name.value in own_lists:
            diagnostics.append(
                _duplicate("choice list", choices.name, own_lists[choices.name.value])
            )
            continue
        own_lists[choices.name.value] = choices.name.span
        scope.choices[choices.name.value] = choices
        seen_options: dict[str, Span] = {}
        for option in choices.options:
            if option.name.value in seen_options:
                diagnostics.append(
                    _duplicate("choice", option.name, seen_options[option.name.value])
                )
            seen_options[option.name.value] = option.name.span
    own_schedules: dict[str, Span] = {}
    for schedule in module.schedules:
        if schedule.name.value in own_schedules:
            first = own_schedules[schedule.name.value]
            diagnostics.append(_duplicate("schedule", schedule.name, first))
            continue
        own_schedules[schedule.name.value] = schedule.name.span
        scope.schedules[schedule.name.value] = schedule
    header = module.flow
    if header is None:
        return
    for decl in header.decls:
        existing = scope.variables.get(decl.name.value)
        if existing is not None:
            diagnostics.append(_duplicate(decl.role, decl.name, existing.span))
            continue
        scope.variables[decl.name.value] = Variable(
            decl.name.value, decl.role, decl.type, decl.name.span, decl.optional, decl.default
        )
    for outcome in header.outcomes:
        if outcome.name.value in scope.outcomes and scope.outcomes[outcome.name.value]:
            first_outcome = scope.outcomes[outcome.name.value]
            assert first_outcome is not None
            diagnostics.append(_duplicate("outcome", outcome.name, first_outcome.name.span))
            continue
        scope.outcomes[outcome.name.value] = outcome


def _define_statement_variables(
    scope: Scope, module: ast.Module, diagnostics: list[Diagnostic]
) -> None:
    """Questions, lookups and recordings make variables of their own when not declared."""
    blocks: list[ast.Step | ast.Handler] = [*scope.steps.values(), *scope.handlers.values()]
    for block in blocks:
        for stmt in block.body:
            if isinstance(stmt, ast.Ask):
                name = scope.ask_var(block, stmt)
                span = stmt.var.span if stmt.var else block.name.span
                if name not in scope.variables and stmt.type is not None:
                    scope.variables[name] = Variable(name, "answer", stmt.type, span)
                elif name not in scope.variables and stmt.is_menu:
                    menu_type = ast.TypeSpec(stmt.span, "text")
                    scope.variables[name] = Variable(name, "answer", menu_type, span)
            elif isinstance(stmt, ast.Lookup) and stmt.var.value not in scope.variables:
                scope.variables[stmt.var.value] = Variable(
                    stmt.var.value, "lookup", None, stmt.var.span
                )
            elif isinstance(stmt, ast.Record) and stmt.var.value not in scope.variables:
                text_type = ast.TypeSpec(stmt.var.span, "text")
                scope.variables[stmt.var.value] = Variable(
                    stmt.var.value, "recording", text_type, stmt.var.span
                )
