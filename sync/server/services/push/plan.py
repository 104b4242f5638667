"""What accepting a pushed item would do: its checks against the central record (scope, base
revision, identity of amendments) and its effects (a visit revision, last seen, flags, concerns),
planned by Planner and applied by the batch (batch.py) once nothing refused it. Reads only the
caller's organisation's rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlmodel import Session

from models.amendment import Amendment
from models.canonical import canonical_json
from models.caseload import ContactRestriction
from models.concern import Acknowledgement, ConcernReceived
from models.enums import CarerRole
from models.errors import RecordError
from models.escalation import Escalation
from models.lifecycle import apply_amendment, changed_visit, check_amendment
from models.receipt import ReceiptStatus, RecordKind
from models.task import TaskDone
from models.visit import Visit
from sync import protocol
from sync.protocol import ChangeKind, PushItem
from sync.server.db import JsonText
from sync.server.services.caseload import seen_data
from sync.server.services.common import Actor, AuditLog, ChangeDraft
from sync.server.services.concerns.store import acknowledge, may_acknowledge, store_concern
from sync.server.services.oversight.plans import DueDates
from sync.server.services.push import queries
from sync.server.services.push.care import CareBook
from sync.server.services.push.escalations import plan_escalation
from sync.server.services.push.intake import Held, Parsed, Record, future_dated, held, rejected
from sync.server.services.push.rules import (
    ChildState,
    Latest,
    scope_problem,
    see,
    unknown_child,
)
from sync.server.services.push.tasks import plan_task_done
from sync.server.tables import ConcernRow

__all__ = ["Plan", "Planner"]


@dataclass
class Plan:
    drafts: list[ChangeDraft]
    apply: Callable[[], None]
    audits: Sequence[tuple[str, UUID | None]] = field(default_factory=list)  # (action, child_id)


class Planner:
    """The checks and effects of each kind of record, over the batch's prefetched state."""

    s: Session
    actor: Actor
    now: datetime
    future_allowance: timedelta
    latest_allowed: datetime  # now + future_allowance: no contact counts after it
    audit: AuditLog
    children: dict[UUID, ChildState]  # this organisation's children only
    due: DueDates  # the children's due dates, from their plans (never the device's)
    restrictions: dict[UUID, list[ContactRestriction]]  # by person
    concerns: dict[UUID, ConcernRow]
    latest: dict[UUID, Latest]
    visit_rows: list[dict[str, Any]]
    visit_child_rows: list[dict[str, Any]]
    rechecked: list[Visit]  # accepted visits (latest revisions): their flags are rechecked
    touched: set[UUID]  # children whose flags are rechecked at flush
    care: CareBook  # the people and links the batch's visits found
    oversight: bool  # False only in `seen bench` (push_items): no checks of the record's own

    def _load_children(self, ids: set[UUID]) -> None:
        wanted = [i for i in ids if i not in self.children]
        for child in queries.children(self.s, self.actor.org_id, wanted):
            self.children[child.child_id] = child

    def _load_restrictions(self, visits: list[Visit]) -> None:
        carers = {
            p.person_id
            for v in visits
            for p in v.persons_present
            if p.role_in_care not in (None, CarerRole.NONE)
        } - set(self.restrictions)
        if not carers:
            return
        for r in queries.restrictions_on(self.s, self.actor.org_id, carers):
            self.restrictions.setdefault(r.person_id, []).append(r)
        self._load_children({r.child_id for rs in self.restrictions.values() for r in rs})

    # --- what accepting would do ------------------------------------------------------------
    def plan(self, item: PushItem, parsed: Parsed) -> Plan | Held:
        record = parsed.record
        if isinstance(record, Visit):
            return self._plan_visit(record, canonical=parsed.canonical)
        if isinstance(record, Amendment):
            return self._plan_amendment(record)
        if isinstance(record, ConcernReceived):
            return self._plan_concern(record)
        if isinstance(record, Escalation):
            return plan_escalation(self, record)
        if isinstance(record, TaskDone):
            return plan_task_done(self, record)
        return self._plan_acknowledgement(item, record)

    def _scope_problem(self, child_ids: list[UUID], record_id: UUID, what: str) -> Held | None:
        problem = scope_problem(self.actor, self.children, child_ids, what)
        if problem is not None:
            outcome = "forbidden" if problem.code == protocol.RECORD_FORBIDDEN else problem.code
            self.audit.add("push.refused", record_id=record_id, outcome=outcome)
        return problem

    def _plan_visit(
        self, visit: Visit, *, previous: Visit | None = None, canonical: JsonText | None = None
    ) -> Plan | Held:
        """A first revision, or (with `previous`) the visit an amendment results in: the same
        checks either way."""
        child_ids = [o.child_id for o in visit.children]
        concern_children = [c for q in visit.concerns_received for c in q.children_concerned]
        problem = self._scope_problem(child_ids, visit.visit_id, "This visit") or unknown_child(
            self.children, concern_children, "A concern in this visit"
        )
        if problem is not None:
            return problem
        drafts: list[ChangeDraft] = []
        seen_f2f = set(visit.child_seen_face_to_face)
        for outcome in visit.children:
            child = self.children[outcome.child_id]
            seen = outcome.child_id in seen_f2f
            if see(child, visit, seen=seen, latest=self.latest_allowed):
                child.changed = True  # an older visit arriving late changes nothing a device holds
                if self.oversight:
                    self.due.refresh(child)
                drafts.append(
                    ChangeDraft.for_child(child, ChangeKind.SEEN, child.child_id, seen_data(child))
                )
        if previous is None:
            for concern in visit.concerns_received:
                if concern.concern_id in self.concerns:
                    continue
                drafts.extend(self._new_concern(concern, visit.visit_id))

        def apply() -> None:
            body = canonical or JsonText(canonical_json(visit).decode())
            self.visit_rows.append(
                {
                    "visit_id": visit.visit_id,
                    "revision": visit.revision,
                    "org_id": self.actor.org_id,
                    "practitioner_id": visit.practitioner_id,
                    "kind": RecordKind.VISIT.value
                    if previous is None
                    else RecordKind.AMENDMENT.value,
                    "body": body,
                    "started_at": visit.started_at,
                    "received_at": self.now,
                    "received_by_practitioner_id": self.actor.practitioner_id,
                }
            )
            # an amendment later in this batch builds on it
            self.latest[visit.visit_id] = Latest(visit.revision, visit=visit)
            self.rechecked.append(visit)  # its contacts, sightings and flags: at flush
            if self.oversight:
                self.care.found(visit, now=self.now)
            if previous is None:
                self.visit_child_rows.extend(
                    {"visit_id": visit.visit_id, "child_id": c} for c in dict.fromkeys(child_ids)
                )

        action = "push.visit.accepted" if previous is None else "push.amendment.accepted"
        return Plan(drafts, apply, [(action, c) for c in dict.fromkeys(child_ids)])

    def _new_concern(self, concern: ConcernReceived, source: UUID) -> list[ChangeDraft]:
        row, drafts = store_concern(
            self.s,
            org_id=self.actor.org_id,
            concern=concern,
            source=source,
            children=self.children,
            now=self.now,
        )
        self.concerns[concern.concern_id] = row
        self.touched.update(concern.children_concerned)  # rechecked at flush
        return drafts

    def _plan_amendment(self, amendment: Amendment) -> Plan | Held:
        latest = self.latest.get(amendment.amends_visit_id)
        if latest is None or latest.revision < amendment.amends_revision:
            return held(
                ReceiptStatus.CONFLICT,
                protocol.SYNC_MISSING_BASE,
                "The visit this amends has not reached the central record. The amendment is "
                "kept: your manager will help.",
            )
        if latest.revision > amendment.amends_revision:
            return held(
                ReceiptStatus.CONFLICT,
                protocol.SYNC_STALE_BASE,
                "The visit was changed after this amendment was started. Both are kept: your "
                "manager will help decide which is right.",
            )
        visit = latest.shape()
        if visit.practitioner_id != self.actor.practitioner_id and not self.actor.is_manager:
            self.audit.add("push.refused", record_id=visit.visit_id, outcome="forbidden")
            return rejected(
                protocol.RECORD_FORBIDDEN, "Only the visit's author or their manager can amend it."
            )
        try:  # what it would become: every child it names in scope, before anything else
            candidate = changed_visit(visit, amendment)
        except (LookupError, RecordError):
            candidate = visit  # it does not fit: check_amendment says why, in plain words
        named = {o.child_id for o in candidate.children}
        self._load_children(
            named | {c for q in candidate.concerns_received for c in q.children_concerned}
        )
        problem = self._scope_problem(sorted(named), visit.visit_id, "This amendment")
        if problem is not None:
            return problem
        check = check_amendment(visit, amendment)  # identity fields never change, by any path
        if not check.ok:
            return rejected(protocol.RECORD_RULES_FAILED, *(p.message for p in check.problems))
        amended = apply_amendment(visit, amendment)
        future = future_dated(amended, now=self.now, allowance=self.future_allowance)
        if future is not None:
            return future
        self._load_restrictions([amended, visit])
        return self._plan_visit(amended, previous=visit)  # the full scope check, again

    def _plan_concern(self, concern: ConcernReceived) -> Plan | Held:
        # A concern may name any child the organisation holds: whoever took the call need not
        # hold the child.
        problem = unknown_child(self.children, concern.children_concerned, "This concern")
        if problem is not None:
            return problem
        if concern.concern_id in self.concerns:
            return held(
                ReceiptStatus.CONFLICT,
                protocol.SYNC_CONFLICT,
                "This concern is already on the central record (recorded in a visit). Both are kept.",
            )
        drafts = self._new_concern(concern, concern.concern_id)
        audits = [("push.concern.accepted", c) for c in dict.fromkeys(concern.children_concerned)]
        return Plan(drafts, lambda: None, audits)

    def _plan_acknowledgement(self, item: PushItem, ack: Record) -> Plan | Held:
        assert isinstance(ack, Acknowledgement) and item.base_revision is not None
        concern = self.concerns.get(item.record_id)
        if concern is None or concern.revision < item.base_revision:
            return held(
                ReceiptStatus.CONFLICT,
                protocol.SYNC_MISSING_BASE,
                "The concern this acknowledges is not on the central record yet. Kept.",
            )
        if concern.revision > item.base_revision:
            return held(
                ReceiptStatus.CONFLICT,
                protocol.SYNC_STALE_BASE,
                "This concern was already acknowledged. Both acknowledgements are kept.",
            )
        shape = ConcernReceived.model_validate(concern.data)
        self._load_children(set(shape.children_concerned))
        children = [self.children[c] for c in shape.children_concerned if c in self.children]
        if not may_acknowledge(self.actor, children):
            self.audit.add("push.refused", record_id=item.record_id, outcome="forbidden")
            return rejected(
                protocol.RECORD_FORBIDDEN,
                "Only the allocated worker or their manager can acknowledge this concern.",
            )
        drafts, bump = acknowledge(self.s, concern, ack, children)

        def apply() -> None:
            bump()
            self.touched.update(c.child_id for c in children)

        return Plan(
            drafts, apply, [("push.acknowledgement.accepted", c.child_id) for c in children]
        )
