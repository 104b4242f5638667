"""The buttons on visit pages: someone on record is here, a new adult, a concern."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from models.concern import ConcernReceived
from models.enums import CarerRole, Relationship
from models.ids import new_id
from models.visit import CareArrangement, PersonPresent, RelationshipToChild, Visit

if TYPE_CHECKING:
    from mobile.services.visits import KnownPerson

__all__ = ["apply_action", "person_from_known"]


def apply_action(visit: Visit, known_people: list[KnownPerson], action: str) -> None:
    """A page's button (add_known.<id>, add_new, remove_person.<n>, add_concern...) on `visit`."""
    name, _, arg = action.partition(".")
    if name == "add_known":
        known = next((k for k in known_people if str(k.person_id) == arg), None)
        if known is not None and visit.person(UUID(arg)) is None:
            person, arrangements = person_from_known(known, visit)
            visit.persons_present = [*visit.persons_present, person]
            visit.care_arrangements = [*visit.care_arrangements, *arrangements]
    elif name == "add_new":
        visit.persons_present = [
            *visit.persons_present,
            PersonPresent(
                person_id=new_id(),
                is_new=True,
                relationships=[
                    RelationshipToChild(child_id=c.child_id, relationship=Relationship.UNKNOWN)
                    for c in visit.children
                ],
            ),
        ]
    elif name == "remove_person":
        gone = visit.persons_present[int(arg)]
        visit.persons_present = [p for p in visit.persons_present if p is not gone]
        visit.care_arrangements = [
            a for a in visit.care_arrangements if a.carer_person_id != gone.person_id
        ]
    elif name == "add_concern":
        visit.concerns_received = [
            *visit.concerns_received,
            ConcernReceived(
                concern_id=new_id(),
                received_at=visit.started_at or visit.created_on_device_at,
                received_by=visit.practitioner_id,
                children_concerned=[c.child_id for c in visit.children],
            ),
        ]
    elif name == "remove_concern":
        gone_concern = visit.concerns_received[int(arg)]
        visit.concerns_received = [c for c in visit.concerns_received if c is not gone_concern]
    else:
        raise ValueError(f"unknown action {name}")


def person_from_known(
    known: KnownPerson, visit: Visit
) -> tuple[PersonPresent, list[CareArrangement]]:
    """A person on record, now present (mobile.services.visits.KnownPerson): what the caseload
    says of them is the starting answer, to be confirmed or corrected on the doorstep."""
    in_visit = [c.child_id for c in visit.children]
    relationships = [
        RelationshipToChild(
            child_id=r.child_id,
            relationship=r.relationship,
            parental_responsibility=r.parental_responsibility,
        )
        for r in known.relationships
        if r.child_id in in_visit
    ]
    linked = {r.child_id for r in relationships}
    relationships += [
        RelationshipToChild(child_id=c, relationship=Relationship.UNKNOWN)
        for c in in_visit
        if c not in linked
    ]
    person = PersonPresent(
        person_id=known.person_id,
        name=known.name,
        relationships=relationships,
        lives_in_household=known.lives_in_household,
        stays_overnight_regularly=known.stays_overnight_regularly,
        role_in_care=known.role_in_care,
    )
    cares = known.role_in_care not in (None, CarerRole.NONE)
    arrangements = [
        CareArrangement(
            child_id=child_id,
            carer_person_id=known.person_id,
            pattern=known.care_pattern or "",
            assessed=known.assessed,
        )
        for child_id in linked
        if cares or known.stays_overnight_regularly
    ]
    return person, arrangements
