"""The outbox, receipts and quarantine in SQLite: what waits for the central record, and its answers."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from mobile.store.errors import AlreadyWaiting, CorruptRecord
from mobile.store.records import from_text, receipt_from_detail, receipt_to_detail, what_to_do
from mobile.store.shapes import Listing, QuarantinedItem, Queued, StoredSyncState
from mobile.store.sqlite.base import SqliteRepository, log, needs_key
from models.errors import RecordLocked
from models.receipt import OutboxItem, Receipt, ReceiptStatus, RecordKind, SyncState

__all__ = ["SqliteOutbox"]

# The body of an outbox or quarantine row lives in the visit or authored row it names.
_WITH_BODY = """
    SELECT q.record_id, q.revision, q.kind, q.source_id, q.base_revision, q.content_hash,
           q.size_bytes, v.body AS visit_body, v.status, a.body AS authored_body, a.revision,
           q.detail, {extra}
    FROM {table} q
    LEFT JOIN visit v ON q.kind = 'visit' AND v.visit_id = q.source_id AND v.revision = q.revision
    LEFT JOIN authored a ON q.kind != 'visit' AND a.record_id = q.source_id
"""
_STATES = """
    SELECT q.record_id, q.revision, q.kind, {subject}, {state}, {since}, q.detail, {queued},
           {attempts}, {tried} FROM {table} q {join}
    WHERE (:rid IS NULL OR q.record_id = :rid) ORDER BY {order}
"""
_AUTHORED = "LEFT JOIN authored a ON q.kind != 'visit' AND a.record_id = q.source_id"


class SqliteOutbox(SqliteRepository):
    keyed = False  # count() is readable while locked (a number, nothing personal)

    @needs_key
    def add(
        self,
        *,
        kind: RecordKind,
        record_id: UUID,
        revision: int,
        source_id: UUID,
        base_revision: int | None,
        body: bytes,
    ) -> None:
        try:
            self._db.execute(
                """INSERT INTO outbox (record_id, revision, kind, source_id, base_revision,
                                       content_hash, size_bytes, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    str(record_id),
                    revision,
                    kind.value,
                    str(source_id),
                    base_revision,
                    hashlib.sha256(body).hexdigest(),
                    len(body),
                    self._tx.now(),
                ),
            )
        except sqlite3.IntegrityError:
            raise RecordLocked() from None

    @needs_key
    def pending(
        self, *, limit: int, skip: Collection[tuple[UUID, int]] = ()
    ) -> Iterator[tuple[int, OutboxItem | CorruptRecord]]:
        """Oldest first, conflicts left out (they wait for a person); each opened as it is read.
        `skip`: items already on their way, left out before they are opened."""
        rows = self._db.execute(
            _WITH_BODY.format(table="outbox", extra="q.seq")
            + " WHERE q.state IN ('pending', 'sent') ORDER BY q.seq LIMIT ?",
            (limit + len(skip),),
        ).fetchall()
        skipped = {(str(rid), rev) for rid, rev in skip}
        for row in rows:
            if (row[0], row[1]) in skipped:
                continue
            try:
                yield row[6], self._outbox_item(row)
            except CorruptRecord as problem:
                yield row[6], problem

    @needs_key
    def mark_sent(self, keys: Sequence[tuple[UUID, int]]) -> None:
        self._db.executemany(
            "UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1 "
            "WHERE record_id = ? AND revision = ? AND state IN ('pending', 'sent')",
            [(self._tx.now(), str(rid), rev) for rid, rev in keys],
        )

    @needs_key
    def find(self, record_id: UUID, revision: int) -> Queued | None:
        row = self._db.execute(
            "SELECT o.kind, a.subject_id FROM outbox o "
            "LEFT JOIN authored a ON o.kind != 'visit' AND a.record_id = o.source_id "
            "WHERE o.record_id = ? AND o.revision = ?",
            (str(record_id), revision),
        ).fetchone()
        if row is None:
            return None
        subject = UUID(row[1]) if row[1] else record_id
        return Queued(record_id, revision, RecordKind(row[0]), subject)

    @needs_key
    def store_receipt(self, entry: Queued, receipt: Receipt) -> None:
        rid, rev = str(entry.record_id), entry.revision
        self._db.execute(
            """INSERT OR REPLACE INTO receipt (record_id, revision, kind, subject_id, status,
                   receipt_id, server_seq, received_at, stored_at, detail, queued_at)
               SELECT record_id, revision, kind, ?, ?, ?, ?, ?, ?, ?, created_at
               FROM outbox WHERE record_id = ? AND revision = ?""",
            (
                str(entry.subject_id),
                receipt.status.value,
                str(receipt.receipt_id) if receipt.receipt_id else None,
                receipt.server_seq,
                receipt.received_at.isoformat() if receipt.received_at else None,
                self._tx.now(),
                self._detail(entry, receipt),
                rid,
                rev,
            ),
        )
        self._db.execute("DELETE FROM outbox WHERE record_id = ? AND revision = ?", (rid, rev))

    @needs_key
    def quarantine(self, entry: Queued, receipt: Receipt) -> None:
        rid, rev = str(entry.record_id), entry.revision
        self._db.execute(
            """INSERT OR REPLACE INTO quarantine (record_id, revision, kind, source_id,
                   base_revision, content_hash, size_bytes, created_at, quarantined_at, detail)
               SELECT record_id, revision, kind, source_id, base_revision, content_hash,
                      size_bytes, created_at, ?, ?
               FROM outbox WHERE record_id = ? AND revision = ?""",
            (self._tx.now(), self._detail(entry, receipt), rid, rev),
        )
        self._db.execute("DELETE FROM outbox WHERE record_id = ? AND revision = ?", (rid, rev))

    @needs_key
    def mark_conflict(self, entry: Queued, receipt: Receipt) -> None:
        self._db.execute(
            "UPDATE outbox SET state = 'conflict', detail = ? WHERE record_id = ? AND revision = ?",
            (self._detail(entry, receipt), str(entry.record_id), entry.revision),
        )

    @needs_key
    def requeue(self, record_id: UUID, revision: int) -> bool:
        """The latest refused item of this id and revision back into the outbox (a task's
        earlier refused notes stay where they are). AlreadyWaiting if the outbox already holds
        one (a note since written for the same task): nothing moves."""
        key = (str(record_id), revision)
        row = self._db.execute(
            "SELECT source_id FROM quarantine WHERE record_id = ? AND revision = ? "
            "ORDER BY quarantined_at DESC, rowid DESC LIMIT 1",
            key,
        ).fetchone()
        if row is None:
            return False
        try:
            self._db.execute(
                """INSERT INTO outbox (record_id, revision, kind, source_id, base_revision,
                                       content_hash, size_bytes, created_at)
                   SELECT record_id, revision, kind, source_id, base_revision, content_hash,
                          size_bytes, created_at
                   FROM quarantine WHERE record_id = ? AND revision = ? AND source_id = ?""",
                (*key, row[0]),
            )
        except sqlite3.IntegrityError:
            raise AlreadyWaiting() from None
        self._db.execute(
            "DELETE FROM quarantine WHERE record_id = ? AND revision = ? AND source_id = ?",
            (*key, row[0]),
        )
        return True

    @needs_key
    def states(self, *, record_id: UUID | None = None) -> list[StoredSyncState]:
        """Every record this device has sent or will send, with its honest state."""
        rid = None if record_id is None else str(record_id)
        subject = "COALESCE(a.subject_id, q.record_id)"
        queries = [
            _STATES.format(
                subject=subject, state="q.state", since="COALESCE(q.sent_at, q.created_at)",
                queued="q.created_at", attempts="q.attempts", tried="q.sent_at",
                table="outbox", join=_AUTHORED, order="q.seq",
            ),
            _STATES.format(
                subject=subject, state="'rejected'", since="q.quarantined_at",
                queued="q.created_at", attempts="0", tried="NULL",
                table="quarantine", join=_AUTHORED, order="q.quarantined_at",
            ),
            _STATES.format(
                subject="COALESCE(q.subject_id, q.record_id)", state="'acknowledged'",
                since="q.stored_at", queued="COALESCE(q.queued_at, q.stored_at)", attempts="0",
                tried="NULL", table="receipt", join="", order="q.stored_at",
            ),
        ]  # fmt: skip
        states = []
        for query in queries:
            for (
                rec,
                rev,
                kind,
                subj,
                state,
                since,
                detail,
                queued,
                tries,
                tried,
            ) in self._db.execute(query, {"rid": rid}).fetchall():
                states.append(
                    StoredSyncState(
                        record_id=UUID(rec),
                        revision=rev,
                        kind=RecordKind(kind),
                        subject_id=UUID(subj) if subj else None,
                        state=SyncState(state),
                        since=from_text(since),
                        queued_at=from_text(queued),
                        receipt=None if detail is None else self._receipt(rec, rev, detail, state),
                        attempts=tries,
                        last_attempt_at=from_text(tried) if tried else None,
                    )
                )
        return states

    @needs_key
    def quarantined(self) -> Listing[QuarantinedItem]:
        rows = self._db.execute(
            _WITH_BODY.format(table="quarantine", extra="q.quarantined_at")
            + " ORDER BY q.quarantined_at"
        ).fetchall()
        listing: Listing[QuarantinedItem] = Listing([])
        for row in rows:
            try:
                item = self._outbox_item(row)
                receipt = self._receipt(row[0], row[1], row[11], "rejected")
                listing.items.append(QuarantinedItem(item, receipt, from_text(row[12])))
            except CorruptRecord as problem:
                listing.problems.append(problem)
        return listing

    def count(self) -> int:
        sql = "SELECT (SELECT COUNT(*) FROM outbox) + (SELECT COUNT(*) FROM quarantine)"
        return int(self._db.execute(sql).fetchone()[0])

    def oldest_queued_at(self) -> datetime | None:
        """When the longest-waiting record still held was saved for sending (a time, nothing
        personal: readable while locked, as count is)."""
        sql = (
            "SELECT MIN(created_at) FROM (SELECT created_at FROM outbox "
            "UNION ALL SELECT created_at FROM quarantine)"
        )
        oldest = self._db.execute(sql).fetchone()[0]
        return from_text(oldest) if oldest else None

    @needs_key
    def holds(self, record_id: UUID) -> bool:
        row = self._db.execute(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE record_id = :r) "
            "OR EXISTS (SELECT 1 FROM quarantine WHERE record_id = :r)",
            {"r": str(record_id)},
        ).fetchone()
        return bool(row[0])

    @needs_key
    def unsynced_visit_ids(self) -> set[UUID]:
        rows = self._db.execute(
            "SELECT record_id FROM outbox WHERE kind IN ('visit', 'amendment') UNION "
            "SELECT record_id FROM quarantine WHERE kind IN ('visit', 'amendment')"
        )
        return {UUID(row[0]) for row in rows}

    @needs_key
    def forget_receipts(self, record_id: UUID) -> None:
        self._db.execute("DELETE FROM receipt WHERE record_id = ?", (str(record_id),))

    # Helpers ------------------------------------------------------------------------------------
    def _detail(self, entry: Queued, receipt: Receipt) -> bytes:
        rid, rev = str(entry.record_id), entry.revision
        return self._seal("detail", rid, rev, receipt_to_detail(receipt))

    def _outbox_item(self, row: tuple[Any, ...]) -> OutboxItem:
        rid, rev, kind, source_id, base, content_hash = row[:6]
        visit_body, authored_body, authored_rev = row[7], row[9], row[10]
        if kind == RecordKind.VISIT:
            plaintext = self._open("visit", source_id, rev, visit_body, synced=False)
        else:
            plaintext = self._open(kind, source_id, authored_rev or 0, authored_body)
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

    def _receipt(self, rid: str, rev: int, detail: bytes, state: str) -> Receipt:
        try:
            return receipt_from_detail(self._open("detail", rid, rev, detail))
        except (CorruptRecord, ValueError) as problem:
            status = {"rejected": ReceiptStatus.REJECTED, "conflict": ReceiptStatus.CONFLICT}
            return Receipt(
                record_id=UUID(rid),
                revision=rev,
                status=status.get(state, ReceiptStatus.ACCEPTED),
                problems=[str(problem)],
            )
