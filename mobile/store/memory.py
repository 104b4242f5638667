"""MemoryRepository: an in-memory fake of the Repository contract, for testing the layers above.

Same behaviour as the SQLite store (the contract tests prove it), minus the disk and the keys:
every mutating call is atomic (state is snapshotted and restored on error), reads return copies.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from uuid import UUID

from mobile.store.errors import AlreadyAcknowledged, RecordNotFound
from mobile.store.memory_caseload import MemoryCaseload
from mobile.store.memory_state import Out, State, load_visit
from mobile.store.records import (
    dumps,
    seen_on,
    summarise,
    visit_child_ids,
)
from mobile.store.repository import (
    ChildSummary,
    Listing,
    QuarantinedItem,
    ReceiptsResult,
    StoredSyncState,
    SyncState,
)
from models.amendment import Amendment
from models.canonical import canonical_json
from models.concern import ACKNOWLEDGED_REVISION, Acknowledgement, ConcernReceived
from models.enums import RecordStatus
from models.errors import AmendmentRejected, RecordLocked, SubmissionBlocked
from models.ids import new_id
from models.lifecycle import apply_amendment, check_amendment, submit
from models.receipt import OutboxItem, Receipt, ReceiptStatus, RecordKind
from models.rules import check_concern
from models.visit import Visit

__all__ = ["MemoryRepository"]


class MemoryRepository(MemoryCaseload):
    """MemoryRepository(clock=...): the whole Repository contract, in memory."""

    # Drafts and visits ------------------------------------------------------------------------
    def save_draft(self, visit: Visit) -> None:
        if visit.status != RecordStatus.DRAFT or visit.revision != 0:
            raise RecordLocked()
        with self._tx() as s:
            revisions = s.visits.setdefault(visit.visit_id, {})
            if any(rev > 0 for rev in revisions):
                raise RecordLocked()
            revisions[0] = ("DRAFT", self._clock(), canonical_json(visit))

    def delete_draft(self, visit_id: UUID) -> None:
        with self._tx() as s:
            revisions = s.visits.get(visit_id)
            if not revisions:
                return
            if max(revisions) > 0:
                raise RecordLocked()
            del s.visits[visit_id]

    def get_visit(self, visit_id: UUID) -> Visit:
        with self._lock:
            revisions = self._state.visits.get(visit_id)
            if not revisions:
                raise RecordNotFound("visit", visit_id)
            return load_visit(revisions[max(revisions)])

    def get_visit_revision(self, visit_id: UUID, revision: int) -> Visit:
        with self._lock:
            row = self._state.visits.get(visit_id, {}).get(revision)
            if row is None:
                raise RecordNotFound("visit", f"{visit_id} revision {revision}")
            return load_visit(row)

    def list_revisions(self, visit_id: UUID) -> Listing[Visit]:
        with self._lock:
            revisions = self._state.visits.get(visit_id, {})
            return Listing([load_visit(revisions[r]) for r in sorted(revisions) if r > 0])

    def list_drafts(self) -> Listing[Visit]:
        with self._lock:
            rows = [r[0] for r in self._state.visits.values() if 0 in r]
            rows.sort(key=lambda row: row[1], reverse=True)
            return Listing([load_visit(row) for row in rows])

    def list_visits(self, *, child_id: UUID | None = None) -> Listing[Visit]:
        with self._lock:
            heads = [
                load_visit(revs[max(revs)]) for revs in self._state.visits.values() if max(revs) > 0
            ]
        if child_id is not None:
            heads = [v for v in heads if child_id in visit_child_ids(v)]
        heads.sort(key=lambda v: v.started_at or v.created_on_device_at, reverse=True)
        return Listing(heads)

    def submit_visit(
        self, visit_id: UUID, *, child_labels: Mapping[UUID, str] | None = None
    ) -> Visit:
        with self._tx() as s:
            revisions = s.visits.get(visit_id)
            if not revisions:
                raise RecordNotFound("visit", visit_id)
            if max(revisions) > 0:
                raise RecordLocked()
            submitted = submit(
                load_visit(revisions[0]), at=self._clock(), child_labels=child_labels
            )
            plaintext = canonical_json(submitted)
            s.visits[visit_id] = {1: ("SUBMITTED", self._clock(), plaintext)}
            self._enqueue(s, RecordKind.VISIT, visit_id, 1, visit_id, visit_id, None, plaintext)
        return submitted

    def add_amendment(self, amendment: Amendment) -> Visit:
        with self._tx() as s:
            revisions = s.visits.get(amendment.amends_visit_id)
            if not revisions:
                raise RecordNotFound("visit", amendment.amends_visit_id)
            current = load_visit(revisions[max(revisions)])
            check = check_amendment(current, amendment)
            if not check.ok:
                raise AmendmentRejected(check)
            amended = apply_amendment(current, amendment)
            record = canonical_json(amendment)
            s.authored[amendment.amendment_id] = (
                RecordKind.AMENDMENT, amended.visit_id, amended.revision, record
            )  # fmt: skip
            revisions[amended.revision] = ("AMENDED", self._clock(), canonical_json(amended))
            self._enqueue(
                s, RecordKind.AMENDMENT, amended.visit_id, amended.revision,
                amendment.amendment_id, amended.visit_id, amendment.amends_revision, record,
            )  # fmt: skip
        return amended

    def list_amendments(self, visit_id: UUID) -> Listing[Amendment]:
        with self._lock:
            found = [
                (rev, body)
                for kind, subject, rev, body in self._state.authored.values()
                if kind == RecordKind.AMENDMENT and subject == visit_id
            ]
        return Listing([Amendment.model_validate_json(body) for _, body in sorted(found)])

    def record_concern(self, concern: ConcernReceived) -> None:
        check = check_concern(concern)
        if not check.ok:
            raise SubmissionBlocked(check)
        with self._tx() as s:
            if concern.concern_id in s.authored:
                raise RecordLocked("This concern")
            record = canonical_json(concern)
            s.authored[concern.concern_id] = (RecordKind.CONCERN, concern.concern_id, 1, record)
            cid = concern.concern_id
            self._enqueue(s, RecordKind.CONCERN, cid, 1, cid, cid, None, record)

    def acknowledge_concern(
        self,
        *,
        concern_id: UUID,
        by: UUID,
        at: datetime | None = None,
        action_taken: str = "",
    ) -> ConcernReceived:
        with self._tx() as s:
            row = s.caseload.get(("concern", concern_id))
            if row is None:
                raise RecordNotFound("concern", concern_id)
            concern = ConcernReceived.model_validate_json(row.body)
            if concern.acknowledgement is not None:
                raise AlreadyAcknowledged(concern_id)
            ack = Acknowledgement(
                by_practitioner_id=by, at=at or self._clock(), action_taken=action_taken
            )
            updated = concern.model_copy(update={"acknowledgement": ack})
            row.body, row.local_pending = canonical_json(updated), True
            ack_id = new_id()
            record = dumps(ack.model_dump(mode="json"))
            s.authored[ack_id] = (RecordKind.ACKNOWLEDGEMENT, concern_id, 1, record)
            self._enqueue(
                s,
                RecordKind.ACKNOWLEDGEMENT,
                concern_id,
                ACKNOWLEDGED_REVISION,
                ack_id,
                concern_id,
                ACKNOWLEDGED_REVISION - 1,
                record,
            )
        return updated

    # Outbox, receipts, quarantine -------------------------------------------------------------
    def pending_outbox(
        self, *, limit: int = 100, max_bytes: int = 1_000_000
    ) -> Listing[OutboxItem]:
        with self._lock:
            rows = sorted(
                (o for o in self._state.outbox.values() if o.state in ("pending", "sent")),
                key=lambda o: o.seq,
            )[:limit]
            items: list[OutboxItem] = []
            total = 0
            for out in rows:
                if items and total + out.size > max_bytes:
                    break
                items.append(self._item(out))
                total += out.size
            return Listing(items)

    def mark_sent(self, items: Sequence[OutboxItem]) -> None:
        with self._tx() as s:
            for item in items:
                out = s.outbox.get((item.record_id, item.revision))
                if out is not None and out.state in ("pending", "sent"):
                    out.state, out.sent_at = "sent", self._clock()
                    out.attempts += 1

    def record_receipts(self, receipts: Sequence[Receipt]) -> ReceiptsResult:
        counts = {"acknowledged": 0, "rejected": 0, "conflicts": 0}
        unmatched: list[tuple[UUID, int]] = []
        with self._tx() as s:
            for receipt in receipts:
                key = (receipt.record_id, receipt.revision)
                out = s.outbox.get(key)
                if out is None:
                    unmatched.append(key)
                    continue
                if receipt.status.acknowledged:
                    del s.outbox[key]
                    s.receipts[key] = (out, receipt, self._clock())
                    if out.kind in (RecordKind.VISIT, RecordKind.AMENDMENT):
                        status, at, body = s.visits[out.record_id][out.revision]
                        if status == "SUBMITTED":
                            s.visits[out.record_id][out.revision] = ("SYNCED", at, body)
                    elif out.kind == RecordKind.ACKNOWLEDGEMENT:
                        self._settle(s, "concern", out.subject_id)
                    counts["acknowledged"] += 1
                elif receipt.status == ReceiptStatus.REJECTED:
                    del s.outbox[key]
                    s.quarantine[key] = (out, receipt, self._clock())
                    counts["rejected"] += 1
                else:
                    out.state, out.receipt = "conflict", receipt
                    counts["conflicts"] += 1
        return ReceiptsResult(unmatched=unmatched, **counts)

    def sync_state(self, *, record_id: UUID | None = None) -> list[StoredSyncState]:
        def state(
            out: Out, value: SyncState, since: datetime, receipt: Receipt | None
        ) -> StoredSyncState:
            in_outbox = value not in (SyncState.REJECTED, SyncState.ACKNOWLEDGED)
            return StoredSyncState(
                out.record_id, out.revision, out.kind, out.subject_id, value, since,
                out.created_at, receipt, out.attempts if in_outbox else 0,
                out.sent_at if in_outbox else None,
            )  # fmt: skip

        with self._lock:
            s = self._state
            states = [
                state(o, SyncState(o.state), o.sent_at or o.created_at, o.receipt)
                for o in sorted(s.outbox.values(), key=lambda o: o.seq)
            ]
            states += [state(o, SyncState.REJECTED, at, r) for o, r, at in s.quarantine.values()]
            states += [state(o, SyncState.ACKNOWLEDGED, at, r) for o, r, at in s.receipts.values()]
        return [st for st in states if record_id is None or st.record_id == record_id]

    def pending_count(self) -> int:
        with self._lock:
            return len(self._state.outbox) + len(self._state.quarantine)

    def list_quarantine(self) -> Listing[QuarantinedItem]:
        with self._lock:
            rows = sorted(self._state.quarantine.values(), key=lambda row: row[2])
            return Listing([QuarantinedItem(self._item(o), r, at) for o, r, at in rows])

    def requeue_quarantined(self, record_id: UUID, revision: int) -> None:
        with self._tx() as s:
            row = s.quarantine.pop((record_id, revision), None)
            if row is None:
                raise RecordNotFound("quarantined record", f"{record_id} revision {revision}")
            out = row[0]
            s.seq += 1
            out.seq, out.state, out.receipt, out.sent_at, out.attempts = (
                s.seq,
                "pending",
                None,
                None,
                0,
            )
            s.outbox[(record_id, revision)] = out

    # Caseload ---------------------------------------------------------------------------------
    def caseload_summary(self) -> Listing[ChildSummary]:
        with self._lock:
            seen: dict[UUID, date] = {}
            for (kind, _eid), row in self._state.caseload.items():
                found = seen_on(json.loads(row.body)) if kind == "seen" else None
                if found:
                    owner, day = found
                    seen[owner] = max(day, seen.get(owner, day))
            outs = [*self._state.outbox.values(), *(r[0] for r in self._state.quarantine.values())]
            unsynced = {
                o.record_id for o in outs if o.kind in (RecordKind.VISIT, RecordKind.AMENDMENT)
            }
            return Listing(
                summarise(
                    children=self.list_children(),
                    households={h.household_id: h for h in self.list_households()},
                    visits=self.list_visits(),
                    drafts=self.list_drafts(),
                    concerns=self.list_concerns(),
                    restrictions=self.list_restrictions(),
                    seen_at_centre=seen,
                    unsynced_visit_ids=unsynced,
                )
            )

    # Helpers ------------------------------------------------------------------------------------
    def _enqueue(
        self,
        s: State,
        kind: RecordKind,
        record_id: UUID,
        revision: int,
        source_id: UUID,
        subject_id: UUID,
        base_revision: int | None,
        plaintext: bytes,
    ) -> None:
        if (record_id, revision) in s.outbox:
            raise RecordLocked()
        s.seq += 1
        s.outbox[(record_id, revision)] = Out(
            s.seq, record_id, revision, kind, source_id, subject_id, base_revision,
            hashlib.sha256(plaintext).hexdigest(), len(plaintext), self._clock(),
        )  # fmt: skip

    def _item(self, out: Out) -> OutboxItem:
        if out.kind == RecordKind.VISIT:
            body = self._state.visits[out.record_id][out.revision][2]
        else:
            body = self._state.authored[out.source_id][3]
        return OutboxItem(
            record_id=out.record_id,
            kind=out.kind,
            revision=out.revision,
            base_revision=out.base_revision,
            content_hash=out.content_hash,
            body=json.loads(body),
        )
