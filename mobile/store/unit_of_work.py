"""The device's unit of work: what the services write their workflows over.

    with uow:                       # one SQLite transaction (BEGIN IMMEDIATE)
        draft = uow.visits.draft(visit_id)
        ...
        uow.commit()                # leaving without commit rolls everything back

Five small repositories, each only storing and reading (sealed, in SQL): `visits` (drafts,
submitted revisions and the records authored here), `outbox` (what waits for the central record,
receipts, quarantine), `caseload` (rows from the central record), `row_cache` (the caseload
screen's rows, marked stale by the store itself as records change) and `settings`. The decisions
(revisions, what a receipt does, which caseload row wins) live once, in mobile/services.
Implementations: mobile/store/sqlite (the device) and tests/store/fake_uow.py (dictionaries);
tests/store/test_contract_*.py run the same workflows over both.

Rules every implementation keeps
- Everything inside one `with uow:` happens entirely or not at all; nothing is stored without
  `commit()`. One unit of work is not entered twice at once (it raises).
- Reads return copies: changing what you got back changes nothing stored.
- Listings skip a record that cannot be read and report it in `.problems`.
- `outbox.store_receipt` removes the entry in the same statement group that stores its receipt;
  `outbox.quarantine` moves it, never drops it.
- Settings outside PLAIN_SETTINGS are sealed; the plain ones (and `outbox.count`) need no key.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self, TypeVar
from uuid import UUID

from pydantic import BaseModel

from mobile.store.errors import CorruptRecord
from mobile.store.shapes import Held, Listing, QuarantinedItem, Queued, StoredSyncState
from models.amendment import Amendment
from models.escalation import Escalation
from models.receipt import OutboxItem, Receipt, RecordKind
from models.visit import Visit

__all__ = [
    "CaseloadRepository",
    "DeviceRecords",
    "OutboxRepository",
    "RowCacheRepository",
    "SettingsByCall",
    "SettingsRepository",
    "UnitOfWork",
    "VisitRepository",
]

M = TypeVar("M", bound=BaseModel)


class VisitRepository(Protocol):
    """Drafts (revision 0), submitted revisions (1, 2, ...) and records authored on the device."""

    def draft(self, visit_id: UUID) -> Visit | None: ...
    def latest(self, visit_id: UUID) -> Visit | None: ...  # the newest submitted revision
    def revision(self, visit_id: UUID, revision: int) -> Visit | None: ...
    def revisions(self, visit_id: UUID) -> Listing[Visit]: ...  # oldest first
    def drafts(self) -> Listing[Visit]: ...  # most recently saved first
    def heads(self, *, child_id: UUID | None = None) -> Listing[Visit]: ...  # latest revisions
    def is_submitted(self, visit_id: UUID) -> bool: ...
    def has_draft(self, visit_id: UUID) -> bool: ...
    def put_draft(self, visit: Visit) -> None: ...
    def delete_draft(self, visit_id: UUID) -> bool: ...  # False: there was none
    def add_revision(self, visit: Visit) -> None: ...  # stored with its own status
    def mark_synced(self, visit_id: UUID, revision: int) -> None: ...  # SUBMITTED -> SYNCED
    def add_record(
        self, *, kind: RecordKind, record_id: UUID, subject_id: UUID, revision: int, body: bytes
    ) -> None: ...
    def has_record(self, record_id: UUID) -> bool: ...
    def amendments(self, visit_id: UUID) -> Listing[Amendment]: ...
    def escalations(self) -> Listing[Escalation]: ...  # every one recorded here, oldest first
    def visits_of_child(self, child_id: UUID) -> list[UUID]: ...  # drafts included
    def children_of(self, visit_id: UUID) -> list[UUID]: ...
    def purge(self, visit_id: UUID) -> None: ...  # every revision and its amendments


class OutboxRepository(Protocol):
    """Entries waiting for the central record, its receipts, and the quarantine."""

    def add(
        self,
        *,
        kind: RecordKind,
        record_id: UUID,
        revision: int,
        source_id: UUID,
        base_revision: int | None,
        body: bytes,
    ) -> None: ...  # RecordLocked if that record and revision are already queued
    def pending(
        self, *, limit: int, skip: Collection[tuple[UUID, int]] = ()
    ) -> Iterator[tuple[int, OutboxItem | CorruptRecord]]: ...
    def mark_sent(self, keys: Sequence[tuple[UUID, int]]) -> None: ...
    def find(self, record_id: UUID, revision: int) -> Queued | None: ...
    def store_receipt(self, entry: Queued, receipt: Receipt) -> None: ...  # leaves the outbox
    def quarantine(self, entry: Queued, receipt: Receipt) -> None: ...  # each refused one kept
    def mark_conflict(self, entry: Queued, receipt: Receipt) -> None: ...
    # The latest refused of this id and revision; False: none. AlreadyWaiting: one is queued.
    def requeue(self, record_id: UUID, revision: int) -> bool: ...
    def states(self, *, record_id: UUID | None = None) -> list[StoredSyncState]: ...
    def quarantined(self) -> Listing[QuarantinedItem]: ...
    def count(self) -> int: ...  # outbox plus quarantine; readable while locked
    def oldest_queued_at(self) -> datetime | None: ...  # of those; readable while locked
    def holds(self, record_id: UUID) -> bool: ...  # in the outbox or quarantine
    def unsynced_visit_ids(self) -> set[UUID]: ...
    def forget_receipts(self, record_id: UUID) -> None: ...


class CaseloadRepository(Protocol):
    """Rows from the central record, by kind and id, each with its version."""

    def held(self, kind: str, entity_id: UUID) -> Held | None: ...
    def get(self, kind: str, entity_id: UUID, model: type[M]) -> M | None: ...
    def rows(self, kind: str, model: type[M]) -> Listing[M]: ...
    def put(
        self, *, kind: str, entity_id: UUID, version: int, child_id: UUID | None, data: bytes
    ) -> None: ...
    def put_local(self, kind: str, entity_id: UUID, record: BaseModel) -> None: ...
    def defer(self, *, kind: str, entity_id: UUID, version: int, data: bytes) -> None: ...
    def defer_delete(self, kind: str, entity_id: UUID, version: int) -> None: ...
    def adopt_deferred(self, kind: str, entity_id: UUID) -> None: ...
    def clear_local(self, kind: str, entity_id: UUID) -> None: ...
    def delete(self, kind: str, entity_id: UUID) -> None: ...
    def remove_child(self, child_id: UUID) -> None: ...  # local changes kept, marked deleted
    def reset(self) -> None: ...  # forget every row without a local change


class RowCacheRepository(Protocol):
    """The caseload row cache: one sealed body per child and the marks of what changed since."""

    def dirty(self) -> set[UUID] | None: ...  # None: every child
    def bodies(
        self,
    ) -> tuple[list[tuple[UUID, bytes]], list[UUID]]: ...  # readable bodies, unreadable ids
    def put(self, child_id: UUID, body: bytes, *, sources: Iterable[tuple[str, UUID]]) -> None: ...
    def drop(self, children: Iterable[UUID] | None) -> None: ...  # None: every child
    def settle(self) -> None: ...  # every mark dealt with; the generation moves on
    def generation(self) -> int: ...  # how many times settled


class SettingsRepository(Protocol):
    def get_setting(self, key: str) -> str | None: ...
    def set_setting(self, key: str, value: str) -> None: ...
    def delete_setting(self, key: str) -> None: ...
    def get_plain_setting(self, key: str) -> str | None: ...
    def set_plain_setting(self, key: str, value: str) -> None: ...


class UnitOfWork(Protocol):
    @property
    def visits(self) -> VisitRepository: ...
    @property
    def outbox(self) -> OutboxRepository: ...
    @property
    def caseload(self) -> CaseloadRepository: ...
    @property
    def row_cache(self) -> RowCacheRepository: ...
    @property
    def settings(self) -> SettingsRepository: ...

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...


class DeviceRecords(SettingsRepository, Protocol):
    """What the services are given: the unit of work, and settings one call at a time."""

    def unit_of_work(self) -> UnitOfWork: ...


class SettingsByCall:
    """The settings calls for callers outside a unit of work: each call is one of its own."""

    def unit_of_work(self) -> UnitOfWork:
        raise NotImplementedError

    def get_setting(self, key: str) -> str | None:
        with self.unit_of_work() as uow:
            return uow.settings.get_setting(key)

    def set_setting(self, key: str, value: str) -> None:
        with self.unit_of_work() as uow:
            uow.settings.set_setting(key, value)
            uow.commit()

    def delete_setting(self, key: str) -> None:
        with self.unit_of_work() as uow:
            uow.settings.delete_setting(key)
            uow.commit()

    def get_plain_setting(self, key: str) -> str | None:
        with self.unit_of_work() as uow:  # readable while locked: see shapes.PLAIN_SETTINGS
            return uow.settings.get_plain_setting(key)

    def set_plain_setting(self, key: str, value: str) -> None:
        with self.unit_of_work() as uow:
            uow.settings.set_plain_setting(key, value)
            uow.commit()
