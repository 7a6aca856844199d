"""The console's own tables, beside the call journal in the same SQLite file.

`console_users` (hashed passwords, roles), `console_contacts` (who to call, who
holds the claim, which call, the callback agreed), `console_calls` (every call of a
contact and its agent: a contact called back has more than one), `console_flows`
(every flow version a call ran, so a call resumes even after the .flow file changed)
and `console_screens` (what the agent saw last, so a refresh or a restart shows the
same screen).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from dialscript.console.passwords import hash_password, verify_password

__all__ = ["ConsoleDB", "Contact", "Role", "User"]

Role = Literal["agent", "supervisor"]
ROLES: tuple[Role, ...] = ("agent", "supervisor")

SCHEMA = """
CREATE TABLE IF NOT EXISTS console_users (
    name     TEXT PRIMARY KEY,
    role     TEXT NOT NULL,
    password TEXT NOT NULL,
    created  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS console_contacts (
    id         INTEGER PRIMARY KEY,
    flow       TEXT NOT NULL,
    fields     TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'new',
    claimed_by TEXT,
    claimed_at REAL,
    call_id    TEXT,
    agent      TEXT,
    created    TEXT NOT NULL,
    callback   TEXT,
    attempts   INTEGER NOT NULL DEFAULT 0,
    due        REAL,
    disposition TEXT
);
CREATE INDEX IF NOT EXISTS console_contacts_queue ON console_contacts (flow, status);
CREATE TABLE IF NOT EXISTS console_flows (
    hash  TEXT PRIMARY KEY,
    name  TEXT NOT NULL,
    graph TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS console_screens (
    call_id   TEXT PRIMARY KEY,
    trace_len INTEGER NOT NULL,
    screen    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS console_calls (
    call_id     TEXT PRIMARY KEY,
    contact_id  INTEGER NOT NULL,
    agent       TEXT NOT NULL,
    disposition TEXT
);
"""


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: Role


@dataclass(frozen=True, slots=True)
class Contact:
    id: int
    flow: str
    fields: dict[str, str]
    status: str  # new | active | done | callback (a call ended agreeing to call again)
    claimed_by: str | None
    claimed_at: float | None
    call_id: str | None  # the latest call
    agent: str | None
    callback: str | None = None  # when the client asked to be called again, as they said it
    attempts: int = 0  # calls that did not reach the client
    disposition: str | None = None  # done without reaching them: unreached | inactive


class ConsoleDB:
    """Console tables over an open connection (autocommit; one statement per change)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection
        self.db.executescript(SCHEMA)
        self._upgrade()

    def _upgrade(self) -> None:
        """Bring a database written by an earlier version up to this schema."""
        for table, column, kind in (
            ("console_contacts", "callback", "TEXT"),
            ("console_contacts", "attempts", "INTEGER NOT NULL DEFAULT 0"),
            ("console_contacts", "due", "REAL"),
            ("console_contacts", "disposition", "TEXT"),
            ("console_calls", "disposition", "TEXT"),
        ):
            columns = {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}
            if column not in columns:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
        self.db.execute(
            "INSERT OR IGNORE INTO console_calls (call_id, contact_id, agent)"
            " SELECT call_id, id, COALESCE(agent, '') FROM console_contacts"
            " WHERE call_id IS NOT NULL"
        )

    # ------------------------------------------------------------ users
    def add_user(self, name: str, role: Role, password: str) -> None:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        self.db.execute(
            "INSERT INTO console_users (name, role, password, created) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET role = excluded.role,"
            " password = excluded.password",
            (name, role, hash_password(password), datetime.now().isoformat(timespec="seconds")),
        )

    def authenticate(self, name: str, password: str) -> User | None:
        row = self.db.execute(
            "SELECT name, role, password FROM console_users WHERE name = ?", (name,)
        ).fetchone()
        if row is None:
            verify_password(password, hash_password("timing"))  # same work for unknown names
            return None
        return User(row[0], row[1]) if verify_password(password, row[2]) else None

    def user(self, name: str) -> User | None:
        row = self.db.execute("SELECT name, role FROM console_users WHERE name = ?",
                              (name,)).fetchone()  # fmt: skip
        return User(row[0], row[1]) if row else None

    def user_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM console_users").fetchone()[0])

    # ------------------------------------------------------------ contacts
    def add_contacts(self, flow: str, rows: list[dict[str, str]]) -> list[int]:
        now = datetime.now().isoformat(timespec="seconds")
        ids = []
        for fields in rows:
            cursor = self.db.execute(
                "INSERT INTO console_contacts (flow, fields, created) VALUES (?, ?, ?)",
                (flow, json.dumps(fields, ensure_ascii=False), now),
            )
            ids.append(int(cursor.lastrowid or 0))
        return ids

    def contact(self, contact_id: int) -> Contact | None:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM console_contacts WHERE id = ?",
                              (contact_id,)).fetchone()  # fmt: skip
        return _contact(row) if row else None

    def contact_for_call(self, call_id: str) -> Contact | None:
        """The contact a call was made to (its latest call or an earlier one)."""
        row = self.db.execute(
            f"SELECT {_COLUMNS} FROM console_contacts WHERE id ="
            " (SELECT contact_id FROM console_calls WHERE call_id = ?)",
            (call_id,),
        ).fetchone()
        return _contact(row) if row else None

    def callbacks_of(self, agent: str) -> list[Contact]:
        """The contacts whose last call with ``agent`` ended agreeing to call again."""
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM console_contacts WHERE status = 'callback' AND agent = ?"
            " ORDER BY id",
            (agent,),
        ).fetchall()
        return [_contact(r) for r in rows]

    def reopen(self, contact_id: int, agent: str) -> bool:
        """Put ``agent``'s callback contact back in the queue for a new call."""
        cursor = self.db.execute(
            "UPDATE console_contacts SET status = 'new', call_id = NULL, callback = NULL"
            " WHERE id = ? AND status = 'callback' AND agent = ?",
            (contact_id, agent),
        )
        return cursor.rowcount == 1

    def contacts_of(self, agent: str) -> list[Contact]:
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM console_contacts WHERE claimed_by = ? AND status != 'done'"
            " ORDER BY id",
            (agent,),
        ).fetchall()
        return [_contact(r) for r in rows]

    def queue_sizes(self) -> dict[str, dict[str, int]]:
        rows = self.db.execute(
            "SELECT flow, status, count(*) FROM console_contacts GROUP BY flow, status"
        ).fetchall()
        out: dict[str, dict[str, int]] = {}
        for flow, status, count in rows:
            out.setdefault(flow, {})[status] = count
        return out

    def claim(self, contact_id: int, agent: str, *, now: float, timeout: float) -> bool:
        """Take (or keep) the contact for `agent`: free, already theirs, or stale elsewhere."""
        cursor = self.db.execute(
            "UPDATE console_contacts SET claimed_by = ?, claimed_at = ?,"
            " agent = CASE WHEN call_id IS NULL THEN ? ELSE agent END"
            " WHERE id = ? AND status != 'done'"
            " AND (claimed_by IS NULL OR claimed_by = ? OR claimed_at < ?)",
            (agent, now, agent, contact_id, agent, now - timeout),
        )
        return cursor.rowcount == 1

    def claim_next(self, flow: str, agent: str, *, now: float, timeout: float) -> int | None:
        """The next free contact of `flow`, claimed for `agent` (None when the queue is empty)."""
        for _ in range(5):  # another process may take the same row first
            row = self.db.execute(
                "SELECT id FROM console_contacts WHERE flow = ? AND status = 'new'"
                " AND (due IS NULL OR due <= ?)"
                " AND (claimed_by IS NULL OR claimed_at < ?) ORDER BY id LIMIT 1",
                (flow, now, now - timeout),
            ).fetchone()
            if row is None:
                return None
            if self.claim(int(row[0]), agent, now=now, timeout=timeout):
                return int(row[0])
        return None

    def set_call(self, contact_id: int, call_id: str, agent: str) -> None:
        self.db.execute(
            "UPDATE console_contacts SET call_id = ?, agent = ?, status = 'active' WHERE id = ?",
            (call_id, agent, contact_id),
        )
        self.db.execute(
            "INSERT OR REPLACE INTO console_calls (call_id, contact_id, agent) VALUES (?, ?, ?)",
            (call_id, contact_id, agent),
        )

    def release(self, contact_id: int, *, done: bool, callback: str | None = None) -> None:
        """Free the claim; a finished call is `done`, or `callback` when the client asked to be
        called again (``callback``: when, as they said it)."""
        status = "callback" if done and callback is not None else "done" if done else None
        self.db.execute(
            "UPDATE console_contacts SET claimed_by = NULL, claimed_at = NULL,"
            " status = COALESCE(?, status), callback = ? WHERE id = ?",
            (status, callback, contact_id),
        )

    def not_reached(self, contact: Contact, call_id: str, *, inactive: bool, now: float,
                    attempts: int, retry_after: float) -> None:  # fmt: skip
        """The call did not reach the client: the number is not in service (`inactive`: the
        contact is done), or nobody answered: the contact is called again `retry_after`
        seconds later, up to `attempts` calls, then it is done as unreached."""
        why = "inactive" if inactive else "unreached"
        self.db.execute("UPDATE console_calls SET disposition = ? WHERE call_id = ?",
                        (why, call_id))  # fmt: skip
        tried = contact.attempts + 1  # the contact as the action read it, under its claim
        last = inactive or tried >= attempts
        self.db.execute(
            "UPDATE console_contacts SET claimed_by = NULL, claimed_at = NULL, attempts = ?,"
            " status = ?, disposition = ?, due = ?, call_id = CASE WHEN ? THEN call_id END"
            " WHERE id = ?",
            (tried, "done" if last else "new", why if last else None,
             None if last else now + retry_after, int(last), contact.id),
        )  # fmt: skip

    def calling_summary(self) -> dict[str, dict[str, int]]:
        """Per flow: calls made, contacts reached, not reached after every attempt, and
        numbers not in service (what the survey contract reports)."""
        out: dict[str, dict[str, int]] = {}
        for flow, calls in self.db.execute(
            "SELECT c.flow, count(*) FROM console_calls k JOIN console_contacts c"
            " ON c.id = k.contact_id GROUP BY c.flow"
        ).fetchall():
            out.setdefault(flow, {})["calls"] = calls
        for flow, disposition, count in self.db.execute(
            "SELECT flow, COALESCE(disposition, 'reached'), count(*) FROM console_contacts"
            " WHERE status IN ('done', 'callback') GROUP BY flow, COALESCE(disposition, 'reached')"
        ).fetchall():
            out.setdefault(flow, {})[disposition] = count
        return out

    def unreached_calls(self) -> dict[str, str]:
        """Calls that did not reach the client: call id -> unreached | inactive."""
        rows = self.db.execute(
            "SELECT call_id, disposition FROM console_calls WHERE disposition IS NOT NULL"
        )
        return {r[0]: r[1] for r in rows.fetchall()}

    def agents_by_call(self) -> dict[str, str]:
        rows = self.db.execute("SELECT call_id, agent FROM console_calls").fetchall()
        return {r[0]: r[1] or "" for r in rows}

    # ------------------------------------------------------------ flows and screens
    def save_flow(self, content_hash: str, name: str, graph_json: str) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO console_flows (hash, name, graph) VALUES (?, ?, ?)",
            (content_hash, name, graph_json),
        )

    def flow_json(self, content_hash: str) -> str | None:
        row = self.db.execute("SELECT graph FROM console_flows WHERE hash = ?",
                              (content_hash,)).fetchone()  # fmt: skip
        return str(row[0]) if row else None

    def save_screen(self, call_id: str, trace_len: int, screen: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO console_screens (call_id, trace_len, screen) VALUES (?, ?, ?)",
            (call_id, trace_len, json.dumps(screen, ensure_ascii=False)),
        )

    def screen(self, call_id: str) -> tuple[int, dict[str, Any]] | None:
        row = self.db.execute("SELECT trace_len, screen FROM console_screens WHERE call_id = ?",
                              (call_id,)).fetchone()  # fmt: skip
        return (int(row[0]), json.loads(row[1])) if row else None


_COLUMNS = (
    "id, flow, fields, status, claimed_by, claimed_at, call_id, agent, callback,"
    " attempts, disposition"
)


def _contact(row: Any) -> Contact:
    return Contact(int(row[0]), row[1], json.loads(row[2]), row[3], row[4], row[5], row[6],
                   row[7], row[8], int(row[9] or 0), row[10])  # fmt: skip
