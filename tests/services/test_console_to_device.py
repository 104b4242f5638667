"""From the console to the worker's device, with real parts: the central record in-process, the
worker's encrypted device store syncing to it, and the console driven through its forms. A
relative's phone call recorded by the manager shows on the worker's device after a sync, until
acknowledged; a child not seen, sent back to the worker from the review queue with what to do,
shows on that child in the worker's caseload after a sync."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from mobile.services.session import Session
from mobile.ui.viewmodels.caseload import row_text
from mobile.ui.viewmodels.child import ChildViewModel
from tests.console.helpers import make_console, token
from tests.console.test_acts_concerns import SAID, concern_form
from tests.services.devices import settled
from tests.services.flag_visits import face_to_face_visit, submit_on
from tests.sync.helpers import World


def _worker_first_child(session: Session, world: World) -> UUID:
    """The worker's first child, with the device holding its caseload."""
    load = world.worker.load
    assert load is not None
    assert session.services().sync.sync_now().last_error == ""
    return load.children[0].child_id


def test_a_phone_call_recorded_in_the_console_reaches_the_workers_device(
    session: Session, world: World
) -> None:
    child = _worker_first_child(session, world)
    worker = session.services()
    before = {c.concern_id for c in worker.caseload.concerns_awaiting()}

    console = make_console(world)
    manager = console.signed_in()
    csrf = token(manager.get(f"/console/concerns/new?child={child}"))
    answer = manager.post(
        "/console/concerns/new", data=concern_form(csrf, child), follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    assert not [c for c in worker.caseload.concerns_awaiting() if c.concern_id not in before]

    assert worker.sync.sync_now().last_error == ""
    [new] = [c for c in worker.caseload.concerns_awaiting() if c.concern_id not in before]
    assert new.content == SAID and child in new.children_concerned
    assert new.reporter.name == "Nan Example (synthetic)"
    assert new in worker.caseload.child(child).concerns_awaiting


def test_a_visit_sent_back_from_the_review_queue_is_a_task_on_the_workers_caseload(
    session: Session, world: World
) -> None:
    child = _worker_first_child(session, world)
    worker = session.services()
    assert world.worker.load is not None
    missed = face_to_face_visit(world.worker.load, seen=False, at=world.clock() - timedelta(days=1))
    submit_on(session, missed)
    assert worker.sync.sync_now().last_error == "" and settled(session)

    console = make_console(world)
    manager = console.signed_in()
    queue = manager.get("/console/review")
    assert "Children not seen at a visit" in queue.text
    flag_id = queue.text.split('href="/console/flags/')[1].split('"')[0]
    todo = "Go back within 3 days and see the child alone (synthetic)."
    answer = manager.post(
        f"/console/review/visit/{flag_id}",
        data={"csrf_token": token(queue), "note": todo, "outcome": "back"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    rows = {r.child_id: r for r in worker.caseload.rows()}
    assert rows[child].tasks == ()  # not until the device syncs

    assert worker.sync.sync_now().last_error == ""
    rows = {r.child_id: r for r in worker.caseload.rows()}
    [task] = rows[child].tasks
    assert task.what_to_do == todo and task.about == "visit"
    words = row_text(rows[child])
    assert words.task == f"Back from your manager: {todo}" and words.task in words.spoken
    assert worker.caseload.child(child).tasks == (task,)
    screen = ChildViewModel(
        caseload=worker.caseload, row=rows[child], household=[], on_start_visit=lambda _ids: None
    )
    screen.load()
    assert screen.tasks() == [f"Back from your manager, about a visit (02 Mar 2026): {todo}"]
    others = [r for r in rows.values() if r.child_id != child]
    assert all(r.tasks == () for r in others)
