"""Timescales: working days with bank holidays, the rules a local authority sets, and one child's
status against them. Pure Python, counted the same on the device (offline) and at the central record.

    calendar   working days, bank holidays and local closures; intervals in their own units
    rules      the three kinds of rule (visit frequency, event deadline, health review)
    defaults   statutory and typical local values (sources: shared/domain/timescales.md)
    config     rules to and from JSON-like data, as a local authority configures them
    status     one child's last seen, next due, days overdue and health reviews
"""

from models.timescales.calendar import Interval, TimeUnit, WorkingCalendar
from models.timescales.config import rules_from_dict, rules_to_dict
from models.timescales.status import (
    ChildFacts,
    ChildTimescaleStatus,
    CLAVariant,
    DeadlineStatus,
    EventCode,
    EventDeadlineRule,
    HealthReviewRule,
    HealthReviewStatus,
    TimescaleEvent,
    TimescaleRules,
    VisitFrequencyRule,
    VisitPhase,
    child_timescale_status,
    default_rules,
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
    "Interval",
    "TimeUnit",
    "TimescaleEvent",
    "TimescaleRules",
    "VisitFrequencyRule",
    "VisitPhase",
    "WorkingCalendar",
    "child_timescale_status",
    "default_rules",
    "rules_from_dict",
    "rules_to_dict",
]
