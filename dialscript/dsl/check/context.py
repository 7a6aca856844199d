"""What every checker rule reads: the resolved scope and the lowered flow."""

from __future__ import annotations

from dataclasses import dataclass, field

from dialscript.dsl.resolve import Scope
from dialscript.graph import FlowGraph

# Characters spoken per second, per language, for the duration budget.
DEFAULT_SPEECH_RATE = {"ru": 14.0, "en": 15.0, "zh": 5.0, "tt": 14.0, "ba": 14.0}
FALLBACK_SPEECH_RATE = 14.0


@dataclass(frozen=True)
class CheckOptions:
    speech_rate: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SPEECH_RATE))
    environments: tuple[str, ...] | None = None  # None: every environment in the bindings


@dataclass(frozen=True)
class CheckContext:
    scope: Scope
    graph: FlowGraph
    options: CheckOptions = field(default_factory=CheckOptions)
