"""Caseload rows: days since seen, next due, overdue and flags, from plain data."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

from mobile.services.api import ChildFlag
from mobile.services.caseload_rows import ChildHistory, age_text, build_rows
from models.calendar import WorkingCalendar
from models.caseload import ContactRestriction
from models.concern import ConcernReceived
from models.enums import AssessedStatus, CarerRole, ServiceContext
from models.synthetic import generate_caseload
from models.timescales import default_rules

TODAY = date(2026, 3, 2)  # a Monday


def rows_for(load, history=None, **kw):
    return build_rows(
        children=load.children,
        history=history or {},
        concerns=kw.get("concerns", []),
        restrictions=kw.get("restrictions", []),
        rules=default_rules(),
        calendar=WorkingCalendar(),
        today=TODAY,
    )


def cp_child_load():
    load = generate_caseload(seed=4, children=1, households=1)
    child = load.children[0]
    child.service_context = ServiceContext.CP_PLAN
    child.context_started_on = TODAY - timedelta(days=60)
    for link in child.links:
        link.assessed = AssessedStatus.ASSESSED
    return load


def test_cp_child_seen_recently_is_not_overdue():
    load = cp_child_load()
    child = load.children[0]
    history = {child.child_id: ChildHistory(seen_dates=(TODAY - timedelta(days=3),))}
    [row] = rows_for(load, history)
    assert row.days_since_seen == 3
    assert row.days_overdue == 0
    assert row.next_due is not None and row.next_due > TODAY
    assert row.flags == frozenset()


def test_cp_child_not_seen_for_a_month_is_overdue_and_flagged():
    load = cp_child_load()
    child = load.children[0]
    history = {
        child.child_id: ChildHistory(
            seen_dates=(TODAY - timedelta(days=30),), not_seen_at_last_visit=True
        )
    }
    [row] = rows_for(load, history)
    assert row.days_overdue > 0
    assert {ChildFlag.OVERDUE, ChildFlag.NOT_SEEN_LAST_VISIT} <= row.flags
    assert "10 working days" in row.rule_text


def test_never_seen_child_counts_from_the_context_start():
    load = cp_child_load()
    [row] = rows_for(load)
    assert row.last_seen is None and row.days_since_seen is None
    assert ChildFlag.OVERDUE in row.flags


def test_concern_awaiting_acknowledgement_flags_the_child():
    load = cp_child_load()
    child = load.children[0]
    concern = ConcernReceived(concern_id=uuid4(), children_concerned=[child.child_id])
    [row] = rows_for(load, concerns=[concern])
    assert ChildFlag.CONCERN_AWAITING_ACK in row.flags


def test_unassessed_carer_and_restricted_carer_are_flagged():
    load = cp_child_load()
    child = load.children[0]
    carer = next(link for link in child.links if link.role_in_care != CarerRole.NONE)
    carer.assessed = AssessedStatus.NOT_ASSESSED
    restriction = ContactRestriction(
        restriction_id=uuid4(),
        person_id=carer.person_id,
        child_id=uuid4(),  # a child in another household
        restriction_type="SUPERVISED_ONLY",
        source="Fictional court order",
    )
    [row] = rows_for(load, restrictions=[restriction])
    assert {ChildFlag.UNASSESSED_CARER, ChildFlag.CONTACT_RESTRICTION} <= row.flags


def test_age_text_reads_naturally():
    assert age_text(TODAY - timedelta(days=5), TODAY) == "5 days"
    assert age_text(TODAY - timedelta(days=42), TODAY) == "6 weeks"
    assert age_text(date(2025, 3, 2), TODAY) == "12 months"
    assert age_text(date(2024, 1, 2), TODAY) == "2 years 2 months"
    assert age_text(None, TODAY) == "age not known"
