"""The unit of work for tests: a few dictionaries, no disk, no keys. The contract tests
(test_contract_*.py) run the services' workflows over this and the SQLite store alike; a
transaction is a snapshot: leaving `with` without commit() puts it back."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Self, TypeVar
from uuid import UUID

from pydantic import BaseModel

from mobile.store.errors import AlreadyWaiting, CorruptRecord
from mobile.store.records import check_plain_setting, visit_child_ids
from mobile.store.shapes import Held, Listing, QuarantinedItem, Queued, StoredSyncState
from models.amendment import Amendment
from models.canonical import canonical_json
from models.enums import RecordStatus
from models.errors import RecordLocked
from models.escalation import Escalation
from models.lifecycle import mark_synced
from models.receipt import OutboxItem, Receipt, RecordKind, SyncState
from models.visit import Visit

M = TypeVar("M", bound=BaseModel)
Key = tuple[UUID, int]


@dataclass
class Entry:
    seq: int
    record_id: UUID
    revision: int
    kind: RecordKind
    source_id: UUID
    base_revision: int | None
    content_hash: str
    size: int
    created_at: datetime
    state: str = "pending"
    sent_at: datetime | None = None
    attempts: int = 0
    receipt: Receipt | None = None


@dataclass
class Row:
    version: int
    child_id: UUID | None
    body: bytes
    local_pending: bool = False
    pending_version: int | None = None
    pending_body: bytes | None = None
    pending_deleted: bool = False


@dataclass
class State:
    drafts: dict[UUID, tuple[datetime, bytes]] = field(default_factory=dict)
    visits: dict[UUID, dict[int, tuple[str, bytes]]] = field(default_factory=dict)
    records: dict[UUID, tuple[RecordKind, UUID, int, bytes]] = field(default_factory=dict)
    outbox: dict[Key, Entry] = field(default_factory=dict)
    # by record id, revision and source: each refused record kept (a task's notes share a key)
    quarantine: dict[tuple[UUID, int, UUID], tuple[Entry, Receipt, datetime]] = field(
        default_factory=dict
    )
    receipts: dict[Key, tuple[Entry, Receipt, datetime]] = field(default_factory=dict)
    caseload: dict[tuple[str, UUID], Row] = field(default_factory=dict)
    settings: dict[str, tuple[bool, str]] = field(default_factory=dict)
    seq: int = 0


class _Part:
    def __init__(self, s: State, clock: Callable[[], datetime]) -> None:
        self.s, self.clock = s, clock


class FakeVisits(_Part):
    def draft(self, visit_id: UUID) -> Visit | None:
        row = self.s.drafts.get(visit_id)
        return None if row is None else Visit.model_validate_json(row[1])

    def latest(self, visit_id: UUID) -> Visit | None:
        revisions = self.s.visits.get(visit_id)
        return _visit(revisions[max(revisions)]) if revisions else None

    def revision(self, visit_id: UUID, revision: int) -> Visit | None:
        row = self.s.visits.get(visit_id, {}).get(revision)
        return None if row is None else _visit(row)

    def revisions(self, visit_id: UUID) -> Listing[Visit]:
        revisions = self.s.visits.get(visit_id, {})
        return Listing([_visit(revisions[r]) for r in sorted(revisions)])

    def drafts(self) -> Listing[Visit]:
        rows = sorted(self.s.drafts.values(), key=lambda row: row[0], reverse=True)
        return Listing([Visit.model_validate_json(body) for _, body in rows])

    def heads(self, *, child_id: UUID | None = None) -> Listing[Visit]:
        heads = [_visit(revs[max(revs)]) for revs in self.s.visits.values()]
        return Listing([v for v in heads if child_id is None or child_id in visit_child_ids(v)])

    def is_submitted(self, visit_id: UUID) -> bool:
        return bool(self.s.visits.get(visit_id))

    def has_draft(self, visit_id: UUID) -> bool:
        return visit_id in self.s.drafts

    def put_draft(self, visit: Visit) -> None:
        self.s.drafts[visit.visit_id] = (self.clock(), canonical_json(visit))

    def delete_draft(self, visit_id: UUID) -> bool:
        return self.s.drafts.pop(visit_id, None) is not None

    def add_revision(self, visit: Visit) -> None:
        revisions = self.s.visits.setdefault(visit.visit_id, {})
        revisions[visit.revision] = (visit.status.value, canonical_json(visit))

    def mark_synced(self, visit_id: UUID, revision: int) -> None:
        status, body = self.s.visits[visit_id][revision]
        if status == RecordStatus.SUBMITTED:
            self.s.visits[visit_id][revision] = (RecordStatus.SYNCED.value, body)

    def add_record(
        self, *, kind: RecordKind, record_id: UUID, subject_id: UUID, revision: int, body: bytes
    ) -> None:
        self.s.records[record_id] = (kind, subject_id, revision, body)

    def has_record(self, record_id: UUID) -> bool:
        return record_id in self.s.records

    def amendments(self, visit_id: UUID) -> Listing[Amendment]:
        found = sorted(
            (rev, body)
            for kind, subject, rev, body in self.s.records.values()
            if kind == RecordKind.AMENDMENT and subject == visit_id
        )
        return Listing([Amendment.model_validate_json(body) for _, body in found])

    def escalations(self) -> Listing[Escalation]:
        bodies = [b for kind, _, _, b in self.s.records.values() if kind == RecordKind.ESCALATION]
        return Listing([Escalation.model_validate_json(body) for body in bodies])  # added order

    def visits_of_child(self, child_id: UUID) -> list[UUID]:
        ids = [*self.s.drafts, *self.s.visits]
        return [vid for vid in dict.fromkeys(ids) if child_id in self.children_of(vid)]

    def children_of(self, visit_id: UUID) -> list[UUID]:
        visit = self.draft(visit_id) or self.latest(visit_id)
        return visit_child_ids(visit) if visit else []

    def purge(self, visit_id: UUID) -> None:
        self.s.visits.pop(visit_id, None)
        for record_id, (kind, subject, _, _) in list(self.s.records.items()):
            if kind == RecordKind.AMENDMENT and subject == visit_id:
                del self.s.records[record_id]


class FakeOutbox(_Part):
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
        if (record_id, revision) in self.s.outbox:
            raise RecordLocked()
        self.s.seq += 1
        self.s.outbox[(record_id, revision)] = Entry(
            self.s.seq, record_id, revision, kind, source_id, base_revision,
            hashlib.sha256(body).hexdigest(), len(body), self.clock(),
        )  # fmt: skip

    def pending(
        self, *, limit: int, skip: Collection[Key] = ()
    ) -> Iterator[tuple[int, OutboxItem | CorruptRecord]]:
        waiting = [
            e
            for e in self.s.outbox.values()
            if e.state in ("pending", "sent") and (e.record_id, e.revision) not in skip
        ]
        for entry in sorted(waiting, key=lambda e: e.seq)[:limit]:
            yield entry.size, self._item(entry)

    def mark_sent(self, keys: Sequence[Key]) -> None:
        for key in keys:
            entry = self.s.outbox.get(key)
            if entry is not None and entry.state in ("pending", "sent"):
                entry.state, entry.sent_at = "sent", self.clock()
                entry.attempts += 1

    def find(self, record_id: UUID, revision: int) -> Queued | None:
        entry = self.s.outbox.get((record_id, revision))
        return (
            None if entry is None else Queued(record_id, revision, entry.kind, self._subject(entry))
        )

    def store_receipt(self, entry: Queued, receipt: Receipt) -> None:
        key = (entry.record_id, entry.revision)
        self.s.receipts[key] = (self.s.outbox.pop(key), receipt, self.clock())

    def quarantine(self, entry: Queued, receipt: Receipt) -> None:
        held = self.s.outbox.pop((entry.record_id, entry.revision))
        key = (entry.record_id, entry.revision, held.source_id)
        self.s.quarantine.pop(key, None)  # replaced: now the latest, as SQLite's new row is
        self.s.quarantine[key] = (held, receipt, self.clock())

    def mark_conflict(self, entry: Queued, receipt: Receipt) -> None:
        held = self.s.outbox[(entry.record_id, entry.revision)]
        held.state, held.receipt = "conflict", receipt

    def requeue(self, record_id: UUID, revision: int) -> bool:
        mine = [(k, row) for k, row in self.s.quarantine.items() if k[:2] == (record_id, revision)]
        if not mine:
            return False
        if (record_id, revision) in self.s.outbox:
            raise AlreadyWaiting()
        key, row = mine[-1]  # the latest refused (dicts keep insertion order)
        del self.s.quarantine[key]
        entry = row[0]
        self.s.seq += 1
        entry.seq, entry.state, entry.receipt, entry.sent_at, entry.attempts = (
            self.s.seq, "pending", None, None, 0
        )  # fmt: skip
        self.s.outbox[(record_id, revision)] = entry
        return True

    def states(self, *, record_id: UUID | None = None) -> list[StoredSyncState]:
        def state(
            e: Entry, value: SyncState, since: datetime, r: Receipt | None
        ) -> StoredSyncState:
            waiting = value not in (SyncState.REJECTED, SyncState.ACKNOWLEDGED)
            return StoredSyncState(
                e.record_id, e.revision, e.kind, self._subject(e), value, since, e.created_at, r,
                e.attempts if waiting else 0, e.sent_at if waiting else None,
            )  # fmt: skip

        s = self.s
        states = [
            state(e, SyncState(e.state), e.sent_at or e.created_at, e.receipt)
            for e in sorted(s.outbox.values(), key=lambda e: e.seq)
        ]
        states += [state(e, SyncState.REJECTED, at, r) for e, r, at in s.quarantine.values()]
        states += [state(e, SyncState.ACKNOWLEDGED, at, r) for e, r, at in s.receipts.values()]
        return [st for st in states if record_id is None or st.record_id == record_id]

    def quarantined(self) -> Listing[QuarantinedItem]:
        rows = sorted(self.s.quarantine.values(), key=lambda row: row[2])
        return Listing([QuarantinedItem(self._item(e), r, at) for e, r, at in rows])

    def count(self) -> int:
        return len(self.s.outbox) + len(self.s.quarantine)

    def oldest_queued_at(self) -> datetime | None:
        entries = [*self.s.outbox.values(), *(row[0] for row in self.s.quarantine.values())]
        return min((e.created_at for e in entries), default=None)

    def holds(self, record_id: UUID) -> bool:
        return any(key[0] == record_id for key in [*self.s.outbox, *self.s.quarantine])

    def unsynced_visit_ids(self) -> set[UUID]:
        entries = [*self.s.outbox.values(), *(row[0] for row in self.s.quarantine.values())]
        visits = (RecordKind.VISIT, RecordKind.AMENDMENT)
        return {e.record_id for e in entries if e.kind in visits}

    def forget_receipts(self, record_id: UUID) -> None:
        for key in [k for k in self.s.receipts if k[0] == record_id]:
            del self.s.receipts[key]

    def _subject(self, entry: Entry) -> UUID:
        if entry.kind == RecordKind.VISIT:
            return entry.record_id
        return self.s.records[entry.source_id][1]

    def _item(self, entry: Entry) -> OutboxItem:
        if entry.kind == RecordKind.VISIT:
            body = self.s.visits[entry.record_id][entry.revision][1]
        else:
            body = self.s.records[entry.source_id][3]
        return OutboxItem(
            record_id=entry.record_id,
            kind=entry.kind,
            revision=entry.revision,
            base_revision=entry.base_revision,
            content_hash=entry.content_hash,
            body=json.loads(body),
        )


class FakeCaseload(_Part):
    def held(self, kind: str, entity_id: UUID) -> Held | None:
        row = self.s.caseload.get((kind, entity_id))
        if row is None:
            return None
        return Held(row.version, row.local_pending, row.pending_version, row.pending_deleted)

    def get(self, kind: str, entity_id: UUID, model: type[M]) -> M | None:
        row = self.s.caseload.get((kind, entity_id))
        return None if row is None else model.model_validate_json(row.body)

    def rows(self, kind: str, model: type[M]) -> Listing[M]:
        found = [row for (k, _), row in self.s.caseload.items() if k == kind]
        return Listing([model.model_validate_json(row.body) for row in found])

    def put(
        self, *, kind: str, entity_id: UUID, version: int, child_id: UUID | None, data: bytes
    ) -> None:
        self.s.caseload[(kind, entity_id)] = Row(version, child_id, data)

    def put_local(self, kind: str, entity_id: UUID, record: BaseModel) -> None:
        row = self.s.caseload[(kind, entity_id)]
        row.body, row.local_pending = canonical_json(record), True

    def defer(self, *, kind: str, entity_id: UUID, version: int, data: bytes) -> None:
        row = self.s.caseload[(kind, entity_id)]
        row.pending_version, row.pending_body, row.pending_deleted = version, data, False

    def defer_delete(self, kind: str, entity_id: UUID, version: int) -> None:
        row = self.s.caseload[(kind, entity_id)]
        row.pending_version, row.pending_deleted = version, True

    def adopt_deferred(self, kind: str, entity_id: UUID) -> None:
        row = self.s.caseload[(kind, entity_id)]
        assert row.pending_version is not None and row.pending_body is not None
        self.s.caseload[(kind, entity_id)] = Row(
            row.pending_version, row.child_id, row.pending_body
        )

    def clear_local(self, kind: str, entity_id: UUID) -> None:
        self.s.caseload[(kind, entity_id)].local_pending = False

    def delete(self, kind: str, entity_id: UUID) -> None:
        self.s.caseload.pop((kind, entity_id), None)

    def remove_child(self, child_id: UUID) -> None:
        for (kind, eid), row in list(self.s.caseload.items()):
            if row.child_id == child_id or (kind == "child" and eid == child_id):
                if row.local_pending:
                    row.pending_deleted = True
                else:
                    del self.s.caseload[(kind, eid)]

    def reset(self) -> None:
        for key, row in list(self.s.caseload.items()):
            if not row.local_pending:
                del self.s.caseload[key]


class FakeSettings(_Part):
    def get_setting(self, key: str) -> str | None:
        found = self.s.settings.get(key)
        return None if found is None else found[1]

    def set_setting(self, key: str, value: str) -> None:
        self.s.settings[key] = (True, value)

    def delete_setting(self, key: str) -> None:
        self.s.settings.pop(key, None)

    def get_plain_setting(self, key: str) -> str | None:
        check_plain_setting(key)
        found = self.s.settings.get(key)
        return found[1] if found and not found[0] else None

    def set_plain_setting(self, key: str, value: str) -> None:
        check_plain_setting(key)
        self.s.settings[key] = (False, value)


class FakeRowCache:
    """No cache: every child is always to build again (the caseload then reads everything)."""

    def dirty(self) -> set[UUID] | None:
        return None

    def bodies(self) -> tuple[list[tuple[UUID, bytes]], list[UUID]]:
        return [], []

    def put(self, child_id: UUID, body: bytes, *, sources: Iterable[tuple[str, UUID]]) -> None:
        pass

    def drop(self, children: Iterable[UUID] | None) -> None:
        pass

    def settle(self) -> None:
        pass

    def generation(self) -> int:
        return 0


class FakeUnitOfWork:
    def __init__(self, *, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self._state = State()
        self._saved: State | None = None

    def __enter__(self) -> Self:
        if self._saved is not None:
            raise RuntimeError("This unit of work is already open: finish it first.")
        self._saved = copy.deepcopy(self._state)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._saved is not None
        self._state, self._saved = self._saved, None  # whatever was not committed

    def commit(self) -> None:
        self._saved = copy.deepcopy(self._state)

    @property
    def visits(self) -> FakeVisits:
        return FakeVisits(self._state, self._clock)

    @property
    def outbox(self) -> FakeOutbox:
        return FakeOutbox(self._state, self._clock)

    @property
    def caseload(self) -> FakeCaseload:
        return FakeCaseload(self._state, self._clock)

    @property
    def row_cache(self) -> FakeRowCache:
        return FakeRowCache()

    @property
    def settings(self) -> FakeSettings:
        return FakeSettings(self._state, self._clock)


def _visit(row: tuple[str, bytes]) -> Visit:
    status, body = row
    visit = Visit.model_validate_json(body)
    return mark_synced(visit) if status == RecordStatus.SYNCED else visit
