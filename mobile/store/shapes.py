"""The shapes the store's reads return: listings, sync states, receipts results, caseload summaries.

The store's repositories and unit of work are described in unit_of_work.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, TypeVar, overload
from uuid import UUID

from mobile.store.errors import CorruptRecord
from models.caseload import Child, Household
from models.receipt import OutboxItem, Receipt, RecordKind, SyncState

__all__ = [
    "PLAIN_SETTINGS",
    "CaseloadApplied",
    "ChildSummary",
    "Held",
    "Listing",
    "QuarantinedItem",
    "Queued",
    "ReceiptsResult",
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


@dataclass(frozen=True)
class Queued:
    """One outbox entry, as a receipt for it finds it."""

    record_id: UUID
    revision: int
    kind: RecordKind
    subject_id: UUID  # the visit, or the concern an acknowledgement is about


@dataclass(frozen=True)
class Held:
    """What the device holds of one caseload row: its version, and any change waiting beside it."""

    version: int
    local_pending: bool  # changed here, not yet acknowledged by the central record
    pending_version: int | None  # a newer central version kept aside until then
    pending_deleted: bool  # the central record deleted it meanwhile

    @property
    def newest(self) -> int:
        return max(self.version, self.pending_version or 0)
