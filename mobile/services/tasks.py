"""What a manager or duty worker sent back from the console's review queue, as the device holds
it: caseload rows of kind "task" (sync.protocol.TaskData), sealed like every caseload row and
arriving through the same change feed as flags; and marking one done.

Reads (inside `with uow`):
    open_tasks      each child's tasks not yet done, oldest first
The workflow, one transaction:
    mark_task_done  what was done is required (models.task.done_problem); the task leaves this
                    device's lists at once (kept as a local change, so the feed cannot bring it
                    back) and the record goes out through the outbox; the central record's
                    deletion removes it from every device that holds it
    reopen_task     the central record refused the note (in store_receipts' transaction): the
                    task shows again, to be done and noted again; the refused note is kept
                    with what was not accepted
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from uuid import UUID

from mobile import codes
from mobile.services.errors import AppError
from mobile.services.shapes import ReceivedTask
from mobile.store.errors import RecordNotFound
from mobile.store.records import dumps
from mobile.store.unit_of_work import UnitOfWork
from models.ids import new_id
from models.receipt import RecordKind
from models.task import TaskDone, done_problem
from sync.protocol import ChangeKind, TaskData

__all__ = ["HeldTask", "mark_task_done", "open_tasks", "reopen_task"]

KIND = ChangeKind.TASK.value


class HeldTask(TaskData):
    """A task as this device holds it: the central record's, and (once marked done here, until
    the central record's deletion arrives) when and what."""

    done_at: datetime | None = None
    done_note: str = ""


def open_tasks(uow: UnitOfWork) -> dict[UUID, list[ReceivedTask]]:
    by_child: defaultdict[UUID, list[ReceivedTask]] = defaultdict(list)
    for data in uow.caseload.rows(KIND, HeldTask):
        if data.done_at is None:
            by_child[data.child_id].append(
                ReceivedTask(data.task_id, data.about, data.about_id, data.what_to_do, data.set_at)
            )
    return {c: sorted(t, key=lambda x: (x.set_at, x.task_id)) for c, t in by_child.items()}


def mark_task_done(
    *, uow: UnitOfWork, task_id: UUID, by: UUID, at: datetime, what_was_done: str
) -> TaskDone:
    """This practitioner did what the task asked: recorded here, sent at the next sync."""
    with uow:
        task = uow.caseload.get(KIND, task_id, HeldTask)
        if task is None or task.done_at is not None:
            raise RecordNotFound("task", task_id)
        what_was_done = what_was_done.strip()
        refused = done_problem(what_was_done)
        if refused is not None:
            raise AppError(refused, code=codes.TASK_NOTE_NEEDED)
        done = TaskDone(task_id=task_id, by_practitioner_id=by, at=at, what_was_done=what_was_done)
        uow.caseload.put_local(
            KIND, task_id, task.model_copy(update={"done_at": at, "done_note": what_was_done})
        )
        done_id, body = new_id(), dumps(done.model_dump(mode="json"))
        uow.visits.add_record(
            kind=RecordKind.TASK_DONE, record_id=done_id, subject_id=task_id, revision=1, body=body
        )
        uow.outbox.add(
            kind=RecordKind.TASK_DONE,
            record_id=task_id,
            revision=1,
            source_id=done_id,
            base_revision=None,
            body=body,
        )
        uow.commit()
    return done


def reopen_task(uow: UnitOfWork, task_id: UUID) -> None:
    """Inside the caller's transaction, which then settles the local change: whatever the feed
    brought meanwhile (the task deleted, or a newer version) applies, as when a note is accepted."""
    task = uow.caseload.get(KIND, task_id, HeldTask)
    if task is None or task.done_at is None:
        return
    uow.caseload.put_local(
        KIND, task_id, task.model_copy(update={"done_at": None, "done_note": ""})
    )
