"""Reading concerns: a child's (in the caller's scope) and a reporter's (those about a child in
the caller's scope), each with its reporter's repeat reports counted. Every read is audited,
ids only; a confidential reporter's identity is shown only to a concerned child's allocated
worker and manager, and never reaches a log or an audit row."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from models.concern import ConcernReceived, report_counts
from sync import protocol
from sync.protocol import ConcernView
from sync.server.db import Database
from sync.server.services.common import Actor, AuditLog, Refusal, child_in_scope
from sync.server.tables import ChildRow, ConcernChildRow, ConcernRow, ReporterRow

__all__ = [
    "concern_children",
    "concern_views",
    "concerns_of_child",
    "concerns_of_reporter",
    "one_concern",
    "refused",
    "views",
]


def refused(
    db: Database,
    actor: Actor,
    now: datetime,
    action: str,
    exc: Refusal,
    *,
    record_id: UUID | None = None,
    child_id: UUID | None = None,
) -> Refusal:
    """Audit a refusal in its own transaction (the refused one rolled back), and return it."""
    with db.write() as s:
        audit = AuditLog(s, now, actor)
        audit.add(action, record_id=record_id, child_id=child_id, outcome=exc.code)
        audit.flush()
    return exc


def concern_children(
    s: Session, org_id: str, concern_ids: Iterable[UUID]
) -> dict[UUID, list[ChildRow]]:
    """The organisation's children each concern is about."""
    ids = list(concern_ids)
    found: dict[UUID, list[ChildRow]] = {i: [] for i in ids}
    if not ids:
        return found
    rows = s.exec(
        select(ConcernChildRow.concern_id, ChildRow)
        .join(ChildRow, col(ChildRow.child_id) == col(ConcernChildRow.child_id))
        .where(
            ConcernChildRow.org_id == org_id,
            ChildRow.org_id == org_id,
            col(ConcernChildRow.concern_id).in_(ids),
        )
    )
    for concern_id, child in rows:
        found[concern_id].append(child)
    return found


def views(
    s: Session,
    actor: Actor,
    rows: Sequence[ConcernRow],
    children: dict[UUID, list[ChildRow]],
) -> list[ConcernView]:
    """Each concern with its reporter's reports counted over all the organisation's concerns
    (a count says nothing about whom the others were about); a confidential reporter's identity
    shown only to the allocated worker or manager of a child it concerns."""
    return concern_views(
        s,
        actor.org_id,
        rows,
        reveal=lambda row: any(child_in_scope(actor, c) for c in children[row.concern_id]),
    )


def concern_views(
    s: Session, org_id: str, rows: Sequence[ConcernRow], *, reveal: Callable[[ConcernRow], bool]
) -> list[ConcernView]:
    """`views` for any caller: `reveal(row)` says whether this caller may see a confidential
    reporter's identity (an export never may). What counts as confidential is decided here."""
    reporter_ids = {r.reporter_id for r in rows if r.reporter_id is not None}
    times: dict[UUID, list[datetime]] = {i: [] for i in reporter_ids}
    confidential: set[UUID] = set()
    if reporter_ids:
        t = ConcernRow
        for reporter_id, at in s.execute(
            sa.select(col(t.reporter_id), col(t.received_at)).where(
                col(t.org_id) == org_id, col(t.reporter_id).in_(reporter_ids)
            )
        ):
            if at is not None:
                times[reporter_id].append(at)
        confidential = set(
            s.exec(
                select(ReporterRow.reporter_id).where(
                    ReporterRow.org_id == org_id,
                    col(ReporterRow.reporter_id).in_(reporter_ids),
                    col(ReporterRow.confidential).is_(True),
                )
            )
        )
    out = []
    for row in rows:
        shape = ConcernReceived.model_validate(row.data)
        secret = row.reporter_id in confidential or shape.reporter.confidential_identity
        hidden = secret and not reveal(row)
        if hidden:
            shape.reporter = shape.reporter.model_copy(
                update={"name": "", "contact": "", "relationship_notes": ""}
            )
        in_window, total = (1, 1)
        if row.reporter_id is not None and row.received_at is not None:
            in_window, total = report_counts(times[row.reporter_id], row.received_at)
        out.append(
            ConcernView(
                concern=shape,
                open=shape.acknowledgement is None,
                identity_hidden=hidden,
                reports_in_window=in_window,
                reports_total=total,
            )
        )
    return out


def _ordered(query: SelectOfScalar[ConcernRow]) -> SelectOfScalar[ConcernRow]:
    return query.order_by(col(ConcernRow.received_at), col(ConcernRow.concern_id))


def concerns_of_child(
    *, db: Database, actor: Actor, child_id: UUID, now: datetime
) -> list[ConcernView]:
    """A child's concerns, open and acknowledged, for their allocated worker and manager."""
    with db.read() as s:
        child = s.get(ChildRow, child_id)
        problem = None
        if child is None or child.org_id != actor.org_id:
            problem = Refusal(protocol.NOT_FOUND, "No such child on your organisation's record.")
        elif not child_in_scope(actor, child):
            problem = Refusal(
                protocol.FORBIDDEN,
                "This child is not on your caseload. If you need to see their concerns, ask "
                "your manager.",
            )
        else:
            rows = list(
                s.exec(
                    _ordered(
                        select(ConcernRow)
                        .join(
                            ConcernChildRow,
                            sa.and_(
                                col(ConcernChildRow.org_id) == col(ConcernRow.org_id),
                                col(ConcernChildRow.concern_id) == col(ConcernRow.concern_id),
                            ),
                        )
                        .where(
                            ConcernRow.org_id == actor.org_id, ConcernChildRow.child_id == child_id
                        )
                    )
                )
            )
            found = views(
                s, actor, rows, concern_children(s, actor.org_id, [r.concern_id for r in rows])
            )
    if problem is not None:
        raise refused(db, actor, now, "read.concerns", problem, child_id=child_id)
    with db.write() as s:
        audit = AuditLog(s, now, actor)
        audit.add("read.concerns", child_id=child_id)
        for v in found:
            audit.add("read.concern", record_id=v.concern.concern_id, child_id=child_id)
        audit.flush()
    return found


def concerns_of_reporter(
    *, db: Database, actor: Actor, reporter_id: UUID, now: datetime
) -> list[ConcernView]:
    """One reporter's concerns that are about a child in the caller's scope, repeat reports
    together; refused when none is."""
    with db.read() as s:
        problem = None
        if s.get(ReporterRow, (actor.org_id, reporter_id)) is None:
            problem = Refusal(protocol.NOT_FOUND, "No such reporter on your organisation's record.")
        else:
            rows = list(
                s.exec(
                    _ordered(
                        select(ConcernRow).where(
                            ConcernRow.org_id == actor.org_id, ConcernRow.reporter_id == reporter_id
                        )
                    )
                )
            )
            children = concern_children(s, actor.org_id, [r.concern_id for r in rows])
            mine = [
                r for r in rows if any(child_in_scope(actor, c) for c in children[r.concern_id])
            ]
            if not mine:
                problem = Refusal(
                    protocol.FORBIDDEN,
                    "None of this person's reports is about a child on your caseload.",
                )
            else:
                found = views(s, actor, mine, children)
    if problem is not None:
        raise refused(db, actor, now, "read.reporter", problem, record_id=reporter_id)
    with db.write() as s:
        audit = AuditLog(s, now, actor)
        audit.add("read.reporter", record_id=reporter_id)
        for v in found:
            for c in children[v.concern.concern_id]:
                if child_in_scope(actor, c):
                    audit.add("read.concern", record_id=v.concern.concern_id, child_id=c.child_id)
        audit.flush()
    return found


def one_concern(
    *, db: Database, actor: Actor, concern_id: UUID, now: datetime
) -> tuple[ConcernView, list[UUID]]:
    """One concern and the ids of its children, for staff who hold one of them."""
    with db.read() as s:
        problem = None
        row = s.get(ConcernRow, (actor.org_id, concern_id))
        children = concern_children(s, actor.org_id, [concern_id])[concern_id]
        if row is None:
            problem = Refusal(protocol.NOT_FOUND, "No such concern on your organisation's record.")
        elif not any(child_in_scope(actor, c) for c in children):
            problem = Refusal(
                protocol.FORBIDDEN,
                "This concern is about no child on your caseload or your team's.",
            )
        else:
            found = views(s, actor, [row], {concern_id: children})[0]
    if problem is not None:
        raise refused(db, actor, now, "read.concern", problem, record_id=concern_id)
    with db.write() as s:
        audit = AuditLog(s, now, actor)
        for c in children:
            audit.add("read.concern", record_id=concern_id, child_id=c.child_id)
        audit.flush()
    return found, [c.child_id for c in children]
