"""models.care_found: the adults a visit finds caring, living or staying become people and links;
a link is never weakened by a visit."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

from models.care_found import MAX_NAME, NO_NAME, care_found, is_caring, person_id_here
from models.caseload import PersonLink
from models.enums import (
    AssessedStatus,
    CarerRole,
    ParentalResponsibility,
    ReasonNotSeen,
    Relationship,
    YesNo,
)
from models.visit import CareArrangement, PersonPresent, RelationshipToChild, Visit
from tests.models.helpers import complete_visit

AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _with_partner(visit: Visit, **kw: object) -> tuple[Visit, PersonPresent]:
    child = visit.children[0].child_id
    partner = PersonPresent(
        person_id=uuid4(),
        is_new=True,
        name="Partner Testperson (synthetic)",
        relationships=[
            RelationshipToChild(
                child_id=child,
                relationship=Relationship.MOTHER_PARTNER,
                parental_responsibility=ParentalResponsibility.NO_PR,
            )
        ],
        lives_in_household=False,
        stays_overnight_regularly=True,
        role_in_care=CarerRole.OCCASIONAL_CARER,
        **kw,  # type: ignore[arg-type]
    )
    arrangement = CareArrangement(
        child_id=child,
        carer_person_id=partner.person_id,
        pattern="Fri-Sun nights",
        assessed=AssessedStatus.NOT_ASSESSED,
    )
    return visit.model_copy(
        update={
            "persons_present": [*visit.persons_present, partner],
            "care_arrangements": [*visit.care_arrangements, arrangement],
        }
    ), partner


def _known(visit: Visit) -> set[UUID]:
    return {p.person_id for p in visit.persons_present}


def _existing(visit: Visit) -> list[PersonLink]:
    # the generated visit's carers are already linked, as staff entered them
    return [
        PersonLink(
            person_id=p.person_id,
            child_id=r.child_id,
            household_id=visit.location_household_id,
            relationship=r.relationship,
            parental_responsibility=r.parental_responsibility or ParentalResponsibility.UNKNOWN,
            role_in_care=p.role_in_care or CarerRole.NONE,
            lives_in_household=bool(p.lives_in_household),
            stays_overnight_regularly=bool(p.stays_overnight_regularly),
            care_pattern=next(
                (a.pattern for a in visit.care_arrangements if a.carer_person_id == p.person_id),
                "",
            ),
            assessed=AssessedStatus.ASSESSED,
        )
        for p in visit.persons_present
        for r in p.relationships
    ]


def test_a_partner_staying_overnight_becomes_a_person_and_an_unassessed_link() -> None:
    base = complete_visit()
    visit, partner = _with_partner(base)
    found = care_found(visit, links=_existing(base), people=_known(base), at=AT)
    assert [(p.person_id, p.name) for p in found.people] == [(partner.person_id, partner.name)]
    (link,) = found.links
    assert link.person_id == partner.person_id
    assert link.child_id == visit.children[0].child_id
    assert link.relationship == Relationship.MOTHER_PARTNER
    assert link.parental_responsibility == ParentalResponsibility.NO_PR
    assert link.stays_overnight_regularly and not link.lives_in_household
    assert link.role_in_care == CarerRole.OCCASIONAL_CARER
    assert link.care_pattern == "Fri-Sun nights"
    assert link.assessed == AssessedStatus.NOT_ASSESSED
    assert (link.found_at_visit_id, link.found_at) == (visit.visit_id, AT)
    assert is_caring(link)


def test_the_same_visit_again_changes_nothing() -> None:
    base = complete_visit()
    visit, _ = _with_partner(base)
    first = care_found(visit, links=_existing(base), people=_known(base), at=AT)
    again = care_found(visit, links=[*_existing(base), *first.links], people=_known(visit), at=AT)
    assert again.people == () and again.links == ()


def test_an_assessed_link_stays_assessed_and_staff_words_stay() -> None:
    base = complete_visit()
    visit, partner = _with_partner(base)
    staff = PersonLink(
        person_id=partner.person_id,
        child_id=visit.children[0].child_id,
        relationship=Relationship.FATHER,
        parental_responsibility=ParentalResponsibility.FATHER_MARRIED_AT_BIRTH,
        role_in_care=CarerRole.SHARED_CARER,
        care_pattern="Alternate weeks",
        assessed=AssessedStatus.ASSESSED,
    )
    found = care_found(visit, links=[*_existing(base), staff], people=_known(visit), at=AT)
    (link,) = found.links  # the stays-overnight fact is new: filled in, nothing weakened
    assert link.assessed == AssessedStatus.ASSESSED
    assert link.relationship == Relationship.FATHER
    assert link.parental_responsibility == ParentalResponsibility.FATHER_MARRIED_AT_BIRTH
    assert link.role_in_care == CarerRole.SHARED_CARER
    assert link.care_pattern == "Alternate weeks"
    assert link.stays_overnight_regularly
    assert link.found_at is None  # staff entered it
    assert found.people == ()


def test_a_stronger_part_in_care_is_recorded() -> None:
    base = complete_visit()
    visit, partner = _with_partner(base)
    visit.persons_present[-1].role_in_care = CarerRole.PRIMARY_CARER
    old = PersonLink(
        person_id=partner.person_id,
        child_id=visit.children[0].child_id,
        relationship=Relationship.UNKNOWN,
        role_in_care=CarerRole.OCCASIONAL_CARER,
    )
    found = care_found(visit, links=[*_existing(base), old], people=_known(visit), at=AT)
    (link,) = found.links
    assert link.role_in_care == CarerRole.PRIMARY_CARER
    assert link.relationship == Relationship.MOTHER_PARTNER  # unknown before: filled


def test_the_carer_a_child_was_with_is_linked_without_being_present() -> None:
    visit = complete_visit()
    grandmother = uuid4()
    outcome = visit.children[0]
    outcome.child_seen = YesNo.NO
    outcome.reason_not_seen = ReasonNotSeen.CHILD_WITH_OTHER_CARER
    outcome.other_carer_person_id = grandmother
    found = care_found(visit, links=_existing(visit), people=_known(visit) | {grandmother}, at=AT)
    (link,) = [link for link in found.links if link.person_id == grandmother]
    assert link.child_id == outcome.child_id
    assert link.role_in_care == CarerRole.OCCASIONAL_CARER
    assert link.assessed == AssessedStatus.NOT_ASSESSED
    assert visit.person(grandmother) is None and found.people == ()


def test_a_new_carer_not_named_gets_plain_words_and_a_long_name_is_cut() -> None:
    visit = complete_visit()
    visit.children[0].other_carer_person_id = absent = uuid4()
    visit, partner = _with_partner(visit)
    visit.persons_present[-1].name = "N" * 5000
    found = care_found(visit, links=_existing(visit), people=set(), at=AT)
    names = {p.person_id: p.name for p in found.people}
    assert names[absent] == NO_NAME
    assert len(names[partner.person_id]) == MAX_NAME


def test_an_id_taken_elsewhere_becomes_this_organisations_own_id() -> None:
    visit, partner = _with_partner(complete_visit())
    here = person_id_here("ORG-SYNTHETIC", partner.person_id)
    assert here != partner.person_id
    assert here == person_id_here("ORG-SYNTHETIC", partner.person_id)
    assert here != person_id_here("ORG-OTHER", partner.person_id)
    found = care_found(
        visit, links=_existing(visit), people=set(), at=AT, ids={partner.person_id: here}
    )
    assert partner.person_id not in {p.person_id for p in found.people}
    assert here in {p.person_id for p in found.people}
    assert {link.person_id for link in found.links} & {partner.person_id} == set()


def test_adults_not_caring_and_children_outside_the_visit_are_left_alone() -> None:
    visit = complete_visit()
    elsewhere = uuid4()  # a child in another household: not in this visit's scope
    visitor = PersonPresent(
        person_id=uuid4(),
        is_new=True,
        name="Visitor Testperson (synthetic)",
        relationships=[
            RelationshipToChild(
                child_id=visit.children[0].child_id, relationship=Relationship.FRIEND_OF_FAMILY
            ),
        ],
        lives_in_household=False,
        stays_overnight_regularly=False,
        role_in_care=CarerRole.NONE,
    )
    visit.persons_present.append(visitor)
    visit, _ = _with_partner(visit)
    visit.persons_present[-1].relationships.append(
        RelationshipToChild(child_id=elsewhere, relationship=Relationship.FATHER)
    )
    found = care_found(visit, links=_existing(visit), people=set(), at=AT)
    assert visitor.person_id not in {link.person_id for link in found.links}
    assert elsewhere not in {link.child_id for link in found.links}
