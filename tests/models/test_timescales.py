"""Timescale rules as data, and one child's status against them (dates are 2026-27, England)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from models.enums import ServiceContext, VisitPurpose
from models.timescales import (
    ChildFacts,
    ChildTimescaleStatus,
    CLAVariant,
    EventCode,
    HealthReviewRule,
    TimescaleEvent,
    TimescaleRules,
    VisitFrequencyRule,
    VisitPhase,
    child_timescale_status,
    default_rules,
    rules_from_dict,
    rules_to_dict,
)
from models.timescales.calendar import Interval, TimeUnit, WorkingCalendar, add_interval, add_months

CALENDAR = WorkingCalendar()
RULES = default_rules()


def status(
    context: str,
    *,
    start: date,
    today: date,
    seen: tuple[date, ...] = (),
    rules: TimescaleRules = RULES,
    calendar: WorkingCalendar = CALENDAR,
    **facts: Any,
) -> ChildTimescaleStatus:
    child = ChildFacts(service_context=context, context_start=start, seen_dates=seen, **facts)
    return child_timescale_status(facts=child, rules=rules, calendar=calendar, today=today)


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


# --- configuration as data ----------------------------------------------------------------------


def test_default_rules_survive_a_json_round_trip() -> None:
    data = json.loads(json.dumps(rules_to_dict(RULES)))
    assert rules_from_dict(data) == RULES
    assert rules_to_dict(rules_from_dict(data)) == rules_to_dict(RULES)


def test_default_rules_cover_every_service_context() -> None:
    for context in ServiceContext:
        assert RULES.visit_rule(context).context == context


def test_from_dict_fills_optional_keys_with_their_defaults() -> None:
    rules = rules_from_dict(
        {
            "visit_frequencies": {
                "CP_PLAN": {
                    "label": "Child protection plan",
                    "starts_with": "the start of the plan",
                    "phases": [
                        {
                            "from": {"amount": 0, "unit": "working_days"},
                            "every": {"amount": 15, "unit": "working_days"},
                        }
                    ],
                }
            }
        }
    )
    rule = rules.visit_rule("CP_PLAN")
    assert rule.first_visit_within is None
    assert not rule.health_reviews
    assert rule.phases[0].ends_after is None
    assert rules.event_deadlines == ()


def _with(path: list[str | int], value: object) -> dict[str, Any]:
    """The default rules as data, with the value at `path` replaced (or removed if value is ...)."""
    data: dict[str, Any] = rules_to_dict(RULES)
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    if value is ...:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (
            _with(["visit_frequencies", "CP_PLAN", "phases", 0, "every", "unit"], "fortnights"),
            "visit_frequencies.CP_PLAN.phases[0].every.unit is 'fortnights'",
        ),
        (
            _with(["visit_frequencies", "CP_PLAN", "phases", 0, "every", "amount"], -10),
            "visit_frequencies.CP_PLAN.phases[0].every.amount is -10",
        ),
        (
            _with(["visit_frequencies", "CP_PLAN", "phases", 0, "every", "amount"], "10"),
            "visit_frequencies.CP_PLAN.phases[0].every.amount is '10'",
        ),
        (
            _with(["visit_frequencies", "CP_PLAN", "phases", 0, "every", "amount"], 0),
            "visit_frequencies.CP_PLAN.phases[0]: a visiting interval must be at least 1",
        ),
        (
            _with(
                ["visit_frequencies", "CLA", "first_visit_within"],
                {"amount": True, "unit": "weeks"},
            ),
            "visit_frequencies.CLA.first_visit_within.amount is True",
        ),
        (_with(["visit_frequencies", "CP_PLAN", "label"], ""), "visit_frequencies.CP_PLAN.label"),
        (_with(["visit_frequencies", "CP_PLAN", "evry"], 10), "unknown key 'evry'"),
        (
            _with(["visit_frequencies", "CP_PLAN", "starts_with"], ...),
            "missing the key 'starts_with'",
        ),
        (
            _with(["visit_frequencies", "CP_PLAN", "phases"], "every 10 days"),
            "visit_frequencies.CP_PLAN.phases",
        ),
        (
            _with(
                ["visit_frequencies", "CLA_LONG_TERM", "phases", 1, "from"],
                {"amount": 6, "unit": "months"},
            ),
            "visit_frequencies.CLA_LONG_TERM: phase 2 must start where phase 1 ends",
        ),
        (_with(["event_deadlines", "REFERRAL", "within"], 45), "event_deadlines.REFERRAL.within"),
        (
            _with(["event_deadlines", "CHILD_NOT_SEEN", "met_by_seeing_child"], "yes"),
            "event_deadlines.CHILD_NOT_SEEN.met_by_seeing_child",
        ),
        (
            _with(["health_reviews", "HCP_12_MONTH", "due_by"], {"amount": 16, "unit": "months"}),
            "health_reviews.HCP_12_MONTH: a review window must open before it is due",
        ),
        (_with(["visit_frequncies"], {}), "unknown key 'visit_frequncies'"),
        (_with(["event_deadlines"], []), "event_deadlines should be a set of named rules"),
    ],
)
def test_from_dict_rejects_bad_input_naming_the_key(data: dict[str, Any], named: str) -> None:
    with pytest.raises(ValueError, match="Timescale rules") as raised:
        rules_from_dict(data)
    assert named in str(raised.value)


def test_from_dict_rejects_data_that_is_not_an_object() -> None:
    with pytest.raises(ValueError, match="the top level should be a set of named values"):
        rules_from_dict([])  # type: ignore[arg-type]
