"""The SQLite connection: WAL, synchronous=FULL, foreign keys, secure_delete, temp_store=MEMORY.

- WAL + synchronous=FULL: a COMMIT that returned is on disk; a crash at any point leaves the last
  committed state (the physical cost is one fsync per commit, ~1.4 ms measured).
- secure_delete: deleted rows are overwritten, not left in free pages.
- temp_store=MEMORY: sorts and temporary tables never touch a temporary file.
- isolation_level=None: transactions are explicit (`transaction()`), one per public call.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["connect", "transaction"]

_PRAGMAS = (
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA secure_delete = ON",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA trusted_schema = OFF",
)


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10.0)
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        conn.close()
        raise sqlite3.OperationalError(f"could not switch the database to WAL (got {mode!r})")
    for pragma in _PRAGMAS:
        conn.execute(pragma)
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT; any exception rolls back and propagates."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
