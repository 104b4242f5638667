"""The outbox's workflows: the next batch to push, what was sent, and the central record's answers.

A record leaves the outbox only in the transaction that stores its receipt:
    accepted / duplicate  receipt kept, visit marked synced (an acknowledgement settles the
                          concern's local change); the entry leaves the outbox
    rejected              moved to quarantine (shown, never dropped; each refused note of a
                          task kept, though all go out as the task's revision 1); a task
                          whose note is refused shows again
    conflict              stays in the outbox, flagged, not offered for sending again
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from uuid import UUID

from mobile.services.caseload import settle_local_change
from mobile.services.tasks import reopen_task
from mobile.store.errors import RecordNotFound
from mobile.store.shapes import Listing, ReceiptsResult
from mobile.store.unit_of_work import UnitOfWork
from models.receipt import OutboxItem, Receipt, ReceiptStatus, RecordKind
from sync import protocol

__all__ = [
    "BATCH_BODY_BYTES",
    "BATCH_ITEMS",
    "mark_sent",
    "next_batch",
    "requeue_quarantined",
    "store_receipts",
]

log = logging.getLogger(__name__)

# One push, within the wire's limits: the items' canonical bodies leave room under the request
# limit for the envelope (ids, hashes and the JSON around each item).
ENVELOPE_ALLOWANCE = 48_576
BATCH_ITEMS = protocol.MAX_ITEMS
BATCH_BODY_BYTES = protocol.MAX_BODY_BYTES - ENVELOPE_ALLOWANCE


def next_batch(
    *,
    uow: UnitOfWork,
    limit: int = BATCH_ITEMS,
    max_bytes: int = BATCH_BODY_BYTES,
    skip: Collection[tuple[UUID, int]] = frozenset(),
) -> Listing[OutboxItem]:
    """The next batch to push, oldest first: at most `limit` items and `max_bytes` of canonical
    JSON (always at least one item). Conflicts wait for a person, so are left out; so are the
    items in `skip` (on their way already, their receipts not yet stored)."""
    listing: Listing[OutboxItem] = Listing([])
    total = 0
    with uow:
        for size, item in uow.outbox.pending(limit=limit, skip=skip):
            if listing.items and total + size > max_bytes:
                break
            if isinstance(item, OutboxItem):
                listing.items.append(item)
                total += size
            else:
                listing.problems.append(item)
    return listing


def mark_sent(*, uow: UnitOfWork, items: Sequence[OutboxItem]) -> None:
    """Record that these items went out (the honest 'sent' state); answers come later."""
    with uow:
        uow.outbox.mark_sent([(item.record_id, item.revision) for item in items])
        uow.commit()


def store_receipts(*, uow: UnitOfWork, receipts: Sequence[Receipt]) -> ReceiptsResult:
    """Store the central record's answers, all in one transaction."""
    counts = {"acknowledged": 0, "rejected": 0, "conflicts": 0}
    unmatched: list[tuple[UUID, int]] = []
    with uow:
        for receipt in receipts:
            entry = uow.outbox.find(receipt.record_id, receipt.revision)
            if entry is None:
                unmatched.append((receipt.record_id, receipt.revision))
            elif receipt.status.acknowledged:
                uow.outbox.store_receipt(entry, receipt)
                if entry.kind in (RecordKind.VISIT, RecordKind.AMENDMENT):
                    uow.visits.mark_synced(entry.record_id, entry.revision)
                elif entry.kind == RecordKind.ACKNOWLEDGEMENT:
                    settle_local_change(uow, "concern", entry.subject_id)
                elif entry.kind == RecordKind.TASK_DONE:
                    settle_local_change(uow, "task", entry.subject_id)
                counts["acknowledged"] += 1
            elif receipt.status == ReceiptStatus.REJECTED:
                uow.outbox.quarantine(entry, receipt)
                if entry.kind == RecordKind.TASK_DONE:  # never hidden by a refused note
                    reopen_task(uow, entry.subject_id)
                    settle_local_change(uow, "task", entry.subject_id)
                counts["rejected"] += 1
            else:
                uow.outbox.mark_conflict(entry, receipt)
                counts["conflicts"] += 1
        uow.commit()
    if unmatched:
        log.info("%d receipts matched nothing in the outbox (already stored)", len(unmatched))
    return ReceiptsResult(unmatched=unmatched, **counts)


def requeue_quarantined(*, uow: UnitOfWork, record_id: UUID, revision: int) -> None:
    """Offer a rejected record to the central record again (e.g. after an app update)."""
    with uow:
        if not uow.outbox.requeue(record_id, revision):
            raise RecordNotFound("quarantined record", f"{record_id} revision {revision}")
        uow.commit()
