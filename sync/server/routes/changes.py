"""GET /sync/changes: the caller's caseload changes after a cursor, a page at a time."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from sync import protocol
from sync.protocol import ChangesResponse
from sync.server import services
from sync.server.routes.answers import ERRORS, answer
from sync.server.routes.deps import ClockDep, DatabaseDep, RefusalsDep, SignedIn, current_actor

__all__ = ["router"]

router = APIRouter(tags=["sync"], responses=ERRORS)


@router.get("/sync/changes", response_model=ChangesResponse)
def changes(
    auth: SignedIn,
    db: DatabaseDep,
    clock: ClockDep,
    refusals: RefusalsDep,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=protocol.MAX_PAGE)] = protocol.DEFAULT_PAGE,
) -> Response:
    # A retiring device is refused here, after the query is checked (not as a dependency).
    who = current_actor(auth, refusals)
    page = services.pull_changes(db=db, actor=who, cursor=cursor, limit=limit, now=clock())
    return answer(page.model_dump_json(), auth)
