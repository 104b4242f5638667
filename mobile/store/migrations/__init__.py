"""Versioned schema migrations for the device database, tracked in `PRAGMA user_version`.

Why not Alembic: the device talks to SQLite through the stdlib sqlite3 module (no SQLAlchemy
engine), Alembic would add SQLAlchemy and Mako to the phone build, and the device has exactly one
database and one linear history. Each migration is a list of SQL statements run in one
transaction together with the new user_version, so a crash mid-migration leaves the old version.
Migrations run before unlock, so they may move sealed blobs but never decrypt them (every blob's
AAD names a logical table, not the SQLite table it sits in, so moving is safe).

`down` exists so the tests can rebuild last month's file from today's and migrate it forward.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from mobile.store.db import transaction
from mobile.store.errors import SchemaTooNew
from mobile.store.migrations import (
    v001_initial,
    v002_quarantine,
    v003_queued_at,
    v004_row_cache,
    v005_quarantine_per_source,
)

__all__ = ["LATEST", "MIGRATIONS", "Migration", "current_version", "downgrade", "migrate"]


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    up: tuple[str, ...]
    down: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial", v001_initial.UP, v001_initial.DOWN),
    Migration(2, "quarantine and honest sync state", v002_quarantine.UP, v002_quarantine.DOWN),
    Migration(
        3, "receipts keep when their record was queued", v003_queued_at.UP, v003_queued_at.DOWN
    ),
    Migration(4, "the caseload row cache", v004_row_cache.UP, v004_row_cache.DOWN),
    Migration(
        5,
        "each refused record kept",
        v005_quarantine_per_source.UP,
        v005_quarantine_per_source.DOWN,
    ),
)
LATEST = MIGRATIONS[-1].version


def current_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    conn: sqlite3.Connection,
    *,
    migrations: Sequence[Migration] = MIGRATIONS,
    target: int | None = None,
) -> int:
    """Bring the database up to `target` (default: the latest). Returns the version reached."""
    known = max((m.version for m in migrations), default=0)
    goal = known if target is None else target
    found = current_version(conn)
    if found > known:
        raise SchemaTooNew(found, known)
    for migration in migrations:
        if found < migration.version <= goal:
            with transaction(conn):
                for statement in migration.up:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {int(migration.version)}")
            found = migration.version
    return found


def downgrade(
    conn: sqlite3.Connection, *, target: int, migrations: Sequence[Migration] = MIGRATIONS
) -> int:
    """Undo migrations above `target` (tests use it to rebuild an older file)."""
    found = current_version(conn)
    for migration in sorted(migrations, key=lambda m: m.version, reverse=True):
        if target < migration.version <= found:
            with transaction(conn):
                for statement in migration.down:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {int(migration.version) - 1}")
            found = migration.version - 1
    return found
