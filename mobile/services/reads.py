"""Reads several services make inside one unit of work (`with uow:` is the caller's)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TypeVar
from uuid import UUID

from pydantic import BaseModel

from mobile.store.errors import CorruptRecord, RecordNotFound
from mobile.store.shapes import Listing
from mobile.store.unit_of_work import UnitOfWork
from models.caseload import Child
from models.visit import Visit

M = TypeVar("M", bound=BaseModel)

__all__ = [
    "by_name",
    "children",
    "children_named",
    "current_visit",
    "get_child",
    "rows_named",
    "submitted_visits",
]


def current_visit(uow: UnitOfWork, visit_id: UUID) -> Visit:
    """The latest revision of a submitted visit, or the draft."""
    visit = uow.visits.latest(visit_id) or uow.visits.draft(visit_id)
    if visit is None:
        raise RecordNotFound("visit", visit_id)
    return visit


def submitted_visits(uow: UnitOfWork, *, child_id: UUID | None = None) -> Listing[Visit]:
    """Latest revisions of submitted visits, newest visit first."""
    listing = uow.visits.heads(child_id=child_id)
    listing.items.sort(key=_newest_first, reverse=True)
    return listing


def _newest_first(visit: Visit) -> tuple[datetime, str]:
    return visit.started_at or visit.created_on_device_at, str(visit.visit_id)


def get_child(uow: UnitOfWork, child_id: UUID) -> Child:
    child = uow.caseload.get("child", child_id, Child)
    if child is None:
        raise RecordNotFound("child", child_id)
    return child


def by_name(child: Child) -> tuple[str, str]:
    """The caseload's order: by name, then id (so two children of one name keep one order)."""
    return child.name.casefold(), str(child.child_id)


def children(uow: UnitOfWork) -> Listing[Child]:
    """The children on this device, by name."""
    listing = uow.caseload.rows("child", Child)
    listing.items.sort(key=by_name)
    return listing


def rows_named(uow: UnitOfWork, kind: str, model: type[M], ids: Iterable[UUID]) -> Listing[M]:
    """The caseload rows of one kind with these ids that are on the device."""
    found: Listing[M] = Listing([])
    for entity_id in ids:
        try:
            row = uow.caseload.get(kind, entity_id, model)
        except CorruptRecord as problem:
            found.problems.append(problem)
            continue
        if row is not None:
            found.items.append(row)
    return found


def children_named(
    uow: UnitOfWork, child_ids: Iterable[UUID]
) -> tuple[Listing[Visit], Listing[Child]]:
    """Of these children, those on the device (by name) and the latest revisions of their
    submitted visits."""
    kids = rows_named(uow, "child", Child, child_ids)
    kids.items.sort(key=by_name)
    visits: dict[UUID, Visit] = {}
    problems: list[CorruptRecord] = []
    for child in kids:
        heads = uow.visits.heads(child_id=child.child_id)
        visits.update((v.visit_id, v) for v in heads)
        problems.extend(heads.problems)
    return Listing(sorted(visits.values(), key=_newest_first, reverse=True), problems), kids
