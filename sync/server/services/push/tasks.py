"""What accepting a pushed task done would do (models.task.TaskDone): checked against the task it
names, which must be this practitioner's, in this organisation; the task row gets done_at and
done_note, and the change feed deletes the task from every device that holds it.

  the task is unknown, another organisation's, or another practitioner's -> rejected,
      record.forbidden (one answer for all: nothing says whether such a task exists), audited
  the task is already done                                               -> conflict,
      sync.stale_base (the first stands; both are kept)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from models.receipt import ReceiptStatus
from models.task import TaskDone
from sync import protocol
from sync.protocol import ChangeKind
from sync.server.services.common import ChangeDraft
from sync.server.services.push.intake import Held, held, rejected
from sync.server.tables import ChildRow, TaskRow

if TYPE_CHECKING:
    from sync.server.services.push.plan import Plan, Planner

__all__ = ["plan_task_done"]


def plan_task_done(p: Planner, done: TaskDone) -> Plan | Held:
    from sync.server.services.push.plan import Plan  # plan.py dispatches here

    task = p.s.get(TaskRow, (p.actor.org_id, done.task_id))
    if task is None or task.practitioner_id != p.actor.practitioner_id:
        p.audit.add("push.refused", record_id=done.task_id, outcome="forbidden")
        return rejected(
            protocol.RECORD_FORBIDDEN,
            "This task is not one sent back to you: only the worker it was sent to can mark it "
            "done. It is kept; tell your manager.",
        )
    if task.done_at is not None:
        return held(
            ReceiptStatus.CONFLICT,
            protocol.SYNC_STALE_BASE,
            "This task was already marked done. Both notes are kept: your manager will see them.",
        )
    child = p.s.get(ChildRow, task.child_id)
    drafts = [
        ChangeDraft(
            ChangeKind.TASK, task.task_id, None, task.child_id, True, task.practitioner_id,
            child.team_id if child is not None else None,
        )
    ]  # fmt: skip

    def apply() -> None:
        task.done_at = done.at
        task.done_note = done.what_was_done.strip()
        p.s.add(task)

    return Plan(drafts, apply, [("push.task_done.accepted", task.child_id)])
