"""POST /sync/push: a device's outbox items, one receipt each (services.push)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, BackgroundTasks
from fastapi.responses import Response

from sync import protocol
from sync.protocol import PushRequest, PushResponse
from sync.server import services
from sync.server.routes.answers import ERRORS, answer
from sync.server.routes.deps import ClockDep, DatabaseDep, RefusalsDep, SettingsDep, SignedIn
from sync.server.services import Refusal
from sync.server.services.oversight.pending import drain_quietly

__all__ = ["router"]

log = logging.getLogger("sync.server")
router = APIRouter(tags=["sync"], responses=ERRORS)


@router.post("/sync/push", response_model=PushResponse)
def push(
    body: PushRequest,
    auth: SignedIn,
    db: DatabaseDep,
    settings: SettingsDep,
    clock: ClockDep,
    refusals: RefusalsDep,
    after: BackgroundTasks,
) -> Response:
    who, now = auth.actor, clock()
    if body.device_id is not None and body.device_id != who.device_id:
        refusals.record(
            action="push.refused",
            code="push.device_mismatch",
            org_id=who.org_id,
            practitioner_id=who.practitioner_id,
            device_id=who.device_id,
        )
        raise Refusal(protocol.REQUEST_INVALID, "device_id is not this device's id.")
    if auth.retiring_since is not None and not body.items:  # "my outbox is empty"
        raise services.finish_retirement(db=db, actor=who, now=now)
    result = services.push_items(
        db=db,
        actor=who,
        items=body.items,
        now=now,
        future_allowance=settings.future_allowance,
        held_per_day=settings.held_per_device_per_day,
        then_check=False,
    )
    # The flags the push's records raise or clear: checked once the receipts are sent.
    after.add_task(drain_quietly, db, who.org_id, now=now)
    if auth.retiring_since is not None:
        services.mark_for_review(
            db=db,
            actor=who,
            items=body.items,
            receipts=result.receipts,
            revoked_at=auth.retiring_since,
            now=now,
        )
    counts: dict[str, int] = {}
    for r in result.receipts:
        counts[r.status.value] = counts.get(r.status.value, 0) + 1
    log.info("push: %d items %s", len(body.items), counts)
    # Built by the service as PushResponse: serialised once, not validated again on the way out.
    return answer(result.model_dump_json(), auth)
