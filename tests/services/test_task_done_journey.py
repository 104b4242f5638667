"""A task ends only when its worker marks it done, with real parts: the central record
in-process, the worker's encrypted device store syncing to it, and the console driven through
its forms. A child not seen is sent back from the review queue; the worker marks it done on the
device, offline, saying what they did; after a sync the task has left the device and the
console shows it done, by whom, when and what. Amending the visit the task is about leaves it
open, and after it is done the manager still sees the worker's words."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from fastapi.testclient import TestClient
from sqlmodel import select

from mobile.services.session import Session
from mobile.services.visits import FieldChange
from mobile.ui.viewmodels.child import ChildViewModel
from models.receipt import SyncState
from sync.server.tables import TaskRow
from tests.console.helpers import make_console, token
from tests.services.conftest import Network
from tests.services.devices import settled
from tests.services.flag_visits import face_to_face_visit, submit_on
from tests.sync.helpers import ORG, World

TODO = "Go back within 3 days and see the child alone (synthetic)."
DID = "Went back on Thursday and saw her alone in her room (synthetic)."


def _sent_back(session: Session, world: World) -> tuple[TestClient, UUID, UUID]:
    """A child not seen at a visit, sent back to the worker; the device has synced it. Returns
    the manager's console, the child and the visit."""
    worker = session.services()
    load = world.worker.load
    assert load is not None and worker.sync.sync_now().last_error == ""
    child = load.children[0].child_id
    missed = face_to_face_visit(load, seen=False, at=world.clock() - timedelta(days=1))
    submit_on(session, missed)
    assert worker.sync.sync_now().last_error == "" and settled(session)
    manager = make_console(world).signed_in()
    queue = manager.get("/console/review")
    flag_id = queue.text.split('href="/console/flags/')[1].split('"')[0]
    answer = manager.post(
        f"/console/review/visit/{flag_id}",
        data={"csrf_token": token(queue), "note": TODO, "outcome": "back"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert worker.sync.sync_now().last_error == ""
    return manager, child, missed.visit_id


def _task(world: World, child: UUID) -> TaskRow:
    with world.db.read() as s:
        [row] = s.exec(select(TaskRow).where(TaskRow.child_id == child)).all()
        s.expunge(row)
        return row


def _screen(session: Session, child: UUID) -> ChildViewModel:
    caseload = session.services().caseload
    row = next(r for r in caseload.rows() if r.child_id == child)
    screen = ChildViewModel(caseload=caseload, row=row, household=[], on_start_visit=lambda _: None)
    screen.load()
    return screen


def test_marked_done_offline_it_leaves_the_device_and_the_console_shows_who_when_what(
    session: Session, world: World, network: Network
) -> None:
    manager, child, _visit = _sent_back(session, world)
    before = manager.get("/console/review")
    assert "Open: waiting for the worker" in before.text and TODO in before.text

    network.up = False  # no signal: recorded on the device, sent later
    screen = _screen(session, child)
    [line] = screen.task_lines()
    screen.task_done.set_text(line.task_id, DID)
    assert screen.task_done.ask(line.task_id)
    assert screen.task_done.mark_done(line.task_id), screen.task_done.errors
    assert screen.task_lines() == [] and _task(world, child).done_at is None
    worker = session.services()
    assert worker.sync.sync_now().last_error != ""  # offline: it waits in the outbox

    network.up = True
    assert worker.sync.sync_now().last_error == "" and settled(session)
    row = _task(world, child)
    assert row.done_at == world.clock() and row.done_note == DID
    assert all(r.tasks == () for r in worker.caseload.rows())
    assert worker.caseload.child(child).tasks == ()

    after = manager.get("/console/review")
    done = after.text.split('id="sent-back"')[1]
    assert "Done: " in done and "by Worker (synthetic)" in done and DID in done
    assert "Open: waiting for the worker" not in done
    page = manager.get(f"/console/children/{child}")
    assert DID in page.text and "Sent back to the worker" in page.text
    assert world.audit(action="task.listed", record_id=row.task_id)


def test_amending_the_visit_leaves_the_task_open_and_the_workers_words_stay(
    session: Session, world: World
) -> None:
    manager, child, visit_id = _sent_back(session, world)
    worker = session.services()
    visit = worker.visits.get(visit_id)
    change = FieldChange(
        field_path="announced", old_value=visit.announced, new_value=not visit.announced
    )
    worker.visits.amend(visit_id=visit_id, changes=[change], reason="Misread the diary (synth).")
    assert worker.sync.sync_now().last_error == "" and settled(session)
    assert _task(world, child).done_at is None  # an amendment does not close it
    [task] = worker.caseload.child(child).tasks
    assert "Open: waiting for the worker" in manager.get("/console/review").text

    worker.caseload.mark_task_done(task.task_id, what_was_done=DID)
    assert worker.sync.sync_now().last_error == ""
    again = worker.visits.get(visit_id)
    change = FieldChange(
        field_path="announced", old_value=again.announced, new_value=visit.announced
    )
    worker.visits.amend(visit_id=visit_id, changes=[change], reason="Put it back (synthetic).")
    assert worker.sync.sync_now().last_error == "" and settled(session)
    assert _task(world, child).done_note == DID
    assert DID in manager.get("/console/review").text.split('id="sent-back"')[1]


def test_a_refused_note_brings_the_task_back_and_the_note_is_kept(
    session: Session, world: World
) -> None:
    """The central record refuses the note (the task is no longer this worker's by the time it
    arrives): the task shows on the device again, and the refused note waits, with the
    central record's words, among what was not accepted."""
    _manager, child, _visit = _sent_back(session, world)
    worker = session.services()
    [task] = worker.caseload.child(child).tasks
    with world.db.write() as s:  # reallocated at the central record meanwhile
        row = s.get(TaskRow, (ORG, task.task_id))
        assert row is not None
        row.practitioner_id = world.colleague.practitioner_id
        s.add(row)
    worker.caseload.mark_task_done(task.task_id, what_was_done=DID)
    assert worker.caseload.child(child).tasks == ()
    assert worker.sync.sync_now().last_error == ""
    assert [t.task_id for t in worker.caseload.child(child).tasks] == [task.task_id]
    assert _task(world, child).done_at is None
    [held] = [r for r in worker.sync.records() if r.record_id == task.task_id]
    assert held.status == SyncState.REJECTED
    assert any("only the worker it was sent to" in p for p in held.problems), held.problems
