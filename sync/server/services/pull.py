"""Pull: caseload changes after an opaque cursor, in commit order; and audited single reads.

The cursor is base64url("c1.<org epoch>.<scope version>.<seq>"). A cursor the server can no longer
serve (another epoch, a changed scope, below the org's floor, past the org's counter, or garbled)
gets 410 `sync.cursor_expired`: the device pushes its outbox first, then pulls from the start.
When a page is the last, the cursor moves up to the org's committed counter, so a device whose push
produced no rows for itself still sees its cursor reach the push's max_server_seq.
A pull from the start opens with the organisation's oversight settings (services.org_settings),
numbered at the counter: a practitioner added after they were set gets them too, and older
settings rows further down the feed are stale beside it.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import col, select

from models.caseload import Child
from models.concern import ConcernReceived
from models.receipt import CaseloadChange
from models.visit import Visit
from sync import protocol
from sync.protocol import ChangesResponse, ChildRecord, SeenData, VisitRecord, VisitRevisionInfo
from sync.server.db import Database
from sync.server.services.caseload import child_shape
from sync.server.services.common import Actor, AuditLog, Refusal, child_in_scope
from sync.server.services.org_settings import device_part, settings_change
from sync.server.tables import (
    ChangeRow,
    ChildRow,
    ConcernChildRow,
    ConcernRow,
    OrganisationRow,
    OrgSeqRow,
    VisitChildRow,
    VisitRevisionRow,
    table_of,
)

__all__ = ["child_record", "decode_cursor", "encode_cursor", "pull_changes", "visit_record"]

_EXPIRED = (
    "This device's download position can no longer be used. Send anything waiting to go, then "
    "download the caseload again from the start."
)


def encode_cursor(epoch: int, scope_version: int, seq: int) -> str:
    return (
        base64.urlsafe_b64encode(f"c1.{epoch}.{scope_version}.{seq}".encode()).decode().rstrip("=")
    )


def decode_cursor(cursor: str) -> tuple[int, int, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        tag, epoch, scope, seq = raw.split(".")
        if tag != "c1":
            raise ValueError(tag)
        return int(epoch), int(scope), int(seq)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise Refusal(protocol.SYNC_CURSOR_EXPIRED, _EXPIRED) from None


def pull_changes(
    *, db: Database, actor: Actor, cursor: str | None, limit: int, now: datetime
) -> ChangesResponse:
    t = table_of(ChangeRow).c
    with db.read() as s:
        org = s.get(OrganisationRow, actor.org_id)
        seq_row = s.get(OrgSeqRow, actor.org_id)
        if org is None or seq_row is None:
            raise Refusal(protocol.NOT_FOUND, "This organisation is not on the central record.")
        watermark = seq_row.n  # read first: every row at or below it is committed and visible
        after = 0
        if cursor:
            epoch, scope, after = decode_cursor(cursor)
            if (
                epoch != org.epoch
                or scope != actor.scope_version
                or after > watermark
                or (0 < after < org.cursor_floor)
            ):
                raise Refusal(protocol.SYNC_CURSOR_EXPIRED, _EXPIRED)
        # Read after the counter: settings committed later come again as their own, newer row.
        opening = None
        if not cursor:
            stored = s.execute(
                sa.select(table_of(OrganisationRow).c.settings).where(
                    table_of(OrganisationRow).c.org_id == actor.org_id
                )
            ).scalar_one()
            if device_part(stored) is not None:
                opening = settings_change(stored, watermark)
                limit -= 1
        audience = t.practitioner_id == actor.practitioner_id
        if actor.is_manager:
            audience = sa.or_(audience, t.team_id == actor.team_id)
        rows = s.execute(
            sa.select(t.seq, t.kind, t.entity_id, t.child_id, t.deleted, t.data)
            .where(t.org_id == actor.org_id, t.seq > after, audience)
            .order_by(t.seq)
            .limit(limit + 1)
        ).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1].seq if rows else after
    position = last if has_more else max(last, watermark)
    changes = [
        CaseloadChange.model_construct(
            kind=r.kind,
            entity_id=r.entity_id,
            version=r.seq,
            deleted=r.deleted,
            child_id=r.child_id,
            data=r.data,
        )
        for r in rows
    ]
    if opening is not None:
        changes.insert(0, opening)
    children = list(dict.fromkeys(r.child_id for r in rows if r.child_id is not None))
    if children:
        with db.write() as s:
            audit = AuditLog(s, now, actor)
            for child_id in children:
                audit.add("read.child.sync", child_id=child_id)
            audit.flush()
    return ChangesResponse.model_construct(
        changes=changes,
        cursor=encode_cursor(org.epoch, actor.scope_version, position),
        has_more=has_more,
    )


def _refuse(
    db: Database,
    actor: Actor,
    now: datetime,
    action: str,
    *,
    child_id: UUID | None = None,
    record_id: UUID | None = None,
) -> None:
    with db.write() as s:
        audit = AuditLog(s, now, actor)
        audit.add(action, outcome="refused", child_id=child_id, record_id=record_id)
        audit.flush()


def child_record(*, db: Database, actor: Actor, child_id: UUID, now: datetime) -> ChildRecord:
    with db.read() as s:
        child = s.get(ChildRow, child_id)
        if child is None or child.org_id != actor.org_id:
            found = None
        else:
            found = child
            allowed = child_in_scope(actor, child)
            if allowed:
                shape: Child = child_shape(s, child)
                concerns = s.exec(
                    select(ConcernRow)
                    .join(
                        ConcernChildRow,
                        sa.and_(
                            col(ConcernChildRow.org_id) == col(ConcernRow.org_id),
                            col(ConcernChildRow.concern_id) == col(ConcernRow.concern_id),
                        ),
                    )
                    .where(ConcernChildRow.child_id == child_id)
                    .where(ConcernRow.acknowledged_at.is_(None))  # type: ignore[union-attr]
                ).all()
                visit_ids = list(
                    s.exec(select(VisitChildRow.visit_id).where(VisitChildRow.child_id == child_id))
                )
    if found is None:
        _refuse(db, actor, now, "read.child", child_id=child_id)
        raise Refusal(protocol.NOT_FOUND, "No such child on your organisation's record.")
    if not allowed:
        _refuse(db, actor, now, "read.child", child_id=child_id)
        raise Refusal(
            protocol.FORBIDDEN,
            "This child is not on your caseload. If you need to see their record, ask your manager.",
        )
    with db.write() as s:
        audit = AuditLog(s, now, actor)
        audit.add("read.child", child_id=child_id)
        audit.flush()
    return ChildRecord(
        child=shape,
        seen=SeenData(
            child_id=child_id,
            last_visit_at=found.last_visit_at,
            last_visit_id=found.last_visit_id,
            last_seen_at=found.last_seen_at,
            last_seen_visit_id=found.last_seen_visit_id,
            next_visit_due=found.next_visit_due,
        ),
        open_concerns=[ConcernReceived.model_validate(c.data) for c in concerns],
        visit_ids=visit_ids,
        next_visit_due=found.next_visit_due,
    )


def visit_record(*, db: Database, actor: Actor, visit_id: UUID, now: datetime) -> VisitRecord:
    with db.read() as s:
        revisions = s.exec(
            select(VisitRevisionRow)
            .where(VisitRevisionRow.org_id == actor.org_id, VisitRevisionRow.visit_id == visit_id)
            .order_by(VisitRevisionRow.revision)  # type: ignore[arg-type]
        ).all()
        if not revisions or revisions[0].org_id != actor.org_id:
            revisions = []
            children: list[ChildRow] = []
        else:
            children = list(
                s.exec(
                    select(ChildRow)
                    .join(VisitChildRow, VisitChildRow.child_id == ChildRow.child_id)  # type: ignore[arg-type]
                    .where(VisitChildRow.visit_id == visit_id, ChildRow.org_id == actor.org_id)
                )
            )
    if not revisions:
        _refuse(db, actor, now, "read.visit", record_id=visit_id)
        raise Refusal(protocol.NOT_FOUND, "No such visit on your organisation's record.")
    author = revisions[0].practitioner_id == actor.practitioner_id
    if not author and not any(child_in_scope(actor, c) for c in children):
        _refuse(db, actor, now, "read.visit", record_id=visit_id)
        raise Refusal(protocol.FORBIDDEN, "This visit is not about a child on your caseload.")
    with db.write() as s:
        audit = AuditLog(s, now, actor)
        for c in children:
            audit.add("read.visit", record_id=visit_id, child_id=c.child_id)
        audit.flush()
    return VisitRecord(
        visit=Visit.model_validate(revisions[-1].body),
        revisions=[
            VisitRevisionInfo(
                revision=r.revision,
                kind=r.kind,
                received_at=r.received_at,
                practitioner_id=r.received_by_practitioner_id,
            )
            for r in revisions
        ],
    )
