"""The checks on a decision staff record about a child, in plain words (empty: it may be kept)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from models.checks import has_text
from models.oversight.assessment import assessment_due, open_assessment
from models.oversight.facts import ChildRecord, Decision, DecisionKind
from models.timescales import TimescaleRules
from models.timescales.calendar import WorkingCalendar

__all__ = ["decision_problems"]


def decision_problems(
    decision: Decision,
    earlier: Iterable[Decision],
    *,
    rules: TimescaleRules,
    calendar: WorkingCalendar,
    today: date,
) -> list[str]:
    """A decision is made on a real day, not in the future; authorising an assessment needs one
    under way, and a reason when it is past its limit."""
    problems = []
    if decision.made_on > today:
        problems.append("A decision cannot be dated in the future.")
    if decision.kind != DecisionKind.ASSESSMENT_AUTHORISED:
        return problems
    record = ChildRecord(child_id=decision.decision_id, decisions=tuple(earlier))
    found = open_assessment(record, decision.made_on)
    if found is None:
        problems.append("There is no assessment under way to authorise.")
        return problems
    due = assessment_due(found[1], rules=rules, calendar=calendar)
    if decision.made_on > due and not has_text(decision.reason):
        problems.append(
            f"This assessment was due by {due:%d %B %Y}: say why it is late before authorising it."
        )
    return problems
