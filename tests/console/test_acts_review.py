"""The review queue through the real app: a record in conflict sent back to the worker (a task
row and a change on the worker's feed; the held record resolved, its body kept), a child not seen
signed off with a note, another team's items neither listed nor reviewable, no token refused."""

from __future__ import annotations

from uuid import UUID

import sqlalchemy as sa

from models.receipt import ReceiptStatus
from sync.protocol import ChangeKind
from sync.server.tables import ChangeRow, QuarantineRow, ReviewRow, TaskRow, table_of
from tests.console.helpers import Console, token
from tests.sync.helpers import Practitioner, visit_item
from tests.sync.task_helpers import TODO, set_task


def _conflict(console: Console, who: Practitioner) -> UUID:
    """A visit pushed twice with different content: the second is held as a conflict."""
    assert who.load is not None
    device = console.world.device(who)
    visit = who.load.visits[0]
    device.push([visit_item(visit)])
    changed = visit.model_copy(update={"escalation_notes": "Discussed with manager (synthetic)."})
    assert device.push([visit_item(changed)]).receipts[0].status == ReceiptStatus.CONFLICT
    t = table_of(QuarantineRow)
    with console.db.read() as s:
        receipt: UUID = s.execute(
            sa.select(t.c.receipt_id).where(t.c.practitioner_id == who.practitioner_id)
        ).scalar_one()
    return receipt


def test_a_conflict_goes_back_to_the_worker_as_a_task_on_their_feed(console: Console) -> None:
    world = console.world
    held = _conflict(console, world.worker)
    client = console.signed_in()
    page = client.get("/console/review")
    assert page.status_code == 200 and "Records in conflict (1)" in page.text
    assert "Worker (synthetic)" in page.text
    todo = "Check which version is right and amend the visit (synthetic)."
    answer = client.post(
        f"/console/review/conflict/{held}",
        data={"csrf_token": token(page), "note": todo, "outcome": "back"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    after = client.get(answer.headers["location"])
    assert "Sent back to the worker" in after.text and "Records in conflict" not in after.text
    assert world.count(TaskRow, practitioner_id=world.worker.practitioner_id, about_id=held) == 1
    assert world.count(ReviewRow, item_id=held, outcome="back_to_worker") == 1
    c = table_of(ChangeRow)
    with world.db.read() as s:
        feed = s.execute(sa.select(c).where(c.c.kind == ChangeKind.TASK.value)).all()
        kept = s.get(QuarantineRow, held)
    assert [(r.practitioner_id, r.data["what_to_do"]) for r in feed] == [
        (world.worker.practitioner_id, todo)
    ]
    assert kept is not None and kept.resolved_at is not None and kept.body  # resolved, kept
    assert world.audit(action="review.back_to_worker", record_id=held)
    again = client.post(
        f"/console/review/conflict/{held}",
        data={"csrf_token": token(page), "note": "again", "outcome": "sign_off"},
    )
    assert again.status_code == 400 and "already reviewed" in again.text


def test_a_child_not_seen_is_signed_off_with_a_note(console: Console) -> None:
    flag_id = console.flag(console.child_of_team(console.world.team_a))
    client = console.signed_in()
    page = client.get("/console/review")
    assert "Children not seen at a visit (1)" in page.text
    assert f'href="/console/flags/{flag_id}"' in page.text
    url = f"/console/review/visit/{flag_id}"
    empty = client.post(url, data={"csrf_token": token(page), "note": "", "outcome": "sign_off"})
    assert empty.status_code == 400 and "Add a note" in empty.text
    assert f'id="note-visit-{flag_id}"' in empty.text and "There is a problem" in empty.text
    nul = client.post(url, data={"csrf_token": token(page), "note": "ok\x00", "outcome": "back"})
    assert nul.status_code == 400 and "NUL character" in nul.text
    done = client.post(
        url,
        data={"csrf_token": token(page), "note": "Seen next day (synthetic).", "outcome": "x"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert console.world.count(ReviewRow, item_id=flag_id, outcome="signed_off") == 1
    assert console.world.count(TaskRow) == 0
    assert "Nothing is waiting for your review" in client.get("/console/review").text


def test_another_teams_items_are_not_listed_and_cannot_be_reviewed(console: Console) -> None:
    held = _conflict(console, console.world.outsider)
    client = console.signed_in()
    page = client.get("/console/review")
    assert "Nothing is waiting for your review" in page.text
    forged = client.post(
        f"/console/review/conflict/{held}",
        data={"csrf_token": token(page), "note": "mine now", "outcome": "back"},
    )
    assert forged.status_code == 403 and "not your team" in forged.text
    assert console.world.audit(action="review.back_to_worker", outcome="forbidden")
    assert console.world.count(TaskRow) == 0 and console.world.count(ReviewRow) == 0
    nowhere = client.post(
        f"/console/review/conflict/{UUID(int=7)}",
        data={"csrf_token": token(page), "note": "x"},
    )
    assert nowhere.status_code == 404
    assert client.post(f"/console/review/nonsense/{held}", data={}).status_code == 403
    duty = console.signed_in("duty")
    assert "Records in conflict (1)" in duty.get("/console/review").text


def test_review_without_a_session_or_a_token_changes_nothing(console: Console) -> None:
    held = _conflict(console, console.world.worker)
    url = f"/console/review/conflict/{held}"
    assert console.client().post(url, data={"note": "x"}, follow_redirects=False).status_code == 303
    page = console.signed_in().post(url, data={"note": "x", "outcome": "back"})
    assert page.status_code == 403 and "This form has expired" in page.text
    assert console.world.count(ReviewRow) == 0


def test_an_escalation_is_listed_with_what_was_said_and_signed_off(console: Console) -> None:
    from tests.sync.test_escalations import _escalation, _item, _worker_visit

    world = console.world
    device, visit = _worker_visit(world)
    escalation = _escalation(world, visit)
    assert device.push([_item(escalation)]).receipts[0].status == ReceiptStatus.ACCEPTED
    client = console.signed_in()
    page = client.get("/console/review")
    assert "Escalations (1)" in page.text and "My team manager (synthetic)" in page.text
    assert "Said to go back tomorrow with a colleague (synthetic)." in page.text
    answer = client.post(
        f"/console/review/escalation/{escalation.escalation_id}",
        data={"csrf_token": token(page), "note": "Agreed (synthetic).", "outcome": "sign_off"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert world.count(ReviewRow, item_id=escalation.escalation_id, outcome="signed_off") == 1
    assert world.audit(action="review.signed_off", record_id=escalation.escalation_id)
    assert "Escalations" not in client.get("/console/review").text


def test_another_teams_sent_back_tasks_are_not_shown(console: Console) -> None:
    theirs = set_task(console.world, console.world.outsider)
    mine = set_task(console.world, console.world.worker)
    page = console.signed_in().get("/console/review")
    assert "Sent back to workers (1)" in page.text and str(mine.child_id) in page.text
    assert str(theirs.child_id) not in page.text
    assert not console.world.audit(action="task.listed", record_id=theirs.task_id)
    outsider_child = console.signed_in().get(f"/console/children/{theirs.child_id}")
    assert TODO not in outsider_child.text
    assert "Sent back to workers (2)" in console.signed_in("duty").get("/console/review").text
