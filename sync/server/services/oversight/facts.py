"""Read the oversight facts (models.oversight.ChildRecord) of some children of one organisation:
one query per kind of row for all of them, so a push and the sweep cost the same per child."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session

from models.enums import AssessedStatus, CarerRole
from models.oversight import (
    ChildPlan,
    ChildRecord,
    ConcernFact,
    Contact,
    Decision,
    DecisionKind,
    Link,
    Restriction,
    Sighting,
    SightingRole,
    sightings_of,
)
from models.visit import Visit
from sync.server.tables import (
    ChildPlanRow,
    ChildRow,
    ConcernChildRow,
    ConcernRow,
    ContactRow,
    DecisionRow,
    PersonLinkRow,
    RestrictionRow,
    SightingRow,
    table_of,
)

__all__ = ["child_records", "children_of_adults"]

_CHUNK = 500  # ids per IN (...) list


def _chunks(ids: list[UUID]) -> list[list[UUID]]:
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)] or [[]]


def _rows(s: Session, table: sa.Table, org: str, column: str, ids: list[UUID]) -> list[Any]:
    out: list[Any] = []
    for part in _chunks(ids):
        if part:
            out += s.execute(
                sa.select(table).where(table.c.org_id == org, table.c[column].in_(part))
            ).all()
    return out


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _time(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def child_records(s: Session, org: str, child_ids: Collection[UUID]) -> dict[UUID, ChildRecord]:
    """The facts of each of these children (those the organisation holds)."""
    ids = sorted(set(child_ids))
    children = {r.child_id: r for r in _rows(s, table_of(ChildRow), org, "child_id", ids)}
    ids = sorted(children)
    plans = {r.child_id: r for r in _rows(s, table_of(ChildPlanRow), org, "child_id", ids)}
    contacts: dict[UUID, list[Contact]] = {}
    for r in _rows(s, table_of(ContactRow), org, "child_id", ids):
        contacts.setdefault(r.child_id, []).append(
            Contact(
                r.visit_id,
                r.child_id,
                r.at,
                r.face_to_face,
                r.seen,
                r.seen_alone,
                r.prevented_alone,
                r.reason_not_seen,
                r.concern_now,
                r.awake,
                r.see_awake_by,
            )
        )
    links: dict[UUID, list[Link]] = {}
    for r in _rows(s, table_of(PersonLinkRow), org, "child_id", ids):
        d = r.data
        caring = (
            d.get("role_in_care", CarerRole.NONE) != CarerRole.NONE
            or bool(d.get("lives_in_household"))
            or bool(d.get("stays_overnight_regularly"))
        )
        links.setdefault(r.child_id, []).append(
            Link(
                person_id=r.person_id,
                caring=caring,
                assessed=d.get("assessed") == AssessedStatus.ASSESSED,
                found_at=_time(d.get("found_at")),
            )
        )
    own_visits = sorted({c.visit_id for cs in contacts.values() for c in cs})
    at_own = _rows(s, table_of(SightingRow), org, "visit_id", own_visits)
    people = {r.person_id for r in at_own} | {x.person_id for ls in links.values() for x in ls}
    by_child = _rows(s, table_of(RestrictionRow), org, "child_id", ids)
    by_person = _rows(s, table_of(RestrictionRow), org, "person_id", sorted(people))
    restriction_rows = {r.restriction_id: r for r in [*by_child, *by_person]}
    people |= {r.person_id for r in by_child}
    sighting_rows = {(r.visit_id, r.person_id): r for r in at_own}
    for r in _rows(s, table_of(SightingRow), org, "person_id", sorted(people)):
        sighting_rows[(r.visit_id, r.person_id)] = r
    sightings = [
        Sighting(
            r.visit_id,
            r.person_id,
            r.at,
            SightingRole(r.role),
            r.household_id,
            frozenset(UUID(c) for c in r.child_ids),
        )
        for r in sighting_rows.values()
    ]
    decisions: dict[UUID, list[Decision]] = {}
    for r in _rows(s, table_of(DecisionRow), org, "child_id", ids):
        decisions.setdefault(r.child_id, []).append(
            Decision(r.decision_id, DecisionKind(r.kind), r.made_on, r.reason)
        )
    concerns = _concerns(s, org, ids)
    # Indexes by position (so each child's sightings and restrictions keep the order above):
    # a child's share is looked up, never found by scanning everyone's (a sweep is not quadratic).
    sighted_by: dict[UUID, list[int]] = {}
    sighted_at: dict[UUID, list[int]] = {}
    for i, x in enumerate(sightings):
        sighted_by.setdefault(x.person_id, []).append(i)
        sighted_at.setdefault(x.visit_id, []).append(i)
    restrictions = list(restriction_rows.values())
    restricting: dict[UUID, list[int]] = {}  # by child
    restricted: dict[UUID, list[int]] = {}  # by person
    for i, r in enumerate(restrictions):
        restricting.setdefault(r.child_id, []).append(i)
        restricted.setdefault(r.person_id, []).append(i)
    out: dict[UUID, ChildRecord] = {}
    for child_id, row in children.items():
        data = row.data
        plan_row = plans.get(child_id)
        plan: ChildPlan | None = None
        homes = {row.household_id} if row.household_id else set()
        if plan_row is not None:
            plan = ChildPlan(plan_row.service_context, plan_row.rule, plan_row.context_started_on)
            homes |= {UUID(h["household_id"]) for h in plan_row.households}
        elif _day(data.get("context_started_on")) is not None:
            context = str(data["service_context"])
            plan = ChildPlan(context, context, _day(data["context_started_on"]))  # type: ignore[arg-type]
        own = contacts.get(child_id, [])
        mine = {x.person_id for x in links.get(child_id, [])}
        visits = {c.visit_id for c in own}
        mine |= {restrictions[i].person_id for i in restricting.get(child_id, [])}
        at_visits = {i for v in visits for i in sighted_at.get(v, [])}
        seen_there = {sightings[i].person_id for i in at_visits}
        theirs = at_visits | {i for p in mine for i in sighted_by.get(p, [])}
        held = set(restricting.get(child_id, []))
        held |= {i for p in seen_there for i in restricted.get(p, [])}
        out[child_id] = ChildRecord(
            child_id=child_id,
            plan=plan,
            date_of_birth=_day(data.get("date_of_birth")),
            households=frozenset(homes),
            contacts=tuple(own),
            sightings=tuple(sightings[i] for i in sorted(theirs)),
            links=tuple(links.get(child_id, [])),
            restrictions=tuple(
                Restriction(
                    r.restriction_id,
                    r.person_id,
                    r.child_id,
                    str(r.data.get("restriction_type", "")),
                    _day(r.data.get("expires_on")),
                )
                for r in (restrictions[i] for i in sorted(held))
            ),
            decisions=tuple(decisions.get(child_id, [])),
            concerns=tuple(concerns.get(child_id, [])),
        )
    return out


def _concerns(s: Session, org: str, ids: list[UUID]) -> dict[UUID, list[ConcernFact]]:
    cc, q = table_of(ConcernChildRow).c, table_of(ConcernRow).c
    out: dict[UUID, list[ConcernFact]] = {}
    for part in _chunks(ids):
        if not part:
            continue
        rows = s.execute(
            sa.select(cc.child_id, q.concern_id, q.received_at, q.acknowledged_at, q.data)
            .join(
                table_of(ConcernRow), sa.and_(q.org_id == cc.org_id, q.concern_id == cc.concern_id)
            )
            .where(cc.org_id == org, cc.child_id.in_(part))
        ).all()
        for r in rows:
            received = r.received_at or _time(r.data.get("received_at"))
            if received is None:
                continue  # no time to count from: the concern is shown, never flagged late
            out.setdefault(r.child_id, []).append(
                ConcernFact(r.concern_id, received, r.acknowledged_at is not None)
            )
    return out


def children_of_adults(s: Session, org: str, visits: Iterable[Visit]) -> set[UUID]:
    """Every child linked to, or protected by a restriction from, an adult recorded at these
    visits: the children a linked family's alert goes to."""
    people = sorted({x.person_id for v in visits for x in sightings_of(v)})
    found: set[UUID] = set()
    for table in (table_of(PersonLinkRow), table_of(RestrictionRow)):
        for part in _chunks(people):
            if part:
                found |= set(
                    s.execute(
                        sa.select(table.c.child_id).where(
                            table.c.org_id == org, table.c.person_id.in_(part)
                        )
                    ).scalars()
                )
    return found
