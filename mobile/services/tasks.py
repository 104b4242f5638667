"""What a manager or duty worker sent back from the console's review queue, as the device holds
it: caseload rows of kind "task" (sync.protocol.TaskData), sealed like every caseload row and
arriving through the same change feed as flags.

Reads (inside `with uow`):
    open_tasks      each child's tasks, oldest first
"""

from __future__ import annotations

from collections import defaultdict
from uuid import UUID

from mobile.services.shapes import ReceivedTask
from mobile.store.unit_of_work import UnitOfWork
from sync.protocol import ChangeKind, TaskData

__all__ = ["open_tasks"]


def open_tasks(uow: UnitOfWork) -> dict[UUID, list[ReceivedTask]]:
    by_child: defaultdict[UUID, list[ReceivedTask]] = defaultdict(list)
    for data in uow.caseload.rows(ChangeKind.TASK.value, TaskData):
        by_child[data.child_id].append(
            ReceivedTask(data.task_id, data.about, data.about_id, data.what_to_do, data.set_at)
        )
    return {c: sorted(t, key=lambda x: (x.set_at, x.task_id)) for c, t in by_child.items()}
