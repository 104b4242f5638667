"""Drafts, submitted visits, amendments, concerns and acknowledgements in SQLite (sealed)."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Mapping
from datetime import datetime
from uuid import UUID

from mobile.store.crypto import DataKey
from mobile.store.errors import AlreadyAcknowledged, CorruptRecord, RecordNotFound
from mobile.store.records import dumps, visit_child_ids
from mobile.store.repository import Listing
from mobile.store.sqlite_base import Db, SqliteBase
from models.amendment import Amendment
from models.canonical import canonical_json
from models.concern import ACKNOWLEDGED_REVISION, Acknowledgement, ConcernReceived
from models.enums import RecordStatus
from models.errors import AmendmentRejected, RecordLocked, SubmissionBlocked
from models.ids import new_id
from models.lifecycle import apply_amendment, check_amendment, mark_synced, submit
from models.receipt import RecordKind
from models.rules import check_concern
from models.visit import Visit

__all__ = ["VisitsMixin"]

_HEADS = """
    SELECT v.visit_id, v.revision, v.status, v.body FROM visit v
    JOIN (SELECT visit_id, MAX(revision) AS head FROM visit GROUP BY visit_id) h
      ON h.visit_id = v.visit_id AND h.head = v.revision
    WHERE (:child IS NULL OR v.visit_id IN (SELECT visit_id FROM visit_child WHERE child_id = :child))
"""


class VisitsMixin(SqliteBase):
    # Drafts -------------------------------------------------------------------------------------
    def save_draft(self, visit: Visit) -> None:
        """Autosave: one transaction. RecordLocked if the visit has been submitted."""
        if visit.status != RecordStatus.DRAFT or visit.revision != 0:
            raise RecordLocked()
        vid = str(visit.visit_id)
        with self._write() as (db, key):
            if _submitted(db, vid):
                raise RecordLocked()
            now = self._now()
            db.execute(
                """INSERT INTO draft (visit_id, created_at, updated_at, body) VALUES (?, ?, ?, ?)
                   ON CONFLICT (visit_id)
                   DO UPDATE SET updated_at = excluded.updated_at, body = excluded.body""",
                (vid, now, now, self._seal(key, "draft", vid, 0, canonical_json(visit))),
            )
            _index_children(db, visit)

    def delete_draft(self, visit_id: UUID) -> None:
        """Discard a draft (no-op if there is none). RecordLocked once submitted."""
        vid = str(visit_id)
        with self._write() as (db, _key):
            if _submitted(db, vid):
                raise RecordLocked()
            if db.execute("DELETE FROM draft WHERE visit_id = ?", (vid,)).rowcount:
                db.execute("DELETE FROM visit_child WHERE visit_id = ?", (vid,))

    def list_drafts(self) -> Listing[Visit]:
        """Drafts, most recently saved first."""
        with self._read() as (db, key):
            rows = db.execute(
                "SELECT visit_id, body FROM draft ORDER BY updated_at DESC"
            ).fetchall()
            listing: Listing[Visit] = Listing([])
            for vid, body in rows:
                try:
                    listing.items.append(self._load(Visit, key, "draft", vid, 0, body))
                except CorruptRecord as problem:
                    listing.problems.append(problem)
            return listing

    # Visits -------------------------------------------------------------------------------------
    def get_visit(self, visit_id: UUID) -> Visit:
        """The latest revision of a submitted visit, or the draft."""
        vid = str(visit_id)
        with self._read() as (db, key):
            row = db.execute(
                "SELECT visit_id, revision, status, body FROM visit WHERE visit_id = ? "
                "ORDER BY revision DESC LIMIT 1",
                (vid,),
            ).fetchone()
            if row is not None:
                return self._visit(key, row)
            draft = db.execute("SELECT body FROM draft WHERE visit_id = ?", (vid,)).fetchone()
            if draft is None:
                raise RecordNotFound("visit", visit_id)
            return self._load(Visit, key, "draft", vid, 0, draft[0])

    def get_visit_revision(self, visit_id: UUID, revision: int) -> Visit:
        with self._read() as (db, key):
            row = db.execute(
                "SELECT visit_id, revision, status, body FROM visit "
                "WHERE visit_id = ? AND revision = ?",
                (str(visit_id), revision),
            ).fetchone()
            if row is None:
                raise RecordNotFound("visit", f"{visit_id} revision {revision}")
            return self._visit(key, row)

    def list_revisions(self, visit_id: UUID) -> Listing[Visit]:
        """Every submitted revision, oldest first (the audit trail)."""
        with self._read() as (db, key):
            rows = db.execute(
                "SELECT visit_id, revision, status, body FROM visit "
                "WHERE visit_id = ? ORDER BY revision",
                (str(visit_id),),
            ).fetchall()
            return self._visits(key, rows)

    def list_visits(self, *, child_id: UUID | None = None) -> Listing[Visit]:
        """Latest revisions of submitted visits, newest visit first."""
        with self._read() as (db, key):
            rows = db.execute(
                _HEADS,
                {"child": None if child_id is None else str(child_id)},
            ).fetchall()
            listing = self._visits(key, rows)
        listing.items.sort(key=lambda v: v.started_at or v.created_on_device_at, reverse=True)
        return listing

    def submit_visit(
        self, visit_id: UUID, *, child_labels: Mapping[UUID, str] | None = None
    ) -> Visit:
        """Check the recording rules (SubmissionBlocked lists what is missing), then write the
        locked record and its outbox entry in one transaction."""
        vid = str(visit_id)
        with self._write() as (db, key):
            row = db.execute("SELECT body FROM draft WHERE visit_id = ?", (vid,)).fetchone()
            if row is None:
                if _submitted(db, vid):
                    raise RecordLocked()
                raise RecordNotFound("visit", visit_id)
            draft = self._load(Visit, key, "draft", vid, 0, row[0])
            submitted = submit(draft, at=self._clock(), child_labels=child_labels)
            plaintext = canonical_json(submitted)
            now = self._now()
            db.execute(
                "INSERT INTO visit (visit_id, revision, status, created_at, body) "
                "VALUES (?, 1, 'SUBMITTED', ?, ?)",
                (vid, now, self._seal(key, "visit", vid, 1, plaintext)),
            )
            db.execute("DELETE FROM draft WHERE visit_id = ?", (vid,))
            _index_children(db, submitted)
            _enqueue(db, RecordKind.VISIT, vid, 1, vid, None, plaintext, now)
        return submitted

    def add_amendment(self, amendment: Amendment) -> Visit:
        """Check the amendment (AmendmentRejected lists why not), then store it, the amended visit
        as the next revision and its outbox entry in one transaction. Returns the amended visit."""
        vid = str(amendment.amends_visit_id)
        with self._write() as (db, key):
            row = db.execute(
                "SELECT visit_id, revision, status, body FROM visit WHERE visit_id = ? "
                "ORDER BY revision DESC LIMIT 1",
                (vid,),
            ).fetchone()
            if row is not None:
                current = self._visit(key, row)
            else:
                draft = db.execute("SELECT body FROM draft WHERE visit_id = ?", (vid,)).fetchone()
                if draft is None:
                    raise RecordNotFound("visit", vid)
                current = self._load(Visit, key, "draft", vid, 0, draft[0])
            check = check_amendment(current, amendment)
            if not check.ok:
                raise AmendmentRejected(check)
            amended = apply_amendment(current, amendment)
            revision, aid, now = amended.revision, str(amendment.amendment_id), self._now()
            record = canonical_json(amendment)
            db.execute(
                "INSERT INTO authored (record_id, kind, subject_id, revision, created_at, body) "
                "VALUES (?, 'amendment', ?, ?, ?, ?)",
                (aid, vid, revision, now, self._seal(key, "amendment", aid, revision, record)),
            )
            db.execute(
                "INSERT INTO visit (visit_id, revision, status, created_at, body) "
                "VALUES (?, ?, 'AMENDED', ?, ?)",
                (
                    vid,
                    revision,
                    now,
                    self._seal(key, "visit", vid, revision, canonical_json(amended)),
                ),
            )
            _index_children(db, amended)
            _enqueue(
                db, RecordKind.AMENDMENT, vid, revision, aid, amendment.amends_revision, record, now
            )
        return amended

    def list_amendments(self, visit_id: UUID) -> Listing[Amendment]:
        with self._read() as (db, key):
            rows = db.execute(
                "SELECT record_id, revision, body FROM authored "
                "WHERE kind = 'amendment' AND subject_id = ? ORDER BY revision",
                (str(visit_id),),
            ).fetchall()
            listing: Listing[Amendment] = Listing([])
            for record_id, revision, body in rows:
                try:
                    listing.items.append(
                        self._load(Amendment, key, "amendment", record_id, revision, body)
                    )
                except CorruptRecord as problem:
                    listing.problems.append(problem)
            return listing

    # Concerns -----------------------------------------------------------------------------------
    def record_concern(self, concern: ConcernReceived) -> None:
        """A concern received outside a visit (e.g. a phone call): checked, stored, queued."""
        check = check_concern(concern)
        if not check.ok:
            raise SubmissionBlocked(check)
        cid = str(concern.concern_id)
        with self._write() as (db, key):
            if db.execute("SELECT 1 FROM authored WHERE record_id = ?", (cid,)).fetchone():
                raise RecordLocked("This concern")
            record, now = canonical_json(concern), self._now()
            db.execute(
                "INSERT INTO authored (record_id, kind, subject_id, revision, created_at, body) "
                "VALUES (?, 'concern', ?, 1, ?, ?)",
                (cid, cid, now, self._seal(key, "concern", cid, 1, record)),
            )
            _enqueue(db, RecordKind.CONCERN, cid, 1, cid, None, record, now)

    def acknowledge_concern(
        self,
        *,
        concern_id: UUID,
        by: UUID,
        at: datetime | None = None,
        action_taken: str = "",
    ) -> ConcernReceived:
        """A named person acknowledges a concern from the caseload: the concern shows it at once
        and the acknowledgement goes out through the outbox."""
        cid = str(concern_id)
        with self._write() as (db, key):
            row = db.execute(
                "SELECT version, body FROM caseload WHERE kind = 'concern' AND entity_id = ?",
                (cid,),
            ).fetchone()
            if row is None:
                raise RecordNotFound("concern", concern_id)
            concern = self._load(ConcernReceived, key, "caseload.concern", cid, row[0], row[1])
            if concern.acknowledgement is not None:
                raise AlreadyAcknowledged(concern_id)
            ack = Acknowledgement(
                by_practitioner_id=by, at=at or self._clock(), action_taken=action_taken
            )
            updated = concern.model_copy(update={"acknowledgement": ack})
            now = self._now()
            db.execute(
                "UPDATE caseload SET body = ?, local_pending = 1, updated_at = ? "
                "WHERE kind = 'concern' AND entity_id = ?",
                (
                    self._seal(key, "caseload.concern", cid, row[0], canonical_json(updated)),
                    now,
                    cid,
                ),
            )
            ack_id = str(new_id())
            record = dumps(ack.model_dump(mode="json"))
            db.execute(
                "INSERT INTO authored (record_id, kind, subject_id, revision, created_at, body) "
                "VALUES (?, 'acknowledgement', ?, 1, ?, ?)",
                (ack_id, cid, now, self._seal(key, "acknowledgement", ack_id, 1, record)),
            )
            # Travels as the concern's next revision: a second acknowledgement is a conflict.
            _enqueue(
                db,
                RecordKind.ACKNOWLEDGEMENT,
                cid,
                ACKNOWLEDGED_REVISION,
                ack_id,
                ACKNOWLEDGED_REVISION - 1,
                record,
                now,
            )
        return updated

    # Helpers ------------------------------------------------------------------------------------
    def _visit(self, key: DataKey, row: tuple[str, int, str, bytes]) -> Visit:
        visit_id, revision, status, body = row
        synced = status == RecordStatus.SYNCED
        visit = self._load(Visit, key, "visit", visit_id, revision, body, synced=synced)
        return mark_synced(visit) if synced else visit

    def _visits(self, key: DataKey, rows: list[tuple[str, int, str, bytes]]) -> Listing[Visit]:
        listing: Listing[Visit] = Listing([])
        for row in rows:
            try:
                listing.items.append(self._visit(key, row))
            except CorruptRecord as problem:
                listing.problems.append(problem)
        return listing


def _submitted(db: Db, visit_id: str) -> bool:
    return (
        db.execute("SELECT 1 FROM visit WHERE visit_id = ? LIMIT 1", (visit_id,)).fetchone()
        is not None
    )


def _index_children(db: Db, visit: Visit) -> None:
    vid = str(visit.visit_id)
    db.execute("DELETE FROM visit_child WHERE visit_id = ?", (vid,))
    db.executemany(
        "INSERT INTO visit_child (visit_id, child_id) VALUES (?, ?)",
        [(vid, str(child_id)) for child_id in visit_child_ids(visit)],
    )


def _enqueue(
    db: Db,
    kind: RecordKind,
    record_id: str,
    revision: int,
    source_id: str,
    base_revision: int | None,
    plaintext: bytes,
    now: str,
) -> None:
    try:
        db.execute(
            """INSERT INTO outbox (record_id, revision, kind, source_id, base_revision,
                                   content_hash, size_bytes, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                record_id,
                revision,
                kind.value,
                source_id,
                base_revision,
                hashlib.sha256(plaintext).hexdigest(),
                len(plaintext),
                now,
            ),
        )
    except sqlite3.IntegrityError:
        raise RecordLocked() from None
