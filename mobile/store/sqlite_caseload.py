"""The caseload from the central record, and settings, in SQLite (sealed)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel

from mobile.store.crypto import DataKey
from mobile.store.errors import CorruptRecord, RecordNotFound
from mobile.store.records import check_plain_setting, dumps, seen_on
from mobile.store.repository import CaseloadApplied, Listing
from mobile.store.sqlite_base import Db, SqliteBase
from models.caseload import Child, ContactRestriction, Household, Person
from models.concern import ConcernReceived
from models.receipt import CaseloadChange

__all__ = ["CURSOR_KEY", "CaseloadMixin"]

M = TypeVar("M", bound=BaseModel)
CURSOR_KEY = "_caseload_cursor"


class CaseloadMixin(SqliteBase):
    def apply_caseload_changes(
        self, changes: Sequence[CaseloadChange], *, cursor: str
    ) -> CaseloadApplied:
        """Apply one page from the central record and store its cursor, in one transaction.
        A row with an unsynced local change is not overwritten: the newer version waits beside
        it until the change is acknowledged. A child's tombstone purges that child's caseload and
        synced visits, never an unsynced visit."""
        counts = {"applied": 0, "deferred": 0, "stale": 0, "purged_visits": 0}
        with self._write() as (db, key):
            now = self._now()
            for change in changes:
                kind, eid = change.kind, str(change.entity_id)
                row = db.execute(
                    "SELECT version, local_pending, pending_version FROM caseload "
                    "WHERE kind = ? AND entity_id = ?",
                    (kind, eid),
                ).fetchone()
                held = max(row[0], row[2] or 0) if row else 0
                if row and change.version <= held:
                    counts["stale"] += 1
                    continue
                if change.deleted and kind == "child":
                    counts["purged_visits"] += self._purge_child(db, eid)
                    counts["applied"] += 1
                    continue
                if change.deleted:
                    if row is None:
                        counts["stale"] += 1
                    elif row[1]:
                        db.execute(
                            "UPDATE caseload SET pending_deleted = 1, pending_version = ? "
                            "WHERE kind = ? AND entity_id = ?",
                            (change.version, kind, eid),
                        )
                        counts["deferred"] += 1
                    else:
                        db.execute(
                            "DELETE FROM caseload WHERE kind = ? AND entity_id = ?", (kind, eid)
                        )
                        counts["applied"] += 1
                    continue
                body = self._seal(
                    key, f"caseload.{kind}", eid, change.version, dumps(change.data or {})
                )
                child_id = (
                    str(change.child_id) if change.child_id else (eid if kind == "child" else None)
                )
                if row and row[1]:
                    db.execute(
                        "UPDATE caseload SET pending_version = ?, pending_body = ?, "
                        "pending_deleted = 0 WHERE kind = ? AND entity_id = ?",
                        (change.version, body, kind, eid),
                    )
                    counts["deferred"] += 1
                    continue
                db.execute(
                    """INSERT INTO caseload (kind, entity_id, version, child_id, updated_at, body)
                       VALUES (?, ?, ?, ?, ?, ?)
                       ON CONFLICT (kind, entity_id) DO UPDATE SET version = excluded.version,
                         child_id = excluded.child_id, updated_at = excluded.updated_at,
                         body = excluded.body""",
                    (kind, eid, change.version, child_id, now, body),
                )
                counts["applied"] += 1
            self._put_setting(db, key, CURSOR_KEY, cursor)
        return CaseloadApplied(**counts)

    def get_cursor(self) -> str | None:
        return self.get_setting(CURSOR_KEY)

    def reset_cursor(self) -> None:
        """The central record's 'start over': forget the cursor and the downloaded caseload so it
        can be fetched again. Visits, drafts, the outbox and unsynced local changes are kept."""
        with self._write() as (db, _key):
            db.execute("DELETE FROM setting WHERE key = ?", (CURSOR_KEY,))
            db.execute("DELETE FROM caseload WHERE local_pending = 0")

    # Readers ------------------------------------------------------------------------------------
    def list_children(self) -> Listing[Child]:
        with self._read() as (db, key):
            listing = self._rows(db, key, "child", Child)
        listing.items.sort(key=lambda c: c.name.casefold())
        return listing

    def get_child(self, child_id: UUID) -> Child:
        with self._read() as (db, key):
            row = db.execute(
                "SELECT version, body FROM caseload WHERE kind = 'child' AND entity_id = ?",
                (str(child_id),),
            ).fetchone()
            if row is None:
                raise RecordNotFound("child", child_id)
            return self._load(Child, key, "caseload.child", str(child_id), row[0], row[1])

    def list_households(self) -> Listing[Household]:
        with self._read() as (db, key):
            return self._rows(db, key, "household", Household)

    def list_people(self) -> Listing[Person]:
        with self._read() as (db, key):
            return self._rows(db, key, "person", Person)

    def list_restrictions(self) -> Listing[ContactRestriction]:
        with self._read() as (db, key):
            return self._rows(db, key, "restriction", ContactRestriction)

    def list_concerns(
        self, *, awaiting_acknowledgement: bool | None = None
    ) -> Listing[ConcernReceived]:
        with self._read() as (db, key):
            listing = self._rows(db, key, "concern", ConcernReceived)
        if awaiting_acknowledgement is not None:
            listing.items[:] = [
                c for c in listing.items if c.awaiting_acknowledgement == awaiting_acknowledgement
            ]
        return listing

    def _seen_dates(self, db: Db, key: DataKey) -> tuple[dict[UUID, date], list[CorruptRecord]]:
        """The central record's last-seen date per child (caseload rows of kind 'seen')."""
        seen: dict[UUID, date] = {}
        problems: list[CorruptRecord] = []
        rows = db.execute(
            "SELECT entity_id, version, body FROM caseload WHERE kind = 'seen'"
        ).fetchall()
        for eid, version, body in rows:
            try:
                data: dict[str, Any] = json.loads(
                    self._open(key, "caseload.seen", eid, version, body)
                )
            except CorruptRecord as problem:
                problems.append(problem)
                continue
            found = seen_on(data)
            if found:
                owner, day = found
                seen[owner] = max(day, seen.get(owner, day))
        return seen, problems

    # Settings -----------------------------------------------------------------------------------
    def get_setting(self, key: str) -> str | None:
        with self._read() as (db, data_key):
            row = db.execute("SELECT sealed, value FROM setting WHERE key = ?", (key,)).fetchone()
            if row is None:
                return None
            if not row[0]:
                return bytes(row[1]).decode()
            return self._open(data_key, "setting", key, 0, row[1]).decode()

    def set_setting(self, key: str, value: str) -> None:
        """A sealed setting (server address, device credential, ...)."""
        with self._write() as (db, data_key):
            self._put_setting(db, data_key, key, value)

    def delete_setting(self, key: str) -> None:
        with self._write() as (db, _key):
            db.execute("DELETE FROM setting WHERE key = ?", (key,))

    def get_plain_setting(self, key: str) -> str | None:
        """A non-personal setting, readable while locked (see repository.PLAIN_SETTINGS)."""
        check_plain_setting(key)
        with self._lock:
            row = (
                self._db()
                .execute("SELECT value FROM setting WHERE key = ? AND sealed = 0", (key,))
                .fetchone()
            )
            return None if row is None else bytes(row[0]).decode()

    def set_plain_setting(self, key: str, value: str) -> None:
        check_plain_setting(key)
        with self._lock:
            self._db().execute(
                "INSERT OR REPLACE INTO setting (key, sealed, value) VALUES (?, 0, ?)",
                (key, value.encode()),
            )

    # Helpers ------------------------------------------------------------------------------------
    def _put_setting(self, db: Db, data_key: DataKey, key: str, value: str) -> None:
        sealed = self._seal(data_key, "setting", key, 0, value.encode())
        db.execute(
            "INSERT OR REPLACE INTO setting (key, sealed, value) VALUES (?, 1, ?)", (key, sealed)
        )

    def _rows(self, db: Db, key: DataKey, kind: str, model: type[M]) -> Listing[M]:
        listing: Listing[M] = Listing([])
        rows = db.execute(
            "SELECT entity_id, version, body FROM caseload WHERE kind = ?", (kind,)
        ).fetchall()
        for eid, version, body in rows:
            try:
                listing.items.append(self._load(model, key, f"caseload.{kind}", eid, version, body))
            except CorruptRecord as problem:
                listing.problems.append(problem)
        return listing

    def _settle_local_change(self, db: Db, kind: str, entity_id: str) -> None:
        row = db.execute(
            "SELECT pending_version, pending_deleted FROM caseload WHERE kind = ? AND entity_id = ?",
            (kind, entity_id),
        ).fetchone()
        if row is None:
            return
        if row[1]:
            db.execute("DELETE FROM caseload WHERE kind = ? AND entity_id = ?", (kind, entity_id))
        elif row[0] is not None:
            db.execute(
                "UPDATE caseload SET version = pending_version, body = pending_body, "
                "local_pending = 0, pending_version = NULL, pending_body = NULL "
                "WHERE kind = ? AND entity_id = ?",
                (kind, entity_id),
            )
        else:
            db.execute(
                "UPDATE caseload SET local_pending = 0 WHERE kind = ? AND entity_id = ?",
                (kind, entity_id),
            )

    def _purge_child(self, db: Db, child_id: str) -> int:
        """Remove a de-allocated child's caseload rows and synced visits; keep anything unsynced."""
        db.execute(
            "UPDATE caseload SET pending_deleted = 1 "
            "WHERE local_pending = 1 AND (child_id = ? OR (kind = 'child' AND entity_id = ?))",
            (child_id, child_id),
        )
        db.execute(
            "DELETE FROM caseload "
            "WHERE local_pending = 0 AND (child_id = ? OR (kind = 'child' AND entity_id = ?))",
            (child_id, child_id),
        )
        purged = 0
        candidates = [
            r[0]
            for r in db.execute(
                "SELECT visit_id FROM visit_child WHERE child_id = ?", (child_id,)
            ).fetchall()
        ]
        for vid in candidates:
            keep = db.execute(
                """SELECT
                     EXISTS (SELECT 1 FROM draft WHERE visit_id = :v)
                  OR EXISTS (SELECT 1 FROM outbox WHERE record_id = :v)
                  OR EXISTS (SELECT 1 FROM quarantine WHERE record_id = :v)
                  OR EXISTS (SELECT 1 FROM visit_child vc JOIN caseload c
                               ON c.kind = 'child' AND c.entity_id = vc.child_id
                             WHERE vc.visit_id = :v)""",
                {"v": vid},
            ).fetchone()[0]
            if keep:
                continue
            db.execute("DELETE FROM visit WHERE visit_id = ?", (vid,))
            db.execute("DELETE FROM visit_child WHERE visit_id = ?", (vid,))
            db.execute("DELETE FROM authored WHERE kind = 'amendment' AND subject_id = ?", (vid,))
            db.execute("DELETE FROM receipt WHERE record_id = ?", (vid,))
            purged += 1
        return purged
