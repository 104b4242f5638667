"""Whom a console user may see and act on, in one place: who they are to the services (an Actor
with no device: a manager's scope is their team, a duty worker's the organisation,
services.common.child_in_scope is the one rule), the same scope as a WHERE clause for the pages
that list many children (and the team's devices), and the audit of every child a page shows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session, col, select

from sync import protocol
from sync.server.console.sessions import Staff
from sync.server.db import Database
from sync.server.services.common import Actor, AuditLog, Refusal, StaffRole, child_in_scope
from sync.server.services.concerns.reads import refused
from sync.server.services.oversight.reads import scoped_child
from sync.server.tables import ChildRow, PractitionerRow, table_of

OUTSIDE = (
    "This child is not on your team's caseload, so you cannot act on their record. Ask the "
    "child's team manager or the duty worker."
)

__all__ = [
    "OUTSIDE",
    "ChildChoice",
    "actor_of",
    "audit_shown",
    "child_names",
    "children_in_scope",
    "names_of",
    "refuse_outside",
    "scope_of",
    "team_scope",
]


def actor_of(staff: Staff) -> Actor:
    return Actor(
        device_id=None,
        practitioner_id=staff.practitioner_id,
        org_id=staff.org_id,
        role=staff.role,
        team_id=staff.team_id,
        scope_version=0,
    )


@dataclass(frozen=True)
class ChildChoice:
    child_id: UUID
    name: str


def children_in_scope(db: Database, staff: Staff, *, now: datetime) -> list[ChildChoice]:
    """The children the person may act on (child_in_scope decides), by name; each one listed
    is audited."""
    actor = actor_of(staff)
    query = select(ChildRow).where(ChildRow.org_id == staff.org_id)
    if staff.role != StaffRole.DUTY:
        query = query.where(
            sa.or_(
                col(ChildRow.team_id) == staff.team_id,
                col(ChildRow.allocated_to) == staff.practitioner_id,
            )
        )
    with db.write() as s:
        rows = [c for c in s.exec(query) if child_in_scope(actor, c)]
        audit = AuditLog(s, now, actor)
        for r in rows:
            audit.add("console.children_listed", child_id=r.child_id)
        audit.flush()
        found = [ChildChoice(r.child_id, str((r.data or {}).get("name", "")) or "(no name)")
                 for r in rows]  # fmt: skip
    return sorted(found, key=lambda c: (c.name.casefold(), c.child_id))


def refuse_outside(
    db: Database, staff: Staff, child_ids: Iterable[UUID], *, now: datetime, action: str
) -> Refusal | None:
    """The refusal (audited) when any of these children is not the person's to act on."""
    actor = actor_of(staff)
    for child_id in sorted(set(child_ids)):
        try:
            with db.read() as s:
                scoped_child(s, actor, child_id)  # the one check: organisation, then scope
        except Refusal as exc:
            if exc.code == protocol.FORBIDDEN:
                exc = Refusal(exc.code, OUTSIDE)
            return refused(db, actor, now, action, exc, child_id=child_id)
    return None


def child_names(db: Database, staff: Staff, ids: Iterable[UUID | None]) -> dict[UUID, str]:
    """The names of those of these children the person may see, for a page whose own read is
    audited (a flag's, a concern's, the queue's); a child outside their scope goes unnamed."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    actor = actor_of(staff)
    with db.read() as s:
        rows = s.exec(select(ChildRow).where(col(ChildRow.child_id).in_(wanted))).all()
        return {
            c.child_id: str((c.data or {}).get("name", "")) or "(no name)"
            for c in rows
            if child_in_scope(actor, c)
        }


def names_of(db: Database, org_id: str, ids: Iterable[UUID | None]) -> dict[UUID, str]:
    """Practitioners' display names, for "who did this" in a history."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    t = table_of(PractitionerRow)
    with db.read() as s:
        rows = s.execute(
            sa.select(t.c.practitioner_id, t.c.display_name).where(
                t.c.org_id == org_id, t.c.practitioner_id.in_(wanted)
            )
        ).all()
    return {r.practitioner_id: r.display_name for r in rows}


def team_scope(staff: Staff) -> tuple[bool, Any]:
    """(whether the person has a console scope at all, the team to keep to: None for the whole
    organisation)."""
    if staff.role == StaffRole.MANAGER and staff.team_id is not None:
        return True, staff.team_id
    if staff.role == StaffRole.DUTY:
        return True, None
    return False, None


def scope_of(staff: Staff, org_column: Any, team_column: Any) -> sa.ColumnElement[bool]:
    """A WHERE clause keeping rows (children, or practitioners for their devices) to the
    person's scope: their organisation, and their team for a manager; false for anyone else."""
    allowed, team = team_scope(staff)
    if not allowed:
        return sa.false()
    clause: sa.ColumnElement[bool] = org_column == staff.org_id
    if team is not None:
        clause = sa.and_(clause, team_column == team)
    return clause


def audit_shown(
    s: Session, staff: Staff, now: datetime, action: str, child_ids: Iterable[UUID]
) -> None:
    """One audit row per child a page shows this person, in the transaction that read them."""
    audit = AuditLog(s, now)
    for child_id in sorted(set(child_ids)):
        audit.add(
            action, child_id=child_id, org_id=staff.org_id, practitioner_id=staff.practitioner_id
        )
    audit.flush()
