"""Caseload rows: days since seen, next due, overdue and flags, from the store's summaries."""

from __future__ import annotations

from datetime import date, timedelta

from mobile.services.caseload_rows import age_text, build_rows
from mobile.services.shapes import ChildFlag
from mobile.store.shapes import ChildSummary
from models.enums import ServiceContext
from models.timescales import default_rules
from models.timescales.calendar import WorkingCalendar
from synthetic import generate_caseload

TODAY = date(2026, 3, 2)  # a Monday


def summary(**changes) -> ChildSummary:
    child = generate_caseload(seed=4, children=1, households=1).children[0]
    child.service_context = ServiceContext.CP_PLAN
    child.context_started_on = TODAY - timedelta(days=60)
    fields = {
        "child": child,
        "household": None,
        "last_seen_on": None,
        "last_visit_on": None,
        "not_seen_at_last_visit": False,
        "next_visit_due": None,
        "concerns_awaiting_acknowledgement": 0,
        "unassessed_carers": 0,
        "restrictions": 0,
        "drafts": 0,
        "unsynced_visits": 0,
    }
    return ChildSummary(**{**fields, **changes})


def row_for(one: ChildSummary):
    [row] = build_rows(
        summaries=[one],
        rules=default_rules(),
        calendar=WorkingCalendar(),
        today=TODAY,
    )
    return row


def test_cp_child_seen_recently_is_not_overdue_and_unflagged():
    row = row_for(summary(last_seen_on=TODAY - timedelta(days=3)))
    assert row.days_since_seen == 3
    assert row.days_overdue == 0
    assert row.next_due is not None and row.next_due > TODAY
    assert row.flags == frozenset()


def test_cp_child_not_seen_for_a_month_is_overdue_and_flagged():
    row = row_for(summary(last_seen_on=TODAY - timedelta(days=30), not_seen_at_last_visit=True))
    assert row.days_overdue > 0
    assert row.flags == {ChildFlag.OVERDUE, ChildFlag.NOT_SEEN_LAST_VISIT}
    assert "10 working days" in row.rule_text


def test_never_seen_child_counts_from_the_context_start():
    row = row_for(summary())
    assert row.last_seen is None and row.days_since_seen is None
    assert ChildFlag.OVERDUE in row.flags


def test_each_flag_comes_from_its_own_fact():
    one = summary(
        last_seen_on=TODAY,
        concerns_awaiting_acknowledgement=1,
        unassessed_carers=2,
        restrictions=1,
        unsynced_visits=3,
        escalations_pending=1,
    )
    row = row_for(one)
    assert row.flags == {
        ChildFlag.CONCERN_AWAITING_ACK,
        ChildFlag.UNASSESSED_CARER,
        ChildFlag.CONTACT_RESTRICTION,
        ChildFlag.ESCALATION_PENDING,
    }
    assert row.unsynced == 3


def test_age_text_reads_naturally():
    assert age_text(TODAY - timedelta(days=5), TODAY) == "5 days"
    assert age_text(TODAY - timedelta(days=42), TODAY) == "6 weeks"
    assert age_text(date(2025, 3, 2), TODAY) == "12 months"
    assert age_text(date(2024, 1, 2), TODAY) == "2 years 2 months"
    assert age_text(None, TODAY) == "age not known"
