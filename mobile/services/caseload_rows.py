"""Build the caseload screen's rows: pure, so 800 children stay instant and tests need no store."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from mobile.services.api import CaseloadRow, ChildFlag
from models.calendar import WorkingCalendar
from models.caseload import Child, ContactRestriction
from models.concern import ConcernReceived
from models.enums import AssessedStatus, CarerRole
from models.timescales import ChildFacts, TimescaleRules, child_timescale_status

__all__ = ["ChildHistory", "age_text", "build_rows"]


@dataclass(frozen=True)
class ChildHistory:
    """What the device knows of one child's visits: its own and those the central record sent."""

    seen_dates: tuple[date, ...] = ()  # face to face, child seen
    not_seen_at_last_visit: bool = False
    escalation_pending: bool = False  # an escalation recorded here, not yet acknowledged
    unsynced: int = 0
    health_reviews_done: frozenset[str] = field(default_factory=frozenset)


def build_rows(
    *,
    children: Iterable[Child],
    history: Mapping[UUID, ChildHistory],
    concerns: Sequence[ConcernReceived],
    restrictions: Sequence[ContactRestriction],
    rules: TimescaleRules,
    calendar: WorkingCalendar,
    today: date,
) -> list[CaseloadRow]:
    awaiting = {
        c
        for concern in concerns
        if concern.awaiting_acknowledgement
        for c in concern.children_concerned
    }
    restricted_people = {r.person_id for r in restrictions}
    rows = []
    for child in children:
        past = history.get(child.child_id, ChildHistory())
        facts = ChildFacts(
            service_context=child.service_context,
            context_start=child.context_started_on or child.date_of_birth or today,
            seen_dates=past.seen_dates,
            date_of_birth=child.date_of_birth,
            health_reviews_done=past.health_reviews_done,
        )
        status = child_timescale_status(facts=facts, rules=rules, calendar=calendar, today=today)
        flags = set()
        if status.is_overdue:
            flags.add(ChildFlag.OVERDUE)
        if past.not_seen_at_last_visit:
            flags.add(ChildFlag.NOT_SEEN_LAST_VISIT)
        if child.child_id in awaiting:
            flags.add(ChildFlag.CONCERN_AWAITING_ACK)
        if past.escalation_pending:
            flags.add(ChildFlag.ESCALATION_PENDING)
        carers = [link for link in child.links if link.role_in_care != CarerRole.NONE]
        if any(link.assessed == AssessedStatus.NOT_ASSESSED for link in carers):
            flags.add(ChildFlag.UNASSESSED_CARER)
        if any(link.person_id in restricted_people for link in carers):
            flags.add(ChildFlag.CONTACT_RESTRICTION)
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
                unsynced=past.unsynced,
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
