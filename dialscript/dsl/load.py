"""The front end's facade: text -> AST -> scope -> FlowGraph -> diagnostics, in that order.

`compile_file` and `compile_text` run every stage and collect every problem;
`graph` is handed out only when no error remains.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from dialscript.bindings import Bindings, BindingsError, find_bindings, load_bindings
from dialscript.dsl import ast
from dialscript.dsl.check import CheckContext, CheckOptions, check
from dialscript.dsl.codes import Code
from dialscript.dsl.diagnostics import Diagnostic, sort_key
from dialscript.dsl.lower import lower
from dialscript.dsl.parser import FlowSyntaxError, parse
from dialscript.dsl.resolve import resolve
from dialscript.dsl.span import Span
from dialscript.graph import FlowGraph


@dataclass
class Compiled:
    path: str
    graph: FlowGraph | None
    diagnostics: list[Diagnostic]
    sources: dict[str, str] = field(default_factory=dict)
    module: ast.Module | None = None

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


def compile_text(
    text: str,
    *,
    path: str = "<flow>",
    bindings: Bindings | None = None,
    options: CheckOptions | None = None,
) -> Compiled:
    """Compile one flow's text.

    >>> result = compile_text('flow hi\\nstep a\\n  say "Hello"\\n  hangup\\n')
    >>> result.ok, result.graph.start
    (True, 'a')
    """
    sources = {path: text}
    try:
        module = parse(text, path=path)
    except FlowSyntaxError as error:
        return Compiled(path, None, [error.diagnostic], sources)
    scope, problems = resolve(module, bindings=bindings, sources=sources)
    graph = FlowGraph(lower(scope))
    problems.extend(check(CheckContext(scope, graph, options or CheckOptions())))
    problems.sort(key=sort_key)
    ok = not any(d.is_error for d in problems)
    return Compiled(path, graph if ok else None, problems, sources, module)


def compile_file(
    path: Path | str, *, bindings: Bindings | None = None, options: CheckOptions | None = None
) -> Compiled:
    """Compile a .flow file, with the nearest bindings file unless `bindings` is given."""
    file = Path(path)
    name = str(path)
    try:
        data = file.read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        diagnostic = Code.DS005.at(Span(name, 1, 1, 1, 1), f"the file cannot be read: {reason}",
                                   hint="check the file's name and folder")  # fmt: skip
        return Compiled(name, None, [diagnostic], {})
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        shown = {name: data.decode("utf-8", "replace")}
        return Compiled(name, None, [_not_utf8(name, data, error)], shown)
    if bindings is None:
        try:
            bindings = load_bindings(find_bindings(file))
        except BindingsError as error:
            diagnostic = Code.DS005.at(Span(name, 1, 1, 1, 1), "the bindings file cannot be read",
                                       hint=str(error))  # fmt: skip
            return Compiled(name, None, [diagnostic], {name: text})
    return compile_text(text, path=name, bindings=bindings, options=options)


def _not_utf8(name: str, data: bytes, error: UnicodeDecodeError) -> Diagnostic:
    """DS005 at the first byte that is not UTF-8, with the text before it shown."""
    before = data[: error.start].decode("utf-8")
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    return Code.DS005.at(
        Span(name, line, column, line, column + 1),
        "the file is not saved as UTF-8 text",
        hint="save it again choosing the UTF-8 encoding (in Notepad: Save As, Encoding: UTF-8)",
    )


def find_flow_files(paths: Iterable[Path | str]) -> list[Path]:
    """The .flow files named, and those under the folders named, in a stable order."""
    found: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found.extend(sorted(path.rglob("*.flow")))
        else:
            found.append(path)
    return found
