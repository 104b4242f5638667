"""A child's history on this device, newest first, and the contact restrictions that touch them.

The history: every visit this device holds for the child (drafts, submitted, amended) with whether
the child was seen and whether it still waits for the central record; and the central record's
last visit and last sighting when a colleague made them. Reads only, inside the caller's `with uow`.

The restrictions: those on the child, and those on any adult linked to the child about another
child (the father with supervised-only contact elsewhere: the link the review says nobody made).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from mobile.services.reads import submitted_visits
from mobile.store.unit_of_work import UnitOfWork
from models.caseload import Child, ContactRestriction, SeenData
from models.enums import ReasonNotSeen, RecordStatus, VisitOutcome, YesNo

__all__ = ["HistoryEntry", "chronology", "restrictions_touching"]


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    visit_id: UUID | None  # None: known only from the central record
    status: RecordStatus | None  # None: from the central record
    seen: YesNo | None = None
    seen_alone: YesNo | None = None
    reason_not_seen: ReasonNotSeen | None = None
    outcome: VisitOutcome | None = None
    by_me: bool = True
    waiting: bool = False  # not yet acknowledged by the central record
    colleague_seen: bool = False  # the central record's last sighting (a colleague's visit)


def chronology(uow: UnitOfWork, child_id: UUID, *, practitioner_id: UUID) -> list[HistoryEntry]:
    waiting = uow.outbox.unsynced_visit_ids()
    visits = list(submitted_visits(uow, child_id=child_id))
    visits += [v for v in uow.visits.drafts() if any(c.child_id == child_id for c in v.children)]
    out: list[HistoryEntry] = []
    for visit in visits:
        child = next(c for c in visit.children if c.child_id == child_id)
        out.append(
            HistoryEntry(
                at=visit.started_at or visit.created_on_device_at,
                visit_id=visit.visit_id,
                status=visit.status,
                seen=child.child_seen,
                seen_alone=child.seen_alone,
                reason_not_seen=child.reason_not_seen,
                outcome=visit.visit_outcome,
                by_me=visit.practitioner_id == practitioner_id,
                waiting=visit.visit_id in waiting or visit.status == RecordStatus.DRAFT,
            )
        )
    out += _from_central_record(uow, child_id, {v.visit_id for v in visits})
    return sorted(out, key=lambda e: e.at, reverse=True)


def _from_central_record(uow: UnitOfWork, child_id: UUID, held: set[UUID]) -> list[HistoryEntry]:
    """Visits the device does not hold (a colleague's): the central record's last two facts."""
    seen = next((s for s in uow.caseload.rows("seen", SeenData) if s.child_id == child_id), None)
    if seen is None:
        return []
    out = []
    if seen.last_seen_at and seen.last_seen_visit_id not in held:
        out.append(
            HistoryEntry(
                seen.last_seen_at, seen.last_seen_visit_id, None, YesNo.YES, by_me=False,
                colleague_seen=True,
            )
        )  # fmt: skip
    other = seen.last_visit_id not in held and seen.last_visit_id != seen.last_seen_visit_id
    if seen.last_visit_at and other:
        out.append(HistoryEntry(seen.last_visit_at, seen.last_visit_id, None, by_me=False))
    return out


def restrictions_touching(uow: UnitOfWork, child: Child) -> list[ContactRestriction]:
    """On this child, or on an adult linked to this child (about any child)."""
    people = {link.person_id for link in child.links}
    found = [
        r
        for r in uow.caseload.rows("restriction", ContactRestriction)
        if r.child_id == child.child_id or r.person_id in people
    ]
    return sorted(found, key=lambda r: (r.child_id != child.child_id, str(r.person_id)))
