"""The caseload from the central record in SQLite (sealed): rows by kind and id, with versions."""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from pydantic import BaseModel

from mobile.store.shapes import Held, Listing
from mobile.store.sqlite.base import SqliteRepository
from models.canonical import canonical_json

__all__ = ["SqliteCaseload"]

M = TypeVar("M", bound=BaseModel)


class SqliteCaseload(SqliteRepository):
    def held(self, kind: str, entity_id: UUID) -> Held | None:
        row = self._db.execute(
            "SELECT version, local_pending, pending_version, pending_deleted FROM caseload WHERE kind = ? AND entity_id = ?",
            (kind, str(entity_id)),
        ).fetchone()
        return None if row is None else Held(row[0], bool(row[1]), row[2], bool(row[3]))

    def get(self, kind: str, entity_id: UUID, model: type[M]) -> M | None:
        eid = str(entity_id)
        sql = "SELECT version, body FROM caseload WHERE kind = ? AND entity_id = ?"
        row = self._db.execute(sql, (kind, eid)).fetchone()
        return None if row is None else self._load(model, f"caseload.{kind}", eid, row[0], row[1])

    def rows(self, kind: str, model: type[M]) -> Listing[M]:
        sql = "SELECT entity_id, version, body FROM caseload WHERE kind = ?"
        return self._listing(model, f"caseload.{kind}", self._db.execute(sql, (kind,)).fetchall())

    def put(
        self, *, kind: str, entity_id: UUID, version: int, child_id: UUID | None, data: bytes
    ) -> None:
        eid = str(entity_id)
        self._db.execute(
            """INSERT INTO caseload (kind, entity_id, version, child_id, updated_at, body)
               VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (kind, entity_id) DO UPDATE SET version = excluded.version,
                 child_id = excluded.child_id, updated_at = excluded.updated_at,
                 body = excluded.body""",
            (
                kind,
                eid,
                version,
                None if child_id is None else str(child_id),
                self._tx.now(),
                self._seal(f"caseload.{kind}", eid, version, data),
            ),
        )

    def put_local(self, kind: str, entity_id: UUID, record: BaseModel) -> None:
        """A change made here: the row keeps its version and waits for the central record."""
        eid = str(entity_id)
        (version,) = self._db.execute(
            "SELECT version FROM caseload WHERE kind = ? AND entity_id = ?", (kind, eid)
        ).fetchone()
        self._db.execute(
            "UPDATE caseload SET body = ?, local_pending = 1, updated_at = ? WHERE kind = ? AND entity_id = ?",
            (
                self._seal(f"caseload.{kind}", eid, version, canonical_json(record)),
                self._tx.now(),
                kind,
                eid,
            ),
        )

    def defer(self, *, kind: str, entity_id: UUID, version: int, data: bytes) -> None:
        eid = str(entity_id)
        self._db.execute(
            "UPDATE caseload SET pending_version = ?, pending_body = ?, pending_deleted = 0 WHERE kind = ? AND entity_id = ?",
            (version, self._seal(f"caseload.{kind}", eid, version, data), kind, eid),
        )

    def defer_delete(self, kind: str, entity_id: UUID, version: int) -> None:
        self._db.execute(
            "UPDATE caseload SET pending_deleted = 1, pending_version = ? WHERE kind = ? AND entity_id = ?",
            (version, kind, str(entity_id)),
        )

    def adopt_deferred(self, kind: str, entity_id: UUID) -> None:
        self._db.execute(
            "UPDATE caseload SET version = pending_version, body = pending_body, "
            "local_pending = 0, pending_version = NULL, pending_body = NULL WHERE kind = ? AND entity_id = ?",
            (kind, str(entity_id)),
        )

    def clear_local(self, kind: str, entity_id: UUID) -> None:
        self._db.execute(
            "UPDATE caseload SET local_pending = 0 WHERE kind = ? AND entity_id = ?",
            (kind, str(entity_id)),
        )

    def delete(self, kind: str, entity_id: UUID) -> None:
        self._db.execute(
            "DELETE FROM caseload WHERE kind = ? AND entity_id = ?", (kind, str(entity_id))
        )

    def remove_child(self, child_id: UUID) -> None:
        self._db.execute(
            "UPDATE caseload SET pending_deleted = 1 WHERE local_pending = 1 "
            "AND (child_id = :c OR (kind = 'child' AND entity_id = :c))",
            {"c": str(child_id)},
        )
        self._db.execute(
            "DELETE FROM caseload WHERE local_pending = 0 "
            "AND (child_id = :c OR (kind = 'child' AND entity_id = :c))",
            {"c": str(child_id)},
        )

    def reset(self) -> None:
        self._db.execute("DELETE FROM caseload WHERE local_pending = 0")
