"""The recording rules for the visit as a whole: where, when, what happened and what comes next;
each problem in plain words."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.enums import (
    DARoutineEnquiry,
    LocationType,
    NoAccessAction,
    ReasonNotSeen,
    SafeguardingConcernNow,
    ServiceContext,
    VisitOutcome,
    YesNo,
)
from models.rules import Step, check_visit
from tests.models.helpers import complete_visit, messages


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
