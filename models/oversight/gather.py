"""Gather the facts of children from the caseload's own shapes and the visits (latest revisions):
how a device, offline, makes its estimate from what it holds. The central record reads the same
facts from its tables (sync/server/services/oversight/facts.py); a property test holds the two to
the same answer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from uuid import UUID

from models.caseload import Child, ContactRestriction
from models.concern import ConcernReceived
from models.enums import AssessedStatus, CarerRole
from models.oversight.facts import (
    ChildPlan,
    ChildRecord,
    ConcernFact,
    Decision,
    Link,
    Restriction,
    contacts_of,
    sightings_of,
)
from models.visit import Visit

__all__ = ["gather"]


def gather(
    *,
    children: Iterable[Child],
    visits: Iterable[Visit],
    restrictions: Iterable[ContactRestriction] = (),
    plans: Mapping[UUID, ChildPlan] | None = None,
    decisions: Mapping[UUID, Iterable[Decision]] | None = None,
    concerns: Iterable[ConcernReceived] = (),
) -> dict[UUID, ChildRecord]:
    """The facts of each child in `children`; `visits` are the submitted ones (drafts are not yet
    facts), and where a visit comes in several revisions the latest holds."""
    latest: dict[UUID, Visit] = {}
    for v in visits:
        if v.visit_id not in latest or v.revision >= latest[v.visit_id].revision:
            latest[v.visit_id] = v
    contacts = [c for v in latest.values() for c in contacts_of(v)]
    sightings = [x for v in latest.values() for x in sightings_of(v)]
    held = [
        Restriction(r.restriction_id, r.person_id, r.child_id, r.restriction_type, r.expires_on)
        for r in restrictions
    ]
    out: dict[UUID, ChildRecord] = {}
    for child in children:
        cid = child.child_id
        own = [c for c in contacts if c.child_id == cid]
        visits_of = {c.visit_id for c in own}
        linked = {link.person_id for link in child.links}
        linked |= {r.person_id for r in held if r.child_id == cid}
        seen_here = [x for x in sightings if x.person_id in linked or x.visit_id in visits_of]
        at_own = {x.person_id for x in seen_here if x.visit_id in visits_of}
        plan = (plans or {}).get(cid)
        if plan is None and child.context_started_on is not None:
            plan = ChildPlan(child.service_context, child.service_context, child.context_started_on)
        out[cid] = ChildRecord(
            child_id=cid,
            plan=plan,
            date_of_birth=child.date_of_birth,
            households=frozenset({child.household_id} if child.household_id else set()),
            contacts=tuple(own),
            sightings=tuple(seen_here),
            links=tuple(
                Link(
                    person_id=link.person_id,
                    caring=link.role_in_care != CarerRole.NONE
                    or link.lives_in_household
                    or link.stays_overnight_regularly,
                    assessed=link.assessed == AssessedStatus.ASSESSED,
                    found_at=getattr(link, "found_at", None),
                )
                for link in child.links
            ),
            restrictions=tuple(r for r in held if r.child_id == cid or r.person_id in at_own),
            decisions=tuple((decisions or {}).get(cid, ())),
            concerns=tuple(
                ConcernFact(q.concern_id, q.received_at, q.acknowledgement is not None)
                for q in concerns
                if cid in q.children_concerned and q.received_at is not None
            ),
        )
    return out
