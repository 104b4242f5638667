"""What was sent back to workers from the review queue and where each stands: open, or done by
the worker (when, and what they did, in their words). For the reviewer's own scope only
(child_in_scope, the one rule); each child shown is audited (ids only). A task ends only by its
worker marking it done (push/tasks.py): amending the visit it is about leaves it open, so the
reviewer always sees what the worker said they did."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlmodel import col, select

from sync.server.db import Database
from sync.server.services.common import Actor, AuditLog, child_in_scope
from sync.server.tables import ChildRow, TaskRow

__all__ = ["SentBack", "sent_back"]


@dataclass(frozen=True)
class SentBack:
    task_id: UUID
    child_id: UUID
    worker_id: UUID
    about: str
    about_id: UUID
    what_to_do: str
    set_by: UUID
    set_at: datetime
    done_at: datetime | None
    done_note: str | None


def sent_back(
    *, db: Database, actor: Actor, now: datetime, child_id: UUID | None = None, limit: int = 50
) -> list[SentBack]:
    """The newest tasks first (open ones before done ones), of one child or of every child in
    this person's scope."""
    with db.write() as s:
        query = select(TaskRow).where(TaskRow.org_id == actor.org_id)
        if child_id is not None:
            query = query.where(TaskRow.child_id == child_id)
        rows = s.exec(query.order_by(col(TaskRow.set_at).desc())).all()
        ids = {r.child_id for r in rows}
        children = {
            c.child_id: c
            for c in s.exec(select(ChildRow).where(col(ChildRow.child_id).in_(ids)))
            if c.org_id == actor.org_id
        }
        mine = [
            r
            for r in rows
            if r.child_id in children and child_in_scope(actor, children[r.child_id])
        ]
        mine.sort(key=lambda r: r.done_at is not None)  # stable: open first, newest first in each
        found = [
            SentBack(r.task_id, r.child_id, r.practitioner_id, r.about, r.about_id, r.what_to_do,
                     r.set_by, r.set_at, r.done_at, r.done_note)
            for r in mine[:limit]
        ]  # fmt: skip
        audit = AuditLog(s, now, actor)
        for t in found:
            audit.add("task.listed", record_id=t.task_id, child_id=t.child_id)
        audit.flush()
    return found
