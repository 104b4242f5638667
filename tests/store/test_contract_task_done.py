"""Marking a task done on the device, on the fake and the SQLite unit of work alike: it leaves
the device's lists at once and is queued as record kind task_done, named by the task's id; the
feed cannot bring it back while it waits; the central record's deletion, deferred until the
receipt, then removes it. Bad text is refused in words and nothing is queued."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mobile.services.caseload import apply_caseload_changes
from mobile.services.errors import AppError
from mobile.services.tasks import mark_task_done, open_tasks
from mobile.store import AlreadyWaiting, RecordNotFound, SyncState
from models.ids import new_id
from models.receipt import CaseloadChange, Receipt, ReceiptStatus, RecordKind
from models.task import TaskDone
from sync.protocol import ChangeKind, TaskData
from synthetic import SyntheticCaseload
from tests.store.conftest import Changes, _accept
from tests.store.device import Device


def _with_task(repo: Device, caseload: SyntheticCaseload, to_changes: Changes) -> TaskData:
    child = caseload.children[0].child_id
    task = TaskData(
        task_id=new_id(), child_id=child, about="visit", about_id=new_id(),
        what_to_do="See the child alone (synthetic).", set_by=new_id(),
        set_at=repo.clock() - timedelta(days=1),
    )  # fmt: skip
    change = CaseloadChange(kind=ChangeKind.TASK.value, entity_id=task.task_id, version=900,
                            child_id=child, data=task.model_dump(mode="json"))  # fmt: skip
    changes = [*to_changes(caseload), change]
    apply_caseload_changes(uow=repo.uow, changes=changes, cursor="c1")
    return task


def _open(repo: Device) -> dict[object, list[object]]:
    with repo.uow as uow:
        return dict(open_tasks(uow))


def test_marked_done_it_leaves_at_once_is_queued_and_goes_when_acknowledged(
    repo: Device, caseload: SyntheticCaseload, to_changes: Changes
) -> None:
    task = _with_task(repo, caseload, to_changes)
    assert [t.task_id for t in _open(repo)[task.child_id]] == [task.task_id]  # type: ignore[attr-defined]
    mark_task_done(uow=repo.uow, task_id=task.task_id, by=caseload.practitioner_id,
                   at=repo.clock(), what_was_done="  Went back on Thursday (synthetic)  ")  # fmt: skip
    assert _open(repo) == {}
    [item] = repo.pending_outbox()
    assert (item.kind, item.record_id, item.revision, item.base_revision) == (
        RecordKind.TASK_DONE, task.task_id, 1, None,
    )  # fmt: skip
    assert TaskDone.model_validate(item.body).what_was_done == "Went back on Thursday (synthetic)"
    again = CaseloadChange(kind="task", entity_id=task.task_id, version=901,
                           child_id=task.child_id, data=task.model_dump(mode="json"))  # fmt: skip
    gone = again.model_copy(update={"version": 902, "deleted": True, "data": None})
    apply_caseload_changes(uow=repo.uow, changes=[again, gone], cursor="c2")
    assert _open(repo) == {}  # the feed does not bring it back while it waits
    repo.record_receipts([_accept(task.task_id)])
    with repo.uow as uow:
        assert uow.caseload.held("task", task.task_id) is None  # the deferred deletion applied
    with pytest.raises(RecordNotFound):
        mark_task_done(uow=repo.uow, task_id=task.task_id, by=caseload.practitioner_id,
                       at=repo.clock(), what_was_done="Twice")  # fmt: skip


@pytest.mark.parametrize("text", ["", "   ", "a\x00b", "half \ud800", "x" * 4001])
def test_bad_text_is_refused_in_words_and_nothing_is_queued(
    repo: Device, caseload: SyntheticCaseload, to_changes: Changes, text: str
) -> None:
    task = _with_task(repo, caseload, to_changes)
    with pytest.raises(AppError) as refused:
        mark_task_done(uow=repo.uow, task_id=task.task_id, by=caseload.practitioner_id,
                       at=repo.clock(), what_was_done=text)  # fmt: skip
    assert refused.value.code == "task.note_needed" and refused.value.message
    assert not repo.pending_outbox().items and len(_open(repo)[task.child_id]) == 1


def test_each_refused_note_is_kept_and_an_earlier_one_waits_behind_a_newer(
    repo: Device, caseload: SyntheticCaseload, to_changes: Changes
) -> None:
    """A task's note goes out named by the task, revision 1, each time. Refused twice (the
    task reopens each time), both notes stay among what was not accepted; offering the earlier
    again while a third waits to be sent is refused in words, and nothing moves or is lost."""
    task = _with_task(repo, caseload, to_changes)
    notes = [
        "First visit back (synthetic).",
        "Second visit back (synthetic).",
        "Third (synthetic).",
    ]
    refused = Receipt(record_id=task.task_id, revision=1, status=ReceiptStatus.REJECTED,
                      code="record.forbidden", problems=["Not yours (synthetic)."])  # fmt: skip
    for note in notes:
        mark_task_done(uow=repo.uow, task_id=task.task_id, by=caseload.practitioner_id,
                       at=repo.clock(), what_was_done=note)  # fmt: skip
        if note != notes[-1]:
            repo.record_receipts([refused])
            assert [t.task_id for t in _open(repo)[task.child_id]] == [task.task_id]  # type: ignore[attr-defined]
    held = [TaskDone.model_validate(q.item.body).what_was_done for q in repo.list_quarantine()]
    assert held == notes[:2]
    states = repo.sync_state(record_id=task.task_id)
    assert sorted(s.state for s in states) == sorted(
        [SyncState.REJECTED, SyncState.REJECTED, SyncState.PENDING]
    )
    with pytest.raises(AlreadyWaiting) as waiting:
        repo.requeue_quarantined(task.task_id, 1)
    assert waiting.value.code == "store.already_waiting" and "Both are kept" in str(waiting.value)
    [waiting_item] = repo.pending_outbox()
    assert TaskDone.model_validate(waiting_item.body).what_was_done == notes[2]
    assert len(repo.list_quarantine()) == 2
    repo.record_receipts([refused])  # the third refused too: all three kept
    assert len(repo.list_quarantine()) == 3
    repo.requeue_quarantined(task.task_id, 1)  # the latest goes again; the others stay
    [again] = repo.pending_outbox()
    assert TaskDone.model_validate(again.body).what_was_done == notes[2]
    held = [TaskDone.model_validate(q.item.body).what_was_done for q in repo.list_quarantine()]
    assert held == notes[:2]
