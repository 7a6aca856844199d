"""The supervisor's numbers: calls in progress and done today, outcomes, answer
distributions, the NPS (detractors 1-6 / passives 7-8 / promoters 9-10) and drop-off."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from dialscript.console.page import show_value
from dialscript.console.queries import current_answers, ended_steps
from dialscript.graph.flowgraph import FlowGraph
from dialscript.graph.model import AskNode
from dialscript.runtime.store.sqlite import SqliteCallStore

__all__ = ["FlowStats", "Nps", "flow_stats", "nps"]

# Outcomes that mean the call ended before the script reached its result.
UNFINISHED = {"breakoff", "error", "limit", None}


@dataclass(frozen=True, slots=True)
class Nps:
    responses: int
    detractors: int
    passives: int
    promoters: int

    @property
    def score(self) -> int:
        """% promoters - % detractors, rounded."""
        if not self.responses:
            return 0
        return round(100 * (self.promoters - self.detractors) / self.responses)

    def share(self, count: int) -> int:
        return round(100 * count / self.responses) if self.responses else 0


def nps(scores: list[float]) -> Nps:
    """NPS of 0-10 scores (non-numbers ignored).

    >>> n = nps([10, 9, 8, 6, 1]); (n.score, n.promoters, n.passives, n.detractors)
    (0, 2, 1, 2)
    """
    valid = [s for s in scores if 0 <= s <= 10]
    return Nps(len(valid), sum(1 for s in valid if s <= 6),
               sum(1 for s in valid if 7 <= s <= 8), sum(1 for s in valid if s >= 9))  # fmt: skip


@dataclass(frozen=True, slots=True)
class Distribution:
    var: str
    question: str
    total: int
    rows: tuple[tuple[str, int, int], ...]  # label, count, percent


@dataclass(frozen=True, slots=True)
class FlowStats:
    flow: str
    title: str
    in_progress: int
    done_today: int
    total: int
    outcomes: tuple[tuple[str, int], ...]
    nps: Nps | None
    distributions: tuple[Distribution, ...]
    drop_off: tuple[tuple[str, int], ...]  # step, calls that ended there without a result


def _score_var(graph: FlowGraph) -> str | None:
    for var in graph.model.variables:
        if var.role == "result" and var.type in ("number", "scale") and var.high == 10:
            return var.name
    return None


def flow_stats(store: SqliteCallStore, graph: FlowGraph, today: date,
               not_reached: Collection[str] = ()) -> FlowStats:  # fmt: skip
    """The flow's figures; calls in `not_reached` (nobody answered) count as calls made
    only, not in outcomes or drop-off."""
    records = [r for r in store.results(graph.name) if r.call_id not in not_reached]
    finished = [r for r in records if r.ended]
    titles = {o.name: o.title or o.name for o in graph.model.outcomes}
    outcomes = Counter(titles.get(r.outcome or "", r.outcome or "—") for r in finished)
    score_var = _score_var(graph)
    scores = [float(s) for r in finished
              if isinstance(s := r.results.get(score_var or ""), int | float)
              and not isinstance(s, bool)]  # fmt: skip
    questions = {n.var: n.text.get(graph.model.languages[0], "") if graph.model.languages
                 else "" for n in graph.model.nodes if isinstance(n, AskNode)}  # fmt: skip
    choices = tuple(c for options in graph.model.choices.values() for c in options)
    by_var: dict[str, Counter[str]] = {}
    for _call, var, value in current_answers(store.connection, graph.name):
        if var in questions:
            by_var.setdefault(var, Counter())[show_value(value, choices)] += 1
    distributions = []
    for var in questions:
        counts = by_var.get(var)
        if not counts:
            continue
        total = sum(counts.values())
        rows = tuple((label, n, round(100 * n / total)) for label, n in
                     sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))  # fmt: skip
        distributions.append(Distribution(var, questions[var], total, rows))
    drops = Counter(step for call, outcome, done, step in ended_steps(store.connection, graph.name)
                    if done and outcome in UNFINISHED and call not in not_reached)  # fmt: skip
    return FlowStats(
        flow=graph.name,
        title=graph.model.title or graph.name,
        in_progress=sum(1 for r in records if not r.ended),
        done_today=sum(1 for r in finished if (r.ended or "")[:10] == today.isoformat()),
        total=len(records),
        outcomes=tuple(outcomes.most_common()),
        nps=nps(scores) if score_var else None,
        distributions=tuple(distributions),
        drop_off=tuple(drops.most_common()),
    )
