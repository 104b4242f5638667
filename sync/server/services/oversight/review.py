"""The review queue: what a manager (their team's) or a duty worker (the organisation's) must
look at — a child not seen at a visit, an escalation, a record held back as rejected or in
conflict — and its two outcomes: signed off with a note, or sent back to the worker with what
to do, which reaches the worker's device as a task on the child (the change feed, kind task).

An item leaves the queue once it has an outcome; nothing it is about is changed or dropped: a
held record keeps its body and is marked resolved. Each outcome is one transaction under the
organisation's change-log lock, audited (ids only); a refusal is audited in its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models.base import storable_problem
from models.flags import FlagKind
from models.ids import new_id
from sync import protocol
from sync.protocol import ChangeKind, TaskData
from sync.protocol_oversight import FlagData
from sync.server.db import Database
from sync.server.services.common import (
    Actor,
    AuditLog,
    ChangeDraft,
    OrgLog,
    Refusal,
    StaffRole,
    child_in_scope,
)
from sync.server.services.concerns.reads import refused
from sync.server.tables import (
    ChildRow,
    EscalationRow,
    FlagRow,
    PractitionerRow,
    QuarantineRow,
    ReviewRow,
    TaskRow,
)

__all__ = ["ITEM_KINDS", "MAX_NOTE", "ReviewItem", "decide", "review_queue"]

MAX_NOTE = 4000
ITEM_KINDS = ("visit", "escalation", "conflict", "rejected")
SIGNED_OFF, BACK = "signed_off", "back_to_worker"


@dataclass(frozen=True)
class ReviewItem:
    """One thing to review: what it is, whose, when, and what the record says about it."""

    kind: str  # ITEM_KINDS: a child-not-seen visit (by its flag), an escalation, a held record
    item_id: UUID  # the flag, the escalation, or the held item's receipt
    child_id: UUID | None
    worker_id: UUID | None  # who it goes back to
    at: datetime
    details: dict[str, Any] = field(default_factory=dict)


def _reviewed(s: Session, org: str) -> set[tuple[str, UUID]]:
    rows = s.execute(
        sa.select(col(ReviewRow.item_kind), col(ReviewRow.item_id)).where(
            col(ReviewRow.org_id) == org
        )
    )
    return {(k, i) for k, i in rows}


def _held_child(body: Any) -> UUID | None:
    """The first child a held record names, read defensively: the body failed its checks."""
    children = body.get("children") if isinstance(body, dict) else None
    if isinstance(children, list) and children and isinstance(children[0], dict):
        try:
            return UUID(str(children[0].get("child_id")))
        except ValueError:
            return None
    return None


def _items(s: Session, actor: Actor) -> Iterator[ReviewItem]:
    org = actor.org_id
    children = {c.child_id: c for c in s.exec(select(ChildRow).where(ChildRow.org_id == org))}
    for flag in s.exec(
        select(FlagRow).where(
            FlagRow.org_id == org,
            FlagRow.kind == FlagKind.CHILD_NOT_SEEN.value,
            FlagRow.status == "open",
        )
    ):
        child = children.get(flag.child_id)
        data = FlagData.model_validate(flag.data)
        yield ReviewItem("visit", flag.flag_id, flag.child_id,
                         child.allocated_to if child else None, flag.since,
                         {"why": data.why, "visit_id": data.visit_id})  # fmt: skip
    for esc in s.exec(select(EscalationRow).where(EscalationRow.org_id == org)):
        ids = [UUID(str(c)) for c in esc.data.get("child_ids", [])]
        yield ReviewItem("escalation", esc.escalation_id, ids[0] if ids else None,
                         esc.practitioner_id, esc.at,
                         {"to_whom": esc.data.get("to_whom", ""),
                          "response": esc.data.get("response", "")})  # fmt: skip
    for held in s.exec(
        select(QuarantineRow).where(
            QuarantineRow.org_id == org, col(QuarantineRow.resolved_at).is_(None)
        )
    ):
        kind = "conflict" if held.status == "conflict" else "rejected"
        yield ReviewItem(kind, held.receipt_id, _held_child(held.body), held.practitioner_id,
                         held.received_at,
                         {"record": held.kind, "problems": list(held.problems or []),
                          "code": held.code})  # fmt: skip


def _mine(s: Session, actor: Actor, item: ReviewItem) -> bool:
    """Theirs to review: the child in their scope (child_in_scope, the one rule); a held record
    naming no child, by the sender's team."""
    if item.child_id is not None:
        child = s.get(ChildRow, item.child_id)
        return child is not None and child_in_scope(actor, child)
    if actor.role == StaffRole.DUTY:
        return True
    sender = s.get(PractitionerRow, item.worker_id) if item.worker_id else None
    return actor.is_manager and sender is not None and sender.team_id == actor.team_id


def review_queue(*, db: Database, actor: Actor, now: datetime) -> list[ReviewItem]:
    """What waits for this person's review, oldest first; each child shown is audited."""
    with db.write() as s:
        done = _reviewed(s, actor.org_id)
        found = [
            i for i in _items(s, actor) if (i.kind, i.item_id) not in done and _mine(s, actor, i)
        ]
        audit = AuditLog(s, now, actor)
        for i in found:
            audit.add("review.listed", record_id=i.item_id, child_id=i.child_id)
        audit.flush()
    return sorted(found, key=lambda i: (i.at, i.item_id))


def _problem(note: str, back: bool) -> str | None:
    trouble = storable_problem(note)
    if trouble is not None:
        return f"The note: {trouble}."
    if len(note) > MAX_NOTE:
        return f"The note must be {MAX_NOTE:,} characters or fewer."
    if not note.strip():
        return "Say what the worker should do." if back else "Add a note: what you checked."
    return None


def decide(
    *, db: Database, actor: Actor, kind: str, item_id: UUID, back_to_worker: bool, note: str,
    now: datetime,
) -> ReviewItem:  # fmt: skip
    """Sign an item off with a note, or send it back to the worker with what to do (a task on
    the child, through the change feed). A second outcome for one item is refused: the first
    stands."""
    action = "review.back_to_worker" if back_to_worker else "review.signed_off"
    try:
        problem = _problem(note, back_to_worker)
        if problem is not None:
            raise Refusal(protocol.REQUEST_INVALID, problem)
        with db.write() as s:
            log = OrgLog(s, actor.org_id)
            item = next(
                (i for i in _items(s, actor) if i.kind == kind and i.item_id == item_id), None
            )
            if (kind, item_id) in _reviewed(s, actor.org_id):
                raise Refusal(
                    protocol.SYNC_STALE_BASE,
                    "Someone has already reviewed this: nothing was changed.",
                )
            if item is None:
                raise Refusal(protocol.NOT_FOUND, "Nothing like this waits for review.")
            if not _mine(s, actor, item):
                raise Refusal(
                    protocol.FORBIDDEN,
                    "This is not your team's to review: the child's team manager or the duty "
                    "worker reviews it.",
                )
            audit = AuditLog(s, now, actor)
            text = note.strip()
            s.add(ReviewRow(
                review_id=new_id(), org_id=actor.org_id, item_kind=kind, item_id=item_id,
                child_id=item.child_id, outcome=BACK if back_to_worker else SIGNED_OFF,
                note=text, by_practitioner_id=actor.practitioner_id, at=now,
            ))  # fmt: skip
            if kind in ("conflict", "rejected"):
                held = s.get(QuarantineRow, item_id)
                assert held is not None
                held.resolved_at = now  # resolved, kept: its body stays as it came
                s.add(held)
            if back_to_worker:
                _send_back(s, log, audit, actor, item, text, now)
            audit.add(action, record_id=item_id, child_id=item.child_id)
            log.flush()
            audit.flush()
            return item
    except Refusal as exc:
        raise refused(db, actor, now, action, exc, record_id=item_id) from None


def _send_back(
    s: Session, log: OrgLog, audit: AuditLog, actor: Actor, item: ReviewItem, text: str,
    now: datetime,
) -> None:  # fmt: skip
    child = s.get(ChildRow, item.child_id) if item.child_id else None
    if child is None or item.worker_id is None:
        raise Refusal(
            protocol.REQUEST_INVALID,
            "This record names no child or worker to send it back to: sign it off with a note, "
            "and tell the worker yourself.",
        )
    task = TaskData(task_id=new_id(), child_id=child.child_id, about=item.kind,
                    about_id=item.item_id, what_to_do=text, set_by=actor.practitioner_id,
                    set_at=now)  # fmt: skip
    s.add(TaskRow(
        org_id=actor.org_id, task_id=task.task_id, child_id=child.child_id,
        practitioner_id=item.worker_id, about=item.kind, about_id=item.item_id,
        what_to_do=text, set_by=actor.practitioner_id, set_at=now,
    ))  # fmt: skip
    data = task.model_dump(mode="json")
    log.add([ChangeDraft(ChangeKind.TASK, task.task_id, data, child.child_id, False,
                         item.worker_id, child.team_id)])  # fmt: skip
    audit.add("task.set", record_id=task.task_id, child_id=child.child_id)
