"""A child's plan and the decisions staff record about them, and the due dates the central record
computes from both: the authority on when a child must next be seen. A device's own "next visit
due" is a proposal kept in its visit body; ChildRow.next_visit_due is only ever set here (when a
plan is set or changed, and for the children of each push, through DueDates).

  set_plan / child_plan               PUT and GET a child's plan, with its due dates
  DueDates                            a push's children's due dates from their plans
  (decisions.py: record_decision / child_decisions, append-only, checked by decision_problems)

Who may: the child's allocated worker and their team's manager (actor); the admin commands pass
no actor. Every read and write is audited, ids and codes only; a refusal too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, Protocol
from uuid import UUID

from sqlmodel import Session, col, select

from models.enums import ServiceContext
from models.oversight import ChildPlan, Decision, DecisionKind, local_day
from models.oversight.conditions import timescale_status
from models.oversight.settings import OrgSettings
from models.oversight.timescale import plan_status
from models.timescales import ChildTimescaleStatus, CLAVariant
from sync import protocol
from sync.protocol import ChangeKind
from sync.protocol_plans import RULE_CODE_PATTERN, DeadlineAnswer, PlanAnswer, PlanHousehold
from sync.server.db import Database
from sync.server.services.caseload import child_shape, seen_data
from sync.server.services.common import Actor, AuditLog, ChangeDraft, OrgLog, Refusal
from sync.server.services.common import child_in_scope as in_scope
from sync.server.services.oversight import org_settings, recheck
from sync.server.services.oversight.facts import child_records
from sync.server.tables import (
    ChildPlanRow,
    ChildRow,
    ContactRow,
    DecisionRow,
    HouseholdRow,
)

__all__ = ["DueDates", "apply_plan", "audited", "child_plan", "context_of", "facts",
           "plan_answer", "recheck_call_site", "scoped_child", "set_plan", "statuses"]  # fmt: skip

_RULE_CODE = re.compile(RULE_CODE_PATTERN)
_CLA_RULES = frozenset(v.value for v in CLAVariant)
_CONTEXTS = frozenset(v.value for v in ServiceContext)


# --- Due dates (models.oversight.timescale, over rows already read) ----------------------------
def _status(
    plan: ChildPlanRow,
    *,
    seen: Iterable[date],
    decisions: Sequence[DecisionRow],
    settings: OrgSettings,
    today: date,
    birth: date | None = None,
) -> tuple[ChildTimescaleStatus, list[UUID]]:
    status, started = plan_status(
        ChildPlan(plan.service_context, plan.rule, plan.context_started_on),
        seen_days=seen,
        decisions=[
            Decision(d.decision_id, DecisionKind(d.kind), d.made_on, d.reason) for d in decisions
        ],
        rules=settings.rules,
        calendar=settings.calendar,
        today=today,
        birth=birth,
    )
    return status, [d.decision_id for d in started]


def _seen_days(contacts: Iterable[datetime], last_seen_at: datetime | None) -> set[date]:
    """The days a child was seen: their contact rows, and the child row's last seen (a push's
    own visit is on the child row before its contact rows are written)."""
    days = {local_day(at) for at in contacts}
    if last_seen_at is not None:
        days.add(local_day(last_seen_at))
    return days


class _Seen(Protocol):
    child_id: UUID
    last_seen_at: datetime | None
    next_visit_due: date | None


class DueDates:
    """The due dates of a push's children from their plans: plans read once for the batch, the
    contacts and decisions of those with a plan, and the organisation's settings."""

    def __init__(self, session: Session, org_id: str, now: datetime, child_ids: Iterable[UUID]):
        self.s, self.org_id, self.today = session, org_id, local_day(now)
        self._plans: dict[UUID, ChildPlanRow | None] = {}
        self._settings: OrgSettings | None = None
        self._load(child_ids)

    def _load(self, child_ids: Iterable[UUID]) -> None:
        ids = [i for i in child_ids if i not in self._plans]
        if not ids:
            return
        self._plans.update(dict.fromkeys(ids))
        rows = self.s.exec(
            select(ChildPlanRow).where(
                ChildPlanRow.org_id == self.org_id, col(ChildPlanRow.child_id).in_(ids)
            )
        )
        for row in rows:
            self._plans[row.child_id] = row

    def refresh(self, child: _Seen) -> None:
        """Set the child's next_visit_due from their plan (None: no plan sets one)."""
        self._load([child.child_id])
        plan = self._plans[child.child_id]
        if plan is None:
            child.next_visit_due = None
            return
        if self._settings is None:
            try:
                self._settings = org_settings(self.s, self.org_id)
            except Refusal:  # unreadable settings never fail a push: the due date stays
                return
        contacts, decisions = facts(self.s, self.org_id, child.child_id)
        status, _ = _status(
            plan,
            seen=_seen_days(contacts, child.last_seen_at),
            decisions=decisions,
            settings=self._settings,
            today=self.today,
        )
        child.next_visit_due = status.next_due


def facts(s: Session, org_id: str, child_id: UUID) -> tuple[list[datetime], list[DecisionRow]]:
    contacts = s.exec(
        select(ContactRow.at).where(
            ContactRow.org_id == org_id, ContactRow.child_id == child_id, col(ContactRow.seen)
        )
    )
    decisions = s.exec(
        select(DecisionRow).where(DecisionRow.org_id == org_id, DecisionRow.child_id == child_id)
    )
    return list(contacts), list(decisions)


def statuses(
    s: Session, org_id: str, children: Sequence[ChildRow], settings: OrgSettings, now: datetime
) -> dict[UUID, ChildTimescaleStatus]:
    """The timescale status at `now` of each of these children who has a plan (a team's, for
    the console's dashboard), from the facts the overdue flags are raised from."""
    found: dict[UUID, ChildTimescaleStatus] = {}
    records = child_records(s, org_id, [c.child_id for c in children])
    for child_id, record in records.items():
        status = timescale_status(record, rules=settings.rules, calendar=settings.calendar, now=now)
        if status is not None:
            found[child_id] = status[0]
    return found


# --- Shared checks ------------------------------------------------------------------------------
def scoped_child(s: Session, actor: Actor | None, child_id: UUID) -> ChildRow:
    child = s.get(ChildRow, child_id)
    if child is None or (actor is not None and child.org_id != actor.org_id):
        raise Refusal(protocol.NOT_FOUND, "No such child on your organisation's record.")
    if actor is not None and not in_scope(actor, child):
        raise Refusal(
            protocol.FORBIDDEN,
            "Only the child's allocated worker or their team manager can see or change the "
            "child's plan and decisions.",
        )
    return child


@contextmanager
def audited(
    db: Database, actor: Actor | None, now: datetime, action: str, child_id: UUID
) -> Iterator[None]:
    """A refusal is audited in its own transaction (the refused one rolls back)."""
    try:
        yield
    except Refusal as exc:
        with db.write() as s:
            org = actor.org_id if actor else getattr(s.get(ChildRow, child_id), "org_id", None)
            audit = AuditLog(s, now, actor)
            audit.add(action, child_id=child_id, outcome=exc.code, org_id=org)
            audit.flush()
        raise


def recheck_call_site(
    s: Session, *, org_id: str, child_ids: list[UUID], now: datetime, log: OrgLog, audit: AuditLog
) -> None:
    """After a plan or decision changes the children's facts, their flags are raised, cleared
    or reopened in this transaction (services.oversight.recheck): the one call site here."""
    s.flush()
    recheck(s, org_id=org_id, child_ids=child_ids, now=now, log=log, audit=audit)


def _rule_code(context: ServiceContext, rule: str | None, settings: OrgSettings) -> str:
    code = rule or context.value
    if not _RULE_CODE.fullmatch(code):
        raise Refusal(protocol.PLAN_REFUSED, "A visiting rule is a code like CP_PLAN.")
    if code != context.value and not (context == ServiceContext.CLA and code in _CLA_RULES):
        raise Refusal(
            protocol.PLAN_REFUSED,
            f"The visiting rule {code} does not fit a {context.value} plan: leave it out to use "
            "the plan's own rule (a looked-after child's placement may have its own).",
        )
    try:
        settings.rules.visit_rule(code)
    except ValueError:
        raise Refusal(
            protocol.PLAN_REFUSED,
            f"Your organisation's timescales have no visiting rule for {code}: choose another, "
            "or ask an administrator to add one.",
        ) from None
    return code


def context_of(code: str) -> ServiceContext | None:
    if code in _CLA_RULES:
        return ServiceContext.CLA
    try:
        return ServiceContext(code)
    except ValueError:
        return None


def apply_plan(
    s: Session,
    log: OrgLog,
    child: ChildRow,
    plan: ChildPlanRow,
    settings: OrgSettings,
    now: datetime,
) -> None:
    """The plan onto the child's caseload data and due date, and to the devices holding them."""
    data = dict(child.data)
    data["service_context"] = plan.service_context
    data["context_started_on"] = plan.context_started_on.isoformat()
    child.data = data
    s.add(plan)
    s.flush()
    contacts, decisions = facts(s, child.org_id, child.child_id)
    status, _ = _status(
        plan,
        seen=_seen_days(contacts, child.last_seen_at),
        decisions=decisions,
        settings=settings,
        today=local_day(now),
    )
    child.next_visit_due = status.next_due
    s.add(child)
    s.flush()
    shape = child_shape(s, child).model_dump(mode="json")
    log.add(
        [
            ChangeDraft.for_child(child, ChangeKind.CHILD, child.child_id, shape),
            ChangeDraft.for_child(child, ChangeKind.SEEN, child.child_id, seen_data(child)),
        ]
    )


def plan_answer(
    s: Session, child: ChildRow, plan: ChildPlanRow, settings: OrgSettings, now: datetime
) -> PlanAnswer:
    contacts, decisions = facts(s, child.org_id, child.child_id)
    birth = child.data.get("date_of_birth")
    status, ids = _status(
        plan,
        seen=_seen_days(contacts, child.last_seen_at),
        decisions=decisions,
        settings=settings,
        today=local_day(now),
        birth=date.fromisoformat(birth) if isinstance(birth, str) else None,
    )
    return PlanAnswer(
        child_id=child.child_id,
        service_context=ServiceContext(plan.service_context),
        rule=plan.rule,
        started_on=plan.context_started_on,
        households=[PlanHousehold.model_validate(h) for h in plan.households],
        updated_at=plan.updated_at,
        rule_description=status.rule_description,
        last_seen=status.last_seen,
        next_visit_due=status.next_due,
        days_overdue=status.days_overdue,
        days_overdue_unit=status.days_overdue_unit.value,
        deadlines=[
            DeadlineAnswer(
                decision_id=i,
                event=d.event,
                description=d.description,
                occurred_on=d.occurred_on,
                due=d.due,
                met_on=d.met_on,
                days_overdue=d.days_overdue,
                days_overdue_unit=d.days_overdue_unit.value,
            )
            for i, d in zip(ids, status.deadlines, strict=True)
        ],
    )


# --- Plans ---------------------------------------------------------------------------------------
def set_plan(
    *,
    db: Database,
    actor: Actor | None,
    child_id: UUID,
    service_context: str,
    started_on: date,
    rule: str | None = None,
    households: Sequence[PlanHousehold | Mapping[str, Any]] = (),
    now: datetime,
) -> PlanAnswer:
    """Set (or replace) a child's plan; the child's caseload data, due date and devices follow."""
    with audited(db, actor, now, "plan.set", child_id), db.write() as s:
        child = scoped_child(s, actor, child_id)
        log = OrgLog(s, child.org_id)
        context = context_of(service_context) if service_context in _CONTEXTS else None
        if context is None:
            raise Refusal(protocol.PLAN_REFUSED, "That is not a service context this record knows.")
        settings = org_settings(s, child.org_id)
        code = _rule_code(context, rule, settings)
        if started_on > local_day(now):
            raise Refusal(protocol.PLAN_REFUSED, "A plan cannot start in the future.")
        homes = {h.household_id: h for h in map(PlanHousehold.model_validate, households)}
        if homes:
            known = s.exec(
                select(HouseholdRow.household_id).where(
                    HouseholdRow.org_id == child.org_id, col(HouseholdRow.household_id).in_(homes)
                )
            ).all()
            if len(set(known)) != len(homes):
                raise Refusal(
                    protocol.PLAN_REFUSED,
                    "A household in this plan is not on your organisation's record.",
                )
        plan = s.get(ChildPlanRow, (child.org_id, child_id)) or ChildPlanRow(
            org_id=child.org_id, child_id=child_id, service_context="", rule="",
            context_started_on=started_on, households=[], updated_at=now,
        )  # fmt: skip
        plan.service_context, plan.rule, plan.context_started_on = context.value, code, started_on
        plan.households = [h.model_dump(mode="json") for h in homes.values()]
        plan.updated_at, plan.updated_by = now, actor.practitioner_id if actor else None
        apply_plan(s, log, child, plan, settings, now)
        audit = AuditLog(s, now, actor)
        audit.add("plan.set", child_id=child_id, org_id=child.org_id)
        recheck_call_site(
            s, org_id=child.org_id, child_ids=[child_id], now=now, log=log, audit=audit
        )
        log.flush()
        audit.flush()
        return plan_answer(s, child, plan, settings, now)


def child_plan(*, db: Database, actor: Actor | None, child_id: UUID, now: datetime) -> PlanAnswer:
    """A child's plan and the due dates computed from it today."""
    with audited(db, actor, now, "plan.read", child_id), db.write() as s:
        child = scoped_child(s, actor, child_id)
        plan = s.get(ChildPlanRow, (child.org_id, child_id))
        if plan is None:
            raise Refusal(protocol.NOT_FOUND, "No plan is set for this child yet.")
        answer = plan_answer(s, child, plan, org_settings(s, child.org_id), now)
        audit = AuditLog(s, now, actor)
        audit.add("plan.read", child_id=child_id, org_id=child.org_id)
        audit.flush()
        return answer
