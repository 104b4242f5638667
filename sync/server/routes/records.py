"""GET /children/{child_id} and /visits/{visit_id}: one record, in the caller's scope."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from sync.protocol import ChildRecord, VisitRecord
from sync.server import services
from sync.server.routes.answers import ERRORS
from sync.server.routes.deps import ClockDep, CurrentActor, DatabaseDep

__all__ = ["router"]

router = APIRouter(tags=["records"], responses=ERRORS)


@router.get("/children/{child_id}", response_model=ChildRecord)
def child(child_id: UUID, who: CurrentActor, db: DatabaseDep, clock: ClockDep) -> ChildRecord:
    return services.child_record(db=db, actor=who, child_id=child_id, now=clock())


@router.get("/visits/{visit_id}", response_model=VisitRecord)
def visit(visit_id: UUID, who: CurrentActor, db: DatabaseDep, clock: ClockDep) -> VisitRecord:
    return services.visit_record(db=db, actor=who, visit_id=visit_id, now=clock())
