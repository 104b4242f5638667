"""How pushed records travel and are stored: the canonical JSON text the hash is over, kept once
and byte for byte; the older JSON-object form still accepted; one 'seen' row per child per push."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa

from models.amendment import Amendment, FieldChange
from models.canonical import canonical_json, canonical_text
from models.concern import Acknowledgement
from models.receipt import ReceiptStatus, RecordKind
from sync import protocol
from sync.protocol import ChangeKind, PushItem
from sync.server.tables import (
    ChangeRow,
    QuarantineRow,
    RecordRevisionRow,
    VisitRevisionRow,
    table_of,
)
from synthetic import generate_caseload
from tests.sync.helpers import World, amendment_item, item_of, visit_item


def _post(world: World, device: Any, items: list[dict[str, Any]]) -> Any:
    return world.http.post(
        "/sync/push",
        content=json.dumps({"items": items}).encode(),
        headers={**world.headers(device), "Content-Type": "application/json"},
    )


def _stored_text(world: World, table: Any, column: str, **where: Any) -> str | None:
    """A JSON column as the database holds it: text on SQLite, `json` on PostgreSQL."""
    t = table_of(table)
    with world.db.read() as s:
        query = sa.select(sa.cast(t.c[column], sa.Text))
        for name, value in where.items():
            query = query.where(t.c[name] == value)
        value: str | None = s.execute(query).scalar_one()
        return value


def test_a_visit_is_stored_once_as_the_exact_text_its_hash_is_over(world: World) -> None:
    visit = world.worker.load.visits[0]
    item = visit_item(visit)
    [receipt] = world.device(world.worker).push([item]).receipts
    assert receipt.status == ReceiptStatus.ACCEPTED

    text = _stored_text(world, VisitRevisionRow, "body", visit_id=item.record_id)
    assert text == canonical_text(item.body)
    assert text is not None and hashlib.sha256(text.encode()).hexdigest() == item.content_hash
    # ...and only there: the receipt row keeps the hash, not a second copy of the body.
    assert _stored_text(world, RecordRevisionRow, "body", record_id=item.record_id) is None


def test_an_amendment_keeps_its_own_body_beside_the_amended_visit(world: World) -> None:
    device = world.device(world.worker)
    visit = world.worker.load.visits[0]
    device.push([visit_item(visit)])
    amendment = Amendment(
        amendment_id=UUID(int=7),
        amends_visit_id=visit.visit_id,
        amends_revision=1,
        author_id=world.worker.practitioner_id,
        at=world.clock() + timedelta(hours=1),
        reason="Recorded the wrong arrival (synthetic)",
        changes=[FieldChange(field_path="announced", old_value=visit.announced, new_value=True)],
    )
    item = amendment_item(amendment)
    assert device.push([item]).receipts[0].status == ReceiptStatus.ACCEPTED
    stored = _stored_text(world, RecordRevisionRow, "body", record_id=visit.visit_id, revision=2)
    assert stored == canonical_json(amendment).decode()
    assert world.count(VisitRevisionRow, visit_id=visit.visit_id) == 2


def test_the_json_object_form_is_still_accepted_and_stored_as_canonical_text(
    world: World,
) -> None:
    device = world.device(world.worker)
    item = visit_item(world.worker.load.visits[0])
    answer = _post(world, device, [item.model_dump(mode="json")])  # "body": {...}
    assert answer.json()["receipts"][0]["status"] == "accepted"
    text = _stored_text(world, VisitRevisionRow, "body", visit_id=item.record_id)
    assert text == canonical_text(item.body)


def test_an_object_body_in_another_form_of_the_same_record_is_accepted_by_its_own_hash(
    world: World,
) -> None:
    """Keys in another order and a time written '+00:00' rather than 'Z' (another app version,
    say): the hash is over the record's canonical JSON, which the central record rebuilds."""
    device = world.device(world.worker)
    item = visit_item(world.worker.load.visits[0])
    body = dict(reversed(list(item.body.items())))
    body["started_at"] = body["started_at"].replace("Z", "+00:00")
    assert body != item.body
    wire = {**item.model_dump(mode="json"), "body": body}
    answer = _post(world, device, [wire])
    assert answer.json()["receipts"][0]["status"] == "accepted"
    stored = _stored_text(world, VisitRevisionRow, "body", visit_id=item.record_id)
    assert stored == canonical_text(item.body)


@pytest.mark.parametrize("form", ["body", "body_json"])
def test_a_body_that_does_not_match_its_hash_is_rejected_as_damaged(
    world: World, form: str
) -> None:
    device = world.device(world.worker)
    item = visit_item(world.worker.load.visits[0])
    wire = PushItem.of(item).model_dump(mode="json", exclude_none=True)
    if form == "body":
        wire = item.model_dump(mode="json")
    wire["content_hash"] = "0" * 64
    receipt = _post(world, device, [wire]).json()["receipts"][0]
    assert (receipt["status"], receipt["code"]) == ("rejected", protocol.SYNC_HASH_MISMATCH)
    assert world.count(RecordRevisionRow) == 0 and world.count(QuarantineRow) == 1


def test_body_json_that_is_not_a_record_is_rejected_and_kept_as_sent(world: World) -> None:
    device = world.device(world.worker)
    item = visit_item(world.worker.load.visits[0])
    for text in ('{"visit_id": "not a visit"}', "{definitely not json"):
        wire = {**PushItem.of(item).model_dump(mode="json"), "body_json": text}
        wire["content_hash"] = hashlib.sha256(text.encode()).hexdigest()
        receipt = _post(world, device, [wire]).json()["receipts"][0]
        assert (receipt["status"], receipt["code"]) == ("rejected", protocol.RECORD_INVALID)
        assert receipt["problems"]
    q = table_of(QuarantineRow).c
    with world.db.read() as s:
        kept = sorted(s.execute(sa.select(q.body)).scalars(), key=str)
    assert kept == sorted([{"visit_id": "not a visit"}, "{definitely not json"], key=str)


@pytest.mark.parametrize("bodies", ["neither", "both"])
def test_an_item_with_neither_or_both_bodies_is_refused(world: World, bodies: str) -> None:
    device = world.device(world.worker)
    item = visit_item(world.worker.load.visits[0])
    wire: dict[str, Any] = {
        "record_id": str(item.record_id),
        "kind": item.kind.value,
        "revision": item.revision,
        "content_hash": item.content_hash,
    }
    if bodies == "both":
        wire.update(body=item.body, body_json=canonical_text(item.body))
    answer = _post(world, device, [wire])
    assert (answer.status_code, answer.json()["code"]) == (422, protocol.REQUEST_INVALID)
    assert world.count(RecordRevisionRow) == 0 and world.count(QuarantineRow) == 0


def test_canonical_text_is_the_canonical_json_of_every_kind_of_record() -> None:
    load = generate_caseload(seed=31, children=12, households=6, visits_per_child=2, concerns=6)
    ack = Acknowledgement(
        by_practitioner_id=load.practitioner_id,
        at=load.visits[0].created_on_device_at,
        action_taken="Called back (synthetic)",
    )
    records = [*load.visits, *load.concerns, ack]
    for record in records:
        assert canonical_text(record.model_dump(mode="json")).encode() == canonical_json(record)
    item = item_of(ack, RecordKind.ACKNOWLEDGEMENT, load.concerns[0].concern_id, 2, 1)
    wire = PushItem.of(item)
    assert wire.body is None and wire.body_json is not None
    assert hashlib.sha256(wire.body_json.encode()).hexdigest() == item.content_hash


def _seen_rows(world: World, child_id: UUID) -> list[dict[str, Any]]:
    c = table_of(ChangeRow).c
    with world.db.read() as s:
        rows = s.execute(
            sa.select(c.data)
            .where(c.kind == ChangeKind.SEEN.value, c.child_id == child_id)
            .order_by(c.seq)
        ).scalars()
        return list(rows)


def test_a_child_visited_twice_in_one_push_gets_one_seen_row_with_the_later_visit(
    world: World,
) -> None:
    load = world.worker.load
    first = load.visits[0]
    assert first.started_at is not None
    later = first.model_copy(
        update={
            "visit_id": UUID(int=first.visit_id.int ^ 1),
            "started_at": first.started_at + timedelta(days=3),
            "ended_at": (first.ended_at or first.started_at) + timedelta(days=3),
        }
    )
    child_id = first.children[0].child_id
    before = len(_seen_rows(world, child_id))
    answer = world.device(world.worker).push([visit_item(first), visit_item(later)])
    assert [r.status for r in answer.receipts] == [ReceiptStatus.ACCEPTED] * 2
    rows = _seen_rows(world, child_id)[before:]
    assert len(rows) == 1
    assert rows[0]["last_visit_id"] == str(later.visit_id)
    # An older visit arriving afterwards changes nothing a device holds: no new row.
    older = first.model_copy(
        update={
            "visit_id": UUID(int=first.visit_id.int ^ 2),
            "started_at": first.started_at - timedelta(days=30),
            "ended_at": (first.ended_at or first.started_at) - timedelta(days=30),
        }
    )
    world.device(world.worker).push([visit_item(older)])
    assert len(_seen_rows(world, child_id)[before:]) == 1


def test_the_device_ends_with_the_same_last_seen_either_way(world: World) -> None:
    """Pulling after a push that coalesced its 'seen' rows gives what a row per visit gave."""
    load = world.worker.load
    device = world.device(world.worker)
    device.push([visit_item(v) for v in load.visits])
    latest: dict[UUID, Any] = {}
    for page in device.iter_changes(None):
        for change in page.changes:
            if change.kind == ChangeKind.SEEN and change.data is not None:
                latest[change.entity_id] = change.data["last_visit_at"]
    expected: dict[UUID, Any] = {}
    for visit in load.visits:
        for outcome in visit.children:
            if visit.started_at is not None:
                best = expected.get(outcome.child_id)
                expected[outcome.child_id] = max(best or visit.started_at, visit.started_at)
    for child_id, when in expected.items():
        assert latest[child_id] is not None
        assert latest[child_id].replace("Z", "+00:00") == when.isoformat()
