"""What accepting a pushed escalation would do (models.escalation): checked against the visit it
is about, stored as its own row (table escalation), audited per child, and sent down the change
feed to each child's allocated worker and their manager.

  the visit is not this organisation's, or not here yet      -> rejected, sync.missing_base
  a child it names is unknown, or not in the caller's scope   -> rejected, record.unknown_child /
                                                                 record.forbidden
  the visit is neither the caller's nor on their caseload     -> rejected, record.forbidden
  a child it names is not in that visit                       -> rejected, record.invalid
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from models.escalation import Escalation
from sync import protocol
from sync.protocol import ChangeKind
from sync.server.services.common import ChangeDraft
from sync.server.services.push import queries
from sync.server.services.push.intake import Held, rejected
from sync.server.tables import EscalationRow

if TYPE_CHECKING:
    from sync.server.services.push.plan import Plan, Planner

__all__ = ["plan_escalation"]


def plan_escalation(p: Planner, escalation: Escalation) -> Plan | Held:
    from sync.server.services.push.plan import Plan  # plan.py dispatches here

    e, org = escalation, p.actor.org_id
    latest = p.latest.get(e.visit_id)
    if latest is None:  # another organisation's visit is never read: it is simply not found
        latest = queries.latest_revisions(p.s, org, [e.visit_id]).get(e.visit_id)
    if latest is None:
        p.audit.add("push.refused", record_id=e.escalation_id, outcome=protocol.SYNC_MISSING_BASE)
        return rejected(
            protocol.SYNC_MISSING_BASE,
            "The visit this escalation is about is not on the central record. The escalation is "
            "kept: send the visit first, or tell your manager.",
        )
    p.latest[e.visit_id] = latest
    visit = latest.shape()
    in_visit = [o.child_id for o in visit.children]
    p._load_children({*in_visit, *e.child_ids})
    problem = p._scope_problem(e.child_ids, e.escalation_id, "This escalation")
    if problem is not None:
        return problem
    if visit.practitioner_id != p.actor.practitioner_id and (
        p._scope_problem(in_visit, e.escalation_id, "The visit this escalation is about")
        is not None
    ):
        return rejected(
            protocol.RECORD_FORBIDDEN,
            "This escalation is about a visit that is neither yours nor on your caseload. "
            "It is kept: tell your manager.",
        )
    if not set(e.child_ids) <= set(in_visit):
        return rejected(
            protocol.RECORD_INVALID,
            "This escalation names a child who is not in the visit it is about: choose the "
            "children again.",
        )
    data = e.model_dump(mode="json")
    children = [p.children[c] for c in dict.fromkeys(e.child_ids)]
    drafts = [
        ChangeDraft.for_child(child, ChangeKind.ESCALATION, e.escalation_id, data)
        for child in children
    ]

    def apply() -> None:
        p.s.add(
            EscalationRow(
                org_id=org,
                escalation_id=e.escalation_id,
                visit_id=e.visit_id,
                flag_id=e.flag_id,
                practitioner_id=e.practitioner_id,
                at=e.at,
                data=data,
                received_at=p.now,
            )
        )

    return Plan(drafts, apply, [("push.escalation.accepted", c.child_id) for c in children])
