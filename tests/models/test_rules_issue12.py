"""The recording rules for an absent carer new to the record, a baby not seen awake and a child
who talks another language; prune_hidden drops their answers once they are no longer asked;
care found at a visit names the absent new carer as the visit gave them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from models.care_found import care_found
from models.enums import (
    ChildCommunication,
    Interpreter,
    ReasonNotSeen,
    Relationship,
    VisitOutcome,
    YesNo,
)
from models.lifecycle import prune_hidden
from models.rules import check_visit, is_baby, visit_day
from models.visit import Visit
from tests.models.helpers import complete_visit, messages


def _with_other_carer() -> Visit:
    visit = complete_visit()
    visit.visit_outcome = VisitOutcome.COMPLETED_NOT_ALL_CHILDREN_SEEN
    child = visit.children[0]
    child.child_seen = YesNo.NO
    child.reason_not_seen = ReasonNotSeen.CHILD_WITH_OTHER_CARER
    child.other_carer_address = "3 Pretend Close, Imaginary Town"
    return visit


def test_a_new_absent_carer_needs_a_name_and_who_they_are_to_the_child():
    visit = _with_other_carer()
    child = visit.children[0]
    child.other_carer_person_id = uuid4()
    child.other_carer_is_new = True
    assert check_visit(visit).fields() == {
        "children.0.other_carer_name",
        "children.0.other_carer_relationship",
    }
    assert "Child 1 was with someone new: give their name." in messages(visit)
    child.other_carer_name = "  "
    assert "children.0.other_carer_name" in check_visit(visit).fields()
    child.other_carer_name = "Hazel Madeupson"
    child.other_carer_relationship = Relationship.GRANDPARENT
    assert check_visit(visit).ok
    assert not any(p.person_id == child.other_carer_person_id for p in visit.persons_present)


def test_a_known_absent_carer_needs_no_name_or_relationship():
    visit = _with_other_carer()
    visit.children[0].other_carer_person_id = uuid4()
    assert check_visit(visit).ok


def test_old_records_without_the_new_fields_still_parse_and_pass():
    visit = _with_other_carer()
    visit.children[0].other_carer_person_id = uuid4()
    data = visit.model_dump(mode="json")
    for key in ("other_carer_is_new", "other_carer_name", "other_carer_relationship"):
        del data["children"][0][key]
    for key in ("not_awake_reason", "see_awake_by"):
        del data["children"][1][key]
    for key in ("language", "interpreter", "interpreter_notes"):
        del data["children"][1]["voice"][key]
    assert check_visit(Visit.model_validate(data)).ok


def _baby_not_awake() -> Visit:
    visit = complete_visit()
    child = visit.children[0]
    child.date_of_birth = visit_day(visit) - timedelta(days=365)  # twelve months old
    child.child_awake = False
    return visit


def test_a_baby_seen_but_not_awake_needs_why_and_when_they_will_be_seen_awake():
    visit = _baby_not_awake()
    assert is_baby(visit.children[0], visit)
    assert check_visit(visit).fields() == {"children.0.not_awake_reason", "children.0.see_awake_by"}
    assert "Child 1 is a baby and was not seen awake: say why." in messages(visit)
    child = visit.children[0]
    child.not_awake_reason = "Asleep after a feed"
    child.see_awake_by = visit_day(visit)  # the same day counts
    assert check_visit(visit).ok


def test_the_day_to_see_a_baby_awake_cannot_be_before_the_visit():
    visit = _baby_not_awake()
    visit.children[0].not_awake_reason = "Asleep"
    visit.children[0].see_awake_by = visit_day(visit) - timedelta(days=1)
    assert messages(visit) == [
        "The date Child 1 will be seen awake cannot be before the visit: check it."
    ]


def test_an_older_child_not_awake_needs_nothing_more():
    visit = complete_visit()
    child = visit.children[0]
    child.date_of_birth = visit_day(visit) - timedelta(days=5 * 365)
    child.child_awake = False
    assert not is_baby(child, visit)
    assert check_visit(visit).ok


def _another_language() -> Visit:
    visit = complete_visit()
    visit.children[0].voice.communication = ChildCommunication.VERBAL_OTHER_LANGUAGE
    return visit


def test_another_language_needs_which_and_whether_an_interpreter_was_used():
    visit = _another_language()
    assert check_visit(visit).fields() == {
        "children.0.voice.language",
        "children.0.voice.interpreter",
    }
    visit.children[0].voice.language = "Polish"
    visit.children[0].voice.interpreter = Interpreter.NOT_USED
    assert check_visit(visit).ok


def test_a_professional_interpreter_is_named_or_their_agency_given():
    visit = _another_language()
    voice = visit.children[0].voice
    voice.language, voice.interpreter = "Urdu", Interpreter.PROFESSIONAL
    assert messages(visit) == ["Give the name or agency of Child 1's interpreter."]
    voice.interpreter_notes = "Pretendly Interpreting"
    assert check_visit(visit).ok


def test_a_family_member_interpreting_is_someone_here_and_needs_why_no_independent_one():
    visit = _another_language()
    voice = visit.children[0].voice
    voice.language, voice.interpreter = "Arabic", Interpreter.FAMILY_MEMBER
    assert check_visit(visit).fields() == {
        "children.0.voice.interpreter_person_id",
        "children.0.voice.interpreter_notes",
    }
    assert any("may not speak freely" in m for m in messages(visit))
    voice.interpreter_person_id = uuid4()  # not anyone recorded as here
    assert "children.0.voice.interpreter_person_id" in check_visit(visit).fields()
    voice.interpreter_person_id = visit.persons_present[0].person_id
    voice.interpreter_notes = "None free at short notice; booked for next time"
    assert check_visit(visit).ok


def test_another_adult_interpreting_needs_who_but_no_reason():
    visit = _another_language()
    voice = visit.children[0].voice
    voice.language, voice.interpreter = "Bengali", Interpreter.OTHER_ADULT
    voice.interpreter_person_id = visit.persons_present[0].person_id
    assert check_visit(visit).ok


def test_prune_hidden_drops_answers_no_longer_asked():
    visit = _baby_not_awake()
    child = visit.children[0]
    child.not_awake_reason, child.see_awake_by = "Asleep", visit_day(visit)
    child.child_awake = True
    child.other_carer_person_id, child.other_carer_is_new = uuid4(), True
    child.other_carer_name = "Moss Inventa"
    child.voice.language = "Polish"
    child.voice.interpreter = Interpreter.PROFESSIONAL
    child.voice.interpreter_notes = "Agency"
    child.voice.interpreter_person_id = uuid4()
    pruned = prune_hidden(visit).children[0]
    assert (pruned.not_awake_reason, pruned.see_awake_by) == ("", None)
    assert (pruned.other_carer_person_id, pruned.other_carer_is_new) == (None, False)
    assert pruned.other_carer_name == ""
    assert pruned.voice.language == "" and pruned.voice.interpreter is None
    assert pruned.voice.interpreter_notes == "" and pruned.voice.interpreter_person_id is None


def test_care_found_names_a_new_absent_carer_as_the_visit_gave_them():
    visit = _with_other_carer()
    child = visit.children[0]
    carer = uuid4()
    child.other_carer_person_id, child.other_carer_is_new = carer, True
    child.other_carer_name = " Hazel Madeupson "
    child.other_carer_relationship = Relationship.GRANDPARENT
    found = care_found(visit, links=[], people=[], at=datetime(2026, 2, 1, tzinfo=UTC))
    assert {p.person_id: p.name for p in found.people}[carer] == "Hazel Madeupson"
    link = next(link for link in found.links if link.person_id == carer)
    assert link.child_id == child.child_id
    assert link.relationship == Relationship.GRANDPARENT
