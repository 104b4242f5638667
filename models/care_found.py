"""Care found at a visit: the adults a visit records caring, living or staying, and the carer a
child was with, as people and links on each child's record (so no new adult stays inside one
visit body). Pure: the central record reads the links and people, calls `care_found`, writes.

A link is never weakened by a visit: relationship and parental responsibility are filled only
where unknown, the part in care, living and staying only grow, an assessment only advances, and
`found_at` is the earliest visit that recorded them (None stays None: staff entered that link).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from models.caseload import Person, PersonLink
from models.enums import AssessedStatus, CarerRole, ParentalResponsibility, Relationship
from models.visit import CareArrangement, ChildOutcome, PersonPresent, Visit

__all__ = [
    "MAX_NAME",
    "NO_NAME",
    "CareFound",
    "care_found",
    "found_carers",
    "is_caring",
    "merge_link",
    "person_id_here",
]

MAX_NAME = 200  # a person's name on the record; the visit body keeps whatever was typed
NO_NAME = "Name not recorded"
_ROLE_ORDER = (
    CarerRole.NONE,
    CarerRole.OCCASIONAL_CARER,
    CarerRole.SHARED_CARER,
    CarerRole.PRIMARY_CARER,
)
_ASSESSED_ORDER = (
    AssessedStatus.NOT_ASSESSED,
    AssessedStatus.ASSESSMENT_IN_PROGRESS,
    AssessedStatus.ASSESSED,
)
# Ids are per organisation: a device id another organisation already holds is a new person
# here, under an id made from this organisation and that id (the same one every time).
_HERE = uuid.UUID("6f1f6a0e-5c1b-4a55-9d2e-ca7e5eed0001")


def person_id_here(org_id: str, person_id: UUID) -> UUID:
    return uuid.uuid5(_HERE, f"{org_id}\n{person_id}")


@dataclass(frozen=True)
class CareFound:
    people: tuple[Person, ...]  # new to this organisation
    links: tuple[PersonLink, ...]  # new, or an existing link with something added


def is_caring(link: PersonLink) -> bool:
    return (
        link.role_in_care != CarerRole.NONE
        or link.lives_in_household
        or link.stays_overnight_regularly
    )


def _cares(person: PersonPresent) -> bool:
    return (
        person.role_in_care not in (None, CarerRole.NONE)
        or bool(person.lives_in_household)
        or bool(person.stays_overnight_regularly)
    )


def _absent_carer(visit: Visit, person_id: UUID, child_id: UUID) -> ChildOutcome | None:
    """The outcome naming `person_id` as a new carer the child was with (not present)."""
    return next(
        (
            o
            for o in visit.children
            if o.child_id == child_id
            and o.other_carer_is_new
            and o.other_carer_person_id == person_id
        ),
        None,
    )


def _name(person: PersonPresent | None, absent: ChildOutcome | None = None) -> str:
    text = ""
    if person is not None:
        text = person.name.strip() or person.unidentified_description.strip()
    elif absent is not None:
        text = absent.other_carer_name.strip()
    if not text:
        return NO_NAME
    return text if len(text) <= MAX_NAME else text[: MAX_NAME - 1] + "…"


def _stronger(order: tuple[object, ...], old: object, new: object) -> int:
    return max(order.index(old), order.index(new))


def merge_link(old: PersonLink | None, new: PersonLink) -> PersonLink:
    """`old` with what `new` adds, never less than `old` had."""
    if old is None:
        return new
    earlier = new.found_at is not None and old.found_at is not None and new.found_at < old.found_at
    return old.model_copy(
        update={
            "household_id": old.household_id or new.household_id,
            "relationship": new.relationship
            if old.relationship == Relationship.UNKNOWN
            else old.relationship,
            "parental_responsibility": new.parental_responsibility
            if old.parental_responsibility == ParentalResponsibility.UNKNOWN
            else old.parental_responsibility,
            "role_in_care": _ROLE_ORDER[_stronger(_ROLE_ORDER, old.role_in_care, new.role_in_care)],
            "lives_in_household": old.lives_in_household or new.lives_in_household,
            "stays_overnight_regularly": old.stays_overnight_regularly
            or new.stays_overnight_regularly,
            "care_pattern": old.care_pattern or new.care_pattern,
            "assessed": _ASSESSED_ORDER[_stronger(_ASSESSED_ORDER, old.assessed, new.assessed)],
            "found_at_visit_id": new.found_at_visit_id if earlier else old.found_at_visit_id,
            "found_at": new.found_at if earlier else old.found_at,
        }
    )


def found_carers(visit: Visit) -> dict[tuple[UUID, UUID], CarerRole]:
    """(person, child) -> the part in care the visit says they play, for every adult recorded
    caring, living or staying, every carer of a care arrangement and every carer a child was
    with (at least occasional care, for those two). Only the visit's own children count: the
    ones its scope check covered."""
    children = {o.child_id for o in visit.children}
    carers = {(a.carer_person_id, a.child_id) for a in visit.care_arrangements}
    carers |= {
        (o.other_carer_person_id, o.child_id) for o in visit.children if o.other_carer_person_id
    }
    found = {key: CarerRole.OCCASIONAL_CARER for key in carers if key[1] in children}
    for p in visit.persons_present:
        if not _cares(p):
            continue
        for r in p.relationships:
            key = (p.person_id, r.child_id)
            if r.child_id in children:
                role = p.role_in_care or CarerRole.NONE
                found[key] = _ROLE_ORDER[_stronger(_ROLE_ORDER, role, found.get(key, role))]
    return found


def care_found(
    visit: Visit,
    *,
    links: Iterable[PersonLink],
    people: Collection[UUID],
    at: datetime,
    ids: Mapping[UUID, UUID] | None = None,
    carers: Mapping[tuple[UUID, UUID], CarerRole] | None = None,
) -> CareFound:
    """The people and links `visit` adds to its children's records.

    links   the existing links of the visit's children (in this organisation)
    people  the ids of the people this organisation already holds
    at      when the visit found them (the visit's start, never after now)
    ids     a device's person id -> the id here, for ids another organisation holds
    carers  found_carers(visit), when the caller has it already
    """
    here = ids or {}
    existing = {(link.person_id, link.child_id): link for link in links}
    arrangements: dict[tuple[UUID, UUID], CareArrangement] = {
        (a.carer_person_id, a.child_id): a for a in visit.care_arrangements
    }
    new_people: dict[UUID, Person] = {}
    changed: list[PersonLink] = []
    if carers is None:
        carers = found_carers(visit)
    for (device_pid, child_id), role in carers.items():
        pid = here.get(device_pid, device_pid)
        present = visit.person(device_pid)
        rel = (
            next((r for r in present.relationships if r.child_id == child_id), None)
            if present
            else None
        )
        absent = None if present else _absent_carer(visit, device_pid, child_id)
        relationship = rel.relationship if rel else None
        if absent is not None:
            relationship = absent.other_carer_relationship
        arrangement = arrangements.get((device_pid, child_id))
        lives = bool(present and present.lives_in_household)
        stays = bool(present and present.stays_overnight_regularly)
        household = arrangement.household_id if arrangement else None
        if household is None and (lives or stays):
            household = visit.location_household_id
        found = PersonLink(
            person_id=pid,
            child_id=child_id,
            household_id=household,
            relationship=relationship or Relationship.UNKNOWN,
            parental_responsibility=(rel.parental_responsibility if rel else None)
            or ParentalResponsibility.UNKNOWN,
            role_in_care=role,
            lives_in_household=lives,
            stays_overnight_regularly=stays,
            care_pattern=arrangement.pattern.strip() if arrangement else "",
            assessed=(arrangement.assessed if arrangement else None) or AssessedStatus.NOT_ASSESSED,
            found_at_visit_id=visit.visit_id,
            found_at=at,
        )
        old = existing.get((pid, child_id))
        merged = merge_link(old, found)
        if merged != old:
            existing[(pid, child_id)] = merged
            changed.append(merged)
        if pid not in people and pid not in new_people:
            new_people[pid] = Person(person_id=pid, name=_name(present, absent))
    return CareFound(tuple(new_people.values()), tuple(changed))
