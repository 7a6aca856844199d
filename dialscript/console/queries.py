"""Read-only queries over the call journal's tables for the supervisor (additive: the
runtime's `CallStore` offers results() and calls_in_progress(); these group answers)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

__all__ = ["current_answers", "ended_steps"]


def current_answers(db: sqlite3.Connection, flow: str) -> list[tuple[str, str, Any]]:
    """(call id, var, value) of every answer not superseded by a Back, for calls of `flow`."""
    rows = db.execute(
        "SELECT a.call_id, a.var, a.value FROM answers a JOIN calls c ON c.id = a.call_id"
        " WHERE c.flow = ? AND a.superseded = 0 ORDER BY a.call_id, a.seq",
        (flow,),
    ).fetchall()
    return [(r[0], r[1], json.loads(r[2]) if r[2] is not None else None) for r in rows]


def ended_steps(db: sqlite3.Connection, flow: str) -> list[tuple[str, str | None, bool, str]]:
    """(call id, outcome, finished, the last step the call was in) for calls of `flow`."""
    rows = db.execute(
        "SELECT c.id, c.outcome, c.finished, (SELECT t.step FROM trace t WHERE t.call_id = c.id"
        " AND t.step IS NOT NULL ORDER BY t.seq DESC LIMIT 1) FROM calls c WHERE c.flow = ?",
        (flow,),
    ).fetchall()
    return [(r[0], r[1], bool(r[2]), r[3] or "?") for r in rows]
