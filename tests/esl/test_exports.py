"""The public surfaces are explicit, sorted, and importable."""

from __future__ import annotations

import dialscript.runtime.esl as esl
import dialscript.testing.fake_freeswitch as fake


def test_public_names_are_sorted_and_exist() -> None:
    for module in (esl, fake):
        assert module.__all__ == sorted(module.__all__)
        for name in module.__all__:
            assert getattr(module, name) is not None, name


def test_esl_layer_uses_only_the_standard_library() -> None:
    import ast
    import sys
    from pathlib import Path

    root = Path(esl.__file__).parent
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or top == "__future__", (path.name, name)
