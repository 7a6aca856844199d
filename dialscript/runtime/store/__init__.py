"""The call journal: every step of every call, so a crash or a hangup loses nothing."""

from __future__ import annotations

from dialscript.runtime.store.base import (
    AnswerRecord,
    CallNotFound,
    CallRecord,
    CallStore,
    ResultRecord,
    StoreError,
    StoreFull,
    StoreLocked,
    StoreReadOnly,
)
from dialscript.runtime.store.sqlite import SqliteCallStore

__all__ = [
    "AnswerRecord",
    "CallNotFound",
    "CallRecord",
    "CallStore",
    "ResultRecord",
    "SqliteCallStore",
    "StoreError",
    "StoreFull",
    "StoreLocked",
    "StoreReadOnly",
]
