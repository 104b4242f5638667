"""Drafts, submitted revisions and the records authored on the device, in SQLite (sealed)."""

from __future__ import annotations

import sqlite3
from uuid import UUID

from mobile.store.errors import CorruptRecord
from mobile.store.records import visit_child_ids
from mobile.store.shapes import Listing
from mobile.store.sqlite.base import SqliteRepository
from models.amendment import Amendment
from models.canonical import canonical_json
from models.enums import RecordStatus
from models.escalation import Escalation
from models.lifecycle import mark_synced
from models.receipt import RecordKind
from models.visit import Visit

__all__ = ["SqliteVisits"]

_HEADS = """
    SELECT v.visit_id, v.revision, v.status, v.body FROM visit v
    JOIN (SELECT visit_id, MAX(revision) AS head FROM visit GROUP BY visit_id) h
      ON h.visit_id = v.visit_id AND h.head = v.revision
    WHERE (:child IS NULL OR v.visit_id IN (SELECT visit_id FROM visit_child WHERE child_id = :child))
"""
_REVISION = "SELECT visit_id, revision, status, body FROM visit WHERE visit_id = ? "


class SqliteVisits(SqliteRepository):
    # Drafts -------------------------------------------------------------------------------------
    def draft(self, visit_id: UUID) -> Visit | None:
        vid = str(visit_id)
        row = self._db.execute("SELECT body FROM draft WHERE visit_id = ?", (vid,)).fetchone()
        return None if row is None else self._load(Visit, "draft", vid, 0, row[0])

    def drafts(self) -> Listing[Visit]:
        rows = self._db.execute("SELECT visit_id, body FROM draft ORDER BY updated_at DESC")
        return self._listing(Visit, "draft", ((vid, 0, body) for vid, body in rows.fetchall()))

    def has_draft(self, visit_id: UUID) -> bool:
        sql = "SELECT 1 FROM draft WHERE visit_id = ?"
        return self._db.execute(sql, (str(visit_id),)).fetchone() is not None

    def put_draft(self, visit: Visit) -> None:
        vid, now = str(visit.visit_id), self._tx.now()
        self._db.execute(
            """INSERT INTO draft (visit_id, created_at, updated_at, body) VALUES (?, ?, ?, ?)
               ON CONFLICT (visit_id)
               DO UPDATE SET updated_at = excluded.updated_at, body = excluded.body""",
            (vid, now, now, self._seal("draft", vid, 0, canonical_json(visit))),
        )
        self._index_children(visit)

    def delete_draft(self, visit_id: UUID) -> bool:
        vid = str(visit_id)
        if not self._db.execute("DELETE FROM draft WHERE visit_id = ?", (vid,)).rowcount:
            return False
        self._db.execute("DELETE FROM visit_child WHERE visit_id = ?", (vid,))
        return True

    # Submitted revisions ------------------------------------------------------------------------
    def latest(self, visit_id: UUID) -> Visit | None:
        sql = _REVISION + "ORDER BY revision DESC LIMIT 1"
        row = self._db.execute(sql, (str(visit_id),)).fetchone()
        return None if row is None else self._visit(row)

    def revision(self, visit_id: UUID, revision: int) -> Visit | None:
        row = self._db.execute(_REVISION + "AND revision = ?", (str(visit_id), revision)).fetchone()
        return None if row is None else self._visit(row)

    def revisions(self, visit_id: UUID) -> Listing[Visit]:
        return self._visits(self._db.execute(_REVISION + "ORDER BY revision", (str(visit_id),)))

    def heads(self, *, child_id: UUID | None = None) -> Listing[Visit]:
        child = None if child_id is None else str(child_id)
        return self._visits(self._db.execute(_HEADS, {"child": child}))

    def is_submitted(self, visit_id: UUID) -> bool:
        sql = "SELECT 1 FROM visit WHERE visit_id = ? LIMIT 1"
        return self._db.execute(sql, (str(visit_id),)).fetchone() is not None

    def add_revision(self, visit: Visit) -> None:
        vid, revision = str(visit.visit_id), visit.revision
        self._db.execute(
            "INSERT INTO visit (visit_id, revision, status, created_at, body) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                vid,
                revision,
                visit.status.value,
                self._tx.now(),
                self._seal("visit", vid, revision, canonical_json(visit)),
            ),
        )
        self._index_children(visit)

    def mark_synced(self, visit_id: UUID, revision: int) -> None:
        self._db.execute(
            "UPDATE visit SET status = 'SYNCED' "
            "WHERE visit_id = ? AND revision = ? AND status = 'SUBMITTED'",
            (str(visit_id), revision),
        )

    # Records authored here (amendments, concerns, acknowledgements) -----------------------------
    def add_record(
        self, *, kind: RecordKind, record_id: UUID, subject_id: UUID, revision: int, body: bytes
    ) -> None:
        rid = str(record_id)
        self._db.execute(
            "INSERT INTO authored (record_id, kind, subject_id, revision, created_at, body) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                rid,
                kind.value,
                str(subject_id),
                revision,
                self._tx.now(),
                self._seal(kind.value, rid, revision, body),
            ),
        )

    def has_record(self, record_id: UUID) -> bool:
        sql = "SELECT 1 FROM authored WHERE record_id = ?"
        return self._db.execute(sql, (str(record_id),)).fetchone() is not None

    def amendments(self, visit_id: UUID) -> Listing[Amendment]:
        rows = self._db.execute(
            "SELECT record_id, revision, body FROM authored "
            "WHERE kind = 'amendment' AND subject_id = ? ORDER BY revision",
            (str(visit_id),),
        )
        return self._listing(Amendment, "amendment", rows.fetchall())

    def escalations(self) -> Listing[Escalation]:
        rows = self._db.execute(
            "SELECT record_id, revision, body FROM authored "
            "WHERE kind = 'escalation' ORDER BY created_at, record_id"
        )
        return self._listing(Escalation, "escalation", rows.fetchall())

    # Children -----------------------------------------------------------------------------------
    def visits_of_child(self, child_id: UUID) -> list[UUID]:
        sql = "SELECT visit_id FROM visit_child WHERE child_id = ?"
        return [UUID(row[0]) for row in self._db.execute(sql, (str(child_id),)).fetchall()]

    def children_of(self, visit_id: UUID) -> list[UUID]:
        sql = "SELECT child_id FROM visit_child WHERE visit_id = ?"
        return [UUID(row[0]) for row in self._db.execute(sql, (str(visit_id),)).fetchall()]

    def purge(self, visit_id: UUID) -> None:
        vid = str(visit_id)
        self._db.execute("DELETE FROM visit WHERE visit_id = ?", (vid,))
        self._db.execute("DELETE FROM visit_child WHERE visit_id = ?", (vid,))
        self._db.execute("DELETE FROM authored WHERE kind = 'amendment' AND subject_id = ?", (vid,))

    # Helpers ------------------------------------------------------------------------------------
    def _index_children(self, visit: Visit) -> None:
        vid = str(visit.visit_id)
        self._db.execute("DELETE FROM visit_child WHERE visit_id = ?", (vid,))
        self._db.executemany(
            "INSERT INTO visit_child (visit_id, child_id) VALUES (?, ?)",
            [(vid, str(child_id)) for child_id in visit_child_ids(visit)],
        )

    def _visit(self, row: tuple[str, int, str, bytes]) -> Visit:
        visit_id, revision, status, body = row
        synced = status == RecordStatus.SYNCED
        visit = self._load(Visit, "visit", visit_id, revision, body, synced=synced)
        return mark_synced(visit) if synced else visit

    def _visits(self, rows: sqlite3.Cursor) -> Listing[Visit]:
        listing: Listing[Visit] = Listing([])
        for row in rows.fetchall():
            try:
                listing.items.append(self._visit(row))
            except CorruptRecord as problem:
                listing.problems.append(problem)
        return listing
