"""The checker's rules, in the order they run."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from dialscript.dsl.check.context import CheckContext
from dialscript.dsl.check.names import unknown_steps
from dialscript.dsl.diagnostics import Diagnostic

Rule = Callable[[CheckContext], Iterator[Diagnostic]]

RULES: tuple[Rule, ...] = (unknown_steps,)
