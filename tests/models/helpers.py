"""Builders for model tests: every visit starts from the synthetic generator, then one thing changes;
the plain-words messages a visit's check gives; one child's timescale status against the default
rules and the England calendar."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from models.enums import ServiceContext
from models.rules import check_visit
from models.timescales import (
    ChildFacts,
    ChildTimescaleStatus,
    TimescaleRules,
    child_timescale_status,
    default_rules,
)
from models.timescales.calendar import WorkingCalendar
from models.visit import Visit
from synthetic import generate_caseload, synthetic_visit

CALENDAR = WorkingCalendar()
RULES = default_rules()


def complete_visit(seed: int = 3, *, context: ServiceContext | None = None) -> Visit:
    """A synthetic visit that passes every recording rule, with every child seen."""
    load = generate_caseload(seed=seed, children=2, households=1)
    rng = random.Random(seed)
    for _ in range(50):
        visit = synthetic_visit(rng, load, load.children[0])
        if all(c.child_seen == "YES" for c in visit.children):
            if context is not None:
                visit.service_context = context
            return visit
    raise AssertionError("generator never produced a visit with every child seen")


def status(
    context: str,
    *,
    start: date,
    today: date,
    seen: tuple[date, ...] = (),
    rules: TimescaleRules = RULES,
    calendar: WorkingCalendar = CALENDAR,
    **facts: Any,
) -> ChildTimescaleStatus:
    child = ChildFacts(service_context=context, context_start=start, seen_dates=seen, **facts)
    return child_timescale_status(facts=child, rules=rules, calendar=calendar, today=today)


def messages(visit, **kw) -> list[str]:
    return [p.message for p in check_visit(visit, **kw).problems]
