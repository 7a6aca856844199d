"""The runtime's public surface is explicit and sorted."""

from __future__ import annotations

import dialscript.runtime as runtime
import dialscript.runtime.store as store


def test_all_is_sorted_and_importable() -> None:
    for module in (runtime, store):
        assert module.__all__ == sorted(module.__all__)
        for name in module.__all__:
            assert hasattr(module, name), name
