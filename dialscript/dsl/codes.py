"""The stable diagnostic codes: one entry per problem the front end can report.

Groups: DS0xx syntax, DS1xx names, DS2xx flow semantics.  docs/language.md has
a section for each code with a bad and a fixed example (tests/test_docs.py
keeps the two in step).
"""

from __future__ import annotations

from enum import Enum

from dialscript.dsl.diagnostics import Diagnostic, Severity
from dialscript.dsl.span import Span

E = Severity.ERROR
W = Severity.WARNING


class Code(Enum):
    """Each member's value: (severity, one-line summary)."""

    # syntax
    DS001 = (E, "the text does not follow the language's layout")
    DS002 = (E, "a character that has no meaning here")
    DS003 = (E, "indentation that matches no open block")
    DS004 = (E, "a text without its closing quote")
    DS005 = (E, "a file that cannot be read")
    # names
    DS101 = (E, "a step that is not defined")
    DS102 = (E, "a name defined twice")
    DS103 = (E, "a variable that is not declared")
    DS104 = (E, "a choice list, choice or schedule that is not defined")
    DS105 = (E, "an outcome that is not declared")
    DS106 = (E, "a subflow, parameter or subflow result that does not exist")
    DS107 = (E, "a language that the flow does not declare")
    DS108 = (E, "a file without a flow header, or a flow without steps")
    DS109 = (E, "a logical name (queue, e-mail, gateway, URL) missing from the bindings")
    DS110 = (E, "an import that cannot be found or imports itself")
    DS111 = (E, "a value that is not valid (range, date, time, time zone, key, channel)")
    # flow semantics
    DS201 = (W, "a step that no path reaches")
    DS202 = (E, "a dead end: the call neither ends nor goes on")
    DS203 = (E, "a loop that the call can never leave")
    DS204 = (E, "answers that no branch handles")
    DS205 = (E, "a question or menu with no way out on silence or invalid input")
    DS206 = (E, "values of different types compared or combined")
    DS207 = (E, "a variable read on a path where it was never set")
    DS208 = (E, "an outcome reached on a path that did not set a result it requires")
    DS209 = (E, "a text missing in a declared language")
    DS210 = (W, "the longest spoken path is longer than the flow's budget")
    DS211 = (
        E,
        "a statement used where it has no meaning (resume outside a handler, code after a jump)",
    )
    DS212 = (E, "an answer that the question can never give")
    DS213 = (E, "a question without a type")
    DS214 = (W, "a lookup without an error branch")

    @property
    def severity(self) -> Severity:
        return self.value[0]

    @property
    def summary(self) -> str:
        return self.value[1]

    def at(self, span: Span, message: str, *, hint: str | None = None) -> Diagnostic:
        return Diagnostic(self.name, self.severity, message, span, hint)
