"""Build the caseload screen's rows: pure, so 800 children stay instant and tests need no store."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from uuid import UUID

from mobile.services.shapes import CaseloadRow, ChildFlag, ReceivedFlag, ReceivedTask
from mobile.store.shapes import ChildSummary
from models.timescales import ChildFacts, TimescaleRules, child_timescale_status
from models.timescales.calendar import WorkingCalendar

__all__ = ["age_text", "build_rows"]


def build_rows(
    *,
    summaries: Iterable[ChildSummary],
    rules: TimescaleRules,
    calendar: WorkingCalendar,
    today: date,
    received: Mapping[UUID, Sequence[ReceivedFlag]] | None = None,
    tasks: Mapping[UUID, Sequence[ReceivedTask]] | None = None,
) -> list[CaseloadRow]:
    """One row per child: the store's summary plus where the child stands against the rules,
    and the central record's open flags for the child (most urgent first) and the tasks sent
    back to this worker."""
    received = received or {}
    tasks = tasks or {}
    rows = []
    for summary in summaries:
        child = summary.child
        facts = ChildFacts(
            service_context=child.service_context,
            context_start=child.context_started_on or child.date_of_birth or today,
            seen_dates=(summary.last_seen_on,) if summary.last_seen_on else (),
            date_of_birth=child.date_of_birth,
        )
        status = child_timescale_status(facts=facts, rules=rules, calendar=calendar, today=today)
        flags = {
            flag
            for flag, raised in (
                (ChildFlag.OVERDUE, status.is_overdue),
                (ChildFlag.NOT_SEEN_LAST_VISIT, summary.not_seen_at_last_visit),
                (ChildFlag.CONCERN_AWAITING_ACK, summary.concerns_awaiting_acknowledgement > 0),
                (ChildFlag.ESCALATION_PENDING, summary.escalations_pending > 0),
                (ChildFlag.UNASSESSED_CARER, summary.unassessed_carers > 0),
                (ChildFlag.CONTACT_RESTRICTION, summary.restrictions > 0),
            )
            if raised
        }
        rows.append(
            CaseloadRow(
                child_id=child.child_id,
                name=child.name,
                age_text=age_text(child.date_of_birth, today),
                household_id=child.household_id,
                service_context=child.service_context,
                last_seen=status.last_seen,
                days_since_seen=status.days_since_seen,
                next_due=status.next_due,
                days_overdue=status.days_overdue,
                rule_text=status.rule_description,
                flags=frozenset(flags),
                unsynced=summary.unsynced_visits,
                received=tuple(received.get(child.child_id, ())),
                tasks=tuple(tasks.get(child.child_id, ())),
            )
        )
    return rows


def age_text(born: date | None, today: date) -> str:
    if born is None:
        return "age not known"
    days = (today - born).days
    if days < 0:
        return "not born yet"
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''}"
    if days < 7 * 13:
        weeks = days // 7
        return f"{weeks} weeks"
    months = (today.year - born.year) * 12 + today.month - born.month - (today.day < born.day)
    if months < 24:
        return f"{months} months"
    years, rest = divmod(months, 12)
    return f"{years} years" + (f" {rest} month{'s' if rest != 1 else ''}" if rest else "")
