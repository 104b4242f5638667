"""Revoking a device, in one of two kinds, and what a retiring device still sends.

    retire  the device is leaving service: it may still push what it holds (nothing else); once
            its outbox is empty it says so with an empty push (finish_retirement), is answered
            `device.revoked` and wipes. What it sends after the revocation is accepted and
            marked for a manager's review (mark_for_review).
    lost    lost or stolen: refused at once, told to wipe. Whatever it had not sent is lost, so
            the admin must say they know (confirm_unsent_lost); the choice is audited.

A revoked device is never un-revoked, and a revocation is never changed from "lost" to "retire"
(that would let a stolen device push again); "retire" may become "lost".
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

import sqlalchemy as sa

from models.receipt import Receipt
from sync import protocol
from sync.protocol import ChangeKind, PushItem, ReviewData
from sync.server.db import Database
from sync.server.services.common import Actor, AuditLog, ChangeDraft, OrgLog, Refusal
from sync.server.tables import DeviceRow, RecordReviewRow, table_of

__all__ = ["RevokeMode", "finish_retirement", "mark_for_review", "revoke_device"]


class RevokeMode(StrEnum):
    RETIRE = "retire"
    LOST = "lost"


def revoke_device(
    *,
    db: Database,
    device_id: UUID,
    now: datetime,
    mode: RevokeMode = RevokeMode.RETIRE,
    confirm_unsent_lost: bool = False,
) -> bool:
    """Revoke one device (see the module docstring). False if unknown."""
    if mode == RevokeMode.LOST and not confirm_unsent_lost:
        raise Refusal(
            protocol.REQUEST_INVALID,
            "Revoking a lost or stolen device erases whatever it has not yet sent. Confirm that "
            "those records will be lost, or retire the device instead so it sends them first.",
        )
    with db.write() as s:
        device = s.get(DeviceRow, device_id)
        if device is None:
            return False
        if device.revoked_at is None:
            device.revoked_at = now
        if device.revoke_mode != RevokeMode.LOST:
            device.revoke_mode = mode.value
        s.add(device)
        audit = AuditLog(s, now)
        audit.add(
            "device.revoke",
            org_id=device.org_id,
            practitioner_id=device.practitioner_id,
            device_id=device_id,
            outcome=device.revoke_mode or mode.value,
        )
        audit.flush()
        return True


def finish_retirement(*, db: Database, actor: Actor, now: datetime) -> Refusal:
    """A retiring device said its outbox is empty: from now on it is refused. Returns the
    answer to give it (raise it)."""
    t = table_of(DeviceRow)
    with db.write() as s:
        s.execute(
            sa.update(t)
            .where(t.c.device_id == actor.device_id, t.c.retired_at.is_(None))
            .values(retired_at=now)
        )
        audit = AuditLog(s, now, actor)
        audit.add("device.retired")
        audit.flush()
    return Refusal(
        protocol.DEVICE_REVOKED,
        "Everything this device held has reached the central record. It has been retired: "
        "wipe all its data now.",
    )


def mark_for_review(
    *,
    db: Database,
    actor: Actor,
    items: Sequence[PushItem],
    receipts: Sequence[Receipt],
    revoked_at: datetime,
    now: datetime,
) -> int:
    """Mark each acknowledged record that reached the central record after `revoked_at` for a
    manager's review: a row in record_review and a `review` row in the team's change feed.
    Idempotent (a push sent again marks nothing twice). Returns how many were marked."""
    received = [
        (item, r)
        for item, r in zip(items, receipts, strict=True)
        if r.status.acknowledged and r.received_at is not None and r.received_at >= revoked_at
    ]
    if not received:
        return 0
    t = table_of(RecordReviewRow)
    with db.write() as s:
        held = {
            (row.record_id, row.revision)
            for row in s.execute(
                sa.select(t.c.record_id, t.c.revision).where(
                    t.c.org_id == actor.org_id,
                    t.c.record_id.in_({r.record_id for _, r in received}),
                )
            )
        }
        rows, drafts = [], []
        for item, r in received:
            if (r.record_id, r.revision) in held:
                continue
            held.add((r.record_id, r.revision))
            made_at = _made_at(item)
            data = ReviewData(
                record_id=r.record_id,
                revision=r.revision,
                kind=item.kind.value,
                device_id=actor.device_id,
                practitioner_id=actor.practitioner_id,
                reason=_reason(made_at, revoked_at),
                made_at=made_at,
                revoked_at=revoked_at,
                received_at=r.received_at or now,
            )
            review_id = uuid4()
            rows.append({"review_id": review_id, "org_id": actor.org_id, **data.model_dump()})
            drafts.append(
                ChangeDraft(
                    ChangeKind.REVIEW,
                    review_id,
                    data.model_dump(mode="json"),
                    practitioner_id=None if actor.team_id else actor.practitioner_id,
                    team_id=actor.team_id,  # the team's managers
                )
            )
        if rows:
            log = OrgLog(s, actor.org_id)
            log.add(drafts)
            s.execute(sa.insert(t), rows)
            log.flush()
            audit = AuditLog(s, now, actor)
            for row in rows:
                audit.add(
                    "record.marked_for_review", record_id=row["record_id"], outcome=row["reason"]
                )
            audit.flush()
        return len(rows)


def _made_at(item: PushItem) -> datetime | None:
    """When the device made the record (a visit's created_on_device_at), if it says."""
    body = item.body
    if body is None and item.body_json is not None:
        try:
            body = json.loads(item.body_json)
        except ValueError:
            return None
    value = body.get("created_on_device_at") if isinstance(body, dict) else None
    if not isinstance(value, str):
        return None
    try:
        made = datetime.fromisoformat(value)
    except ValueError:
        return None
    return made if made.tzinfo is not None else None


def _reason(made_at: datetime | None, revoked_at: datetime) -> str:
    if made_at is None:
        return "made_at_unknown_time"
    return "made_before_revocation" if made_at < revoked_at else "made_after_revocation"
