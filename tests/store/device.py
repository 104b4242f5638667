"""One device's records as the tests drive them: each call is the service's workflow (or a read)
over a unit of work, the fake's or the SQLite store's. Nothing here decides anything."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from mobile.services import caseload, outbox, reads, visits
from mobile.store import (
    CaseloadApplied,
    ChildSummary,
    DeviceStore,
    Listing,
    QuarantinedItem,
    ReceiptsResult,
    RecordNotFound,
    SettingsByCall,
    StoredSyncState,
    UnitOfWork,
)
from models.amendment import Amendment
from models.caseload import Child, ContactRestriction, Household, Person
from models.concern import ConcernReceived
from models.receipt import CaseloadChange, OutboxItem, Receipt
from models.visit import Visit

__all__ = ["Device", "device_of"]


class Device(SettingsByCall):
    def __init__(
        self, uow: UnitOfWork, clock: Callable[[], datetime], store: DeviceStore | None = None
    ) -> None:
        self.uow, self.clock, self.store = uow, clock, store

    def unit_of_work(self) -> UnitOfWork:
        return self.uow

    # Workflows (mobile/services) ----------------------------------------------------------------
    def save_draft(self, visit: Visit) -> None:
        visits.save_draft(uow=self.uow, visit=visit)

    def delete_draft(self, visit_id: UUID) -> None:
        visits.delete_draft(uow=self.uow, visit_id=visit_id)

    def submit_visit(
        self, visit_id: UUID, *, child_labels: Mapping[UUID, str] | None = None
    ) -> Visit:
        return visits.submit_visit(
            uow=self.uow, visit_id=visit_id, now=self.clock(), child_labels=child_labels
        )

    def add_amendment(self, amendment: Amendment) -> Visit:
        return visits.amend_visit(uow=self.uow, amendment=amendment)

    def record_concern(self, concern: ConcernReceived) -> None:
        visits.record_concern(uow=self.uow, concern=concern)

    def acknowledge_concern(
        self,
        *,
        concern_id: UUID,
        by: UUID,
        at: datetime | None = None,
        action_taken: str = "Phoned the reporter back",
    ) -> ConcernReceived:
        return caseload.acknowledge_concern(
            uow=self.uow,
            concern_id=concern_id,
            by=by,
            at=at or self.clock(),
            action_taken=action_taken,
        )

    def pending_outbox(self, **limits: Any) -> Listing[OutboxItem]:
        return outbox.next_batch(uow=self.uow, **limits)

    def mark_sent(self, items: Sequence[OutboxItem]) -> None:
        outbox.mark_sent(uow=self.uow, items=items)

    def record_receipts(self, receipts: Sequence[Receipt]) -> ReceiptsResult:
        return outbox.store_receipts(uow=self.uow, receipts=receipts)

    def requeue_quarantined(self, record_id: UUID, revision: int) -> None:
        outbox.requeue_quarantined(uow=self.uow, record_id=record_id, revision=revision)

    def apply_caseload_changes(
        self, changes: Sequence[CaseloadChange], *, cursor: str
    ) -> CaseloadApplied:
        return caseload.apply_caseload_changes(uow=self.uow, changes=changes, cursor=cursor)

    def reset_cursor(self) -> None:
        caseload.reset_caseload(uow=self.uow)

    # Reads --------------------------------------------------------------------------------------
    def get_visit(self, visit_id: UUID) -> Visit:
        with self.uow as uow:
            return reads.current_visit(uow, visit_id)

    def get_visit_revision(self, visit_id: UUID, revision: int) -> Visit:
        with self.uow as uow:
            found = uow.visits.revision(visit_id, revision)
        if found is None:
            raise RecordNotFound("visit", f"{visit_id} revision {revision}")
        return found

    def list_revisions(self, visit_id: UUID) -> Listing[Visit]:
        with self.uow as uow:
            return uow.visits.revisions(visit_id)

    def list_drafts(self) -> Listing[Visit]:
        with self.uow as uow:
            return uow.visits.drafts()

    def list_visits(self, *, child_id: UUID | None = None) -> Listing[Visit]:
        with self.uow as uow:
            return reads.submitted_visits(uow, child_id=child_id)

    def list_amendments(self, visit_id: UUID) -> Listing[Amendment]:
        with self.uow as uow:
            return uow.visits.amendments(visit_id)

    def sync_state(self, *, record_id: UUID | None = None) -> list[StoredSyncState]:
        with self.uow as uow:
            return uow.outbox.states(record_id=record_id)

    def pending_count(self) -> int:
        with self.uow as uow:
            return uow.outbox.count()

    def list_quarantine(self) -> Listing[QuarantinedItem]:
        with self.uow as uow:
            return uow.outbox.quarantined()

    def get_cursor(self) -> str | None:
        with self.uow as uow:
            return uow.settings.get_setting(caseload.CURSOR_KEY)

    def get_child(self, child_id: UUID) -> Child:
        with self.uow as uow:
            return reads.get_child(uow, child_id)

    def list_children(self) -> Listing[Child]:
        with self.uow as uow:
            return reads.children(uow)

    def list_households(self) -> Listing[Household]:
        with self.uow as uow:
            return uow.caseload.rows("household", Household)

    def list_people(self) -> Listing[Person]:
        with self.uow as uow:
            return uow.caseload.rows("person", Person)

    def list_restrictions(self) -> Listing[ContactRestriction]:
        with self.uow as uow:
            return uow.caseload.rows("restriction", ContactRestriction)

    def list_concerns(
        self, *, awaiting_acknowledgement: bool | None = None
    ) -> Listing[ConcernReceived]:
        with self.uow as uow:
            return caseload.concerns(uow, awaiting_acknowledgement=awaiting_acknowledgement)

    def caseload_summary(self) -> Listing[ChildSummary]:
        with self.uow as uow:
            return caseload.caseload_summary(uow)


def device_of(store: DeviceStore, clock: Callable[[], datetime] | None = None) -> Device:
    """The SQLite store's records, driven through the services' workflows (on the store's clock
    unless told otherwise)."""
    return Device(store.unit_of_work(), clock or store._clock, store)
