"""Timescales: intervals in every unit, and when a child's next visit is due, by service context and
phase (dates are 2026-27, England)."""

from __future__ import annotations

from datetime import date

import pytest

from models.enums import ServiceContext
from models.timescales import (
    CLAVariant,
    VisitFrequencyRule,
    VisitPhase,
    rules_from_dict,
    rules_to_dict,
)
from models.timescales.calendar import Interval, TimeUnit, WorkingCalendar, add_interval, add_months
from tests.models.helpers import CALENDAR, RULES, status

# --- intervals in every unit --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("interval", "expected"),
    [
        (Interval(10, TimeUnit.WORKING_DAYS), date(2027, 1, 5)),
        (Interval(14, TimeUnit.CALENDAR_DAYS), date(2026, 12, 31)),
        (Interval(2, TimeUnit.WEEKS), date(2026, 12, 31)),
        (Interval(1, TimeUnit.MONTHS), date(2027, 1, 17)),
    ],
)
def test_add_interval_counts_in_the_intervals_own_unit(interval: Interval, expected: date) -> None:
    start = date(2026, 12, 17)
    assert add_interval(start=start, interval=interval, calendar=CALENDAR) == expected


def test_add_months_uses_the_last_day_of_a_shorter_month() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_calendar_day_interval_may_land_on_a_weekend() -> None:
    friday = date(2026, 3, 13)
    interval = Interval(1, TimeUnit.CALENDAR_DAYS)
    assert add_interval(start=friday, interval=interval, calendar=CALENDAR) == date(2026, 3, 14)


def test_interval_refuses_a_negative_amount() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        Interval(-1, TimeUnit.WEEKS)


def test_interval_describes_itself_in_plain_words() -> None:
    assert Interval(10, TimeUnit.WORKING_DAYS).describe() == "10 working days"
    assert Interval(1, TimeUnit.WEEKS).describe() == "1 week"
    assert Interval(14, TimeUnit.CALENDAR_DAYS).describe() == "14 days"


# --- visit frequency ----------------------------------------------------------------------------


def test_cp_plan_rule_reads_in_plain_words() -> None:
    assert (
        RULES.visit_rule(ServiceContext.CP_PLAN).describe()
        == "Child protection plan: seen every 10 working days"
    )


def test_cp_plan_next_visit_is_ten_working_days_after_last_seen_skipping_easter() -> None:
    result = status(
        "CP_PLAN", start=date(2026, 3, 2), seen=(date(2026, 3, 27),), today=date(2026, 4, 1)
    )
    assert result.last_seen == date(2026, 3, 27)
    assert result.days_since_seen == 5
    assert result.next_due == date(2026, 4, 14)
    assert result.days_overdue == 0
    assert not result.is_overdue


def test_cp_plan_overdue_is_counted_in_working_days() -> None:
    # Due Tue 14 Apr 2026; Wed 15 to Mon 20 is four working days.
    result = status(
        "CP_PLAN", start=date(2026, 3, 2), seen=(date(2026, 3, 27),), today=date(2026, 4, 20)
    )
    assert result.days_overdue == 4
    assert result.days_overdue_unit is TimeUnit.WORKING_DAYS
    assert result.is_overdue


def test_working_day_rule_is_not_overdue_until_a_working_day_has_passed() -> None:
    # Seen Fri 6 Mar; due Fri 20 Mar. Saturday is past the date but no working day has passed.
    seen = (date(2026, 3, 6),)
    saturday = status("CP_PLAN", start=date(2026, 3, 2), seen=seen, today=date(2026, 3, 21))
    monday = status("CP_PLAN", start=date(2026, 3, 2), seen=seen, today=date(2026, 3, 23))
    assert saturday.next_due == date(2026, 3, 20)
    assert saturday.days_overdue == 0
    assert monday.days_overdue == 1


def test_calendar_unit_rule_counts_overdue_in_calendar_days() -> None:
    # CIN plan, every 4 weeks: seen 2 Mar, due 30 Mar; on Sat 4 Apr that is 5 days overdue.
    result = status(
        "CIN_PLAN", start=date(2026, 1, 5), seen=(date(2026, 3, 2),), today=date(2026, 4, 4)
    )
    assert result.next_due == date(2026, 3, 30)
    assert result.days_overdue == 5
    assert result.days_overdue_unit is TimeUnit.CALENDAR_DAYS


def test_never_seen_child_is_due_counting_from_the_context_start() -> None:
    # Plan starts Mon 30 Mar 2026; ten working days, skipping Easter, is Wed 15 Apr.
    result = status("CP_PLAN", start=date(2026, 3, 30), today=date(2026, 4, 17))
    assert result.last_seen is None
    assert result.days_since_seen is None
    assert result.next_due == date(2026, 4, 15)
    assert result.days_overdue == 2


def test_seen_before_the_context_started_shows_as_last_seen_but_the_clock_starts_at_the_start() -> (
    None
):
    result = status(
        "CP_PLAN", start=date(2026, 3, 30), seen=(date(2026, 3, 20),), today=date(2026, 4, 1)
    )
    assert result.last_seen == date(2026, 3, 20)
    assert result.next_due == date(2026, 4, 15)


def test_seen_dates_after_today_are_ignored() -> None:
    seen = (date(2026, 3, 6), date(2026, 5, 1))
    result = status("CP_PLAN", start=date(2026, 3, 2), seen=seen, today=date(2026, 3, 10))
    assert result.last_seen == date(2026, 3, 6)


def test_same_counting_with_a_14_calendar_day_rule_configured_locally() -> None:
    data = rules_to_dict(RULES)
    data["visit_frequencies"]["CP_PLAN"]["phases"][0]["every"] = {
        "amount": 14,
        "unit": "calendar_days",
    }
    local = rules_from_dict(data)
    result = status(
        "CP_PLAN",
        start=date(2026, 3, 2),
        seen=(date(2026, 3, 27),),
        today=date(2026, 4, 14),
        rules=local,
    )
    assert result.next_due == date(2026, 4, 10)
    assert result.days_overdue == 4
    assert result.days_overdue_unit is TimeUnit.CALENDAR_DAYS
    assert result.rule_description == "Child protection plan: seen every 14 days"


def test_local_closure_pushes_a_working_day_due_date_back() -> None:
    closed = WorkingCalendar(closures=frozenset({date(2026, 4, 14)}))
    result = status(
        "CP_PLAN",
        start=date(2026, 3, 2),
        seen=(date(2026, 3, 27),),
        today=date(2026, 4, 1),
        calendar=closed,
    )
    assert result.next_due == date(2026, 4, 15)


def test_unknown_service_context_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="'ADOPTION'"):
        status("ADOPTION", start=date(2026, 3, 2), today=date(2026, 3, 3))


# --- looked-after children: phases --------------------------------------------------------------


def test_cla_placement_first_visit_is_due_within_one_week() -> None:
    result = status(ServiceContext.CLA, start=date(2026, 1, 5), today=date(2026, 1, 14))
    assert result.next_due == date(2026, 1, 12)
    assert result.days_overdue == 2
    assert result.days_overdue_unit is TimeUnit.CALENDAR_DAYS


def test_cla_after_the_first_visit_the_next_is_due_within_six_weeks() -> None:
    result = status(
        ServiceContext.CLA,
        start=date(2026, 1, 5),
        seen=(date(2026, 1, 9),),
        today=date(2026, 1, 14),
    )
    assert result.next_due == date(2026, 2, 20)


def test_long_term_cla_is_six_weekly_in_the_first_year() -> None:
    result = status(
        CLAVariant.LONG_TERM,
        start=date(2026, 1, 5),
        seen=(date(2026, 12, 20),),
        today=date(2026, 12, 21),
    )
    assert result.next_due == date(2027, 1, 31)


def test_long_term_cla_is_three_monthly_from_the_first_anniversary() -> None:
    result = status(
        CLAVariant.LONG_TERM,
        start=date(2026, 1, 5),
        seen=(date(2027, 1, 5),),
        today=date(2027, 1, 6),
    )
    assert result.next_due == date(2027, 4, 5)


def test_long_term_cla_rule_reads_in_plain_words() -> None:
    assert status(
        CLAVariant.LONG_TERM, start=date(2026, 1, 5), today=date(2026, 1, 6)
    ).rule_description == (
        "Looked-after child, placement meant to last until 18: seen within 1 week of the start of "
        "the placement, then every 6 weeks for the first 12 months, then every 3 months"
    )


def test_reg_19_placement_with_parent_is_weekly_until_the_first_review_then_six_weekly() -> None:
    # Placement Mon 30 Mar 2026; 20 working days, skipping Easter, ends the weekly phase on 29 Apr.
    start = date(2026, 3, 30)
    weekly = status(
        CLAVariant.PLACED_WITH_PARENT,
        start=start,
        seen=(date(2026, 4, 28),),
        today=date(2026, 4, 28),
    )
    six_weekly = status(
        CLAVariant.PLACED_WITH_PARENT,
        start=start,
        seen=(date(2026, 4, 29),),
        today=date(2026, 4, 29),
    )
    assert weekly.next_due == date(2026, 5, 5)
    assert six_weekly.next_due == date(2026, 6, 10)


def test_private_fostering_is_six_weekly_then_twelve_weekly() -> None:
    start = date(2026, 2, 2)
    first_year = status(
        "PRIVATE_FOSTERING", start=start, seen=(date(2026, 6, 1),), today=date(2026, 6, 2)
    )
    later = status(
        "PRIVATE_FOSTERING", start=start, seen=(date(2027, 3, 1),), today=date(2027, 3, 2)
    )
    never = status("PRIVATE_FOSTERING", start=start, today=date(2026, 2, 3))
    assert first_year.next_due == date(2026, 7, 13)
    assert later.next_due == date(2027, 5, 24)
    assert never.next_due == date(2026, 3, 16)


def test_assessment_child_must_be_seen_within_three_working_days_of_the_decision() -> None:
    # Decision Thu 2 Apr 2026: Tue 7, Wed 8, Thu 9 (Easter skipped).
    never = status("ASSESSMENT_S17", start=date(2026, 4, 2), today=date(2026, 4, 10))
    seen = status(
        "ASSESSMENT_S17", start=date(2026, 4, 2), seen=(date(2026, 4, 7),), today=date(2026, 4, 10)
    )
    assert never.next_due == date(2026, 4, 9)
    assert never.days_overdue == 1
    assert seen.next_due is None  # no regular frequency is set after the first visit
    assert seen.days_overdue == 0


def test_s47_child_must_be_seen_within_one_working_day() -> None:
    result = status("S47_ENQUIRY", start=date(2026, 12, 24), today=date(2026, 12, 24))
    assert result.next_due == date(2026, 12, 29)


def test_early_help_has_no_due_date_until_one_is_configured() -> None:
    result = status(
        "EARLY_HELP", start=date(2026, 1, 5), seen=(date(2026, 1, 9),), today=date(2026, 6, 1)
    )
    assert result.next_due is None
    assert result.days_since_seen == 143
    assert result.rule_description == "Early help: no visiting frequency set"


def test_phases_must_run_back_to_back() -> None:
    six_weeks = Interval(6, TimeUnit.WEEKS)
    with pytest.raises(ValueError, match="phase 2 must start where phase 1 ends"):
        VisitFrequencyRule(
            context="X",
            label="X",
            starts_with="the start",
            phases=(
                VisitPhase(Interval(0, TimeUnit.WEEKS), Interval(10, TimeUnit.WEEKS), six_weeks),
                VisitPhase(Interval(12, TimeUnit.WEEKS), None, six_weeks),
            ),
        )
