"""Timescales: deadlines after an event, and health visiting's mandated reviews (dates are 2026-27,
England)."""

from __future__ import annotations

from datetime import date

import pytest

from models.enums import VisitPurpose
from models.timescales import EventCode, HealthReviewRule, TimescaleEvent
from models.timescales.calendar import Interval, TimeUnit, add_interval
from tests.models.helpers import CALENDAR, RULES, status

# --- deadlines after an event -------------------------------------------------------------------


def test_child_not_seen_must_be_seen_within_five_working_days() -> None:
    event = TimescaleEvent(EventCode.CHILD_NOT_SEEN, occurred_on=date(2026, 4, 1))
    result = status("CP_PLAN", start=date(2026, 3, 2), today=date(2026, 4, 14), events=(event,))
    (deadline,) = result.deadlines
    assert deadline.due == date(2026, 4, 10)
    assert deadline.met_on is None
    assert deadline.days_overdue == 2
    assert deadline.description == (
        "Child seen within 5 working days of a visit where the child was not seen"
    )


def test_seeing_the_child_in_time_meets_a_seen_within_deadline() -> None:
    event = TimescaleEvent(EventCode.CHILD_NOT_SEEN, occurred_on=date(2026, 4, 1))
    result = status(
        "CP_PLAN",
        start=date(2026, 3, 2),
        seen=(date(2026, 4, 9),),
        today=date(2026, 4, 14),
        events=(event,),
    )
    (deadline,) = result.deadlines
    assert deadline.met_on == date(2026, 4, 9)
    assert not deadline.met_late
    assert deadline.days_overdue == 0


def test_seeing_the_child_late_is_recorded_as_met_late() -> None:
    event = TimescaleEvent(EventCode.DECISION_TO_ASSESS, occurred_on=date(2026, 4, 2))
    result = status(
        "CIN_PLAN",
        start=date(2026, 3, 2),
        seen=(date(2026, 4, 13),),
        today=date(2026, 4, 14),
        events=(event,),
    )
    (deadline,) = result.deadlines
    assert deadline.due == date(2026, 4, 9)
    assert deadline.met_on == date(2026, 4, 13)
    assert deadline.met_late


def test_assessment_deadline_is_not_met_by_seeing_the_child() -> None:
    event = TimescaleEvent(EventCode.REFERRAL, occurred_on=date(2026, 1, 5))
    result = status(
        "ASSESSMENT_S17",
        start=date(2026, 1, 6),
        seen=(date(2026, 1, 7),),
        today=date(2026, 3, 20),
        events=(event,),
    )
    (deadline,) = result.deadlines
    assert deadline.due == date(2026, 3, 9)
    assert deadline.met_on is None
    assert deadline.days_overdue == 9


def test_completed_event_is_not_overdue() -> None:
    event = TimescaleEvent(
        EventCode.STRATEGY_DISCUSSION, date(2026, 3, 2), completed_on=date(2026, 3, 16)
    )
    result = status("CP_PLAN", start=date(2026, 3, 2), today=date(2026, 6, 1), events=(event,))
    (deadline,) = result.deadlines
    assert deadline.due == date(2026, 3, 23)
    assert deadline.days_overdue == 0
    assert not deadline.met_late


def test_unknown_event_is_refused_by_name() -> None:
    event = TimescaleEvent("HOME_CONDITIONS", occurred_on=date(2026, 3, 2))
    with pytest.raises(ValueError, match="'HOME_CONDITIONS'"):
        status("CP_PLAN", start=date(2026, 3, 2), today=date(2026, 3, 3), events=(event,))


# --- health visiting mandated reviews -----------------------------------------------------------


def review_windows(birth: date) -> dict[str, tuple[date, date, date]]:
    windows: dict[str, tuple[date, date, date]] = {}
    for rule in RULES.health_reviews:
        opens, due, closes = (
            add_interval(start=birth, interval=offset, calendar=CALENDAR)
            for offset in (rule.opens_after, rule.due_by, rule.closes_after)
        )
        windows[rule.code] = (opens, due, closes)
    return windows


def test_hcp_review_windows_are_counted_from_date_of_birth() -> None:
    assert review_windows(date(2026, 1, 31)) == {
        VisitPurpose.HCP_NEW_BIRTH: (date(2026, 2, 10), date(2026, 2, 14), date(2026, 3, 2)),
        VisitPurpose.HCP_6_8_WEEK: (date(2026, 3, 14), date(2026, 3, 28), date(2026, 3, 28)),
        VisitPurpose.HCP_12_MONTH: (date(2026, 10, 31), date(2027, 1, 31), date(2027, 4, 30)),
        VisitPurpose.HCP_2_TO_2_5_YEAR: (date(2028, 1, 31), date(2028, 7, 31), date(2028, 7, 31)),
    }


def test_hcp_next_review_for_a_newborn_is_the_new_birth_review() -> None:
    result = status(
        "HCP_UNIVERSAL",
        start=date(2026, 2, 1),
        today=date(2026, 2, 5),
        date_of_birth=date(2026, 2, 1),
    )
    review = result.next_health_review
    assert review is not None
    assert review.code == VisitPurpose.HCP_NEW_BIRTH
    assert (review.window_opens, review.due_by, review.window_closes) == (
        date(2026, 2, 11),
        date(2026, 2, 15),
        date(2026, 3, 3),
    )
    assert not review.is_overdue
    assert result.next_due is None
    assert result.rule_description == "Health visiting (universal): mandated health reviews by age"


def test_hcp_review_past_its_target_but_in_its_window_is_overdue() -> None:
    result = status(
        "HCP_UNIVERSAL",
        start=date(2025, 1, 1),
        today=date(2027, 2, 10),
        date_of_birth=date(2026, 1, 31),
        health_reviews_done=frozenset({VisitPurpose.HCP_NEW_BIRTH, VisitPurpose.HCP_6_8_WEEK}),
    )
    review = result.next_health_review
    assert review is not None
    assert review.code == VisitPurpose.HCP_12_MONTH
    assert review.is_overdue
    assert review.days_overdue == 10
    assert result.missed_health_reviews == ()


def test_hcp_review_whose_window_closed_is_reported_missed() -> None:
    result = status(
        "HCP_UNIVERSAL_PLUS",
        start=date(2026, 2, 1),
        today=date(2026, 4, 1),
        date_of_birth=date(2026, 1, 31),
        health_reviews_done=frozenset({VisitPurpose.HCP_NEW_BIRTH}),
    )
    assert result.missed_health_reviews == (VisitPurpose.HCP_6_8_WEEK,)
    assert result.next_health_review is not None
    assert result.next_health_review.code == VisitPurpose.HCP_12_MONTH


def test_hcp_without_date_of_birth_has_no_review_due() -> None:
    result = status("HCP_UNIVERSAL", start=date(2026, 2, 1), today=date(2026, 2, 5))
    assert result.next_health_review is None


def test_social_care_context_reports_no_health_review() -> None:
    result = status(
        "CP_PLAN", start=date(2026, 2, 1), today=date(2026, 2, 5), date_of_birth=date(2026, 1, 1)
    )
    assert result.next_health_review is None


def test_review_window_must_open_before_it_is_due() -> None:
    with pytest.raises(ValueError, match="open before it is due"):
        HealthReviewRule(
            "X",
            "X",
            Interval(9, TimeUnit.WEEKS),
            Interval(8, TimeUnit.WEEKS),
            Interval(10, TimeUnit.WEEKS),
        )
