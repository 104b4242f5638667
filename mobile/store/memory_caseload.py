"""The in-memory fake's caseload and settings (see memory.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar
from uuid import UUID

from pydantic import BaseModel

from mobile.store.errors import RecordNotFound
from mobile.store.memory_state import CURSOR, MemoryBase, Row, State, load_visit
from mobile.store.records import check_plain_setting, dumps, visit_child_ids
from mobile.store.repository import CaseloadApplied, Listing
from models.caseload import Child, ContactRestriction, Household, Person
from models.concern import ConcernReceived
from models.receipt import CaseloadChange, RecordKind

__all__ = ["MemoryCaseload"]

M = TypeVar("M", bound=BaseModel)


class MemoryCaseload(MemoryBase):
    def apply_caseload_changes(
        self, changes: Sequence[CaseloadChange], *, cursor: str
    ) -> CaseloadApplied:
        counts = {"applied": 0, "deferred": 0, "stale": 0, "purged_visits": 0}
        with self._tx() as s:
            for change in changes:
                key = (change.kind, change.entity_id)
                row = s.caseload.get(key)
                if row and change.version <= max(row.version, row.pending_version or 0):
                    counts["stale"] += 1
                    continue
                if change.deleted and change.kind == "child":
                    counts["purged_visits"] += self._purge_child(s, change.entity_id)
                    counts["applied"] += 1
                    continue
                if change.deleted:
                    if row is None:
                        counts["stale"] += 1
                    elif row.local_pending:
                        row.pending_deleted, row.pending_version = True, change.version
                        counts["deferred"] += 1
                    else:
                        del s.caseload[key]
                        counts["applied"] += 1
                    continue
                body = dumps(change.data or {})
                if row and row.local_pending:
                    row.pending_version, row.pending_body = change.version, body
                    row.pending_deleted = False
                    counts["deferred"] += 1
                    continue
                child = change.child_id or (change.entity_id if change.kind == "child" else None)
                s.caseload[key] = Row(change.version, child, body)
                counts["applied"] += 1
            s.settings[CURSOR] = (True, cursor)
        return CaseloadApplied(**counts)

    def get_cursor(self) -> str | None:
        return self.get_setting(CURSOR)

    def reset_cursor(self) -> None:
        with self._tx() as s:
            s.settings.pop(CURSOR, None)
            s.caseload = {k: r for k, r in s.caseload.items() if r.local_pending}

    def list_children(self) -> Listing[Child]:
        listing = self._rows("child", Child)
        listing.items.sort(key=lambda c: c.name.casefold())
        return listing

    def get_child(self, child_id: UUID) -> Child:
        with self._lock:
            row = self._state.caseload.get(("child", child_id))
            if row is None:
                raise RecordNotFound("child", child_id)
            return Child.model_validate_json(row.body)

    def list_households(self) -> Listing[Household]:
        return self._rows("household", Household)

    def list_people(self) -> Listing[Person]:
        return self._rows("person", Person)

    def list_restrictions(self) -> Listing[ContactRestriction]:
        return self._rows("restriction", ContactRestriction)

    def list_concerns(
        self, *, awaiting_acknowledgement: bool | None = None
    ) -> Listing[ConcernReceived]:
        listing = self._rows("concern", ConcernReceived)
        if awaiting_acknowledgement is not None:
            listing.items[:] = [
                c for c in listing.items if c.awaiting_acknowledgement == awaiting_acknowledgement
            ]
        return listing

    # Settings -----------------------------------------------------------------------------------
    def get_setting(self, key: str) -> str | None:
        with self._lock:
            row = self._state.settings.get(key)
            return None if row is None else row[1]

    def set_setting(self, key: str, value: str) -> None:
        with self._tx() as s:
            s.settings[key] = (True, value)

    def delete_setting(self, key: str) -> None:
        with self._tx() as s:
            s.settings.pop(key, None)

    def get_plain_setting(self, key: str) -> str | None:
        check_plain_setting(key)
        with self._lock:
            row = self._state.settings.get(key)
            return row[1] if row and not row[0] else None

    def set_plain_setting(self, key: str, value: str) -> None:
        check_plain_setting(key)
        with self._tx() as s:
            s.settings[key] = (False, value)

    def _rows(self, kind: str, model: type[M]) -> Listing[M]:
        with self._lock:
            return Listing(
                [
                    model.model_validate_json(row.body)
                    for (k, _), row in self._state.caseload.items()
                    if k == kind
                ]
            )

    def _settle(self, s: State, kind: str, entity_id: UUID) -> None:
        row = s.caseload.get((kind, entity_id))
        if row is None:
            return
        if row.pending_deleted:
            del s.caseload[(kind, entity_id)]
            return
        if row.pending_version is not None and row.pending_body is not None:
            row.version, row.body = row.pending_version, row.pending_body
        row.local_pending, row.pending_version, row.pending_body = False, None, None

    def _purge_child(self, s: State, child_id: UUID) -> int:
        for key, row in list(s.caseload.items()):
            if row.child_id == child_id or key == ("child", child_id):
                if row.local_pending:
                    row.pending_deleted = True
                else:
                    del s.caseload[key]
        allocated = {eid for kind, eid in s.caseload if kind == "child"}
        unsynced = {k[0] for k in [*s.outbox, *s.quarantine]}
        purged = 0
        for visit_id, revisions in list(s.visits.items()):
            children = set(visit_child_ids(load_visit(revisions[max(revisions)])))
            if child_id not in children or 0 in revisions or visit_id in unsynced:
                continue
            if children & allocated:
                continue
            del s.visits[visit_id]
            for aid in [
                a
                for a, v in s.authored.items()
                if v[0] == RecordKind.AMENDMENT and v[1] == visit_id
            ]:
                del s.authored[aid]
            for receipt_key in [k for k in s.receipts if k[0] == visit_id]:
                del s.receipts[receipt_key]
            purged += 1
        return purged
