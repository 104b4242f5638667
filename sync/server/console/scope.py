"""Whom a console user may see, in one place: a manager their own team's children (and the
team's devices), a duty worker the whole organisation's; anyone else nothing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session

from sync.server.console.sessions import Staff
from sync.server.services.common import AuditLog, StaffRole

__all__ = ["audit_shown", "scope_of", "team_scope"]


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
