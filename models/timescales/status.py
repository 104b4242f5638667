"""One child's timescale status: last seen, next due, days overdue, health reviews.

Three kinds of rule (values and sources: shared/domain/timescales.md):

- `VisitFrequencyRule`, one per service context: how often the child must be seen, as phases
  counted from the context start date (plan start, placement start, decision to assess...).
- `EventDeadlineRule`: something must happen within an interval of an event (child seen within
  5 working days of a visit where they were not seen; ICPC within 15 working days of a strategy
  discussion).
- `HealthReviewRule`: a Healthy Child Programme mandated review, its window counted from birth.

Every interval carries its own unit, so "10 working days" and "14 calendar days" are both just
data. Dates are counted with a `WorkingCalendar` (conventions in calendar.py beside this).

Overdue counting: a deadline in working days is overdue from the first working day after the due
date, and `days_overdue` counts working days; any other deadline is overdue from the day after
the due date and counts calendar days. `days_overdue` is 0 when not overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.timescales.calendar import Interval, TimeUnit, WorkingCalendar, add_interval
from models.timescales.defaults import default_rules
from models.timescales.rules import (
    CLAVariant,
    EventCode,
    EventDeadlineRule,
    HealthReviewRule,
    TimescaleRules,
    VisitFrequencyRule,
    VisitPhase,
)

__all__ = [
    "CLAVariant",
    "ChildFacts",
    "ChildTimescaleStatus",
    "DeadlineStatus",
    "EventCode",
    "EventDeadlineRule",
    "HealthReviewRule",
    "HealthReviewStatus",
    "TimescaleEvent",
    "TimescaleRules",
    "VisitFrequencyRule",
    "VisitPhase",
    "child_timescale_status",
    "default_rules",
]


# One child's status


@dataclass(frozen=True)
class TimescaleEvent:
    """Something that starts a deadline, e.g. `TimescaleEvent("CHILD_NOT_SEEN", date(...))`.

    `completed_on` records when the required thing happened (assessment completed, ICPC held).
    For rules met by seeing the child it may be left None: the seen dates decide.
    """

    event: str
    occurred_on: date
    completed_on: date | None = None


@dataclass(frozen=True)
class ChildFacts:
    """What the rules need to know about one child.

    `seen_dates` are the days this child was seen face to face. The caller decides what counts:
    pass only in-person visits at which this child was seen, never phone or video contacts or
    visits where the child was not seen. Dates after `today` are ignored.
    `context_start` is the plan start, placement start, decision to assess or referral date.
    `health_reviews_done` holds the codes of mandated health reviews already done (the default
    codes are the HCP visit purposes, e.g. "HCP_NEW_BIRTH").
    """

    service_context: str
    context_start: date
    seen_dates: tuple[date, ...] = ()
    date_of_birth: date | None = None
    events: tuple[TimescaleEvent, ...] = ()
    health_reviews_done: frozenset[str] = frozenset()


@dataclass(frozen=True)
class DeadlineStatus:
    event: str
    description: str
    occurred_on: date
    due: date
    met_on: date | None
    met_late: bool
    days_overdue: int  # 0 once met; see the module docstring for the unit
    days_overdue_unit: TimeUnit


@dataclass(frozen=True)
class HealthReviewStatus:
    code: str
    label: str
    window_opens: date
    due_by: date
    window_closes: date
    days_overdue: int  # calendar days after `due_by`; 0 if not yet due

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue > 0


@dataclass(frozen=True)
class ChildTimescaleStatus:
    rule_description: str
    last_seen: date | None
    days_since_seen: int | None  # calendar days
    next_due: date | None  # None when the rule sets no further visit
    days_overdue: int  # 0 when not overdue; unit in days_overdue_unit
    days_overdue_unit: TimeUnit  # WORKING_DAYS for working-day rules, else CALENDAR_DAYS
    deadlines: tuple[DeadlineStatus, ...] = ()
    next_health_review: HealthReviewStatus | None = None
    missed_health_reviews: tuple[str, ...] = ()  # window closed, review not done

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue > 0


def _counting_unit(unit: TimeUnit) -> TimeUnit:
    return TimeUnit.WORKING_DAYS if unit is TimeUnit.WORKING_DAYS else TimeUnit.CALENDAR_DAYS


def _days_late(*, due: date, day: date, unit: TimeUnit, calendar: WorkingCalendar) -> int:
    if unit is TimeUnit.WORKING_DAYS:
        return calendar.working_days_between(due, day)
    return max((day - due).days, 0)


def _next_visit(
    *, rule: VisitFrequencyRule, start: date, last_seen: date | None, calendar: WorkingCalendar
) -> tuple[date, Interval] | None:
    """The next visit's due date and the interval that set it; None if no visit is required."""
    if last_seen is None or last_seen < start:
        # Not seen since the context started: the clock runs from the start date.
        gap = rule.first_visit_within
        if gap is None:
            phase = rule.phase_on(day=start, start=start, calendar=calendar)
            gap = None if phase is None else phase.every
        anchor = start
    else:
        phase = rule.phase_on(day=last_seen, start=start, calendar=calendar)
        gap = None if phase is None else phase.every
        anchor = last_seen
    if gap is None:
        return None
    return add_interval(start=anchor, interval=gap, calendar=calendar), gap


def _deadline_status(
    *,
    event: TimescaleEvent,
    rule: EventDeadlineRule,
    seen: list[date],
    calendar: WorkingCalendar,
    today: date,
) -> DeadlineStatus:
    due = add_interval(start=event.occurred_on, interval=rule.within, calendar=calendar)
    met_on = event.completed_on
    if met_on is None and rule.met_by_seeing_child:
        met_on = next((day for day in seen if day >= event.occurred_on), None)
    unit = rule.within.unit
    late_on_day = met_on if met_on is not None else today
    days_late = _days_late(due=due, day=late_on_day, unit=unit, calendar=calendar)
    return DeadlineStatus(
        event=event.event,
        description=rule.describe(),
        occurred_on=event.occurred_on,
        due=due,
        met_on=met_on,
        met_late=met_on is not None and days_late > 0,
        days_overdue=days_late if met_on is None else 0,
        days_overdue_unit=_counting_unit(unit),
    )


def _health_reviews(
    *,
    reviews: tuple[HealthReviewRule, ...],
    facts: ChildFacts,
    calendar: WorkingCalendar,
    today: date,
) -> tuple[HealthReviewStatus | None, tuple[str, ...]]:
    """The next review still open or to come, and the reviews whose window closed undone."""
    birth = facts.date_of_birth
    if birth is None:
        return None, ()
    missed: list[str] = []
    for review in reviews:
        if review.code in facts.health_reviews_done:
            continue
        opens, due, closes = (
            add_interval(start=birth, interval=offset, calendar=calendar)
            for offset in (review.opens_after, review.due_by, review.closes_after)
        )
        if closes < today:
            missed.append(review.code)
            continue
        status = HealthReviewStatus(
            code=review.code,
            label=review.label,
            window_opens=opens,
            due_by=due,
            window_closes=closes,
            days_overdue=max((today - due).days, 0),
        )
        return status, tuple(missed)
    return None, tuple(missed)


def child_timescale_status(
    *, facts: ChildFacts, rules: TimescaleRules, calendar: WorkingCalendar, today: date
) -> ChildTimescaleStatus:
    """Where one child stands against the rules for their service context, as of `today`.

    Raises ValueError if the service context or an event has no rule.
    """
    rule = rules.visit_rule(facts.service_context)
    seen = sorted(day for day in set(facts.seen_dates) if day <= today)
    last_seen = seen[-1] if seen else None
    due_date: date | None = None
    days_overdue = 0
    unit = TimeUnit.CALENDAR_DAYS
    next_visit = _next_visit(
        rule=rule, start=facts.context_start, last_seen=last_seen, calendar=calendar
    )
    if next_visit is not None:
        due_date, gap = next_visit
        unit = _counting_unit(gap.unit)
        days_overdue = _days_late(due=due_date, day=today, unit=gap.unit, calendar=calendar)
    deadlines = tuple(
        _deadline_status(
            event=event,
            rule=rules.event_rule(event.event),
            seen=seen,
            calendar=calendar,
            today=today,
        )
        for event in facts.events
    )
    next_review: HealthReviewStatus | None = None
    missed: tuple[str, ...] = ()
    if rule.health_reviews:
        next_review, missed = _health_reviews(
            reviews=rules.health_reviews, facts=facts, calendar=calendar, today=today
        )
    return ChildTimescaleStatus(
        rule_description=rule.describe(),
        last_seen=last_seen,
        days_since_seen=None if last_seen is None else (today - last_seen).days,
        next_due=due_date,
        days_overdue=days_overdue,
        days_overdue_unit=unit,
        deadlines=deadlines,
        next_health_review=next_review,
        missed_health_reviews=missed,
    )
