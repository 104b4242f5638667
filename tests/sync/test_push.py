"""Push over TestClient: accepted / duplicate / conflict / rejected, and what each leaves behind."""

from __future__ import annotations

import random
from datetime import timedelta
from uuid import uuid4

from models.concern import Acknowledgement
from models.enums import YesNo
from models.receipt import ReceiptStatus, RecordKind
from sync import protocol
from sync.protocol import ChangeKind
from sync.server.tables import QuarantineRow, RecordRevisionRow, VisitRevisionRow
from synthetic import synthetic_visit
from tests.sync.helpers import World, item_of, visit_item, visit_items


def test_push_accepts_each_item_with_a_receipt_and_stores_one_revision(world: World) -> None:
    device = world.device(world.worker)
    items = visit_items(world.worker.load)
    answer = device.push(items)
    assert [r.status for r in answer.receipts] == [ReceiptStatus.ACCEPTED] * len(items)
    assert all(r.receipt_id and r.server_seq for r in answer.receipts)
    assert answer.max_server_seq == max(r.server_seq or 0 for r in answer.receipts)
    assert world.count(RecordRevisionRow) == len(items)
    assert world.count(VisitRevisionRow) == len(items)


def test_same_batch_twice_answers_duplicates_with_the_original_receipts(world: World) -> None:
    device = world.device(world.worker)
    items = visit_items(world.worker.load)
    first = device.push(items)
    again = device.push(items)
    assert [r.status for r in again.receipts] == [ReceiptStatus.DUPLICATE] * len(items)
    for a, b in zip(first.receipts, again.receipts, strict=True):
        assert (a.receipt_id, a.server_seq, a.received_at) == (
            b.receipt_id,
            b.server_seq,
            b.received_at,
        )
    assert world.count(RecordRevisionRow) == len(items)


def test_same_item_twice_in_one_batch_is_accepted_once(world: World) -> None:
    item = visit_items(world.worker.load)[0]
    answer = world.device(world.worker).push([item, item])
    assert [r.status for r in answer.receipts] == [ReceiptStatus.ACCEPTED, ReceiptStatus.DUPLICATE]
    assert world.count(RecordRevisionRow) == 1


def test_same_id_with_different_content_is_a_conflict_and_both_are_kept(world: World) -> None:
    device = world.device(world.worker)
    visit = world.worker.load.visits[0]
    device.push([visit_item(visit)])
    changed = visit.model_copy(update={"escalation_notes": "Discussed with manager (synthetic)."})
    answer = device.push([visit_item(changed)])
    receipt = answer.receipts[0]
    assert receipt.status == ReceiptStatus.CONFLICT
    assert receipt.code == protocol.SYNC_CONFLICT and receipt.problems
    assert world.count(QuarantineRow, status="conflict") == 1
    assert world.count(RecordRevisionRow) == 1
    # Sending the same conflicting item again: the same receipt, still one copy held.
    assert device.push([visit_item(changed)]).receipts[0].receipt_id == receipt.receipt_id
    assert world.count(QuarantineRow) == 1


def test_visit_failing_the_rules_is_rejected_with_messages_and_quarantined(world: World) -> None:
    device = world.device(world.worker)
    visit = world.worker.load.visits[0]
    item = visit_item(visit)
    broken = dict(item.body)
    broken["children"] = [dict(broken["children"][0], child_seen="NO", reason_not_seen=None)]
    broken["visit_outcome"] = "COMPLETED_NOT_ALL_CHILDREN_SEEN"
    from models.visit import Visit

    bad = Visit.model_validate(broken)
    receipt = device.push([item_of(bad, RecordKind.VISIT, bad.visit_id)]).receipts[0]
    assert receipt.status == ReceiptStatus.REJECTED
    assert receipt.code == protocol.RECORD_RULES_FAILED
    assert any("not seen: choose why" in p for p in receipt.problems)
    assert world.count(QuarantineRow, status="rejected") == 1
    # The manager and the worker both learn about it through the change feed.
    kinds = [c.kind for c in world.device(world.manager).changes(None, 1000).changes]
    assert ChangeKind.QUARANTINE in kinds


def test_body_that_does_not_match_its_hash_is_rejected_not_dropped(world: World) -> None:
    item = visit_items(world.worker.load)[0]
    damaged = item.model_copy(update={"content_hash": "0" * 64})
    receipt = world.device(world.worker).push([damaged]).receipts[0]
    assert (receipt.status, receipt.code) == (ReceiptStatus.REJECTED, protocol.SYNC_HASH_MISMATCH)
    assert world.count(QuarantineRow) == 1


def test_visit_naming_another_practitioners_child_is_rejected_and_audited(world: World) -> None:
    # The worker's device sends a visit about a child allocated to the colleague.
    load = world.colleague.load
    visit = load.visits[0].model_copy(update={"practitioner_id": world.worker.practitioner_id})
    receipt = world.device(world.worker).push([visit_item(visit)]).receipts[0]
    assert (receipt.status, receipt.code) == (ReceiptStatus.REJECTED, protocol.RECORD_FORBIDDEN)
    refused = world.audit(action="push.refused")
    assert refused and refused[0]["practitioner_id"] == world.worker.practitioner_id
    assert world.count(RecordRevisionRow) == 0


def test_visit_claiming_another_author_is_rejected(world: World) -> None:
    visit = world.worker.load.visits[0]
    receipt = world.device(world.colleague).push([visit_item(visit)]).receipts[0]
    assert (receipt.status, receipt.code) == (ReceiptStatus.REJECTED, protocol.RECORD_FORBIDDEN)


def test_accepted_visit_updates_last_seen_and_flags_an_unseen_child_to_the_manager(
    world: World,
) -> None:
    load = world.worker.load
    rng = random.Random(1)
    visit = next(
        v
        for v in (synthetic_visit(rng, load, c) for c in load.children * 20)
        if any(o.child_seen == YesNo.NO for o in v.children)
        and any(o.child_seen == YesNo.YES for o in v.children)
    )
    worker = world.device(world.worker)
    worker.push([visit_item(visit)])
    seen_child = next(o.child_id for o in visit.children if o.child_seen == YesNo.YES)
    unseen_child = next(o.child_id for o in visit.children if o.child_seen == YesNo.NO)
    record = world.http.get(f"/children/{seen_child}", headers=world.headers(worker)).json()
    assert record["seen"]["last_seen_visit_id"] == str(visit.visit_id)
    manager_feed = world.device(world.manager).changes(None, 1000).changes
    flags = [c for c in manager_feed if c.kind == ChangeKind.FLAG]
    assert any(
        f.data and f.data["flag"] == "child_not_seen" and f.child_id == unseen_child for f in flags
    )


def test_concern_is_shown_to_the_allocated_worker_until_acknowledged(world: World) -> None:
    reporter = world.device(world.colleague)  # a concern phoned in to a colleague
    child = world.worker.load.children[0]
    concern = world.worker.load.concerns[0].model_copy(
        update={"concern_id": uuid4(), "children_concerned": [child.child_id]}
    )
    receipt = reporter.push([item_of(concern, RecordKind.CONCERN, concern.concern_id)]).receipts[0]
    assert receipt.status == ReceiptStatus.ACCEPTED
    worker = world.device(world.worker)
    first = worker.changes(None, 1000)
    shown = [
        c
        for c in first.changes
        if c.kind == ChangeKind.CONCERN and c.entity_id == concern.concern_id
    ]
    assert shown and shown[-1].data and shown[-1].data["acknowledgement"] is None
    ack = Acknowledgement(
        by_practitioner_id=world.worker.practitioner_id,
        at=world.clock() + timedelta(hours=1),
        action_taken="Phoned the family (synthetic).",
    )
    item = item_of(ack, RecordKind.ACKNOWLEDGEMENT, concern.concern_id, revision=2, base=1)
    assert worker.push([item]).receipts[0].status == ReceiptStatus.ACCEPTED
    later = worker.changes(first.cursor, 1000).changes
    acked = [c for c in later if c.kind == ChangeKind.CONCERN and c.entity_id == concern.concern_id]
    assert acked and acked[-1].data and acked[-1].data["acknowledgement"] is not None
    # A second acknowledgement of the same revision is a conflict, kept.
    again = worker.push(
        [
            item_of(
                ack.model_copy(update={"action_taken": "x"}),
                RecordKind.ACKNOWLEDGEMENT,
                concern.concern_id,
                2,
                1,
            )
        ]
    )
    assert again.receipts[0].code == protocol.SYNC_STALE_BASE


def test_only_the_allocated_worker_or_manager_can_acknowledge(world: World) -> None:
    concern = world.worker.load.concerns[0]
    ack = Acknowledgement(by_practitioner_id=world.outsider.practitioner_id, at=world.clock())
    item = item_of(ack, RecordKind.ACKNOWLEDGEMENT, concern.concern_id, revision=2, base=1)
    receipt = world.device(world.outsider).push([item]).receipts[0]
    assert (receipt.status, receipt.code) == (ReceiptStatus.REJECTED, protocol.RECORD_FORBIDDEN)


def test_read_your_writes_cursor_reaches_max_server_seq(world: World) -> None:
    device = world.device(world.worker)
    pages = list(device.iter_changes(None))
    answer = device.push(visit_items(world.worker.load))
    cursor = pages[-1].cursor
    last = list(device.iter_changes(cursor))[-1]
    from sync.server.services.pull import decode_cursor

    assert decode_cursor(last.cursor)[2] >= answer.max_server_seq
