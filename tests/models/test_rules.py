"""The recording rules: what stops a visit being submitted, each problem in plain words."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

import pytest

from models.concern import ConcernReceived
from models.enums import (
    CarerRole,
    ChildCommunication,
    ConsultationMechanism,
    DARoutineEnquiry,
    LocationType,
    NoAccessAction,
    ObservationCategory,
    ReasonNotSeen,
    ReasonNotSeenAlone,
    SafeguardingConcernNow,
    ServiceContext,
    VisitOutcome,
    VoiceMethod,
    YesNo,
)
from models.rules import Step, check_concern, check_visit
from models.visit import ChildVoice, Observation, PersonPresent, Quote, RelationshipToChild
from tests.models.helpers import complete_visit


def messages(visit, **kw) -> list[str]:
    return [p.message for p in check_visit(visit, **kw).problems]


def test_a_complete_synthetic_visit_passes_every_rule():
    assert check_visit(complete_visit()).ok


def test_child_not_seen_without_reason_says_choose_why_naming_the_child():
    visit = complete_visit()
    visit.visit_outcome = VisitOutcome.COMPLETED_NOT_ALL_CHILDREN_SEEN
    visit.children[1].child_seen = YesNo.NO
    check = check_visit(visit)
    assert [p.message for p in check.problems] == ["Child 2 was not seen: choose why."]
    assert check.problems[0].field == "children.1.reason_not_seen"
    assert check.problems[0].step == Step.CHILD
    assert check.problems[0].child_id == visit.children[1].child_id


def test_child_labels_replace_child_numbers_in_messages():
    visit = complete_visit()
    visit.visit_outcome = VisitOutcome.COMPLETED_NOT_ALL_CHILDREN_SEEN
    visit.children[0].child_seen = YesNo.NO
    labels = {visit.children[0].child_id: "Pip"}
    assert messages(visit, child_labels=labels) == ["Pip was not seen: choose why."]


def test_child_with_another_carer_needs_who_and_where():
    visit = complete_visit()
    visit.visit_outcome = VisitOutcome.COMPLETED_NOT_ALL_CHILDREN_SEEN
    child = visit.children[0]
    child.child_seen = YesNo.NO
    child.reason_not_seen = ReasonNotSeen.CHILD_WITH_OTHER_CARER
    assert check_visit(visit).fields() == {
        "children.0.other_carer_person_id",
        "children.0.other_carer_address",
    }
    child.other_carer_person_id = uuid4()
    child.other_carer_address = "3 Pretend Close, Imaginary Town"
    assert check_visit(visit).ok


def test_reason_other_needs_words():
    visit = complete_visit()
    visit.visit_outcome = VisitOutcome.COMPLETED_NOT_ALL_CHILDREN_SEEN
    visit.children[0].child_seen = YesNo.NO
    visit.children[0].reason_not_seen = ReasonNotSeen.OTHER
    assert check_visit(visit).fields() == {"children.0.reason_not_seen_other"}


def test_child_seen_but_seen_alone_unanswered_is_a_problem():
    visit = complete_visit()
    visit.children[0].seen_alone = None
    assert check_visit(visit).fields() == {"children.0.seen_alone"}


def test_not_seen_alone_needs_a_reason():
    visit = complete_visit()
    child = visit.children[0]
    child.seen_alone = YesNo.NO
    child.reason_not_seen_alone = None
    assert messages(visit) == ["Child 1 was not seen alone: choose why."]
    child.reason_not_seen_alone = ReasonNotSeenAlone.PARENT_CARER_PREVENTED
    assert check_visit(visit).ok


def test_seen_alone_needs_where():
    visit = complete_visit()
    child = visit.children[0]
    child.seen_alone = YesNo.YES
    child.seen_alone_where = None
    assert check_visit(visit).fields() == {"children.0.seen_alone_where"}


def test_seen_child_needs_voice_section():
    visit = complete_visit()
    visit.children[0].voice = ChildVoice()
    check = check_visit(visit)
    assert check.fields() == {"children.0.voice.communication"}
    assert {p.step for p in check.problems} == {Step.VOICE}


def test_verbal_child_needs_own_words_and_wishes():
    visit = complete_visit()
    visit.children[0].voice = ChildVoice(
        communication=ChildCommunication.VERBAL_ENGLISH, methods=[VoiceMethod.CONVERSATION]
    )
    assert check_visit(visit).fields() == {
        "children.0.voice.words_verbatim",
        "children.0.voice.wishes_and_feelings",
    }


def test_empty_quote_is_a_problem_not_silently_dropped():
    visit = complete_visit()
    visit.children[0].voice = ChildVoice(
        communication=ChildCommunication.VERBAL_ENGLISH,
        methods=[VoiceMethod.CONVERSATION],
        words_verbatim=[Quote(text="I like the swings"), Quote(text="  ")],
        wishes_and_feelings="To stay at home",
    )
    assert check_visit(visit).fields() == {"children.0.voice.words_verbatim.1.text"}


def test_pre_verbal_child_may_have_observation_only():
    visit = complete_visit()
    visit.children[0].voice = ChildVoice(communication=ChildCommunication.PRE_VERBAL)
    assert check_visit(visit).ok


def test_seen_child_needs_presentation_observation():
    visit = complete_visit()
    visit.children[0].observations = [
        o
        for o in visit.children[0].observations
        if o.category != ObservationCategory.PRESENTATION_HYGIENE_CLOTHING
    ]
    assert check_visit(visit).fields() == {"children.0.observations"}


def test_pre_verbal_child_needs_one_interaction_entry_per_carer_present():
    visit = complete_visit()
    child = visit.children[0]
    child.voice = ChildVoice(communication=ChildCommunication.PRE_VERBAL)
    carers = [p for p in visit.persons_present if p.role_in_care != CarerRole.NONE]
    assert carers, "synthetic households have at least one carer"
    dropped = carers[0]
    child.observations = [o for o in child.observations if o.about_person_id != dropped.person_id]
    assert messages(visit) == [f"Describe how Child 1 was with {dropped.name}."]


def test_interaction_with_someone_not_present_is_a_problem():
    visit = complete_visit()
    visit.children[0].observations.append(
        Observation(
            category=ObservationCategory.INTERACTION_WITH_CARER,
            about_person_id=uuid4(),
            text="Calm (synthetic)",
        )
    )
    last = len(visit.children[0].observations) - 1
    assert check_visit(visit).fields() == {f"children.0.observations.{last}.about_person_id"}


def test_child_not_seen_needs_no_voice_or_observations():
    visit = complete_visit()
    visit.visit_outcome = VisitOutcome.COMPLETED_NOT_ALL_CHILDREN_SEEN
    child = visit.children[0]
    child.child_seen = YesNo.NO
    child.reason_not_seen = ReasonNotSeen.CHILD_IN_HOSPITAL
    child.voice = ChildVoice()
    child.observations = []
    assert check_visit(visit).ok


def test_baby_seen_must_be_recorded_awake_or_not():
    visit = complete_visit()
    child = visit.children[0]
    assert visit.started_at is not None
    child.date_of_birth = visit.started_at.date() - timedelta(days=100)
    child.child_awake = None
    assert check_visit(visit).fields() == {"children.0.child_awake"}


def test_cp_plan_visit_needs_bedroom_seen_answered():
    visit = complete_visit(context=ServiceContext.CP_PLAN)
    visit.children[0].bedroom_seen = None
    assert check_visit(visit).fields() == {"children.0.bedroom_seen"}


def test_no_access_visit_needs_actions_taken():
    visit = complete_visit()
    visit.visit_outcome = VisitOutcome.NO_ACCESS_NO_ANSWER
    visit.no_access_actions = []
    for child in visit.children:
        child.child_seen = YesNo.NO
        child.reason_not_seen = ReasonNotSeen.NO_ACCESS
    assert check_visit(visit).fields() == {"no_access_actions"}


def test_a_card_left_alone_is_not_enough_after_no_access():
    visit = complete_visit()
    visit.visit_outcome = VisitOutcome.REFUSED_ENTRY
    visit.no_access_actions = [NoAccessAction.CARD_LEFT]
    for child in visit.children:
        child.child_seen = YesNo.NO
        child.reason_not_seen = ReasonNotSeen.REFUSED_BY_PARENT_CARER
    assert messages(visit) == [
        "Leaving a card is not enough on its own: record what else you did to find the children."
    ]
    visit.no_access_actions.append(NoAccessAction.PHONED_FAMILY)
    assert check_visit(visit).ok


def test_completed_outcome_with_a_child_not_seen_is_inconsistent():
    visit = complete_visit()
    visit.visit_outcome = VisitOutcome.COMPLETED
    visit.children[0].child_seen = YesNo.NO
    visit.children[0].reason_not_seen = ReasonNotSeen.CHILD_DECLINED
    assert check_visit(visit).fields() == {"visit_outcome"}


def test_home_visit_must_say_whose_home():
    visit = complete_visit()
    visit.location_type = LocationType.CARER_HOME
    visit.location_household_id = None
    assert check_visit(visit).fields() == {"location_household_id"}


def test_visit_cannot_end_before_it_started():
    visit = complete_visit()
    assert visit.started_at is not None
    visit.ended_at = visit.started_at - timedelta(minutes=5)
    assert check_visit(visit).fields() == {"ended_at"}


def test_safeguarding_concern_now_needs_what_was_done():
    visit = complete_visit()
    visit.safeguarding_concern_now = SafeguardingConcernNow.REFERRAL_MADE
    visit.escalation_notes = ""
    check = check_visit(visit)
    assert check.fields() == {"escalation_notes"}
    assert check.problems[0].step == Step.CONCERNS


def test_health_contact_needs_routine_enquiry_and_follow_up_when_not_asked():
    visit = complete_visit(context=ServiceContext.HCP_UNIVERSAL)
    visit.next_visit_due = None
    visit.da_routine_enquiry = None
    assert check_visit(visit).fields() == {"da_routine_enquiry"}
    visit.da_routine_enquiry = DARoutineEnquiry.NOT_ASKED_OTHER_ADULT_PRESENT
    assert check_visit(visit).fields() == {"da_follow_up_date"}
    visit.da_follow_up_date = date(2026, 4, 1)
    assert check_visit(visit).ok


def test_statutory_visit_needs_next_visit_due():
    visit = complete_visit(context=ServiceContext.CIN_PLAN)
    visit.next_visit_due = None
    assert check_visit(visit).fields() == {"next_visit_due"}


def test_empty_draft_lists_every_visit_level_problem():
    visit = complete_visit()
    empty = visit.model_copy(
        update={
            "visit_purpose": None,
            "started_at": None,
            "ended_at": None,
            "announced": None,
            "consultation_mechanism": None,
            "location_type": None,
            "visit_outcome": None,
            "safeguarding_concern_now": None,
            "children": [],
            "persons_present": [],
            "care_arrangements": [],
        }
    )
    assert {
        "visit_purpose",
        "started_at",
        "ended_at",
        "announced",
        "consultation_mechanism",
        "location_type",
        "visit_outcome",
        "safeguarding_concern_now",
        "children",
    } <= check_visit(empty).fields()


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


def test_face_to_face_only_counts_as_seen():
    visit = complete_visit()
    assert visit.child_seen_face_to_face == [c.child_id for c in visit.children]
    visit.consultation_mechanism = ConsultationMechanism.VIDEO
    assert visit.child_seen_face_to_face == []


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


def test_a_visit_dated_after_now_is_refused_where_it_is_recorded_and_at_submit():
    """A visit dated ahead (a slip of the time picker, a device clock) would pin "last seen"."""
    from models.errors import SubmissionBlocked
    from models.lifecycle import submit

    visit = complete_visit()
    assert visit.ended_at is not None
    now = visit.ended_at + timedelta(minutes=5)
    assert check_visit(visit, now=now).ok
    ahead = visit.ended_at - timedelta(minutes=1)
    check = check_visit(visit, now=ahead)
    assert [(p.field, p.step) for p in check.problems] == [("ended_at", Step.VISIT)]
    assert "after now" in check.problems[0].message
    with pytest.raises(SubmissionBlocked) as blocked:
        submit(visit, at=ahead)
    assert blocked.value.check.problems[0].field == "ended_at"
