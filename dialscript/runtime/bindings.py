"""Bindings at run time: the real queue, address or URL behind a flow's logical name.

The file format and its search (`dialscript.bindings.toml` in the flow's folder
or any folder above it) are shared with `check` (`dialscript.bindings`); this
module picks one environment and answers "what does `orders` mean here?".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dialscript.bindings import CATEGORY, Bindings, find_bindings, load_bindings

DEFAULT_ENV = "test"


class UnboundName(LookupError):
    """The environment does not bind this logical name."""


@dataclass(frozen=True)
class RuntimeBindings:
    bindings: Bindings
    env: str = DEFAULT_ENV

    @classmethod
    def for_flow(cls, flow_path: str | Path, env: str = DEFAULT_ENV) -> RuntimeBindings:
        """The bindings file nearest to the flow (none found: every name is unbound)."""
        return cls(load_bindings(find_bindings(Path(flow_path))), env)

    @classmethod
    def from_file(cls, path: str | Path, env: str = DEFAULT_ENV) -> RuntimeBindings:
        return cls(load_bindings(Path(path)), env)

    def resolve(self, statement: str, name: str) -> str:
        """The bound value for `name` used by `statement` (queue, email, lookup, ...)."""
        category = CATEGORY.get(statement, statement)
        value = self.bindings.lookup(self.env, category, name)
        if value is None:
            where = self.bindings.path or "no bindings file"
            raise UnboundName(f"{category}.{name} is not bound in [{self.env}] ({where})")
        return str(value)
