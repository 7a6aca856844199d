"""The console's configuration and the long-lived objects every request uses."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dialscript.console.db import ConsoleDB
from dialscript.console.desk import CallDesk
from dialscript.console.flows import FlowLibrary
from dialscript.runtime.store.sqlite import SqliteCallStore

__all__ = ["Config", "Services", "open_services"]


@dataclass(frozen=True, slots=True)
class Config:
    flows: Path
    db: Path
    secret_key: str
    secure_cookies: bool = True
    claim_timeout: float = 900.0  # seconds without an action before a claim lapses
    session_hours: float = 12.0


@dataclass
class Services:
    store: SqliteCallStore
    db: ConsoleDB
    flows: FlowLibrary
    desk: CallDesk


def open_services(config: Config) -> Services:
    """The journal and the console tables in one SQLite file, and the compiled flows."""
    store = SqliteCallStore(config.db)
    db = ConsoleDB(store.connection)
    flows = FlowLibrary(config.flows, db)
    desk = CallDesk(store, db, flows, claim_timeout=config.claim_timeout)
    return Services(store, db, flows, desk)
