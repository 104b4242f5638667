"""The recording rules for the people present and the concerns received; each problem in plain
words."""

from __future__ import annotations

from uuid import uuid4

from models.concern import ConcernReceived
from models.enums import CarerRole
from models.rules import Step, check_concern, check_visit
from models.visit import PersonPresent, RelationshipToChild
from tests.models.helpers import complete_visit, messages


def test_new_adult_without_name_or_description_is_a_prompt():
    visit = complete_visit()
    child_id = visit.children[0].child_id
    visit.persons_present.append(
        PersonPresent(
            person_id=uuid4(),
            is_new=True,
            relationships=[
                RelationshipToChild(
                    child_id=child_id,
                    relationship="MOTHER_PARTNER",
                    parental_responsibility="NO_PR",
                )
            ],
            lives_in_household=False,
            stays_overnight_regularly=False,
            role_in_care=CarerRole.NONE,
        )
    )
    index = len(visit.persons_present) - 1
    check = check_visit(visit)
    assert check.fields() == {f"persons_present.{index}.name"}
    assert check.problems[0].message == (
        f"Person {index + 1} is new: give their name, or describe them if they refuse."
    )


def test_adult_present_needs_lives_here_overnight_and_role_answered():
    visit = complete_visit()
    child_id = visit.children[0].child_id
    visit.persons_present.append(
        PersonPresent(
            person_id=uuid4(),
            name="Moss Notreal",
            relationships=[
                RelationshipToChild(
                    child_id=child_id,
                    relationship="FRIEND_OF_FAMILY",
                    parental_responsibility="NO_PR",
                )
            ],
        )
    )
    index = len(visit.persons_present) - 1
    assert check_visit(visit).fields() == {
        f"persons_present.{index}.lives_in_household",
        f"persons_present.{index}.stays_overnight_regularly",
        f"persons_present.{index}.role_in_care",
    }


def test_carer_needs_pattern_of_care_and_assessed_status():
    visit = complete_visit()
    carer = next(p for p in visit.persons_present if p.role_in_care != CarerRole.NONE)
    visit.care_arrangements = [
        a for a in visit.care_arrangements if a.carer_person_id != carer.person_id
    ]
    found = messages(visit)
    assert any("record the pattern of care" in m for m in found)
    assert any("has been assessed" in m for m in found)
    assert all(carer.name in m for m in found)


def test_father_without_parental_responsibility_answered_is_a_problem():
    visit = complete_visit()
    person = visit.persons_present[-1]
    person.relationships[0].parental_responsibility = None
    assert any("parental responsibility" in m for m in messages(visit))


def test_professional_present_needs_no_care_questions():
    visit = complete_visit()
    visit.persons_present.append(
        PersonPresent(
            person_id=uuid4(),
            name="Quill Examplar",
            relationships=[
                RelationshipToChild(child_id=visit.children[0].child_id, relationship="INTERPRETER")
            ],
        )
    )
    assert check_visit(visit).ok


def test_invalid_nhs_number_is_a_problem():
    visit = complete_visit()
    visit.children[0].nhs_number = "9990000011"
    assert check_visit(visit).fields() == {"children.0.nhs_number"}


def test_concern_needs_reporter_channel_time_content_and_children():
    concern = ConcernReceived(concern_id=uuid4())
    assert check_concern(concern).fields() == {
        "reporter.relationship",
        "channel",
        "received_at",
        "content",
        "children_concerned",
    }
    assert all(p.step == Step.CONCERNS for p in check_concern(concern).problems)


def test_concern_recorded_at_visit_is_checked_with_the_visit(caseload):
    visit = complete_visit()
    visit.concerns_received.append(ConcernReceived(concern_id=uuid4(), content="Worried"))
    fields = check_visit(visit).fields()
    assert "concerns_received.0.channel" in fields
    assert "concerns_received.0.content" not in fields
    concern = caseload.concerns[0]
    assert check_concern(concern).ok
