"""Synthetic, obviously fictitious caseloads for the demo, the tests and the benchmarks.

Seeded and deterministic: the same seed gives the same caseload, byte for byte. Names are made-up
words ("Sampleton", "Notreal"), addresses are on imaginary streets, NHS numbers come from the 999
range the NHS keeps for testing. Never real people.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from models.caseload import Child, ContactRestriction, Household, Person, PersonLink
from models.concern import ConcernReceived, Reporter
from models.enums import (
    ArrangementSource,
    ArrangementType,
    AssessedStatus,
    CarerRole,
    ConcernChannel,
    ConsultationMechanism,
    ContactRestrictionType,
    DARoutineEnquiry,
    LocationType,
    NoAccessAction,
    ParentalResponsibility,
    PractitionerRole,
    Relationship,
    SafeguardingConcernNow,
    ServiceContext,
    VisitOutcome,
    VisitPurpose,
    YesNo,
)
from models.nhs_number import with_check_digit
from models.visit import (
    CareArrangement,
    PersonPresent,
    RelationshipToChild,
    Visit,
)
from synthetic.outcomes import outcome_for

__all__ = ["SyntheticCaseload", "generate_caseload", "synthetic_visit"]

FIRST_NAMES = (
    "Juniper", "Otto", "Marigold", "Pip", "Clementine", "Bramble", "Wren", "Tobias", "Hazel",
    "Rowan", "Saffron", "Basil", "Poppy", "Linden", "Fennel", "Quill", "Tansy", "Moss",
)  # fmt: skip
SURNAMES = (
    "Sampleton", "Notreal", "Fictitious", "Madeupson", "Placeholder", "Testwood", "Demoford",
    "Imaginary", "Pretendly", "Examplar", "Fakenham-Nil", "Inventa",
)  # fmt: skip
STREETS = ("Nowhere Lane", "Fable Street", "Makebelieve Road", "Pretend Close", "Dummy Row")
TOWN = "Imaginary Town"
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a fixed Monday: output never depends on now
# Visits and concerns fall in the weeks after START, all before the tests' fixed now (2 March
# 2026): a record dated in the future is refused (models.rules.dated_after).
RECORDED_WITHIN_DAYS = 56


@dataclass
class SyntheticCaseload:
    organisation_id: str
    practitioner_id: UUID
    practitioner_role: PractitionerRole
    households: list[Household] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    children: list[Child] = field(default_factory=list)
    restrictions: list[ContactRestriction] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    concerns: list[ConcernReceived] = field(default_factory=list)


class _Ids:
    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def __call__(self) -> UUID:
        return UUID(int=self._rng.getrandbits(128), version=4)


def generate_caseload(
    *,
    seed: int,
    children: int,
    households: int,
    visits_per_child: int = 1,
    concerns: int | None = None,
    organisation_id: str = "ORG-DEMO",
    practitioner_id: UUID | None = None,
    practitioner_role: PractitionerRole = PractitionerRole.SOCIAL_WORKER,
) -> SyntheticCaseload:
    """N children in M households, each household with one or two carers; every fifth adult is
    also linked to a child in another household, and some of those have a contact restriction."""
    if households < 1 or children < households:
        raise ValueError("Need at least one household and at least one child per household.")
    rng = random.Random(seed)
    new_id = _Ids(rng)
    load = SyntheticCaseload(
        organisation_id=organisation_id,
        practitioner_id=practitioner_id or new_id(),
        practitioner_role=practitioner_role,
    )
    health = practitioner_role == PractitionerRole.HEALTH_VISITOR
    adults_by_household: list[list[Person]] = []
    for h in range(households):
        household = Household(
            household_id=new_id(),
            address=f"{h + 1} {rng.choice(STREETS)}, {TOWN}",
            postcode=f"XX{h % 90 + 1} {rng.randint(1, 9)}ZZ",
        )
        load.households.append(household)
        adults = [_person(rng, new_id) for _ in range(rng.choice((1, 2, 2)))]
        load.people.extend(adults)
        adults_by_household.append(adults)

    for c in range(children):
        h = c if c < households else rng.randrange(households)
        household = load.households[h]
        child = _child(rng, new_id, household, load.practitioner_id, health, c)
        for a_index, adult in enumerate(adults_by_household[h]):
            child.links.append(_link(adult, child, household, a_index))
        load.children.append(child)

    _link_across_households(rng, new_id, load, adults_by_household)
    people = {p.person_id: p for p in load.people}  # read once: a big caseload is not quadratic
    households_of: dict[UUID | None, list[Child]] = {}
    for child in load.children:
        households_of.setdefault(child.household_id, []).append(child)
    for child in load.children:
        for _ in range(visits_per_child):
            load.visits.append(
                synthetic_visit(
                    rng, load, child, siblings=households_of[child.household_id], people=people
                )
            )
    for _ in range(children // 4 if concerns is None else concerns):
        load.concerns.append(_concern(rng, new_id, load))
    return load


def synthetic_visit(
    rng: random.Random,
    load: SyntheticCaseload,
    child: Child,
    *,
    siblings: list[Child] | None = None,
    people: dict[UUID, Person] | None = None,
) -> Visit:
    """A complete visit to `child`'s household (every sibling in scope); about one child in six is
    not seen. It passes models.rules.check_visit but is still a draft: submit it to lock it.
    `siblings` (the household's children, in load order) and `people` (by id) may be passed
    already read."""
    new_id = _Ids(rng)
    if siblings is None:
        siblings = [c for c in load.children if c.household_id == child.household_id]
    siblings = siblings or [child]
    started = START + timedelta(
        days=rng.randrange(0, RECORDED_WITHIN_DAYS), minutes=rng.randrange(0, 480)
    )
    if people is None:
        people = {p.person_id: p for p in load.people}
    carers = [link for link in child.links if link.household_id == child.household_id]
    present = [_present(people[link.person_id], siblings, link) for link in carers]
    outcomes = [outcome_for(rng, sib, present, started) for sib in siblings]
    any_not_seen = any(o.child_seen == YesNo.NO for o in outcomes)
    context = child.service_context
    health = context.value.startswith("HCP")
    return Visit(
        visit_id=new_id(),
        organisation_id=load.organisation_id,
        practitioner_id=load.practitioner_id,
        practitioner_role=load.practitioner_role,
        created_on_device_at=started,
        service_context=context,
        visit_purpose=VisitPurpose.ADDITIONAL_CONTACT if health else VisitPurpose.STATUTORY_VISIT,
        started_at=started,
        ended_at=started + timedelta(minutes=rng.randrange(20, 90)),
        announced=rng.random() < 0.5,
        consultation_mechanism=ConsultationMechanism.FACE_TO_FACE,
        location_type=LocationType.PATIENT_HOME,
        location_household_id=child.household_id,
        visit_outcome=(
            VisitOutcome.COMPLETED_NOT_ALL_CHILDREN_SEEN if any_not_seen else VisitOutcome.COMPLETED
        ),
        no_access_actions=[NoAccessAction.PHONED_FAMILY] if any_not_seen else [],
        persons_present=present,
        care_arrangements=[_arrangement(link, sib) for link in carers for sib in siblings],
        children=outcomes,
        safeguarding_concern_now=SafeguardingConcernNow.NONE,
        da_routine_enquiry=DARoutineEnquiry.ASKED_ALONE if health else None,
        next_visit_due=(started + timedelta(days=14)).date(),
    )


def _person(rng: random.Random, new_id: _Ids) -> Person:
    return Person(
        person_id=new_id(),
        name=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
        date_of_birth=date(1980 + rng.randrange(20), rng.randint(1, 12), rng.randint(1, 28)),
    )


def _child(
    rng: random.Random,
    new_id: _Ids,
    household: Household,
    practitioner_id: UUID,
    health: bool,
    index: int,
) -> Child:
    age_days = rng.randrange(20, 5 * 365) if health else rng.randrange(30, 16 * 365)
    contexts = (
        (ServiceContext.HCP_UNIVERSAL, ServiceContext.HCP_UNIVERSAL_PLUS)
        if health
        else (ServiceContext.CP_PLAN, ServiceContext.CIN_PLAN, ServiceContext.CLA)
    )
    return Child(
        child_id=new_id(),
        name=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
        date_of_birth=START.date() - timedelta(days=age_days),
        nhs_number=with_check_digit(f"999{index % 1_000_000:06d}"),
        household_id=household.household_id,
        service_context=rng.choice(contexts),
        context_started_on=START.date() - timedelta(days=rng.randrange(10, 200)),
        allocated_to=practitioner_id,
        updated_at=START,
    )


def _link(adult: Person, child: Child, household: Household, index: int) -> PersonLink:
    mother = index == 0
    return PersonLink(
        person_id=adult.person_id,
        child_id=child.child_id,
        household_id=household.household_id,
        relationship=Relationship.MOTHER if mother else Relationship.FATHER,
        parental_responsibility=(
            ParentalResponsibility.MOTHER
            if mother
            else ParentalResponsibility.FATHER_REGISTERED_ON_BIRTH_CERT_POST_1_DEC_2003
        ),
        role_in_care=CarerRole.PRIMARY_CARER if mother else CarerRole.SHARED_CARER,
        lives_in_household=mother,
        stays_overnight_regularly=True,
        care_pattern="Every day" if mother else "Wed-Fri nights",
        assessed=AssessedStatus.ASSESSED if mother else AssessedStatus.NOT_ASSESSED,
    )


def _link_across_households(
    rng: random.Random,
    new_id: _Ids,
    load: SyntheticCaseload,
    adults_by_household: list[list[Person]],
) -> None:
    if len(load.households) < 2:
        return
    for h, adults in enumerate(adults_by_household):
        if h % 5 != 0 or len(adults) < 2:
            continue
        father = adults[1]
        other = load.households[(h + 1) % len(load.households)].household_id
        elsewhere = [c for c in load.children if c.household_id == other][:1]
        for child in elsewhere:
            child.links.append(
                PersonLink(
                    person_id=father.person_id,
                    child_id=child.child_id,
                    household_id=other,
                    relationship=Relationship.FATHER,
                    parental_responsibility=ParentalResponsibility.NO_PR,
                    role_in_care=CarerRole.OCCASIONAL_CARER,
                    care_pattern="Some weekends",
                )
            )
            if rng.random() < 0.5:
                load.restrictions.append(
                    ContactRestriction(
                        restriction_id=new_id(),
                        person_id=father.person_id,
                        child_id=child.child_id,
                        restriction_type=ContactRestrictionType.SUPERVISED_ONLY,
                        source="Fictional court order (synthetic)",
                    )
                )


def _present(person: Person, siblings: list[Child], link: PersonLink) -> PersonPresent:
    return PersonPresent(
        person_id=person.person_id,
        name=person.name,
        relationships=[
            RelationshipToChild(
                child_id=sib.child_id,
                relationship=link.relationship,
                parental_responsibility=link.parental_responsibility,
            )
            for sib in siblings
        ],
        lives_in_household=link.lives_in_household,
        stays_overnight_regularly=link.stays_overnight_regularly,
        role_in_care=link.role_in_care,
    )


def _arrangement(link: PersonLink, child: Child) -> CareArrangement:
    return CareArrangement(
        child_id=child.child_id,
        carer_person_id=link.person_id,
        household_id=link.household_id,
        pattern=link.care_pattern,
        source=ArrangementSource.PARENT_REPORT,
        arrangement_type=ArrangementType.PARENT_WITH_PR,
        assessed=link.assessed,
    )


def _concern(rng: random.Random, new_id: _Ids, load: SyntheticCaseload) -> ConcernReceived:
    child = rng.choice(load.children)
    return ConcernReceived(
        concern_id=new_id(),
        reporter=Reporter(
            name=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
            relationship=Relationship.GRANDPARENT,
            relationship_notes="paternal grandmother (synthetic)",
        ),
        channel=rng.choice(list(ConcernChannel)),
        received_at=START + timedelta(days=rng.randrange(0, RECORDED_WITHIN_DAYS)),
        received_by=load.practitioner_id,
        content="Worried the children are left alone in the evenings (synthetic concern).",
        children_concerned=[child.child_id],
    )
