"""A child's timescales by their plan: the one computation behind the due dates the central record
shows (services/oversight/plans.py) and the overdue flags (conditions.py). "Seen" counts only
days the child was seen face to face; a decision starts a deadline met by seeing the child, or by
the later decision that completes it (a referral by the assessment's authorisation, a strategy
discussion by the initial conference)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from models.oversight.facts import ChildPlan, Decision, DecisionKind
from models.timescales import (
    ChildFacts,
    ChildTimescaleStatus,
    TimescaleEvent,
    TimescaleRules,
    child_timescale_status,
)
from models.timescales.calendar import WorkingCalendar

__all__ = ["COMPLETED_BY", "COMPLETION_WORDS", "deadline_events", "plan_status"]

COMPLETED_BY = {
    DecisionKind.REFERRAL: DecisionKind.ASSESSMENT_AUTHORISED,
    DecisionKind.STRATEGY_DISCUSSION: DecisionKind.ICPC,
}
COMPLETION_WORDS = {
    DecisionKind.ASSESSMENT_AUTHORISED: "The assessment is authorised.",
    DecisionKind.ICPC: "The initial child protection conference is recorded.",
}


def deadline_events(
    decisions: Iterable[Decision], rules: TimescaleRules, today: date
) -> list[tuple[Decision, TimescaleEvent]]:
    """Each decision (made by `today`) that starts a deadline the record can tell is met."""
    ordered = sorted((d for d in decisions if d.made_on <= today), key=lambda d: d.made_on)
    out = []
    for i, d in enumerate(ordered):
        try:
            rule = rules.event_rule(d.kind)
        except ValueError:
            continue
        completer = COMPLETED_BY.get(d.kind)
        if not rule.met_by_seeing_child and completer is None:
            continue
        done = next((x.made_on for x in ordered[i + 1 :] if x.kind == completer), None)
        out.append((d, TimescaleEvent(str(d.kind), d.made_on, done)))
    return out


def plan_status(
    plan: ChildPlan,
    *,
    seen_days: Iterable[date],
    decisions: Iterable[Decision],
    rules: TimescaleRules,
    calendar: WorkingCalendar,
    today: date,
    birth: date | None = None,
) -> tuple[ChildTimescaleStatus, list[Decision]]:
    """The child's status and, in the order of its deadlines, the decisions that started them.
    Raises ValueError when the plan's rule is not one the rules know."""
    events = deadline_events(decisions, rules, today)
    facts = ChildFacts(
        service_context=plan.rule,
        context_start=plan.started_on,
        seen_dates=tuple(seen_days),
        date_of_birth=birth,
        events=tuple(e for _, e in events),
    )
    status = child_timescale_status(facts=facts, rules=rules, calendar=calendar, today=today)
    return status, [d for d, _ in events]
