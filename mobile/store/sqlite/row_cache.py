"""The caseload row cache in SQLite: one sealed body per child, the marks the triggers leave
(migrations/v004_row_cache.py) and which rows each body was built from. What a body says is the
services' business (mobile/services/caseload_cache.py); this only stores, seals and reads."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from mobile.store.errors import CorruptRecord
from mobile.store.migrations.v004_row_cache import ALL
from mobile.store.sqlite.base import SqliteRepository

__all__ = ["SqliteRowCache"]

_TABLE = "row_cache"


class SqliteRowCache(SqliteRepository):
    def dirty(self) -> set[UUID] | None:
        """The children whose cached row may be stale; None: every child."""
        marks = [row[0] for row in self._db.execute("SELECT DISTINCT child_id FROM row_dirty")]
        return None if ALL in marks else {UUID(mark) for mark in marks}

    def bodies(self) -> tuple[list[tuple[UUID, bytes]], list[UUID]]:
        """Every cached body, and the children whose body cannot be read (to build again)."""
        found: list[tuple[UUID, bytes]] = []
        unreadable: list[UUID] = []
        for child_id, blob in self._db.execute("SELECT child_id, body FROM row_cache"):
            try:
                found.append((UUID(child_id), self._open(_TABLE, child_id, 0, blob)))
            except CorruptRecord:
                unreadable.append(UUID(child_id))
        return found, unreadable

    def put(self, child_id: UUID, body: bytes, *, sources: Iterable[tuple[str, UUID]]) -> None:
        cid = str(child_id)
        self._db.execute(
            "INSERT OR REPLACE INTO row_cache (child_id, body) VALUES (?, ?)",
            (cid, self._seal(_TABLE, cid, 0, body)),
        )
        self._db.execute("DELETE FROM row_source WHERE child_id = ?", (cid,))
        self._db.executemany(
            "INSERT OR IGNORE INTO row_source (kind, entity_id, child_id) VALUES (?, ?, ?)",
            [(kind, str(entity_id), cid) for kind, entity_id in sources],
        )

    def drop(self, children: Iterable[UUID] | None) -> None:
        """Forget these children's cached rows (None: every child's)."""
        if children is None:
            self._db.execute("DELETE FROM row_cache")
            self._db.execute("DELETE FROM row_source")
            return
        ids = [(str(c),) for c in children]
        self._db.executemany("DELETE FROM row_cache WHERE child_id = ?", ids)
        self._db.executemany("DELETE FROM row_source WHERE child_id = ?", ids)

    def settle(self) -> None:
        """Every mark is dealt with: the cache now agrees with the records."""
        self._db.execute("DELETE FROM row_dirty")
        self._db.execute("UPDATE row_generation SET generation = generation + 1")

    def generation(self) -> int:
        return int(self._db.execute("SELECT generation FROM row_generation").fetchone()[0])
