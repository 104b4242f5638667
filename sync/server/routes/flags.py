"""Flags and the oversight of a child: a team's flags for its manager, one read of a child's case,
a named person's acts on a flag (seen, acknowledge, close with a note), and marking an adult's
care arrangement assessed (sync.protocol_oversight has the shapes)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from models.flags import FlagKind
from models.oversight import FlagAction, FlagStatus, Urgency
from sync import protocol
from sync.protocol_oversight import (
    AssessmentRequest,
    CareLinkView,
    ChildOversight,
    CloseRequest,
    FlagNote,
    FlagView,
    TeamFlags,
)
from sync.server.routes.answers import ERRORS
from sync.server.routes.deps import ClockDep, CurrentActor, DatabaseDep
from sync.server.services.oversight import actions, reads

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["flags"], responses=ERRORS | {409: ERRORS[422]})


@router.get("/teams/{team_id}/flags", response_model=TeamFlags)
def team_flags(
    team_id: UUID,
    who: CurrentActor,
    db: DatabaseDep,
    clock: ClockDep,
    status: FlagStatus = FlagStatus.OPEN,
    urgency: Urgency | None = None,
    kind: FlagKind | None = None,
    limit: Annotated[int, Query(ge=1, le=protocol.MAX_PAGE)] = protocol.DEFAULT_PAGE,
) -> TeamFlags:
    return reads.team_flags(
        db=db, actor=who, team_id=team_id, now=clock(), status=status, urgency=urgency,
        kind=kind, limit=limit,
    )  # fmt: skip


@router.get("/children/{child_id}/oversight", response_model=ChildOversight)
def child_oversight(
    child_id: UUID, who: CurrentActor, db: DatabaseDep, clock: ClockDep
) -> ChildOversight:
    return reads.child_oversight(db=db, actor=who, child_id=child_id, now=clock())


@router.post("/flags/{flag_id}/seen", response_model=FlagView)
def seen(
    flag_id: UUID, who: CurrentActor, db: DatabaseDep, clock: ClockDep, body: FlagNote | None = None
) -> FlagView:
    note = body.note if body else ""
    return actions.act_on_flag(
        db=db, actor=who, flag_id=flag_id, action=FlagAction.SEEN, note=note, now=clock()
    )


@router.post("/flags/{flag_id}/acknowledge", response_model=FlagView)
def acknowledge(
    flag_id: UUID, who: CurrentActor, db: DatabaseDep, clock: ClockDep, body: FlagNote | None = None
) -> FlagView:
    note = body.note if body else ""
    return actions.act_on_flag(
        db=db, actor=who, flag_id=flag_id, action=FlagAction.ACKNOWLEDGED, note=note, now=clock()
    )


@router.post("/flags/{flag_id}/close", response_model=FlagView)
def close(
    flag_id: UUID, body: CloseRequest, who: CurrentActor, db: DatabaseDep, clock: ClockDep
) -> FlagView:
    return actions.act_on_flag(
        db=db, actor=who, flag_id=flag_id, action=FlagAction.CLOSED, note=body.note, now=clock()
    )


@router.put("/children/{child_id}/people/{person_id}/assessment", response_model=CareLinkView)
def assessment(
    child_id: UUID,
    person_id: UUID,
    body: AssessmentRequest,
    who: CurrentActor,
    db: DatabaseDep,
    clock: ClockDep,
) -> CareLinkView:
    return actions.assess_care(
        db=db, actor=who, child_id=child_id, person_id=person_id, assessed=body.assessed,
        note=body.note, now=clock(),
    )  # fmt: skip
