"""Regression tests for the audit's push defects, items 7, 10 and 11 (issue 8): every input is
validated at the edge, future-dated visits are held, held items are bounded per device. SQLite and
PostgreSQL (the `world` fixture)."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa

from models.amendment import Amendment, FieldChange
from models.canonical import canonical_text
from models.receipt import OutboxItem, ReceiptStatus, RecordKind
from models.visit import Visit
from sync import protocol
from sync.client import SyncClient
from sync.protocol import ChangeKind, PushItem
from sync.server.tables import ChildRow, QuarantineRow, table_of
from synthetic import generate_caseload
from tests.sync.helpers import World, _child, _concern, make_world, visit_item


def _wire(item: OutboxItem) -> dict[str, Any]:
    return PushItem.of(item).model_dump(mode="json", exclude_none=True)


def _text_item(kind: RecordKind, record_id: UUID, body: dict[str, Any]) -> dict[str, Any]:
    """An item whose body_json is `body`'s canonical text, hashed as a device would."""
    text = canonical_text(body)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return {
        "record_id": str(record_id),
        "kind": kind.value,
        "revision": 1,
        "content_hash": digest,
        "body_json": text,
    }


def _post(world: World, client: SyncClient, items: list[dict[str, Any]]) -> Any:
    content = json.dumps({"items": items}).encode()  # ensure_ascii: NUL and surrogates escaped
    return world.http.post(
        "/sync/push",
        content=content,
        headers={**world.headers(client), "Content-Type": "application/json"},
    )


# --- 7. every input is validated at the edge; one bad item never fails its batch ---------------
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("revision", 2**31),
        ("revision", 2**63),
        ("revision", 2**70),
        ("base_revision", 2**31),
        ("content_hash", "a" * 65),
        ("content_hash", "A" * 64),
        ("content_hash", "z" * 64),
        ("content_hash", "a\u0000" * 32),
    ],
)
def test_out_of_range_item_fields_are_a_422_never_a_5xx(
    world: World, field: str, value: Any
) -> None:
    device = world.device(world.worker)
    item = _wire(visit_item(world.worker.load.visits[0]))  # type: ignore[union-attr]
    item[field] = value
    answer = _post(world, device, [item])
    assert (answer.status_code, answer.json()["code"]) == (422, protocol.REQUEST_INVALID)
    assert field in answer.json()["detail"]


def test_bad_text_and_numbers_inside_records_are_rejected_per_item_and_the_rest_accepted(
    world: World,
) -> None:
    device = world.device(world.worker)
    visits = world.worker.load.visits  # type: ignore[union-attr]
    child = visits[0].children[0].child_id
    nul = _concern(world, child).model_dump(mode="json")
    nul["content"] = "Called at 9 \u0000 (synthetic)"
    broken = visits[1].model_dump(mode="json")
    broken["escalation_notes"] = "half a pair \ud800 (synthetic)"
    huge = Amendment(
        amendment_id=uuid.uuid4(), amends_visit_id=visits[0].visit_id, amends_revision=1,
        changes=[FieldChange(field_path="escalation_notes", old_value="", new_value="x")],
        reason="Synthetic.", author_id=world.worker.practitioner_id, at=world.clock(),
    ).model_dump(mode="json")  # fmt: skip
    huge["changes"][0]["new_value"] = 2**70
    bad_amendment = _text_item(RecordKind.AMENDMENT, visits[0].visit_id, huge)
    bad_amendment.update(revision=2, base_revision=1)
    items = [
        _wire(visit_item(visits[0])),
        _text_item(RecordKind.CONCERN, UUID(nul["concern_id"]), nul),
        _text_item(RecordKind.VISIT, UUID(broken["visit_id"]), broken),
        {**_wire(visit_item(visits[2])), "body_json": None, "body": broken},  # as an object
        bad_amendment,
        _wire(visit_item(visits[3])),
    ]
    items[3] = {k: v for k, v in items[3].items() if v is not None}
    answer = _post(world, device, items)
    assert answer.status_code == 200
    got = [(r["status"], r["code"]) for r in answer.json()["receipts"]]
    assert got[0] == got[5] == ("accepted", "")
    assert got[1:5] == [("rejected", protocol.RECORD_INVALID)] * 4
    problems = answer.json()["receipts"][1]["problems"] + answer.json()["receipts"][2]["problems"]
    assert any(p.startswith("content: ") and "NUL" in p for p in problems)
    assert any(p.startswith("escalation_notes: ") and "broken character" in p for p in problems)
    # Each held item is stored whole, its bad characters escaped: nothing the device sent lost.
    q = table_of(QuarantineRow)
    with world.db.read() as s:
        bodies = [
            str(b)
            for b in s.execute(
                sa.select(sa.cast(q.c.body, sa.Text)).order_by(q.c.server_seq)
            ).scalars()
        ]
    assert len(bodies) == 4
    assert "\\u0000" in bodies[0] and "\\ud800" in bodies[1].lower()
    assert "\\ud800" in bodies[2].lower() and str(2**70) in bodies[3]


def test_the_models_refuse_unstorable_text_where_it_is_entered() -> None:
    visit = generate_caseload(seed=3, children=2, households=1, organisation_id="X").visits[0]
    for bad in ("a\u0000b", "a\ud800b"):
        with pytest.raises(ValueError, match="escalation_notes"):
            visit.escalation_notes = bad


# --- 10. future-dated visits are held; last seen is the latest contact not in the future -------
def _dated(visit: Visit, started: Any) -> Visit:
    return visit.model_copy(
        update={
            "visit_id": uuid.uuid4(),
            "created_on_device_at": started,
            "started_at": started,
            "ended_at": started + timedelta(minutes=40),
        }
    )


def _from_a_fast_clock(visit: Visit) -> OutboxItem:
    """Submitted on a device whose clock is ahead: to it, the visit is over."""
    assert visit.ended_at is not None
    return visit_item(visit, at=visit.ended_at)


def test_future_dated_visit_is_held_and_a_later_real_visit_moves_last_seen(
    world: World,
) -> None:
    device = world.device(world.worker)
    now = world.clock()
    template = world.worker.load.visits[0]  # type: ignore[union-attr]
    child_id = template.child_seen_face_to_face[0]
    ahead = _dated(template, now + timedelta(days=365))
    receipt = device.push([_from_a_fast_clock(ahead)]).receipts[0]
    assert (receipt.status, receipt.code) == (ReceiptStatus.REJECTED, protocol.RECORD_FUTURE_DATED)
    assert receipt.problems == [
        "This visit is dated in the future: check the device's clock. The visit is kept; tell "
        "your manager."
    ]
    assert world.count(QuarantineRow, record_id=ahead.visit_id) == 1
    # Within the allowance (a clock a few minutes fast) is fine.
    slightly = _dated(template, now + protocol.FUTURE_ALLOWANCE - timedelta(minutes=41))
    assert device.push([_from_a_fast_clock(slightly)]).receipts[0].status == ReceiptStatus.ACCEPTED
    # A future date stored before the fix does not pin last seen either.
    t = table_of(ChildRow)
    with world.db.write() as s:
        s.execute(
            sa.update(t)
            .where(t.c.child_id == child_id)
            .values(last_seen_at=now + timedelta(days=300))
        )
    world.clock.advance(timedelta(days=1))  # type: ignore[attr-defined]
    real = _dated(template, world.clock() - timedelta(hours=2))
    assert (
        device.push([visit_item(real, at=world.clock())]).receipts[0].status
        == ReceiptStatus.ACCEPTED
    )
    row = _child(world, child_id)
    assert row["last_seen_at"] == real.started_at and row["last_seen_visit_id"] == real.visit_id


# --- 11. held items are bounded per device, and summarised in the feed -------------------------
@pytest.fixture
def small_quota_world(backend: str) -> Iterator[World]:
    w = make_world(backend, held_per_device_per_day=5)
    yield w
    w.db.dispose()


def _damaged(visit: Visit, n: int) -> OutboxItem:
    fake = visit.model_copy(update={"visit_id": uuid.uuid4()})
    return visit_item(fake).model_copy(update={"content_hash": f"{n:064x}"})


def _feed(world: World, client: SyncClient) -> list[Any]:
    return [c for c in client.changes(None, 1000).changes if c.kind == ChangeKind.QUARANTINE]


def test_a_device_flooding_rejected_items_hits_its_quota_and_the_feed_stays_bounded(
    small_quota_world: World,
) -> None:
    world = small_quota_world
    device = world.device(world.worker)
    visit = world.worker.load.visits[0]  # type: ignore[union-attr]
    receipts = device.push([_damaged(visit, n) for n in range(8)]).receipts
    codes = [r.code for r in receipts]
    assert codes == [protocol.SYNC_HASH_MISMATCH] * 5 + [protocol.SYNC_QUARANTINE_FULL] * 3
    assert all(r.status == ReceiptStatus.REJECTED for r in receipts)  # kept on the device
    assert receipts[5].receipt_id is None and receipts[5].server_seq is None
    assert world.count(QuarantineRow) == 5
    assert len(world.audit(outcome=protocol.SYNC_QUARANTINE_FULL)) == 3
    # Another push the same day: still refused; the next day the device may be held again.
    assert device.push([_damaged(visit, 9)]).receipts[0].code == protocol.SYNC_QUARANTINE_FULL
    world.clock.advance(timedelta(days=1, minutes=1))  # type: ignore[attr-defined]
    assert device.push([_damaged(visit, 10)]).receipts[0].code == protocol.SYNC_HASH_MISMATCH
    assert len(_feed(world, world.device(world.manager))) == 6


def test_held_items_of_one_record_are_one_summary_row_in_the_feed(world: World) -> None:
    device = world.device(world.worker)
    item = visit_item(world.worker.load.visits[0])  # type: ignore[union-attr]
    versions = [item.model_copy(update={"content_hash": f"{n:064x}"}) for n in range(4)]
    device.push(versions)
    assert world.count(QuarantineRow) == 4
    feed = _feed(world, world.device(world.manager))
    assert len(feed) == 1
    data = feed[0].data
    assert data["record_id"] == str(item.record_id) and data["held_count"] == 4
    assert data["code"] == protocol.SYNC_HASH_MISMATCH and data["problems"]
