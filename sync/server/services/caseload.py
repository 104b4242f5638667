"""Caseload reference data: loading it, allocating children, and the change rows a device needs.

When a child is allocated to a practitioner, that practitioner (and their team's managers) get the
child's whole picture as change rows: the child with links, the household, the linked adults, any
contact restriction on those adults (also on children in other households: that is how a device
notices a restricted adult caring for another child), when the child was last seen, and open
concerns. When a child leaves a caseload, the old holder gets a tombstone and purges the child.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models.caseload import Child, ContactRestriction, Household, Person
from models.concern import ConcernReceived
from sync import protocol
from sync.protocol import ChangeKind, SeenData
from sync.server.db import Database, insert_rows
from sync.server.services.common import AuditLog, ChangeDraft, ChildLike, OrgLog, Refusal
from sync.server.tables import (
    AllocationRow,
    ChildRow,
    ConcernChildRow,
    ConcernRow,
    HouseholdRow,
    PersonLinkRow,
    PersonRow,
    PractitionerRow,
    RestrictionRow,
    table_of,
)

__all__ = [
    "allocate_child",
    "child_snapshot",
    "load_caseload",
    "seen_data",
]


def _dump(shape: Any) -> dict[str, Any]:
    data: dict[str, Any] = shape.model_dump(mode="json")
    return data


def seen_data(child: ChildLike) -> dict[str, Any]:
    return _dump(
        SeenData(
            child_id=child.child_id,
            last_visit_at=child.last_visit_at,
            last_visit_id=child.last_visit_id,
            last_seen_at=child.last_seen_at,
            last_seen_visit_id=child.last_seen_visit_id,
            next_visit_due=child.next_visit_due,
        )
    )


def child_shape(session: Session, child: ChildRow) -> Child:
    links = session.exec(select(PersonLinkRow).where(PersonLinkRow.child_id == child.child_id))
    data = dict(child.data)
    data["allocated_to"] = str(child.allocated_to) if child.allocated_to else None
    data["links"] = [link.data for link in links]
    return Child.model_validate(data)


def child_snapshot(
    session: Session, child: ChildRow, *, practitioner_id: UUID | None, team_id: UUID | None
) -> list[ChangeDraft]:
    """Every row a device needs for `child`, addressed to the given audience."""

    def draft(kind: ChangeKind, entity_id: UUID, data: dict[str, Any]) -> ChangeDraft:
        return ChangeDraft(kind, entity_id, data, child.child_id, False, practitioner_id, team_id)

    shape = child_shape(session, child)
    drafts = [draft(ChangeKind.CHILD, child.child_id, _dump(shape))]
    if child.household_id is not None:
        household = session.get(HouseholdRow, child.household_id)
        if household is not None:
            drafts.append(draft(ChangeKind.HOUSEHOLD, household.household_id, household.data))
    person_ids = sorted({link.person_id for link in shape.links})
    if person_ids:
        for person in session.exec(select(PersonRow).where(PersonRow.person_id.in_(person_ids))):  # type: ignore[attr-defined]
            drafts.append(draft(ChangeKind.PERSON, person.person_id, person.data))
        restrictions = session.exec(
            select(RestrictionRow).where(RestrictionRow.person_id.in_(person_ids))  # type: ignore[attr-defined]
        )
        for r in restrictions:
            drafts.append(draft(ChangeKind.RESTRICTION, r.restriction_id, r.data))
    drafts.append(draft(ChangeKind.SEEN, child.child_id, seen_data(child)))
    concerns = session.exec(
        select(ConcernRow)
        .join(
            ConcernChildRow,
            sa.and_(
                col(ConcernChildRow.org_id) == col(ConcernRow.org_id),
                col(ConcernChildRow.concern_id) == col(ConcernRow.concern_id),
            ),
        )
        .where(ConcernChildRow.child_id == child.child_id)
        .where(ConcernRow.acknowledged_at.is_(None))  # type: ignore[union-attr]
    )
    for concern in concerns:
        drafts.append(draft(ChangeKind.CONCERN, concern.concern_id, concern.data))
    return drafts


def load_caseload(
    *,
    db: Database,
    org_id: str,
    households: Iterable[Household],
    people: Iterable[Person],
    children: Iterable[Child],
    restrictions: Iterable[ContactRestriction] = (),
    concerns: Iterable[ConcernReceived] = (),
    now: datetime,
) -> int:
    """Add caseload reference data (e.g. synthetic.load) and emit each allocated child's
    snapshot. Returns the number of change rows written."""
    with db.write() as s:
        log = OrgLog(s, org_id)
        audit = AuditLog(s, now)
        # insert_rows writes nothing for an empty list: an empty caseload is a no-op
        insert_rows(
            s,
            table_of(HouseholdRow),
            [
                {"household_id": h.household_id, "org_id": org_id, "data": _dump(h)}
                for h in households
            ],
        )
        insert_rows(
            s,
            table_of(PersonRow),
            [{"person_id": p.person_id, "org_id": org_id, "data": _dump(p)} for p in people],
        )
        teams: dict[UUID, UUID | None] = {}
        child_rows: list[dict[str, Any]] = []
        link_rows: list[dict[str, Any]] = []
        allocations: list[dict[str, Any]] = []
        child_list = list(children)
        for child in child_list:
            team_id = None
            if child.allocated_to is not None:
                if child.allocated_to not in teams:
                    holder = s.get(PractitionerRow, child.allocated_to)
                    if holder is None or holder.org_id != org_id:
                        raise Refusal(
                            protocol.NOT_FOUND, "A child is allocated to an unknown practitioner."
                        )
                    teams[child.allocated_to] = holder.team_id
                team_id = teams[child.allocated_to]
                allocations.append(
                    {
                        "org_id": org_id,
                        "child_id": child.child_id,
                        "practitioner_id": child.allocated_to,
                        "started_at": now,
                    }
                )
            child_rows.append(
                {
                    "child_id": child.child_id,
                    "org_id": org_id,
                    "household_id": child.household_id,
                    "allocated_to": child.allocated_to,
                    "team_id": team_id,
                    "data": child.model_dump(mode="json", exclude={"links"}),
                }
            )
            link_rows.extend(
                {
                    "org_id": org_id,
                    "person_id": link.person_id,
                    "child_id": link.child_id,
                    "data": _dump(link),
                }
                for link in child.links
            )
        insert_rows(s, table_of(ChildRow), child_rows)
        insert_rows(s, table_of(PersonLinkRow), link_rows)
        insert_rows(s, table_of(AllocationRow), allocations)
        restriction_rows = [
            {
                "restriction_id": r.restriction_id,
                "org_id": org_id,
                "person_id": r.person_id,
                "child_id": r.child_id,
                "data": _dump(r),
            }
            for r in restrictions
        ]
        insert_rows(s, table_of(RestrictionRow), restriction_rows)
        concerns_list = list(concerns)
        for concern in concerns_list:
            s.add(
                ConcernRow(
                    concern_id=concern.concern_id,
                    org_id=org_id,
                    revision=1,
                    data=_dump(concern),
                    source_record_id=concern.concern_id,
                )
            )
        s.flush()
        for concern in concerns_list:
            for child_id in dict.fromkeys(concern.children_concerned):
                s.add(
                    ConcernChildRow(org_id=org_id, concern_id=concern.concern_id, child_id=child_id)
                )
        s.flush()
        written = 0
        for child in child_list:
            row = s.get(ChildRow, child.child_id)
            assert row is not None
            if row.allocated_to is None:
                continue
            drafts = child_snapshot(s, row, practitioner_id=row.allocated_to, team_id=row.team_id)
            written += len(drafts)
            log.add(drafts)
            audit.add("caseload.load", child_id=row.child_id, org_id=org_id)
        log.flush()
        audit.flush()
        return written


def allocate_child(
    *, db: Database, child_id: UUID, practitioner_id: UUID | None, now: datetime
) -> None:
    """Move `child_id` to `practitioner_id` (None: unallocated). The old holder gets a tombstone
    (and their team, if the child leaves it); the new holder gets the child's snapshot."""
    with db.write() as s:
        child = s.get(ChildRow, child_id)
        if child is None:
            raise Refusal(protocol.NOT_FOUND, "No such child on the central record.")
        log = OrgLog(s, child.org_id)
        audit = AuditLog(s, now)
        new_team: UUID | None = None
        if practitioner_id is not None:
            holder = s.get(PractitionerRow, practitioner_id)
            if holder is None or holder.org_id != child.org_id:
                raise Refusal(protocol.NOT_FOUND, "No such practitioner in this organisation.")
            new_team = holder.team_id
        old_holder, old_team = child.allocated_to, child.team_id
        if old_holder == practitioner_id:
            return
        if old_holder is not None:
            log.add(
                [
                    ChangeDraft(
                        ChangeKind.CHILD,
                        child.child_id,
                        None,
                        child.child_id,
                        True,
                        old_holder,
                        old_team if old_team != new_team else None,
                    )
                ]
            )
            current = s.exec(
                select(AllocationRow)
                .where(AllocationRow.child_id == child_id)
                .where(AllocationRow.ended_at.is_(None))  # type: ignore[union-attr]
            ).all()
            for allocation in current:
                allocation.ended_at = now
                s.add(allocation)
        child.allocated_to, child.team_id = practitioner_id, new_team
        data = dict(child.data)
        data["allocated_to"] = str(practitioner_id) if practitioner_id else None
        child.data = data
        s.add(child)
        if practitioner_id is not None:
            s.add(
                AllocationRow(
                    org_id=child.org_id,
                    child_id=child_id,
                    practitioner_id=practitioner_id,
                    started_at=now,
                )
            )
            s.flush()
            log.add(child_snapshot(s, child, practitioner_id=practitioner_id, team_id=new_team))
        audit.add("caseload.allocate", child_id=child_id, org_id=child.org_id)
        log.flush()
        audit.flush()
