"""The contract the services and the sync client are written against, and the shapes it returns.

Two implementations keep it: `DeviceStore` (SQLite, sealed; mobile/store/store.py) and
`MemoryRepository` (mobile/store/memory.py, for tests of the layers above). The same contract
tests run against both (tests/store/test_contract.py).

Rules every implementation keeps
- Every mutating call is one transaction: it happens entirely or not at all.
- A draft is revision 0 and may be saved any number of times; submitting writes revision 1 and
  its outbox entry together; an amendment appends the next revision, its amendment record and its
  outbox entry together. Submitted revisions are never rewritten (only their sync status moves).
- A record leaves the outbox only in the transaction that stores the central record's receipt:
  accepted/duplicate -> receipt kept, visit marked synced; rejected -> quarantine (shown, never
  dropped); conflict -> stays in the outbox, flagged, not offered for sending again.
- Applying caseload changes stores the cursor in the same transaction, never overwrites a row with
  an unsynced local change (the newer central version is kept aside until the change is
  acknowledged), and purging a de-allocated child never removes an unsynced visit.
- Reads return copies: changing what you got back changes nothing stored.
- Listings skip a record that cannot be read and report it in `.problems` (never a crash of the
  whole list, never a silent drop).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, Protocol, TypeVar, overload
from uuid import UUID

from mobile.store.errors import CorruptRecord
from models.amendment import Amendment
from models.caseload import Child, ContactRestriction, Household, Person
from models.concern import ConcernReceived
from models.receipt import CaseloadChange, OutboxItem, Receipt, RecordKind, SyncState
from models.visit import Visit

__all__ = [
    "PLAIN_SETTINGS",
    "CaseloadApplied",
    "ChildSummary",
    "Listing",
    "QuarantinedItem",
    "ReceiptsResult",
    "Repository",
    "StoredSyncState",
    "SyncState",
]

T = TypeVar("T")

# Settings that may be stored in plaintext: nothing personal, needed before unlock.
PLAIN_SETTINGS = frozenset({"device_id", "app_version", "auto_lock_seconds", "last_sync_at"})


@dataclass(frozen=True)
class Listing(Generic[T]):
    """The readable items, in order, and the records that could not be read."""

    items: list[T]
    problems: list[CorruptRecord] = field(default_factory=list)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        return self.items[index]


@dataclass(frozen=True)
class StoredSyncState:
    """One record's sync state as the store holds it (the screen's shape: services.api)."""

    record_id: UUID
    revision: int
    kind: RecordKind
    subject_id: UUID | None  # the visit (visits, amendments) or concern (acknowledgements)
    state: SyncState
    since: datetime  # when it entered this state
    queued_at: datetime  # when it was saved for sending (entered the outbox); never moves
    receipt: Receipt | None = None  # the central record's answer, when there is one
    # While in the outbox: how often it has been sent, and when last (answered or not).
    attempts: int = 0
    last_attempt_at: datetime | None = None

    @property
    def problems(self) -> list[str]:
        return list(self.receipt.problems) if self.receipt else []


@dataclass(frozen=True)
class QuarantinedItem:
    item: OutboxItem
    receipt: Receipt  # why the central record refused it, in its words
    quarantined_at: datetime


@dataclass(frozen=True)
class ReceiptsResult:
    acknowledged: int = 0
    rejected: int = 0
    conflicts: int = 0
    unmatched: list[tuple[UUID, int]] = field(default_factory=list)  # not in the outbox (replay)


@dataclass(frozen=True)
class CaseloadApplied:
    applied: int = 0
    deferred: int = 0  # kept aside: the row has an unsynced local change
    stale: int = 0  # older than or equal to what the device holds (a replayed page)
    purged_visits: int = 0  # synced visits of de-allocated children removed from the device


@dataclass(frozen=True)
class ChildSummary:
    """What a caseload screen needs for one child, computed on the device."""

    child: Child
    household: Household | None
    last_seen_on: date | None  # face to face, child seen: from visits here and the central record
    last_visit_on: date | None
    not_seen_at_last_visit: bool
    next_visit_due: date | None
    concerns_awaiting_acknowledgement: int
    unassessed_carers: int  # adults with a part in the child's care who are not assessed
    restrictions: int
    drafts: int
    unsynced_visits: int
    # Unsynced visits recording a safeguarding concern now (an escalation not yet delivered).
    escalations_pending: int = 0


class Repository(Protocol):
    """The records on one device. Keyword arguments are keyword-only; ids are UUIDs."""

    # Drafts and visits
    def save_draft(self, visit: Visit) -> None: ...
    def get_visit(self, visit_id: UUID) -> Visit: ...
    def get_visit_revision(self, visit_id: UUID, revision: int) -> Visit: ...
    def list_revisions(self, visit_id: UUID) -> Listing[Visit]: ...
    def list_drafts(self) -> Listing[Visit]: ...
    def list_visits(self, *, child_id: UUID | None = None) -> Listing[Visit]: ...
    def delete_draft(self, visit_id: UUID) -> None: ...
    def submit_visit(
        self, visit_id: UUID, *, child_labels: Mapping[UUID, str] | None = None
    ) -> Visit: ...
    def add_amendment(self, amendment: Amendment) -> Visit: ...
    def list_amendments(self, visit_id: UUID) -> Listing[Amendment]: ...
    def record_concern(self, concern: ConcernReceived) -> None: ...
    def acknowledge_concern(
        self,
        *,
        concern_id: UUID,
        by: UUID,
        at: datetime | None = None,
        action_taken: str = "",
    ) -> ConcernReceived: ...

    # Outbox, receipts, quarantine
    def pending_outbox(
        self, *, limit: int = 100, max_bytes: int = 1_000_000
    ) -> Listing[OutboxItem]: ...
    def mark_sent(self, items: Sequence[OutboxItem]) -> None: ...
    def record_receipts(self, receipts: Sequence[Receipt]) -> ReceiptsResult: ...
    def sync_state(self, *, record_id: UUID | None = None) -> list[StoredSyncState]: ...
    def pending_count(self) -> int: ...
    def list_quarantine(self) -> Listing[QuarantinedItem]: ...
    def requeue_quarantined(self, record_id: UUID, revision: int) -> None: ...

    # Caseload
    def apply_caseload_changes(
        self, changes: Sequence[CaseloadChange], *, cursor: str
    ) -> CaseloadApplied: ...
    def get_cursor(self) -> str | None: ...
    def reset_cursor(self) -> None: ...
    def list_children(self) -> Listing[Child]: ...
    def get_child(self, child_id: UUID) -> Child: ...
    def list_households(self) -> Listing[Household]: ...
    def list_people(self) -> Listing[Person]: ...
    def list_restrictions(self) -> Listing[ContactRestriction]: ...
    def list_concerns(
        self, *, awaiting_acknowledgement: bool | None = None
    ) -> Listing[ConcernReceived]: ...
    def caseload_summary(self) -> Listing[ChildSummary]: ...

    # Settings
    def get_setting(self, key: str) -> str | None: ...
    def set_setting(self, key: str, value: str) -> None: ...
    def delete_setting(self, key: str) -> None: ...
    def get_plain_setting(self, key: str) -> str | None: ...
    def set_plain_setting(self, key: str, value: str) -> None: ...
