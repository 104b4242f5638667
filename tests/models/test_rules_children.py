"""The recording rules for each child: seen or why not, seen alone, their voice and what was
observed; each problem in plain words."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from models.enums import (
    CarerRole,
    ChildCommunication,
    ConsultationMechanism,
    ObservationCategory,
    ReasonNotSeen,
    ReasonNotSeenAlone,
    VisitOutcome,
    VoiceMethod,
    YesNo,
)
from models.rules import Step, check_visit
from models.visit import ChildVoice, Observation, Quote
from tests.models.helpers import complete_visit, messages


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


def test_face_to_face_only_counts_as_seen():
    visit = complete_visit()
    assert visit.child_seen_face_to_face == [c.child_id for c in visit.children]
    visit.consultation_mechanism = ConsultationMechanism.VIDEO
    assert visit.child_seen_face_to_face == []
