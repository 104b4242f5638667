"""The device's contract for the outbox and receipts: what waits, what is sent, what the central
record's answer changes; every workflow runs over the fake unit of work and the SQLite store."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mobile.store import RecordNotFound, SyncState
from models.enums import RecordStatus
from models.ids import new_id
from models.receipt import Receipt, ReceiptStatus
from synthetic import SyntheticCaseload
from tests.store.conftest import _accept, _submit
from tests.store.device import Device


# Outbox and receipts -------------------------------------------------------------------------------
def test_pending_outbox_keeps_order_and_respects_limit_and_max_bytes(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    ids = [_submit(repo, v).visit_id for v in caseload.visits[:4]]
    assert [i.record_id for i in repo.pending_outbox()] == ids
    assert [i.record_id for i in repo.pending_outbox(limit=2)] == ids[:2]
    assert [i.record_id for i in repo.pending_outbox(max_bytes=1)] == ids[:1]


def test_pending_outbox_leaves_out_what_is_already_on_its_way(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    ids = [_submit(repo, v).visit_id for v in caseload.visits[:5]]
    on_the_wire = {(i.record_id, i.revision) for i in repo.pending_outbox(limit=2)}
    assert [i.record_id for i in repo.pending_outbox(limit=2, skip=on_the_wire)] == ids[2:4]
    repo.mark_sent(repo.pending_outbox(limit=2))  # sent, not yet answered: still skipped
    assert [i.record_id for i in repo.pending_outbox(skip=on_the_wire)] == ids[2:]


def test_accepted_receipt_removes_item_from_outbox_and_marks_visit_synced(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    visit = caseload.visits[0]
    _submit(repo, visit)
    result = repo.record_receipts([_accept(visit.visit_id)])
    assert result.acknowledged == 1
    assert len(repo.pending_outbox()) == 0 and repo.pending_count() == 0
    assert repo.get_visit(visit.visit_id).status == RecordStatus.SYNCED
    [state] = repo.sync_state()
    assert state.state == SyncState.ACKNOWLEDGED
    assert state.receipt is not None and state.receipt.server_seq == 1


def test_duplicate_receipt_counts_as_acknowledged(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    visit = caseload.visits[0]
    _submit(repo, visit)
    receipt = Receipt(record_id=visit.visit_id, revision=1, status=ReceiptStatus.DUPLICATE)
    assert repo.record_receipts([receipt]).acknowledged == 1
    assert repo.pending_count() == 0


def test_receipts_replayed_change_nothing_and_are_reported_unmatched(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    visit = caseload.visits[0]
    _submit(repo, visit)
    repo.record_receipts([_accept(visit.visit_id)])
    again = repo.record_receipts([_accept(visit.visit_id), _accept(new_id())])
    assert again.acknowledged == 0 and len(again.unmatched) == 2
    assert [s.state for s in repo.sync_state()] == [SyncState.ACKNOWLEDGED]


def test_rejected_receipt_moves_item_to_quarantine_with_its_problems(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    visit = caseload.visits[0]
    _submit(repo, visit)
    rejected = Receipt(
        record_id=visit.visit_id, revision=1, status=ReceiptStatus.REJECTED,
        code="sync.rejected", problems=["Child 1 was not seen: choose why."],
    )  # fmt: skip
    assert repo.record_receipts([rejected]).rejected == 1
    assert len(repo.pending_outbox()) == 0
    assert repo.pending_count() == 1  # not acknowledged: still counted, never dropped
    [held] = repo.list_quarantine()
    assert held.item.record_id == visit.visit_id
    assert held.receipt.problems == ["Child 1 was not seen: choose why."]
    [state] = repo.sync_state()
    assert state.state == SyncState.REJECTED and state.problems == rejected.problems
    assert repo.get_visit(visit.visit_id).status == RecordStatus.SUBMITTED


def test_requeue_quarantined_offers_the_record_again(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    visit = caseload.visits[0]
    _submit(repo, visit)
    repo.record_receipts(
        [Receipt(record_id=visit.visit_id, revision=1, status=ReceiptStatus.REJECTED)]
    )
    repo.requeue_quarantined(visit.visit_id, 1)
    assert [i.record_id for i in repo.pending_outbox()] == [visit.visit_id]
    assert len(repo.list_quarantine()) == 0
    with pytest.raises(RecordNotFound):
        repo.requeue_quarantined(visit.visit_id, 1)


def test_conflict_receipt_keeps_item_flagged_and_out_of_the_next_batch(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    visit = caseload.visits[0]
    _submit(repo, visit)
    conflict = Receipt(
        record_id=visit.visit_id, revision=1, status=ReceiptStatus.CONFLICT, code="sync.conflict"
    )
    assert repo.record_receipts([conflict]).conflicts == 1
    assert len(repo.pending_outbox()) == 0
    assert repo.pending_count() == 1
    [state] = repo.sync_state(record_id=visit.visit_id)
    assert state.state == SyncState.CONFLICT
    assert state.receipt is not None and state.receipt.code == "sync.conflict"


def test_mark_sent_shows_sent_until_a_receipt_arrives(
    repo: Device, caseload: SyntheticCaseload, clock
) -> None:
    visit = caseload.visits[0]
    _submit(repo, visit)
    clock.advance(5)
    repo.mark_sent(repo.pending_outbox())
    [state] = repo.sync_state()
    assert (state.state, state.since) == (SyncState.SENT, clock.now)
    assert len(repo.pending_outbox()) == 1  # sent is not acknowledged: it goes again


def test_a_record_offline_for_72_hours_keeps_when_it_was_queued_apart_from_its_attempts(
    repo: Device, caseload: SyntheticCaseload, clock
) -> None:
    if repo.store is not None:  # the SQLite store would lock itself between attempts
        repo.store.idle_timeout = timedelta(days=7)
    visit, rejected = caseload.visits[:2]
    _submit(repo, visit)
    _submit(repo, rejected)
    queued = clock.now
    for _hour in range(72):  # a failed send every hour for three days
        clock.advance(timedelta(hours=1))
        repo.mark_sent(repo.pending_outbox())
    state, _ = repo.sync_state()
    assert (state.state, state.queued_at) == (SyncState.SENT, queued)
    assert (state.attempts, state.last_attempt_at, state.since) == (72, clock.now, clock.now)
    repo.record_receipts(
        [_accept(visit.visit_id), Receipt(record_id=rejected.visit_id, revision=1,
                                          status=ReceiptStatus.REJECTED)]
    )  # fmt: skip
    states = {s.record_id: s for s in repo.sync_state()}
    assert {s.state for s in states.values()} == {SyncState.ACKNOWLEDGED, SyncState.REJECTED}
    assert all(s.queued_at == queued for s in states.values())  # answered: still saved then
    assert all((s.attempts, s.last_attempt_at) == (0, None) for s in states.values())


def test_pending_count_is_every_record_the_central_record_has_not_acknowledged(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    pending, sent, conflict, rejected, acknowledged = (
        _submit(repo, v).visit_id for v in caseload.visits[:5]
    )
    repo.mark_sent([i for i in repo.pending_outbox() if i.record_id != pending])
    repo.record_receipts([
        Receipt(record_id=conflict, revision=1, status=ReceiptStatus.CONFLICT),
        Receipt(record_id=rejected, revision=1, status=ReceiptStatus.REJECTED),
        _accept(acknowledged),
    ])  # fmt: skip
    states = {s.record_id: s.state for s in repo.sync_state()}
    assert states == {
        pending: SyncState.PENDING, sent: SyncState.SENT, conflict: SyncState.CONFLICT,
        rejected: SyncState.REJECTED, acknowledged: SyncState.ACKNOWLEDGED,
    }  # fmt: skip
    assert repo.pending_count() == sum(1 for s in states.values() if not s.settled) == 4


def test_oldest_queued_counts_the_quarantine_and_forgets_what_is_acknowledged(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    with repo.uow as uow:
        assert uow.outbox.oldest_queued_at() is None
    first, second = caseload.visits[0], caseload.visits[1]
    saved_first = repo.clock()
    _submit(repo, first)
    repo.clock.advance(timedelta(minutes=3))  # type: ignore[attr-defined]
    _submit(repo, second)
    rejected = Receipt(record_id=first.visit_id, revision=1, status=ReceiptStatus.REJECTED)
    repo.record_receipts([rejected])  # the oldest is held back now: still on the device
    with repo.uow as uow:
        assert uow.outbox.oldest_queued_at() == saved_first
    repo.requeue_quarantined(first.visit_id, 1)
    repo.record_receipts([_accept(first.visit_id)])
    with repo.uow as uow:
        assert uow.outbox.oldest_queued_at() == saved_first + timedelta(minutes=3)
    repo.record_receipts([_accept(second.visit_id)])
    with repo.uow as uow:
        assert uow.outbox.oldest_queued_at() is None
