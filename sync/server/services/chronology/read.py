"""Reading a child's chronology for a console user, and the export of it.

Who may: a manager, their team's children; a duty worker, the organisation's. Another
organisation's child, or no such child, is not_found; another team's, forbidden. Every read,
every export and every refusal is audited (ids and codes only: the purpose of an export is its
code in the action, never the words typed with it).

A confidential reporter's identity: on the page, only to a manager of the child's team (the
allocated worker's manager, as concerns/reads.py allows); in an export, never. Nor, in an
export, the names of children in other households an adult is linked to (their restrictions
are said).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from enum import StrEnum
from uuid import UUID

import sqlalchemy as sa

from sync import protocol
from sync.server.db import Database
from sync.server.services.chronology.entries import child_entries
from sync.server.services.chronology.people import people_of, plan_of
from sync.server.services.chronology.shapes import Chronology, EntryKind, Viewer
from sync.server.services.common import AuditLog, Refusal, StaffRole
from sync.server.tables import ChildRow, PractitionerRow, TeamRow, table_of

__all__ = ["ExportPurpose", "child_chronology", "export_chronology", "may_see"]


class ExportPurpose(StrEnum):
    SUBJECT_ACCESS = "subject_access"
    COURT_BUNDLE = "court_bundle"
    OTHER = "other"

    @property
    def words(self) -> str:
        return {
            ExportPurpose.SUBJECT_ACCESS: "A subject access request",
            ExportPurpose.COURT_BUNDLE: "A court bundle",
            ExportPurpose.OTHER: "Another reason",
        }[self]


def may_see(viewer: Viewer, child: ChildRow) -> bool:
    """The console's scope: a duty worker the organisation's children, a manager their team's."""
    if child.org_id != viewer.org_id:
        return False
    if viewer.role == StaffRole.DUTY:
        return True
    return (
        viewer.role == StaffRole.MANAGER
        and viewer.team_id is not None
        and child.team_id == viewer.team_id
    )


def _audit(db: Database, viewer: Viewer, now: datetime, action: str, child_id: UUID, outcome: str) -> None:  # fmt: skip
    with db.write() as s:
        audit = AuditLog(s, now)
        audit.add(
            action,
            child_id=child_id,
            outcome=outcome,
            org_id=viewer.org_id,
            practitioner_id=viewer.practitioner_id,
        )
        audit.flush()


def _read(
    db: Database, viewer: Viewer, child_id: UUID, kinds: Collection[EntryKind], now: datetime,
    *, redact_all: bool,
) -> Chronology:  # fmt: skip
    with db.read() as s:
        child = s.get(ChildRow, child_id)
        if child is None or child.org_id != viewer.org_id:
            raise Refusal(protocol.NOT_FOUND, "There is no such child on your organisation's record.")  # fmt: skip
        if not may_see(viewer, child):
            raise Refusal(
                protocol.FORBIDDEN,
                "This child is not on your team's caseload, so their record is not shown to you. "
                "If you need to see it, ask the child's team manager or the duty worker.",
            )
        p = table_of(PractitionerRow)
        names = {
            r.practitioner_id: r.display_name
            for r in s.execute(sa.select(p.c.practitioner_id, p.c.display_name).where(p.c.org_id == viewer.org_id))
        }  # fmt: skip
        # A manager of the child's own team may see a confidential reporter; nobody else here.
        reveal = not redact_all and viewer.role == StaffRole.MANAGER and child.team_id == viewer.team_id  # fmt: skip
        entries = child_entries(s, viewer.org_id, child_id, names, lambda _row: reveal)
        plan, problem = plan_of(s, child, now)
        team = s.get(TeamRow, child.team_id) if child.team_id else None
        birth = child.data.get("date_of_birth")
        if redact_all:  # another household's child is a third party to this child's record
            people = people_of(s, child, lambda _other: False, unnamed="Another child (not named in an export)")  # fmt: skip
        else:
            people = people_of(s, child, lambda other: may_see(viewer, other), unnamed="A child held by another team")  # fmt: skip
        counts = {k: sum(1 for e in entries if e.kind == k) for k in EntryKind}
        wanted = tuple(k for k in EntryKind if k in kinds) or tuple(EntryKind)
        return Chronology(
            child_id=child_id,
            name=str(child.data.get("name", "")) or "(no name recorded)",
            date_of_birth=datetime.fromisoformat(birth).date() if isinstance(birth, str) else None,
            allocated_to=names.get(child.allocated_to, "") if child.allocated_to else "",
            team=team.name if team else "",
            last_seen_at=child.last_seen_at,
            plan=plan,
            plan_problem=problem,
            people=people,
            entries=tuple(e for e in entries if e.kind in wanted),
            kinds=wanted,
            counts=counts,
        )


def child_chronology(
    *,
    db: Database,
    viewer: Viewer,
    child_id: UUID,
    kinds: Collection[EntryKind] = (),
    now: datetime,
) -> Chronology:
    """The child's page: newest first, only `kinds` (every kind when empty). Audited."""
    return _audited(db, viewer, child_id, kinds, now, "console.child.read", redact_all=False)


def export_chronology(
    *, db: Database, viewer: Viewer, child_id: UUID, purpose: ExportPurpose, now: datetime
) -> Chronology:
    """The whole chronology for an export, every confidential reporter redacted. Audited with
    who (the viewer), why (the purpose's code) and when."""
    action = f"console.child.export.{purpose.value}"
    return _audited(db, viewer, child_id, (), now, action, redact_all=True)


def _audited(
    db: Database, viewer: Viewer, child_id: UUID, kinds: Collection[EntryKind], now: datetime,
    action: str, *, redact_all: bool,
) -> Chronology:  # fmt: skip
    try:
        found = _read(db, viewer, child_id, kinds, now, redact_all=redact_all)
    except Refusal as exc:
        _audit(db, viewer, now, action, child_id, exc.code)
        raise
    _audit(db, viewer, now, action, child_id, "ok")
    return found
