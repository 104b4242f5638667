"""An assessment's time limit: when one is under way, and the day it must be authorised by."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from models.oversight.facts import ChildRecord, DecisionKind
from models.timescales import TimescaleRules
from models.timescales.calendar import Interval, TimeUnit, WorkingCalendar, add_interval

__all__ = ["assessment_due", "open_assessment"]


def assessment_due(started_on: date, *, rules: TimescaleRules, calendar: WorkingCalendar) -> date:
    """The day an assessment started on `started_on` must be authorised by (45 working days)."""
    try:
        within = rules.event_rule("REFERRAL").within
    except ValueError:
        within = Interval(45, TimeUnit.WORKING_DAYS)
    return add_interval(start=started_on, interval=within, calendar=calendar)


_ASSESSMENT_STARTS = (
    DecisionKind.REFERRAL,
    DecisionKind.DECISION_TO_ASSESS,
    DecisionKind.ASSESSMENT_STARTED,
)


def open_assessment(record: ChildRecord, today: date) -> tuple[UUID, date] | None:
    """The assessment under way (its first starting decision since the last authorisation)."""
    start: tuple[UUID, date] | None = None
    for d in sorted(record.decisions, key=lambda d: d.made_on):
        if d.made_on > today:
            break
        if d.kind == DecisionKind.ASSESSMENT_AUTHORISED:
            start = None
        elif d.kind in _ASSESSMENT_STARTS and start is None:
            start = (d.decision_id, d.made_on)
    return start
