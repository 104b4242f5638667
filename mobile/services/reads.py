"""Reads several services make inside one unit of work (`with uow:` is the caller's)."""

from __future__ import annotations

from uuid import UUID

from mobile.store.errors import RecordNotFound
from mobile.store.shapes import Listing
from mobile.store.unit_of_work import UnitOfWork
from models.caseload import Child
from models.visit import Visit

__all__ = ["children", "current_visit", "get_child", "submitted_visits"]


def current_visit(uow: UnitOfWork, visit_id: UUID) -> Visit:
    """The latest revision of a submitted visit, or the draft."""
    visit = uow.visits.latest(visit_id) or uow.visits.draft(visit_id)
    if visit is None:
        raise RecordNotFound("visit", visit_id)
    return visit


def submitted_visits(uow: UnitOfWork, *, child_id: UUID | None = None) -> Listing[Visit]:
    """Latest revisions of submitted visits, newest visit first."""
    listing = uow.visits.heads(child_id=child_id)
    listing.items.sort(key=lambda v: v.started_at or v.created_on_device_at, reverse=True)
    return listing


def get_child(uow: UnitOfWork, child_id: UUID) -> Child:
    child = uow.caseload.get("child", child_id, Child)
    if child is None:
        raise RecordNotFound("child", child_id)
    return child


def children(uow: UnitOfWork) -> Listing[Child]:
    """The children on this device, by name."""
    listing = uow.caseload.rows("child", Child)
    listing.items.sort(key=lambda c: c.name.casefold())
    return listing
