"""Stage 4: the checker.  A tuple of small pure rules, each named after the problem
it finds and yielding diagnostics; adding a check is adding a rule and a fixture.
"""

from __future__ import annotations

from dialscript.dsl.check.context import CheckContext, CheckOptions
from dialscript.dsl.check.rules import RULES
from dialscript.dsl.diagnostics import Diagnostic


def check(context: CheckContext) -> list[Diagnostic]:
    """Every problem every rule finds, in source order."""
    found: list[Diagnostic] = []
    for rule in RULES:
        found.extend(rule(context))
    return found


__all__ = ["CheckContext", "CheckOptions", "check"]
