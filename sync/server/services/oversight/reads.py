"""Reading the oversight: a team's flags for its manager (urgent first, then oldest first), and
one read of a child's case for whoever takes it on (flags with their history, the plan and its
due dates, the people and care arrangements, contact restrictions, open concerns).

Who may: a team's flags, only that team's manager; a child's case, the allocated worker and the
team manager. Another organisation's team or child is no such thing (not_found). Every read is
audited, ids only; a refusal too, in its own transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session

from models.caseload import ContactRestriction, PersonLink
from models.flags import FlagKind
from models.oversight import FlagStatus, Urgency
from sync import protocol
from sync.protocol_oversight import (
    CareLinkView,
    ChildOversight,
    FlagData,
    FlagEventView,
    FlagView,
    TeamFlags,
)
from sync.server.db import Database
from sync.server.services.common import Actor, AuditLog, Refusal, child_in_scope
from sync.server.services.concerns.reads import concerns_of_child, refused
from sync.server.services.oversight import plans
from sync.server.tables import (
    ChildPlanRow,
    ChildRow,
    FlagEventRow,
    FlagRow,
    PersonLinkRow,
    PersonRow,
    RestrictionRow,
    TeamRow,
    table_of,
)

__all__ = [
    "care_views",
    "child_oversight",
    "flag_view",
    "histories",
    "one_flag",
    "scoped_child",
    "team_flags",
]

_FLAG = table_of(FlagRow)
_CHILD = table_of(ChildRow)
_EVENT = table_of(FlagEventRow)
_LINK = table_of(PersonLinkRow)
_RESTRICTION = table_of(RestrictionRow)
_STATUS_ORDER = {FlagStatus.OPEN: 0, FlagStatus.CLOSED: 1, FlagStatus.CLEARED: 2}


def _rank(urgency: str) -> int:
    try:
        return -Urgency(urgency).rank  # urgent first
    except ValueError:
        return 1


def flag_view(
    row: Any, allocated_to: UUID | None, now: datetime, history: Sequence[FlagEventView] = ()
) -> FlagView:
    """A flag row (FlagRow or a selected row of its columns) as the API shows it."""
    data = FlagData.model_validate(row.data)
    age = max(0, int((now - row.since).total_seconds() // 3600))
    return FlagView(
        flag_id=row.flag_id,
        child_id=row.child_id,
        kind=FlagKind(row.kind),
        urgency=row.urgency,
        status=row.status,
        why=data.why,
        since=row.since,
        age_hours=age,
        act_by=data.act_by,
        clears=data.clears,
        allocated_to=allocated_to,
        raised_at=row.raised_at,
        updated_at=row.updated_at,
        reason=data.reason,
        due=data.due,
        visit_id=data.visit_id,
        person_id=data.person_id,
        acknowledged_by=data.acknowledged_by,
        acknowledged_at=data.acknowledged_at,
        history=list(history),
    )


def histories(s: Session, org: str, flag_ids: Iterable[UUID]) -> dict[UUID, list[FlagEventView]]:
    ids = sorted(set(flag_ids))
    out: dict[UUID, list[FlagEventView]] = {i: [] for i in ids}
    for i in range(0, len(ids), 500):
        rows = s.execute(
            sa.select(_EVENT)
            .where(_EVENT.c.org_id == org, _EVENT.c.flag_id.in_(ids[i : i + 500]))
            .order_by(_EVENT.c.event_id)
        )
        for r in rows:
            out[r.flag_id].append(
                FlagEventView(
                    action=r.action,
                    at=r.at,
                    by_practitioner_id=r.by_practitioner_id,
                    urgency=r.urgency,
                    note=r.note,
                )
            )
    return out


def _audit_reads(
    db: Database, actor: Actor, now: datetime, action: str, record_id: UUID | None,
    child_id: UUID | None, flags: Iterable[FlagView],
) -> None:  # fmt: skip
    with db.write() as s:
        audit = AuditLog(s, now, actor)
        audit.add(action, record_id=record_id, child_id=child_id)
        for f in flags:
            audit.add("flag.read", record_id=f.flag_id, child_id=f.child_id)
        audit.flush()


# --- A team's flags ------------------------------------------------------------------------------
def team_flags(
    *,
    db: Database,
    actor: Actor,
    team_id: UUID,
    now: datetime,
    status: FlagStatus = FlagStatus.OPEN,
    urgency: Urgency | None = None,
    kind: FlagKind | None = None,
    limit: int = protocol.DEFAULT_PAGE,
) -> TeamFlags:
    """The flags of a team's children, for the team's manager: urgent, high, routine, and within
    each the oldest first. Open by default; cleared or closed for the history."""
    with db.read() as s:
        team = s.get(TeamRow, team_id)
        problem = None
        if team is None or team.org_id != actor.org_id:
            problem = Refusal(protocol.NOT_FOUND, "No such team on your organisation's record.")
        elif not actor.is_manager or actor.team_id != team_id:
            problem = Refusal(
                protocol.FORBIDDEN, "Only the team's manager can see the flags of the whole team."
            )
        else:
            query = (
                sa.select(_FLAG, _CHILD.c.allocated_to)
                .join(_CHILD, _CHILD.c.child_id == _FLAG.c.child_id)
                .where(
                    _FLAG.c.org_id == actor.org_id,
                    _CHILD.c.org_id == actor.org_id,
                    _CHILD.c.team_id == team_id,
                    _FLAG.c.status == status.value,
                )
            )
            if urgency is not None:
                query = query.where(_FLAG.c.urgency == urgency.value)
            if kind is not None:
                query = query.where(_FLAG.c.kind == kind.value)
            rows = sorted(
                s.execute(query).all(), key=lambda r: (_rank(r.urgency), r.since, r.flag_id)
            )[:limit]
            found = [flag_view(r, r.allocated_to, now) for r in rows]
    if problem is not None:
        raise refused(db, actor, now, "flags.team.read", problem, record_id=team_id)
    _audit_reads(db, actor, now, "flags.team.read", team_id, None, found)
    return TeamFlags(team_id=team_id, status=status.value, flags=found)


# --- A child's case ------------------------------------------------------------------------------
def scoped_child(s: Session, actor: Actor, child_id: UUID) -> ChildRow:
    child = s.get(ChildRow, child_id)
    if child is None or child.org_id != actor.org_id:
        raise Refusal(protocol.NOT_FOUND, "No such child on your organisation's record.")
    if not child_in_scope(actor, child):
        raise Refusal(
            protocol.FORBIDDEN,
            "Only the child's allocated worker or their team manager can see or act on the "
            "child's flags and care arrangements.",
        )
    return child


def care_views(s: Session, org: str, links: Sequence[PersonLink]) -> list[CareLinkView]:
    ids = sorted({link.person_id for link in links})
    names: dict[UUID, str] = {}
    if ids:
        people = table_of(PersonRow)
        for r in s.execute(
            sa.select(people.c.person_id, people.c.data).where(
                people.c.org_id == org, people.c.person_id.in_(ids)
            )
        ):
            names[r.person_id] = str(r.data.get("name", ""))
    return [
        CareLinkView(
            person_id=link.person_id,
            name=names.get(link.person_id, ""),
            household_id=link.household_id,
            relationship=link.relationship,
            parental_responsibility=link.parental_responsibility,
            role_in_care=link.role_in_care,
            lives_in_household=link.lives_in_household,
            stays_overnight_regularly=link.stays_overnight_regularly,
            care_pattern=link.care_pattern,
            assessed=link.assessed,
            found_at_visit_id=link.found_at_visit_id,
            found_at=link.found_at,
        )
        for link in links
    ]


def child_oversight(*, db: Database, actor: Actor, child_id: UUID, now: datetime) -> ChildOversight:
    """Everything a newcomer to the case needs first, in one read."""
    with db.read() as s:
        problem = None
        try:
            child = scoped_child(s, actor, child_id)
        except Refusal as exc:
            problem = exc
        else:
            rows = list(
                s.execute(
                    sa.select(_FLAG).where(
                        _FLAG.c.org_id == actor.org_id, _FLAG.c.child_id == child_id
                    )
                )
            )
            rows.sort(
                key=lambda r: (
                    _STATUS_ORDER.get(FlagStatus(r.status), 3), _rank(r.urgency), r.since,
                    r.flag_id,
                )
            )  # fmt: skip
            history = histories(s, actor.org_id, [r.flag_id for r in rows])
            flags = [flag_view(r, child.allocated_to, now, history[r.flag_id]) for r in rows]
            links = [
                PersonLink.model_validate(d)
                for d in s.execute(
                    sa.select(_LINK.c.data)
                    .where(_LINK.c.org_id == actor.org_id, _LINK.c.child_id == child_id)
                    .order_by(_LINK.c.link_id)
                ).scalars()
            ]
            people = care_views(s, actor.org_id, links)
            restrictions = [
                ContactRestriction.model_validate(d)
                for d in s.execute(
                    sa.select(_RESTRICTION.c.data).where(
                        _RESTRICTION.c.org_id == actor.org_id, _RESTRICTION.c.child_id == child_id
                    )
                ).scalars()
            ]
            has_plan = s.get(ChildPlanRow, (actor.org_id, child_id)) is not None
            allocated_to, team_id = child.allocated_to, child.team_id
    if problem is not None:
        raise refused(db, actor, now, "oversight.read", problem, child_id=child_id)
    plan = plans.child_plan(db=db, actor=actor, child_id=child_id, now=now) if has_plan else None
    concerns = [
        c for c in concerns_of_child(db=db, actor=actor, child_id=child_id, now=now) if c.open
    ]
    _audit_reads(db, actor, now, "oversight.read", child_id, child_id, flags)
    return ChildOversight(
        child_id=child_id,
        allocated_to=allocated_to,
        team_id=team_id,
        flags=flags,
        plan=plan,
        people=people,
        restrictions=restrictions,
        open_concerns=concerns,
    )


def one_flag(*, db: Database, actor: Actor, flag_id: UUID, now: datetime) -> FlagView:
    """One flag with its history, for whoever may act on it (the console's flag page)."""
    with db.read() as s:
        problem = None
        row = s.get(FlagRow, (actor.org_id, flag_id))
        if row is None:
            problem = Refusal(protocol.NOT_FOUND, "No such flag on your organisation's record.")
        else:
            try:
                child = scoped_child(s, actor, row.child_id)
            except Refusal as exc:
                problem = exc
            else:
                view = flag_view(
                    row, child.allocated_to, now, histories(s, actor.org_id, [flag_id])[flag_id]
                )
    if problem is not None:
        raise refused(db, actor, now, "flag.read", problem, record_id=flag_id)
    _audit_reads(db, actor, now, "flag.read.one", flag_id, view.child_id, [view])
    return view
