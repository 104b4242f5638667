"""A child's plan and decisions, entered by staff: PUT/GET /v1/children/{child_id}/plan (with the
due dates the central record computes), POST/GET /v1/children/{child_id}/decisions."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from sync.protocol_plans import (
    DecisionAnswer,
    DecisionList,
    DecisionRequest,
    PlanAnswer,
    PlanRequest,
)
from sync.server.routes.answers import ERRORS
from sync.server.routes.deps import ClockDep, CurrentActor, DatabaseDep
from sync.server.services.oversight import decisions, plans

__all__ = ["router"]

# 409: a decision id already recorded with other content.
router = APIRouter(
    prefix="/v1/children/{child_id}", tags=["plans"], responses=ERRORS | {409: ERRORS[422]}
)


@router.put("/plan", response_model=PlanAnswer)
def put_plan(
    child_id: UUID, body: PlanRequest, who: CurrentActor, db: DatabaseDep, clock: ClockDep
) -> PlanAnswer:
    return plans.set_plan(
        db=db,
        actor=who,
        child_id=child_id,
        service_context=body.service_context.value,
        rule=body.rule,
        started_on=body.started_on,
        households=body.households,
        now=clock(),
    )


@router.get("/plan", response_model=PlanAnswer)
def get_plan(child_id: UUID, who: CurrentActor, db: DatabaseDep, clock: ClockDep) -> PlanAnswer:
    return plans.child_plan(db=db, actor=who, child_id=child_id, now=clock())


@router.post("/decisions", response_model=DecisionAnswer, status_code=201)
def post_decision(
    child_id: UUID, body: DecisionRequest, who: CurrentActor, db: DatabaseDep, clock: ClockDep
) -> DecisionAnswer:
    return decisions.record_decision(
        db=db,
        actor=who,
        child_id=child_id,
        kind=body.kind.value,
        made_on=body.made_on,
        outcome=body.outcome,
        reason=body.reason,
        decision_id=body.decision_id,
        now=clock(),
    )


@router.get("/decisions", response_model=DecisionList)
def get_decisions(
    child_id: UUID, who: CurrentActor, db: DatabaseDep, clock: ClockDep
) -> DecisionList:
    return decisions.child_decisions(db=db, actor=who, child_id=child_id, now=clock())
