"""Concerns from anyone: staff record a third party's concern, read a child's or a reporter's
(repeat reports counted), and acknowledge one with what they did."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from sync.protocol import AcknowledgeRequest, ConcernRequest, ConcernView
from sync.server import services
from sync.server.routes.answers import ERRORS
from sync.server.routes.deps import ClockDep, CurrentActor, DatabaseDep

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["concerns"], responses=ERRORS | {409: ERRORS[422]})


@router.post("/concerns", response_model=ConcernView, status_code=201)
def record(
    body: ConcernRequest, who: CurrentActor, db: DatabaseDep, clock: ClockDep
) -> ConcernView:
    return services.record_concern(db=db, actor=who, request=body, now=clock())


@router.get("/concerns", response_model=list[ConcernView])
def of_child(
    child_id: UUID, who: CurrentActor, db: DatabaseDep, clock: ClockDep
) -> list[ConcernView]:
    return services.concerns_of_child(db=db, actor=who, child_id=child_id, now=clock())


@router.get("/reporters/{reporter_id}/concerns", response_model=list[ConcernView])
def of_reporter(
    reporter_id: UUID, who: CurrentActor, db: DatabaseDep, clock: ClockDep
) -> list[ConcernView]:
    return services.concerns_of_reporter(db=db, actor=who, reporter_id=reporter_id, now=clock())


@router.post("/concerns/{concern_id}/acknowledge", response_model=ConcernView)
def acknowledge(
    concern_id: UUID,
    body: AcknowledgeRequest,
    who: CurrentActor,
    db: DatabaseDep,
    clock: ClockDep,
) -> ConcernView:
    return services.acknowledge_concern(
        db=db, actor=who, concern_id=concern_id, request=body, now=clock()
    )
