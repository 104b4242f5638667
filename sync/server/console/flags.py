"""The open flags a console user may see: a manager their team's, a duty worker the
organisation's. A small query here for now: it moves to team_flags in
sync/server/services/oversight/reads.py (GET /v1/teams/{team}/flags) once that read takes a
console caller (today it takes a device's Actor, with a device id). Every child it shows is
audited in the same transaction as the read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import sqlalchemy as sa

from models.flags import FlagKind
from models.oversight.shapes import Urgency
from sync.server.console.scope import audit_shown, scope_of
from sync.server.console.sessions import Staff
from sync.server.db import Database
from sync.server.services.chronology.words import code_label
from sync.server.tables import ChildRow, FlagRow, table_of

__all__ = ["FlagLine", "describe", "open_flags"]


def describe(kind: str) -> str:
    """What a flag of this kind says, in words."""
    return code_label(FlagKind, kind)


@dataclass(frozen=True)
class FlagLine:
    flag_id: UUID
    child_id: UUID
    child_name: str
    what: str
    kind: str
    urgency: str
    since: datetime


def _rank(urgency: str) -> int:
    try:
        return Urgency(urgency).rank
    except ValueError:
        return -1


def open_flags(db: Database, staff: Staff, *, now: datetime) -> list[FlagLine]:
    """Most urgent first, then the oldest; nothing when the person has no console scope."""
    flag, child = table_of(FlagRow), table_of(ChildRow)
    query = (
        sa.select(
            flag.c.flag_id, flag.c.child_id, flag.c.kind, flag.c.urgency, flag.c.since, child.c.data
        )
        .join(child, child.c.child_id == flag.c.child_id)
        .where(
            flag.c.org_id == staff.org_id,
            flag.c.status == "open",
            scope_of(staff, child.c.org_id, child.c.team_id),
        )
    )
    with db.write() as s:
        rows = s.execute(query).all()
        audit_shown(s, staff, now, "console.flags_viewed", (r.child_id for r in rows))
    lines = [
        FlagLine(
            flag_id=r.flag_id,
            child_id=r.child_id,
            child_name=str((r.data or {}).get("name", "")) or "(no name)",
            what=describe(r.kind),
            kind=r.kind,
            urgency=r.urgency,
            since=r.since,
        )
        for r in rows
    ]
    return sorted(lines, key=lambda f: (-_rank(f.urgency), f.since))
