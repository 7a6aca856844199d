"""The bindings file: logical names (queues, e-mail, URLs...) bound per environment.

Flows never hold a queue, an address or a URL; they name them.
`dialscript.bindings.toml`, in the flow's folder or any folder above it, binds
each name per environment::

    [production.email]
    service_desk = "k.service@u-energo.ru"

    [test.queues]
    support_line = "support@default"
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

FILE_NAME = "dialscript.bindings.toml"
ENVIRONMENTS = ("test", "staging", "production")
# What each statement's logical name is looked up in.
CATEGORY = {
    "transfer": "transfers",
    "queue": "queues",
    "bridge": "gateways",
    "email": "email",
    "webhook": "webhooks",
    "lookup": "lookups",
    "sms": "sms",
}


class BindingsError(Exception):
    """The bindings file cannot be read or has the wrong shape."""


@dataclass(frozen=True)
class Bindings:
    path: Path | None
    environments: Mapping[str, Mapping[str, Mapping[str, object]]] = field(default_factory=dict)

    def lookup(self, env: str, category: str, name: str) -> object | None:
        return self.environments.get(env, {}).get(category, {}).get(name)

    def table(self, env: str, category: str) -> Mapping[str, object]:
        """Every name of one category in one environment (``{}`` if none)."""
        return self.environments.get(env, {}).get(category, {})

    def names(self, env: str, category: str) -> list[str]:
        return sorted(self.environments.get(env, {}).get(category, {}))

    def missing(self, category: str, name: str, envs: tuple[str, ...] | None = None) -> list[str]:
        """The environments (of those declared in the file) where `name` is not bound."""
        wanted = envs or tuple(self.environments)
        return [env for env in wanted if self.lookup(env, category, name) is None]


def find_bindings(start: Path) -> Path | None:
    """The nearest bindings file in `start`'s folder or any folder above it."""
    folder = start if start.is_dir() else start.parent
    for candidate in (folder.resolve(), *folder.resolve().parents):
        path = candidate / FILE_NAME
        if path.is_file():
            return path
    return None


def load_bindings(path: Path | None) -> Bindings:
    if path is None:
        return Bindings(None, {})
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise BindingsError(f"{path}: {error}") from error
    environments: dict[str, dict[str, dict[str, object]]] = {}
    for env, categories in data.items():
        if not isinstance(categories, dict):
            raise BindingsError(f"{path}: [{env}] must be a table of categories")
        environments[env] = {}
        for category, names in categories.items():
            if not isinstance(names, dict):
                raise BindingsError(f"{path}: [{env}.{category}] must be a table of names")
            environments[env][category] = dict(names)
    return Bindings(path, environments)
