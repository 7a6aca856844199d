"""`Back` restores exactly the snapshot fields, and the snapshot copies its containers."""

from __future__ import annotations

from dialscript.runtime.state import SNAPSHOT_FIELDS, CallState


def test_snapshot_holds_every_restorable_field_as_a_copy() -> None:
    state = CallState("f", "h", "agent", "ru", "2026-01-01T00:00:00", vars={"a": 1})
    snapshot = state.snapshot()
    assert tuple(snapshot) == SNAPSHOT_FIELDS
    snapshot["vars"]["a"] = 2
    assert state.vars == {"a": 1}
    state.vars["b"] = 3
    state.restore(snapshot)
    assert state.vars == {"a": 2}
