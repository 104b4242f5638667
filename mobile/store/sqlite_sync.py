"""The outbox, receipts and quarantine in SQLite: what the sync client reads and answers."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from mobile.store.crypto import DataKey
from mobile.store.errors import CorruptRecord, RecordNotFound
from mobile.store.records import from_text, receipt_from_detail, receipt_to_detail, what_to_do
from mobile.store.repository import (
    Listing,
    QuarantinedItem,
    ReceiptsResult,
    StoredSyncState,
    SyncState,
)
from mobile.store.sqlite_base import SqliteBase, log
from models.receipt import OutboxItem, Receipt, ReceiptStatus, RecordKind

__all__ = ["SyncMixin"]

# The body of an outbox or quarantine row lives in the visit or authored row it names.
_WITH_BODY = """
    SELECT q.record_id, q.revision, q.kind, q.source_id, q.base_revision, q.content_hash,
           q.size_bytes, v.body AS visit_body, v.status, a.body AS authored_body, a.revision,
           q.detail, {extra}
    FROM {table} q
    LEFT JOIN visit v ON q.kind = 'visit' AND v.visit_id = q.source_id AND v.revision = q.revision
    LEFT JOIN authored a ON q.kind != 'visit' AND a.record_id = q.source_id
"""


class SyncMixin(SqliteBase):
    def pending_outbox(
        self, *, limit: int = 100, max_bytes: int = 1_000_000
    ) -> Listing[OutboxItem]:
        """The next batch to push, oldest first: at most `limit` items and `max_bytes` of
        canonical JSON (always at least one item). Conflicts wait for a person, so are left out."""
        with self._read() as (db, key):
            rows = db.execute(
                _WITH_BODY.format(table="outbox", extra="q.seq")
                + " WHERE q.state IN ('pending', 'sent') ORDER BY q.seq LIMIT ?",
                (limit,),
            ).fetchall()
            listing: Listing[OutboxItem] = Listing([])
            total = 0
            for row in rows:
                if listing.items and total + row[6] > max_bytes:
                    break
                try:
                    listing.items.append(self._outbox_item(key, row))
                    total += row[6]
                except CorruptRecord as problem:
                    listing.problems.append(problem)
            return listing

    def mark_sent(self, items: Sequence[OutboxItem]) -> None:
        """Record that these items went out (the honest 'sent' state); answers come later."""
        with self._write() as (db, _key):
            db.executemany(
                "UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1 "
                "WHERE record_id = ? AND revision = ? AND state IN ('pending', 'sent')",
                [(self._now(), str(item.record_id), item.revision) for item in items],
            )

    def record_receipts(self, receipts: Sequence[Receipt]) -> ReceiptsResult:
        """Store the central record's answers in one transaction: acknowledged items leave the
        outbox, rejected ones move to quarantine, conflicts stay flagged."""
        counts = {"acknowledged": 0, "rejected": 0, "conflicts": 0}
        unmatched: list[tuple[UUID, int]] = []
        with self._write() as (db, key):
            now = self._now()
            for receipt in receipts:
                rid, rev = str(receipt.record_id), receipt.revision
                row = db.execute(
                    "SELECT o.seq, o.kind, o.source_id, a.subject_id, o.created_at FROM outbox o "
                    "LEFT JOIN authored a ON o.kind != 'visit' AND a.record_id = o.source_id "
                    "WHERE o.record_id = ? AND o.revision = ?",
                    (rid, rev),
                ).fetchone()
                if row is None:
                    unmatched.append((receipt.record_id, rev))
                    continue
                seq, kind, _source, subject, queued_at = row
                detail = self._seal(key, "detail", rid, rev, receipt_to_detail(receipt))
                if receipt.status.acknowledged:
                    db.execute(
                        """INSERT OR REPLACE INTO receipt (record_id, revision, kind, subject_id,
                               status, receipt_id, server_seq, received_at, stored_at, detail,
                               queued_at)
                           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                        (
                            rid,
                            rev,
                            kind,
                            subject or rid,
                            receipt.status.value,
                            str(receipt.receipt_id) if receipt.receipt_id else None,
                            receipt.server_seq,
                            receipt.received_at.isoformat() if receipt.received_at else None,
                            now,
                            detail,
                            queued_at,
                        ),
                    )
                    db.execute("DELETE FROM outbox WHERE seq = ?", (seq,))
                    if kind in (RecordKind.VISIT, RecordKind.AMENDMENT):
                        db.execute(
                            "UPDATE visit SET status = 'SYNCED' "
                            "WHERE visit_id = ? AND revision = ? AND status = 'SUBMITTED'",
                            (rid, rev),
                        )
                    elif kind == RecordKind.ACKNOWLEDGEMENT and subject:
                        self._settle_local_change(db, "concern", subject)
                    counts["acknowledged"] += 1
                elif receipt.status == ReceiptStatus.REJECTED:
                    db.execute(
                        """INSERT OR REPLACE INTO quarantine (record_id, revision, kind, source_id,
                               base_revision, content_hash, size_bytes, created_at,
                               quarantined_at, detail)
                           SELECT record_id, revision, kind, source_id, base_revision,
                                  content_hash, size_bytes, created_at, ?, ?
                           FROM outbox WHERE seq = ?""",
                        (now, detail, seq),
                    )
                    db.execute("DELETE FROM outbox WHERE seq = ?", (seq,))
                    counts["rejected"] += 1
                else:
                    db.execute(
                        "UPDATE outbox SET state = 'conflict', detail = ? WHERE seq = ?",
                        (detail, seq),
                    )
                    counts["conflicts"] += 1
        if unmatched:
            log.info("%d receipts matched nothing in the outbox (already stored)", len(unmatched))
        return ReceiptsResult(unmatched=unmatched, **counts)

    def sync_state(self, *, record_id: UUID | None = None) -> list[StoredSyncState]:
        """Every record this device has sent or will send, with its honest state."""
        rid = None if record_id is None else str(record_id)
        with self._read() as (db, key):
            outbox = db.execute(
                "SELECT q.record_id, q.revision, q.kind, COALESCE(a.subject_id, q.record_id), "
                "q.state, COALESCE(q.sent_at, q.created_at), q.detail, q.created_at, "
                "q.attempts, q.sent_at FROM outbox q "
                "LEFT JOIN authored a ON q.kind != 'visit' AND a.record_id = q.source_id "
                "WHERE (:rid IS NULL OR q.record_id = :rid) ORDER BY q.seq",
                {"rid": rid},
            ).fetchall()
            quarantined = db.execute(
                "SELECT q.record_id, q.revision, q.kind, COALESCE(a.subject_id, q.record_id), "
                "'rejected', q.quarantined_at, q.detail, q.created_at, 0, NULL FROM quarantine q "
                "LEFT JOIN authored a ON q.kind != 'visit' AND a.record_id = q.source_id "
                "WHERE (:rid IS NULL OR q.record_id = :rid) ORDER BY q.quarantined_at",
                {"rid": rid},
            ).fetchall()
            acknowledged = db.execute(
                "SELECT q.record_id, q.revision, q.kind, COALESCE(q.subject_id, q.record_id), "
                "'acknowledged', q.stored_at, q.detail, COALESCE(q.queued_at, q.stored_at), 0, "
                "NULL FROM receipt q "
                "WHERE (:rid IS NULL OR q.record_id = :rid) ORDER BY q.stored_at",
                {"rid": rid},
            ).fetchall()
            states = []
            for record, rev, kind, subject, state, since, detail, queued, tries, tried in [
                *outbox,
                *quarantined,
                *acknowledged,
            ]:
                receipt = None
                if detail is not None:
                    receipt = self._receipt(key, record, rev, detail, state)
                states.append(
                    StoredSyncState(
                        record_id=UUID(record),
                        revision=rev,
                        kind=RecordKind(kind),
                        subject_id=UUID(subject) if subject else None,
                        state=SyncState(state),
                        since=from_text(since),
                        queued_at=from_text(queued),
                        receipt=receipt,
                        attempts=tries,
                        last_attempt_at=from_text(tried) if tried else None,
                    )
                )
            return states

    def pending_count(self) -> int:
        """Records not yet acknowledged by the central record (outbox and quarantine). Readable
        while locked: it is a count, nothing personal."""
        with self._lock:
            row = (
                self._db()
                .execute("SELECT (SELECT COUNT(*) FROM outbox) + (SELECT COUNT(*) FROM quarantine)")
                .fetchone()
            )
            return int(row[0])

    def list_quarantine(self) -> Listing[QuarantinedItem]:
        with self._read() as (db, key):
            rows = db.execute(
                _WITH_BODY.format(table="quarantine", extra="q.quarantined_at")
                + " ORDER BY q.quarantined_at"
            ).fetchall()
            listing: Listing[QuarantinedItem] = Listing([])
            for row in rows:
                try:
                    item = self._outbox_item(key, row)
                    receipt = self._receipt(key, row[0], row[1], row[11], "rejected")
                    listing.items.append(QuarantinedItem(item, receipt, from_text(row[12])))
                except CorruptRecord as problem:
                    listing.problems.append(problem)
            return listing

    def requeue_quarantined(self, record_id: UUID, revision: int) -> None:
        """Offer a rejected record to the central record again (e.g. after an app update)."""
        with self._write() as (db, _key):
            moved = db.execute(
                """INSERT INTO outbox (record_id, revision, kind, source_id, base_revision,
                                       content_hash, size_bytes, created_at)
                   SELECT record_id, revision, kind, source_id, base_revision, content_hash,
                          size_bytes, created_at
                   FROM quarantine WHERE record_id = ? AND revision = ?""",
                (str(record_id), revision),
            ).rowcount
            if not moved:
                raise RecordNotFound("quarantined record", f"{record_id} revision {revision}")
            db.execute(
                "DELETE FROM quarantine WHERE record_id = ? AND revision = ?",
                (str(record_id), revision),
            )

    # Helpers ------------------------------------------------------------------------------------
    def _outbox_item(self, key: DataKey, row: tuple[Any, ...]) -> OutboxItem:
        rid, rev, kind, source_id, base, content_hash = row[:6]
        visit_body, authored_body, authored_rev = row[7], row[9], row[10]
        if kind == RecordKind.VISIT:
            plaintext = self._open(key, "visit", source_id, rev, visit_body, synced=False)
        else:
            plaintext = self._open(key, kind, source_id, authored_rev or 0, authored_body)
        if hashlib.sha256(plaintext).hexdigest() != content_hash:
            log.warning("An outbox record does not match its hash: %s", rid)
            raise CorruptRecord("outbox", rid, what_to_do("outbox"))
        return OutboxItem(
            record_id=UUID(rid),
            kind=RecordKind(kind),
            revision=rev,
            base_revision=base,
            content_hash=content_hash,
            body=json.loads(plaintext),
        )

    def _receipt(self, key: DataKey, rid: str, rev: int, detail: bytes, state: str) -> Receipt:
        try:
            return receipt_from_detail(self._open(key, "detail", rid, rev, detail))
        except (CorruptRecord, ValueError) as problem:
            status = {"rejected": ReceiptStatus.REJECTED, "conflict": ReceiptStatus.CONFLICT}
            return Receipt(
                record_id=UUID(rid),
                revision=rev,
                status=status.get(state, ReceiptStatus.ACCEPTED),
                problems=[str(problem)],
            )
