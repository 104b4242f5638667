"""A task sent back from the review queue, marked done by its worker (models.task.TaskDone): the
task row gets done_at and what was done, the feed deletes it, the push is idempotent; from the
attacker's side (another practitioner, team or organisation; NUL, a lone surrogate, oversized
text) it is refused with a stable code, audited, and the task stays open. SQLite and PostgreSQL
(the `world` fixture)."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from models.canonical import canonical_text
from models.receipt import ReceiptStatus, RecordKind
from models.task import MAX_DONE_NOTE, TaskDone
from sync import protocol
from sync.client import SyncClient
from sync.protocol import ChangeKind
from sync.server.tables import QuarantineRow, TaskRow
from tests.sync.helpers import Practitioner, World, item_of
from tests.sync.task_helpers import set_task
from tests.sync.test_audit_push_scope import _other_org

DID = "Went back on Thursday and saw the child alone in her room (synthetic)."


def _task(world: World, who: Practitioner) -> TaskRow:
    return set_task(world, who)


def _done(world: World, task_id: UUID, by: Practitioner, **update: Any) -> TaskDone:
    done = TaskDone(
        task_id=task_id, by_practitioner_id=by.practitioner_id,
        at=world.clock() - timedelta(minutes=5), what_was_done=DID,
    )  # fmt: skip
    return done.model_copy(update=update)


def feed_after(device: SyncClient, cursor: str) -> list[Any]:
    return list(device.changes(cursor, 1000).changes)


def _push(device: SyncClient, done: TaskDone) -> Any:
    [receipt] = device.push([item_of(done, RecordKind.TASK_DONE, done.task_id)]).receipts
    return receipt


def _row(world: World, task_id: UUID) -> TaskRow:
    with world.db.read() as s:
        row: TaskRow | None = s.get(TaskRow, ("ORG-DEMO", task_id))
        assert row is not None
        s.expunge(row)
        return row


def test_the_worker_marks_their_task_done_and_it_leaves_the_feed(world: World) -> None:
    task = _task(world, world.worker)
    device = world.device(world.worker)
    first = device.changes(None, 1000)
    assert [c for c in first.changes if c.entity_id == task.task_id]  # the device holds it
    held_at = first.cursor
    done = _done(world, task.task_id, world.worker)

    receipt = _push(device, done)

    assert receipt.status == ReceiptStatus.ACCEPTED, receipt
    row = _row(world, task.task_id)
    assert row.done_at == done.at and row.done_note == DID
    [audit] = world.audit(action="push.task_done.accepted")
    assert audit["child_id"] == task.child_id and DID not in str(audit)
    ours = [c for c in feed_after(device, held_at) if c.entity_id == task.task_id]
    assert [(c.kind, c.deleted, c.child_id) for c in ours] == [
        (ChangeKind.TASK, True, task.child_id)
    ]
    manager = world.device(world.manager).changes(None, 1000).changes
    assert [c.deleted for c in manager if c.entity_id == task.task_id][-1]
    again = _push(device, done)  # sent twice (no answer the first time): the same receipt
    assert again.status == ReceiptStatus.DUPLICATE and _row(world, task.task_id).done_note == DID


def test_a_second_different_note_is_a_conflict_and_the_first_stands(world: World) -> None:
    task = _task(world, world.worker)
    device = world.device(world.worker)
    assert _push(device, _done(world, task.task_id, world.worker)).status.acknowledged
    other = _done(world, task.task_id, world.worker, what_was_done="Phoned instead (synthetic).")

    receipt = _push(world.device(world.worker), other)

    assert receipt.status == ReceiptStatus.CONFLICT
    assert _row(world, task.task_id).done_note == DID


@pytest.mark.parametrize("whose", ["colleague", "outsider", "manager"])
def test_another_practitioners_task_is_refused_audited_and_stays_open(
    world: World, whose: str
) -> None:
    task = _task(world, world.worker)
    attacker: Practitioner = getattr(world, whose)
    device = world.device(attacker)

    receipt = _push(device, _done(world, task.task_id, attacker))

    assert receipt.status == ReceiptStatus.REJECTED and receipt.code == protocol.RECORD_FORBIDDEN
    assert _row(world, task.task_id).done_at is None
    assert world.audit(action="push.refused", record_id=task.task_id, outcome="forbidden")
    feed = device.changes(None, 1000).changes
    assert not [c for c in feed if c.entity_id == task.task_id and c.deleted]


def test_a_task_done_in_someone_elses_name_is_refused(world: World) -> None:
    task = _task(world, world.worker)
    receipt = _push(world.device(world.colleague), _done(world, task.task_id, world.worker))
    assert receipt.status == ReceiptStatus.REJECTED and receipt.code == protocol.RECORD_FORBIDDEN
    assert _row(world, task.task_id).done_at is None


def test_another_organisations_task_id_is_refused_like_an_unknown_one(world: World) -> None:
    task = _task(world, world.worker)
    other = _other_org(world)
    load = world.other_load  # type: ignore[attr-defined]
    done = TaskDone(
        task_id=task.task_id, by_practitioner_id=load.practitioner_id,
        at=world.clock() - timedelta(minutes=5), what_was_done=DID,
    )  # fmt: skip
    unknown = done.model_copy(update={"task_id": uuid.uuid4()})

    answers = [_push(other, done), _push(other, unknown)]

    assert [(a.status, a.code) for a in answers] == [
        (ReceiptStatus.REJECTED, protocol.RECORD_FORBIDDEN)
    ] * 2
    assert answers[0].problems == answers[1].problems  # nothing says the task exists elsewhere
    assert _row(world, task.task_id).done_at is None
    assert world.audit(action="push.refused", record_id=task.task_id, outcome="forbidden")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Saw her \u0000 (synthetic)", protocol.RECORD_INVALID),
        ("Saw her \ud800 (synthetic)", protocol.RECORD_INVALID),
        ("x" * (MAX_DONE_NOTE + 1), protocol.RECORD_RULES_FAILED),
        ("   ", protocol.RECORD_RULES_FAILED),
    ],
)
def test_bad_text_is_refused_in_words_kept_and_the_task_stays_open(
    world: World, text: str, code: str
) -> None:
    task = _task(world, world.worker)
    device = world.device(world.worker)
    body = _done(world, task.task_id, world.worker).model_dump(mode="json")
    body["what_was_done"] = text
    wire = canonical_text(body)
    item = {
        "record_id": str(task.task_id), "kind": "task_done", "revision": 1,
        "content_hash": hashlib.sha256(wire.encode("utf-8", "surrogatepass")).hexdigest(),
        "body_json": wire,
    }  # fmt: skip
    answer = world.http.post(
        "/sync/push",
        content=json.dumps({"items": [item]}).encode(),
        headers={**world.headers(device), "Content-Type": "application/json"},
    )

    assert answer.status_code == 200
    [receipt] = answer.json()["receipts"]
    assert (receipt["status"], receipt["code"]) == ("rejected", code)
    words = " ".join(receipt["problems"]).lower()
    assert "what_was_done" in words or "what you did" in words
    assert _row(world, task.task_id).done_at is None
    assert world.count(QuarantineRow, record_id=task.task_id) == 1  # what was sent is kept
