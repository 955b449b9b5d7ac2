"""SQLite store for the sandbox: JSON documents by kind, counters and scheduled tasks.

One connection, one lock, WAL on files. Every API request runs inside one transaction
(`with store.tx():`), so a request is applied whole or not at all, even under `kill -9`.
Documents are plain dicts; `parent` (usually an app id) scopes lists.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    kind TEXT NOT NULL, id TEXT NOT NULL, parent TEXT, seq INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (kind, id));
CREATE INDEX IF NOT EXISTS objects_parent ON objects (kind, parent, seq);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT, due REAL NOT NULL, name TEXT NOT NULL, payload TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS tasks_due ON tasks (due);
"""


class Store:
    def __init__(self, path: str | None = None) -> None:
        self.path = path or ":memory:"
        self._lock = threading.RLock()
        self._depth = 0
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        if self.path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    # ------------------------------------------------------------ transactions
    @contextmanager
    def tx(self) -> Iterator[Store]:
        """A transaction; nested calls join the outer one."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            self._db.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            else:
                self._db.execute("COMMIT")
            finally:
                self._depth = 0

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def reset(self) -> None:
        with self.tx():
            self._db.execute("DELETE FROM objects")
            self._db.execute("DELETE FROM counters")
            self._db.execute("DELETE FROM tasks")

    # ------------------------------------------------------------ documents
    def put(self, kind: str, obj: dict[str, Any], *, parent: str | None = None) -> dict[str, Any]:
        """Insert or replace a document (keeps its original order on replace)."""
        with self.tx():
            row = self._db.execute(
                "SELECT seq, parent FROM objects WHERE kind=? AND id=?", (kind, obj["id"])
            ).fetchone()
            if row:
                self._db.execute(
                    "UPDATE objects SET data=?, parent=? WHERE kind=? AND id=?",
                    (json.dumps(obj), parent if parent is not None else row[1], kind, obj["id"]),
                )
            else:
                self._db.execute(
                    "INSERT INTO objects (kind, id, parent, seq, data) VALUES (?, ?, ?, ?, ?)",
                    (kind, obj["id"], parent, self.next(f"seq:{kind}"), json.dumps(obj)),
                )
        return obj

    def get(self, kind: str, id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT data FROM objects WHERE kind=? AND id=?", (kind, id)).fetchone()
        return json.loads(row[0]) if row else None

    def all(self, kind: str, *, parent: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            if parent is None:
                rows = self._db.execute(
                    "SELECT data FROM objects WHERE kind=? ORDER BY seq", (kind,)
                ).fetchall()
            else:
                rows = self._db.execute(
                    "SELECT data FROM objects WHERE kind=? AND parent=? ORDER BY seq", (kind, parent)
                ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def find(self, kind: str, *, parent: str | None = None, **where: Any) -> list[dict[str, Any]]:
        """Documents whose top-level fields equal `where` (dotted names reach into nested objects)."""
        clauses, args = ["kind=?"], [kind]
        if parent is not None:
            clauses.append("parent=?")
            args.append(parent)
        for key, value in where.items():
            clauses.append(f"json_extract(data, '$.{key.replace('__', '.')}') IS ?")
            args.append(value)
        sql = f"SELECT data FROM objects WHERE {' AND '.join(clauses)} ORDER BY seq"
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [json.loads(r[0]) for r in rows]

    def first(self, kind: str, **where: Any) -> dict[str, Any] | None:
        found = self.find(kind, **where)
        return found[0] if found else None

    def delete(self, kind: str, id: str) -> None:
        with self.tx():
            self._db.execute("DELETE FROM objects WHERE kind=? AND id=?", (kind, id))

    def delete_children(self, parent: str) -> None:
        with self.tx():
            self._db.execute("DELETE FROM objects WHERE parent=?", (parent,))

    def count(self, kind: str) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM objects WHERE kind=?", (kind,)).fetchone()[0])

    # ------------------------------------------------------------ counters and tasks
    def next(self, name: str) -> int:
        """Increment and return a named counter (release versions, backup numbers, ...)."""
        with self.tx():
            self._db.execute(
                "INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1",
                (name,),
            )
            return int(self._db.execute("SELECT value FROM counters WHERE name=?", (name,)).fetchone()[0])

    def set_counter(self, name: str, value: int) -> None:
        """Set a named counter (bulk seeding writes documents whose numbers it has chosen itself)."""
        with self.tx():
            self._db.execute(
                "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = ?",
                (name, value, value),
            )

    def schedule(self, due: float, name: str, payload: dict[str, Any]) -> None:
        with self.tx():
            self._db.execute(
                "INSERT INTO tasks (due, name, payload) VALUES (?, ?, ?)", (due, name, json.dumps(payload))
            )

    def pop_due(self, now: float) -> tuple[int, str, dict[str, Any]] | None:
        """Take the earliest task due at `now` (caller runs it inside the same transaction)."""
        with self.tx():
            row = self._db.execute(
                "SELECT id, name, payload FROM tasks WHERE due <= ? ORDER BY due, id LIMIT 1", (now,)
            ).fetchone()
            if not row:
                return None
            self._db.execute("DELETE FROM tasks WHERE id=?", (row[0],))
            return int(row[0]), str(row[1]), json.loads(row[2])

    def next_due(self) -> float | None:
        with self._lock:
            row = self._db.execute("SELECT MIN(due) FROM tasks").fetchone()
        return row[0] if row and row[0] is not None else None
