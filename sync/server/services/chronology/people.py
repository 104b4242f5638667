"""Everyone around a child (the people linked to them, their part in the child's care, whether
it is assessed, contact restrictions, and the children they are linked to in other households),
and the child's plan with the due dates the central record computes (plans.plan_answer: the
timescale rules are never worked out again here)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models.caseload import ContactRestriction, PersonLink
from sync.server.services.chronology.shapes import (
    Deadline,
    LinkedChild,
    PersonLine,
    PlanSummary,
)
from sync.server.services.chronology.words import day, label
from sync.server.services.common import Refusal
from sync.server.services.oversight import org_settings
from sync.server.services.oversight.plans import plan_answer
from sync.server.services.oversight.reads import care_views
from sync.server.tables import ChildPlanRow, ChildRow, PersonLinkRow, RestrictionRow, table_of

__all__ = ["people_of", "plan_of"]


def _overdue(days: int, unit: str) -> str:
    if days <= 0:
        return ""
    return f"{days} {unit.replace('_', ' ')} overdue"


def plan_of(s: Session, child: ChildRow, now: datetime) -> tuple[PlanSummary | None, str]:
    """The plan and its due dates, or why there are none, in words."""
    plan = s.get(ChildPlanRow, (child.org_id, child.child_id))
    if plan is None:
        return None, "No plan is set for this child yet, so the central record sets no due dates."
    try:
        answer = plan_answer(s, child, plan, org_settings(s, child.org_id), now)
    except Refusal as exc:
        return None, exc.detail
    return (
        PlanSummary(
            context=label(answer.service_context),
            rule=answer.rule_description,
            started_on=answer.started_on,
            last_seen=answer.last_seen,
            next_due=answer.next_visit_due,
            overdue=_overdue(answer.days_overdue, answer.days_overdue_unit),
            deadlines=tuple(
                Deadline(
                    d.description, d.due, d.met_on, _overdue(d.days_overdue, d.days_overdue_unit)
                )
                for d in answer.deadlines
            ),
        ),
        "",
    )


def people_of(
    s: Session, child: ChildRow, may_see: Callable[[ChildRow], bool], *, unnamed: str
) -> tuple[PersonLine, ...]:
    """The people linked to the child, in the order they were linked. Another child is named
    only when `may_see` them (else called `unnamed`); a restriction on the adult about them is
    always said."""
    org = child.org_id
    lt, rt = table_of(PersonLinkRow), table_of(RestrictionRow)
    links = [
        PersonLink.model_validate(d)
        for d in s.execute(
            sa.select(lt.c.data)
            .where(lt.c.org_id == org, lt.c.child_id == child.child_id)
            .order_by(lt.c.link_id)
        ).scalars()
    ]
    persons = sorted({link.person_id for link in links})
    if not persons:
        return ()
    restrictions = [
        ContactRestriction.model_validate(d)
        for d in s.execute(
            sa.select(rt.c.data).where(rt.c.org_id == org, rt.c.person_id.in_(persons))
        ).scalars()
    ]
    others = [
        PersonLink.model_validate(d)
        for d in s.execute(
            sa.select(lt.c.data).where(
                lt.c.org_id == org, lt.c.person_id.in_(persons), lt.c.child_id != child.child_id
            )
        ).scalars()
    ]
    wanted = sorted({o.child_id for o in others})
    rows = {
        r.child_id: r
        for r in s.exec(
            select(ChildRow).where(ChildRow.org_id == org, col(ChildRow.child_id).in_(wanted))
        )
    }

    def restriction_words(person_id: UUID, child_id: UUID) -> list[str]:
        return [
            f"{label(r.restriction_type)} ({r.source}"
            + (f", until {day(r.expires_on)})" if r.expires_on else ")")
            for r in restrictions
            if r.person_id == person_id and r.child_id == child_id
        ]

    def linked(link: PersonLink) -> LinkedChild | None:
        row = rows.get(link.child_id)
        if row is None or row.household_id == child.household_id:
            return None  # a brother or sister at home is not another household
        shown = may_see(row)
        return LinkedChild(
            child_id=row.child_id if shown else None,
            name=str(row.data.get("name", "")) if shown else unnamed,
            relationship=label(link.relationship),
            restriction="; ".join(restriction_words(link.person_id, link.child_id)),
        )

    out = []
    for view in care_views(s, org, links):
        elsewhere = [x for o in others if o.person_id == view.person_id and (x := linked(o))]
        out.append(
            PersonLine(
                person_id=view.person_id,
                name=view.name or "(no name recorded)",
                relationship=label(view.relationship),
                parental_responsibility=label(view.parental_responsibility),
                role_in_care=label(view.role_in_care),
                lives_here=view.lives_in_household,
                stays_overnight=view.stays_overnight_regularly,
                care_pattern=view.care_pattern,
                assessed=label(view.assessed),
                restrictions=tuple(restriction_words(view.person_id, child.child_id)),
                other_children=tuple(elsewhere),
            )
        )
    return tuple(out)
