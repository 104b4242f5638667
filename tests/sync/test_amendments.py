"""Amendments: never overwrite; name the revision amended; a stale base is a conflict, kept."""

from __future__ import annotations

from uuid import uuid4

from models.amendment import Amendment, FieldChange
from models.receipt import ReceiptStatus
from sync import protocol
from sync.server.tables import QuarantineRow, VisitRevisionRow
from tests.sync.helpers import World, amendment_item, visit_item


def _amendment(world: World, visit_id, revision: int, old: str, new: str) -> Amendment:  # type: ignore[no-untyped-def]
    return Amendment(
        amendment_id=uuid4(),
        amends_visit_id=visit_id,
        amends_revision=revision,
        changes=[FieldChange(field_path="escalation_notes", old_value=old, new_value=new)],
        reason="Added what was discussed (synthetic).",
        author_id=world.worker.practitioner_id,
        at=world.clock(),
    )


def test_amendment_adds_a_revision_and_keeps_the_original(world: World) -> None:
    device = world.device(world.worker)
    visit = world.worker.load.visits[0]  # type: ignore[union-attr]
    device.push([visit_item(visit)])
    first = _amendment(world, visit.visit_id, 1, "", "Discussed with manager (synthetic).")
    assert device.push([amendment_item(first)]).receipts[0].status == ReceiptStatus.ACCEPTED
    record = world.http.get(f"/visits/{visit.visit_id}", headers=world.headers(device)).json()
    assert record["visit"]["revision"] == 2
    assert record["visit"]["escalation_notes"] == "Discussed with manager (synthetic)."
    assert [r["revision"] for r in record["revisions"]] == [1, 2]
    assert world.count(VisitRevisionRow, visit_id=visit.visit_id) == 2


def test_two_amendments_of_the_same_revision_conflict_and_both_are_kept(world: World) -> None:
    device, other_device = world.device(world.worker), world.device(world.worker)
    visit = world.worker.load.visits[0]  # type: ignore[union-attr]
    device.push([visit_item(visit)])
    mine = _amendment(world, visit.visit_id, 1, "", "Told the manager (synthetic).")
    theirs = _amendment(world, visit.visit_id, 1, "", "Phoned the duty team (synthetic).")
    assert device.push([amendment_item(mine)]).receipts[0].status == ReceiptStatus.ACCEPTED
    receipt = other_device.push([amendment_item(theirs)]).receipts[0]
    assert (receipt.status, receipt.code) == (ReceiptStatus.CONFLICT, protocol.SYNC_STALE_BASE)
    assert world.count(QuarantineRow, status="conflict") == 1
    assert world.count(VisitRevisionRow, visit_id=visit.visit_id) == 2


def test_amendment_of_an_older_revision_is_a_stale_base_conflict(world: World) -> None:
    device = world.device(world.worker)
    visit = world.worker.load.visits[0]  # type: ignore[union-attr]
    device.push([visit_item(visit)])
    device.push([amendment_item(_amendment(world, visit.visit_id, 1, "", "One (synthetic)."))])
    device.push(
        [
            amendment_item(
                _amendment(world, visit.visit_id, 2, "One (synthetic).", "Two (synthetic).")
            )
        ]
    )
    late = _amendment(world, visit.visit_id, 1, "", "Late (synthetic).")
    receipt = device.push([amendment_item(late)]).receipts[0]
    assert (receipt.status, receipt.code) == (ReceiptStatus.CONFLICT, protocol.SYNC_STALE_BASE)


def test_amendment_of_a_visit_the_server_lacks_is_kept_as_missing_base(world: World) -> None:
    device = world.device(world.worker)
    visit = world.worker.load.visits[0]  # type: ignore[union-attr]
    receipt = device.push([amendment_item(_amendment(world, visit.visit_id, 1, "", "x"))]).receipts[
        0
    ]
    assert (receipt.status, receipt.code) == (ReceiptStatus.CONFLICT, protocol.SYNC_MISSING_BASE)


def test_amendment_of_an_identity_field_is_rejected_with_the_rules_words(world: World) -> None:
    device = world.device(world.worker)
    visit = world.worker.load.visits[0]  # type: ignore[union-attr]
    device.push([visit_item(visit)])
    bad = _amendment(world, visit.visit_id, 1, "", "")
    bad.changes = [
        FieldChange(field_path="visit_id", old_value=str(visit.visit_id), new_value=str(uuid4()))
    ]
    receipt = device.push([amendment_item(bad)]).receipts[0]
    assert (receipt.status, receipt.code) == (ReceiptStatus.REJECTED, protocol.RECORD_RULES_FAILED)
    assert any("cannot be amended" in p for p in receipt.problems)


def test_visit_then_amendment_in_one_batch(world: World) -> None:
    device = world.device(world.worker)
    visit = world.worker.load.visits[0]  # type: ignore[union-attr]
    amendment = _amendment(world, visit.visit_id, 1, "", "Same batch (synthetic).")
    receipts = device.push([visit_item(visit), amendment_item(amendment)]).receipts
    assert [r.status for r in receipts] == [ReceiptStatus.ACCEPTED, ReceiptStatus.ACCEPTED]
