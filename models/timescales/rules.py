"""Timescale rules as data a local authority can configure (values: shared/domain/timescales.md).

- `VisitFrequencyRule`, one per service context: how often the child must be seen, as phases
  counted from the context start date (plan start, placement start, decision to assess...).
- `EventDeadlineRule`: something must happen within an interval of an event (child seen within
  5 working days of a visit where they were not seen; ICPC within 15 working days of a strategy
  discussion).
- `HealthReviewRule`: a Healthy Child Programme mandated review, its window counted from birth.

Every interval carries its own unit, so "10 working days" and "14 calendar days" are both data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from models.timescales.calendar import Interval, WorkingCalendar, add_interval

__all__ = [
    "CLAVariant",
    "EventCode",
    "EventDeadlineRule",
    "HealthReviewRule",
    "TimescaleRules",
    "VisitFrequencyRule",
    "VisitPhase",
]


class CLAVariant(StrEnum):
    """Rule codes for looked-after children whose placement has its own visiting schedule.

    A visit records the service context "CLA"; a caller that knows the placement type passes one
    of these codes as `ChildFacts.service_context` instead (CPPCR 2010 reg 28 [S7]).
    """

    LONG_TERM = "CLA_LONG_TERM"  # placement meant to last until the child is 18
    PLACED_WITH_PARENT = "CLA_PLACED_WITH_PARENT"  # reg 19: before assessment is complete
    INTERIM_WITH_PARENT = "CLA_INTERIM_WITH_PARENT"  # reg 24, or interim care order


class EventCode(StrEnum):
    """Codes of the default deadline-starting events. A local authority may configure others."""

    DECISION_TO_ASSESS = "DECISION_TO_ASSESS"
    S47_DECISION = "S47_DECISION"
    CHILD_NOT_SEEN = "CHILD_NOT_SEEN"
    REFERRAL = "REFERRAL"
    STRATEGY_DISCUSSION = "STRATEGY_DISCUSSION"
    ICPC = "ICPC"


# ---------------------------------------------------------------------------------------------
# Rules


@dataclass(frozen=True)
class VisitPhase:
    """From `starts_after` to `ends_after` (offsets from the context start; None: no end), the
    child must be seen at least `every` interval."""

    starts_after: Interval
    ends_after: Interval | None
    every: Interval

    def __post_init__(self) -> None:
        if self.every.amount < 1:
            raise ValueError("a visiting interval must be at least 1")
        start, end = self.starts_after, self.ends_after
        # Offsets in different units (20 working days, 1 month) cannot be compared without dates.
        if end is not None and end.unit == start.unit and end.amount <= start.amount:
            raise ValueError("a phase must end after it starts")


@dataclass(frozen=True)
class VisitFrequencyRule:
    """How often a child in one service context must be seen.

    If the child has not been seen since the context started, the first visit is due
    `first_visit_within` after the start (or, if that is None, one phase interval after it).
    After that, the phase in force on the day of the last visit sets the gap to the next one.
    Phases run back to back from the start; no phases means no regular visiting frequency.
    """

    context: str
    label: str
    starts_with: str  # plain words for the context start, e.g. "the start of the placement"
    phases: tuple[VisitPhase, ...] = ()
    first_visit_within: Interval | None = None
    health_reviews: bool = False  # True for health visiting: report the next mandated review

    def __post_init__(self) -> None:
        if not self.context.strip():
            raise ValueError("a service context code must not be blank")
        for number, phase in enumerate(self.phases, start=1):
            if number == 1 and phase.starts_after.amount != 0:
                raise ValueError("the first phase must start at 0 (the context start date)")
            if number > 1 and phase.starts_after != self.phases[number - 2].ends_after:
                raise ValueError(f"phase {number} must start where phase {number - 1} ends")

    def describe(self) -> str:
        """Plain words, e.g. "Child protection plan: seen every 10 working days"."""
        parts: list[str] = []
        if self.first_visit_within is not None:
            parts.append(f"seen within {self.first_visit_within.describe()} of {self.starts_with}")
        for number, phase in enumerate(self.phases, start=1):
            words = _every(phase.every)
            if phase.ends_after is not None:
                if number == 1:
                    words += f" for the first {phase.ends_after.describe()}"
                else:
                    words += f" until {phase.ends_after.describe()} after {self.starts_with}"
            parts.append(words)
        if not parts and self.health_reviews:
            return f"{self.label}: mandated health reviews by age"
        if not parts:
            return f"{self.label}: no visiting frequency set"
        if self.first_visit_within is None:
            parts[0] = f"seen {parts[0]}"
        return f"{self.label}: {', then '.join(parts)}"

    def phase_on(self, *, day: date, start: date, calendar: WorkingCalendar) -> VisitPhase | None:
        """The phase in force on `day` for a context that started on `start` (None: none left)."""
        for phase in self.phases:
            if phase.ends_after is None:
                return phase
            if day < add_interval(start=start, interval=phase.ends_after, calendar=calendar):
                return phase
        return None


@dataclass(frozen=True)
class EventDeadlineRule:
    """`what` must happen within `within` of an event, e.g. "Child seen within 5 working days of
    a visit where the child was not seen". If `met_by_seeing_child`, the first time the child is
    seen on or after the event day meets the deadline."""

    event: str
    what: str
    after: str
    within: Interval
    met_by_seeing_child: bool = False

    def __post_init__(self) -> None:
        if not self.event.strip():
            raise ValueError("an event code must not be blank")

    def describe(self) -> str:
        return f"{self.what} within {self.within.describe()} of {self.after}"


@dataclass(frozen=True)
class HealthReviewRule:
    """A mandated health-visiting review: window opens, target date and window close, all
    counted from the date of birth."""

    code: str
    label: str
    opens_after: Interval
    due_by: Interval
    closes_after: Interval

    def __post_init__(self) -> None:
        if not self.code.strip():
            raise ValueError("a review code must not be blank")
        opens, due, closes = self.opens_after, self.due_by, self.closes_after
        same_unit = opens.unit == due.unit == closes.unit
        if same_unit and not opens.amount <= due.amount <= closes.amount:
            raise ValueError("a review window must open before it is due and close after")


def _every(interval: Interval) -> str:
    if interval.amount == 1:
        return f"every {interval.describe().removeprefix('1 ')}"
    return f"every {interval.describe()}"


@dataclass(frozen=True)
class TimescaleRules:
    """All the rules for one local authority. Build with `default_rules()` or `config.rules_from_dict()`."""

    visit_frequencies: tuple[VisitFrequencyRule, ...]
    event_deadlines: tuple[EventDeadlineRule, ...] = ()
    health_reviews: tuple[HealthReviewRule, ...] = ()

    def __post_init__(self) -> None:
        for kind, codes in (
            ("service context", [r.context for r in self.visit_frequencies]),
            ("event", [r.event for r in self.event_deadlines]),
            ("health review", [r.code for r in self.health_reviews]),
        ):
            repeated = sorted({code for code in codes if codes.count(code) > 1})
            if repeated:
                raise ValueError(f"each {kind} may have only one rule; repeated: {repeated}")

    def visit_rule(self, context: str) -> VisitFrequencyRule:
        for rule in self.visit_frequencies:
            if rule.context == context:
                return rule
        raise ValueError(f"No visiting rule is set for the service context {context!r}")

    def event_rule(self, event: str) -> EventDeadlineRule:
        for rule in self.event_deadlines:
            if rule.event == event:
                return rule
        raise ValueError(f"No deadline rule is set for the event {event!r}")
