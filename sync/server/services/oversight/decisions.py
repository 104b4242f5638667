"""Decisions staff record about a child, with their date, outcome and reason: append-only,
checked by models.oversight.decision_problems (refused with decision.refused and its words). A
CONTEXT_CHANGED decision names the new context (its visiting rule) in `outcome` and moves the
child's plan there (plans.py). Who may, and the audit, as in plans.py.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from uuid import UUID

from models.base import storable_problem
from models.ids import new_id
from models.oversight import Decision, DecisionKind, decision_problems, local_day
from models.oversight.settings import OrgSettings
from sync import protocol
from sync.protocol_plans import DecisionAnswer, DecisionList
from sync.server.db import Database
from sync.server.services.common import Actor, AuditLog, OrgLog, Refusal
from sync.server.services.oversight import org_settings
from sync.server.services.oversight.plans import (
    apply_plan,
    audited,
    context_of,
    facts,
    recheck_call_site,
    scoped_child,
)
from sync.server.tables import ChildPlanRow, DecisionRow, PractitionerRow

__all__ = ["child_decisions", "record_decision"]

_KINDS = frozenset(k.value for k in DecisionKind)


def _decision_answer(row: DecisionRow) -> DecisionAnswer:
    return DecisionAnswer(
        decision_id=row.decision_id,
        child_id=row.child_id,
        kind=DecisionKind(row.kind),
        made_on=row.made_on,
        outcome=row.outcome,
        reason=row.reason,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
    )


def _decision_problems(
    kind: str, made_on: date, outcome: str, reason: str, earlier: Sequence[DecisionRow],
    settings: OrgSettings, today: date,
) -> Iterator[str]:  # fmt: skip
    for text, limit, what in ((outcome, 200, "outcome"), (reason, 4000, "reason")):
        problem = storable_problem(text)
        if problem is not None:
            yield f"The {what}: {problem}."
        if len(text) > limit:
            yield f"The {what} is too long: at most {limit} characters."
    if kind not in _KINDS:
        yield "That is not a kind of decision this record knows."
        return
    decision = Decision(new_id(), DecisionKind(kind), made_on, reason)
    before = [Decision(d.decision_id, DecisionKind(d.kind), d.made_on, d.reason) for d in earlier]
    yield from decision_problems(
        decision, before, rules=settings.rules, calendar=settings.calendar, today=today
    )
    if kind == DecisionKind.CONTEXT_CHANGED:
        context = context_of(outcome)
        if context is None:
            yield "Say which service context the child moves to (for example CP_PLAN)."
        else:
            try:
                settings.rules.visit_rule(outcome)
            except ValueError:
                yield f"Your organisation's timescales have no visiting rule for {outcome}."


def record_decision(
    *,
    db: Database,
    actor: Actor | None,
    child_id: UUID,
    kind: str,
    made_on: date,
    outcome: str = "",
    reason: str = "",
    by: UUID | None = None,
    decision_id: UUID | None = None,
    now: datetime,
) -> DecisionAnswer:
    """Record a decision (append-only). The same decision id and content again is the same
    answer; a CONTEXT_CHANGED decision moves the child's plan to the context it names."""
    with audited(db, actor, now, "decision.record", child_id), db.write() as s:
        child = scoped_child(s, actor, child_id)
        recorder = actor.practitioner_id if actor is not None else by
        holder = s.get(PractitionerRow, recorder) if recorder is not None else None
        if recorder is None or holder is None or holder.org_id != child.org_id:
            raise Refusal(protocol.NOT_FOUND, "No such practitioner in this organisation.")
        log = OrgLog(s, child.org_id)
        audit = AuditLog(s, now, actor)
        if decision_id is not None and (found := s.get(DecisionRow, decision_id)) is not None:
            same = (found.org_id, found.child_id, found.kind, found.made_on, found.outcome,
                    found.reason) == (child.org_id, child_id, kind, made_on, outcome, reason)  # fmt: skip
            if not same:
                raise Refusal(
                    protocol.SYNC_CONFLICT,
                    "A different decision with this id is already recorded: both are kept.",
                )
            audit.add("decision.record.duplicate", child_id=child_id, record_id=decision_id,
                      org_id=child.org_id)  # fmt: skip
            audit.flush()
            return _decision_answer(found)
        settings = org_settings(s, child.org_id)
        _, earlier = facts(s, child.org_id, child_id)
        problems = list(
            _decision_problems(kind, made_on, outcome, reason, earlier, settings, local_day(now))
        )
        if problems:
            raise Refusal(protocol.DECISION_REFUSED, " ".join(problems))
        row = DecisionRow(
            decision_id=decision_id or new_id(), org_id=child.org_id, child_id=child_id,
            kind=kind, made_on=made_on, outcome=outcome, reason=reason, recorded_by=recorder,
            recorded_at=now,
        )  # fmt: skip
        s.add(row)
        s.flush()
        if kind == DecisionKind.CONTEXT_CHANGED:
            plan = s.get(ChildPlanRow, (child.org_id, child_id))
            if plan is None or made_on >= plan.context_started_on:  # a late, older one: history
                context = context_of(outcome)
                assert context is not None
                plan = plan or ChildPlanRow(
                    org_id=child.org_id, child_id=child_id, service_context="", rule="",
                    context_started_on=made_on, households=[], updated_at=now,
                )  # fmt: skip
                plan.service_context, plan.rule = context.value, outcome
                plan.context_started_on, plan.updated_at, plan.updated_by = made_on, now, recorder
                apply_plan(s, log, child, plan, settings, now)
        audit.add("decision.record", child_id=child_id, record_id=row.decision_id,
                  org_id=child.org_id)  # fmt: skip
        recheck_call_site(
            s, org_id=child.org_id, child_ids=[child_id], now=now, log=log, audit=audit
        )
        log.flush()
        audit.flush()
        return _decision_answer(row)


def child_decisions(
    *, db: Database, actor: Actor | None, child_id: UUID, now: datetime
) -> DecisionList:
    """A child's decisions, oldest first."""
    with audited(db, actor, now, "decision.read", child_id), db.write() as s:
        child = scoped_child(s, actor, child_id)
        _, rows = facts(s, child.org_id, child_id)
        rows.sort(key=lambda d: (d.made_on, d.recorded_at))
        audit = AuditLog(s, now, actor)
        audit.add("decision.read", child_id=child_id, org_id=child.org_id)
        audit.flush()
        return DecisionList(decisions=[_decision_answer(r) for r in rows])
