"""The device's contract: every workflow runs over the fake unit of work and the SQLite store."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

import pytest

from mobile.store import (
    AlreadyAcknowledged,
    RecordNotFound,
    SyncState,
)
from models.amendment import Amendment, FieldChange
from models.canonical import canonical_text, content_hash
from models.caseload import SeenData
from models.concern import Acknowledgement
from models.enums import RecordStatus, SafeguardingConcernNow, YesNo
from models.errors import AmendmentRejected, RecordLocked, SubmissionBlocked
from models.ids import new_id
from models.receipt import CaseloadChange, Receipt, ReceiptStatus, RecordKind
from models.visit import Visit
from synthetic import SyntheticCaseload
from tests.store.device import Device

Changes = Callable[..., list[CaseloadChange]]


def canonical(body: object) -> bytes:
    """The canonical JSON the central record hashes (models.canonical, for a plain dict)."""
    return canonical_text(body).encode()


def _submit(repo: Device, visit: Visit) -> Visit:
    repo.save_draft(visit)
    return repo.submit_visit(visit.visit_id)


def _accept(item_id: object, revision: int = 1, seq: int = 1) -> Receipt:
    return Receipt(
        record_id=item_id, revision=revision, status=ReceiptStatus.ACCEPTED, server_seq=seq
    )


def _amendment(visit: Visit, *, base: int | None = None) -> Amendment:
    return Amendment(
        amendment_id=new_id(),
        amends_visit_id=visit.visit_id,
        amends_revision=visit.revision if base is None else base,
        changes=[
            FieldChange(
                field_path="announced", old_value=visit.announced, new_value=not visit.announced
            )
        ],
        reason="Recorded the wrong answer on the doorstep (synthetic).",
        author_id=visit.practitioner_id,
        at=visit.submitted_at or visit.created_on_device_at,
    )


# Drafts ------------------------------------------------------------------------------------------
def test_save_draft_then_get_visit_returns_an_equal_copy(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    visit = caseload.visits[0]
    repo.save_draft(visit)
    got = repo.get_visit(visit.visit_id)
    assert got == visit
    got.no_access_notes = "changed after reading"
    assert repo.get_visit(visit.visit_id) == visit


def test_save_draft_again_replaces_the_draft(repo: Device, caseload: SyntheticCaseload) -> None:
    visit = caseload.visits[0]
    repo.save_draft(visit)
    edited = visit.model_copy(update={"escalation_notes": "second autosave"})
    repo.save_draft(edited)
    assert repo.get_visit(visit.visit_id).escalation_notes == "second autosave"
    assert len(repo.list_drafts()) == 1


def test_list_drafts_lists_only_drafts_newest_first(
    repo: Device, caseload: SyntheticCaseload, clock
) -> None:
    first, second, third = caseload.visits[:3]
    for visit in (first, second, third):
        repo.save_draft(visit)
        clock.advance(1)
    repo.submit_visit(second.visit_id)
    assert [v.visit_id for v in repo.list_drafts()] == [third.visit_id, first.visit_id]


def test_get_visit_when_unknown_raises_record_not_found(repo: Device) -> None:
    with pytest.raises(RecordNotFound):
        repo.get_visit(new_id())


def test_delete_draft_removes_it_and_is_idempotent(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    visit = caseload.visits[0]
    repo.save_draft(visit)
    repo.delete_draft(visit.visit_id)
    repo.delete_draft(visit.visit_id)
    assert len(repo.list_drafts()) == 0
    with pytest.raises(RecordNotFound):
        repo.get_visit(visit.visit_id)


def test_delete_draft_when_submitted_raises_record_locked(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    visit = caseload.visits[0]
    _submit(repo, visit)
    with pytest.raises(RecordLocked):
        repo.delete_draft(visit.visit_id)


# Submit ------------------------------------------------------------------------------------------
def test_submit_visit_locks_it_at_revision_one_and_queues_it(
    repo: Device, caseload: SyntheticCaseload, clock
) -> None:
    visit = caseload.visits[0]
    submitted = _submit(repo, visit)
    assert (submitted.status, submitted.revision, submitted.submitted_at) == (
        RecordStatus.SUBMITTED, 1, clock.now,
    )  # fmt: skip
    assert repo.get_visit(visit.visit_id) == submitted
    assert len(repo.list_drafts()) == 0
    [item] = repo.pending_outbox()
    assert (item.record_id, item.kind, item.revision, item.base_revision) == (
        visit.visit_id, RecordKind.VISIT, 1, None,
    )  # fmt: skip
    assert item.content_hash == content_hash(submitted)
    assert item.content_hash == hashlib.sha256(canonical(item.body)).hexdigest()
    assert Visit.model_validate(item.body) == submitted
    assert repo.pending_count() == 1


def test_submit_when_already_submitted_raises_record_locked(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    visit = caseload.visits[0]
    _submit(repo, visit)
    with pytest.raises(RecordLocked):
        repo.submit_visit(visit.visit_id)
    assert repo.pending_count() == 1


def test_save_draft_when_already_submitted_raises_record_locked(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    visit = caseload.visits[0]
    _submit(repo, visit)
    with pytest.raises(RecordLocked):
        repo.save_draft(visit)
    assert repo.get_visit(visit.visit_id).status == RecordStatus.SUBMITTED


def test_submit_incomplete_visit_raises_submission_blocked_and_keeps_the_draft(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    visit = caseload.visits[0].model_copy(update={"visit_outcome": None})
    repo.save_draft(visit)
    with pytest.raises(SubmissionBlocked) as raised:
        repo.submit_visit(visit.visit_id)
    assert "visit_outcome" in raised.value.check.fields()
    assert repo.get_visit(visit.visit_id) == visit
    assert repo.pending_count() == 0


def test_submit_unknown_visit_raises_record_not_found(repo: Device) -> None:
    with pytest.raises(RecordNotFound):
        repo.submit_visit(new_id())


# Outbox and receipts -------------------------------------------------------------------------------
def test_pending_outbox_keeps_order_and_respects_limit_and_max_bytes(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    ids = [_submit(repo, v).visit_id for v in caseload.visits[:4]]
    assert [i.record_id for i in repo.pending_outbox()] == ids
    assert [i.record_id for i in repo.pending_outbox(limit=2)] == ids[:2]
    assert [i.record_id for i in repo.pending_outbox(max_bytes=1)] == ids[:1]


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


# Amendments --------------------------------------------------------------------------------------
def test_add_amendment_appends_a_revision_and_keeps_the_original(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    submitted = _submit(repo, caseload.visits[0])
    amendment = _amendment(submitted)
    amended = repo.add_amendment(amendment)
    assert (amended.revision, amended.status) == (2, RecordStatus.AMENDED)
    assert amended.announced is not submitted.announced
    assert repo.get_visit(submitted.visit_id) == amended
    assert repo.get_visit_revision(submitted.visit_id, 1) == submitted
    assert [v.revision for v in repo.list_revisions(submitted.visit_id)] == [1, 2]
    assert list(repo.list_amendments(submitted.visit_id)) == [amendment]


def test_amendment_outbox_item_names_the_revision_it_builds_on(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    submitted = _submit(repo, caseload.visits[0])
    repo.record_receipts([_accept(submitted.visit_id)])
    amendment = _amendment(submitted.model_copy(update={"status": RecordStatus.SYNCED}))
    repo.add_amendment(amendment)
    [item] = repo.pending_outbox()
    assert (item.record_id, item.kind, item.revision, item.base_revision) == (
        submitted.visit_id, RecordKind.AMENDMENT, 2, 1,
    )  # fmt: skip
    assert Amendment.model_validate(item.body) == amendment
    assert item.content_hash == content_hash(amendment)
    repo.record_receipts([_accept(submitted.visit_id, revision=2)])
    assert repo.pending_count() == 0


def test_add_amendment_on_a_stale_revision_raises_amendment_rejected(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    submitted = _submit(repo, caseload.visits[0])
    repo.add_amendment(_amendment(submitted))
    with pytest.raises(AmendmentRejected):
        repo.add_amendment(_amendment(submitted, base=1))
    assert len(repo.list_revisions(submitted.visit_id)) == 2


def test_add_amendment_to_a_draft_raises_amendment_rejected(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    visit = caseload.visits[0]
    repo.save_draft(visit)
    with pytest.raises(AmendmentRejected):
        repo.add_amendment(_amendment(visit, base=1))


# Concerns ----------------------------------------------------------------------------------------
def test_acknowledge_concern_shows_at_once_and_queues_the_acknowledgement(
    repo: Device, caseload: SyntheticCaseload, to_changes: Changes, clock
) -> None:
    repo.apply_caseload_changes(to_changes(caseload), cursor="c1")
    [concern] = repo.list_concerns(awaiting_acknowledgement=True)
    acknowledged = repo.acknowledge_concern(
        concern_id=concern.concern_id, by=caseload.practitioner_id, action_taken="Phoned school"
    )
    assert acknowledged.acknowledgement is not None
    assert acknowledged.acknowledgement.at == clock.now
    assert len(repo.list_concerns(awaiting_acknowledgement=True)) == 0
    [item] = repo.pending_outbox()
    assert item.kind == RecordKind.ACKNOWLEDGEMENT
    assert (item.record_id, item.revision, item.base_revision) == (concern.concern_id, 2, 1)
    assert Acknowledgement.model_validate(item.body).action_taken == "Phoned school"
    [state] = repo.sync_state()
    assert state.subject_id == concern.concern_id
    with pytest.raises(AlreadyAcknowledged):
        repo.acknowledge_concern(concern_id=concern.concern_id, by=caseload.practitioner_id)


def test_acknowledge_unknown_concern_raises_record_not_found(repo: Device) -> None:
    with pytest.raises(RecordNotFound):
        repo.acknowledge_concern(concern_id=new_id(), by=new_id())


def test_record_concern_checks_it_and_queues_it(repo: Device, caseload: SyntheticCaseload) -> None:
    concern = caseload.concerns[0]
    repo.record_concern(concern)
    [item] = repo.pending_outbox()
    assert (item.kind, item.record_id, item.content_hash) == (
        RecordKind.CONCERN, concern.concern_id, content_hash(concern),
    )  # fmt: skip
    with pytest.raises(SubmissionBlocked):
        repo.record_concern(concern.model_copy(update={"concern_id": new_id(), "content": ""}))


# Caseload ----------------------------------------------------------------------------------------
def test_caseload_page_is_stored_with_its_cursor(
    repo: Device, caseload: SyntheticCaseload, to_changes: Changes
) -> None:
    assert repo.get_cursor() is None
    result = repo.apply_caseload_changes(to_changes(caseload), cursor="page-1")
    assert result.applied == len(to_changes(caseload))
    assert repo.get_cursor() == "page-1"
    assert {c.child_id for c in repo.list_children()} == {c.child_id for c in caseload.children}
    assert repo.get_child(caseload.children[0].child_id) == caseload.children[0]
    assert len(repo.list_households()) == 3 and len(repo.list_people()) == len(caseload.people)


def test_caseload_page_replayed_is_stale_and_changes_nothing(
    repo: Device, caseload: SyntheticCaseload, to_changes: Changes
) -> None:
    repo.apply_caseload_changes(to_changes(caseload), cursor="page-1")
    again = repo.apply_caseload_changes(to_changes(caseload), cursor="page-1")
    assert again.applied == 0 and again.stale == len(to_changes(caseload))


def test_newer_caseload_version_replaces_the_row(
    repo: Device, caseload: SyntheticCaseload, to_changes: Changes
) -> None:
    repo.apply_caseload_changes(to_changes(caseload), cursor="1")
    child = caseload.children[0].model_copy(update={"nhs_number": None})
    change = CaseloadChange(kind="child", entity_id=child.child_id, version=2,
                            child_id=child.child_id, data=child.model_dump(mode="json"))  # fmt: skip
    repo.apply_caseload_changes([change], cursor="2")
    assert repo.get_child(child.child_id).nhs_number is None


def test_caseload_changes_never_overwrite_an_unsynced_local_change(
    repo: Device, caseload: SyntheticCaseload, to_changes: Changes
) -> None:
    repo.apply_caseload_changes(to_changes(caseload), cursor="1")
    concern = caseload.concerns[0]
    repo.acknowledge_concern(concern_id=concern.concern_id, by=caseload.practitioner_id)
    newer = concern.model_copy(update={"content": "Updated at the central record (synthetic)."})
    change = CaseloadChange(kind="concern", entity_id=concern.concern_id, version=2,
                            child_id=concern.children_concerned[0],
                            data=newer.model_dump(mode="json"))  # fmt: skip
    assert repo.apply_caseload_changes([change], cursor="2").deferred == 1
    [shown] = repo.list_concerns()
    assert shown.acknowledgement is not None  # the local change is not lost
    [item] = repo.pending_outbox()
    repo.record_receipts([_accept(item.record_id, revision=item.revision)])
    [shown] = repo.list_concerns()
    assert shown.content == newer.content  # the central version, once the change is acknowledged


def test_child_tombstone_purges_caseload_and_synced_visits_but_keeps_unsynced(
    repo: Device, caseload: SyntheticCaseload, to_changes: Changes
) -> None:
    repo.apply_caseload_changes(to_changes(caseload), cursor="1")
    by_household = {v.location_household_id: v for v in caseload.visits}
    synced, unsynced = list(by_household.values())[:2]
    _submit(repo, synced)
    repo.record_receipts([_accept(synced.visit_id)])
    _submit(repo, unsynced)
    gone = {c.child_id for v in (synced, unsynced) for c in v.children}
    tombstones = [
        CaseloadChange(kind="child", entity_id=child_id, version=9, deleted=True)
        for child_id in gone
    ]
    result = repo.apply_caseload_changes(tombstones, cursor="2")
    assert result.purged_visits == 1
    assert not gone & {c.child_id for c in repo.list_children()}
    with pytest.raises(RecordNotFound):
        repo.get_visit(synced.visit_id)
    assert repo.get_visit(unsynced.visit_id).status == RecordStatus.SUBMITTED
    assert [i.record_id for i in repo.pending_outbox()] == [unsynced.visit_id]


def test_reset_cursor_forgets_the_caseload_but_keeps_visits_and_outbox(
    repo: Device, caseload: SyntheticCaseload, to_changes: Changes
) -> None:
    repo.apply_caseload_changes(to_changes(caseload), cursor="1")
    _submit(repo, caseload.visits[0])
    repo.reset_cursor()
    assert repo.get_cursor() is None
    assert len(repo.list_children()) == 0
    assert repo.pending_count() == 1
    assert repo.get_visit(caseload.visits[0].visit_id).status == RecordStatus.SUBMITTED


def test_escalation_shows_on_the_caseload_until_the_central_record_has_it(
    repo: Device, caseload: SyntheticCaseload, to_changes: Changes
) -> None:
    repo.apply_caseload_changes(to_changes(caseload), cursor="1")
    visit = caseload.visits[0].model_copy(
        update={
            "safeguarding_concern_now": SafeguardingConcernNow.REFERRAL_MADE,
            "escalation_notes": "Referral made to the front door (synthetic).",
        }
    )
    _submit(repo, visit)
    child_id = visit.children[0].child_id

    def pending() -> int:
        return next(
            s for s in repo.caseload_summary() if s.child.child_id == child_id
        ).escalations_pending

    assert pending() == 1
    [item] = repo.pending_outbox()
    repo.record_receipts([_accept(item.record_id)])
    assert pending() == 0


def test_caseload_summary_shows_last_seen_and_the_child_not_seen(
    repo: Device, caseload: SyntheticCaseload, to_changes: Changes
) -> None:
    repo.apply_caseload_changes(to_changes(caseload), cursor="1")
    visit = caseload.visits[0]
    submitted = _submit(repo, visit)
    summaries = {s.child.child_id: s for s in repo.caseload_summary()}
    assert len(summaries) == len(caseload.children)
    assert visit.started_at is not None
    for outcome in submitted.children:
        summary = summaries[outcome.child_id]
        assert summary.last_visit_on == visit.started_at.date()
        assert summary.unsynced_visits == 1
        seen = outcome.child_seen == YesNo.YES
        assert summary.not_seen_at_last_visit is not seen
        assert summary.last_seen_on == (visit.started_at.date() if seen else None)
    concern = caseload.concerns[0]
    assert summaries[concern.children_concerned[0]].concerns_awaiting_acknowledgement == 1


def test_caseload_summary_uses_the_central_record_last_seen_date(
    repo: Device, caseload: SyntheticCaseload, to_changes: Changes, fixed_now
) -> None:
    repo.apply_caseload_changes(to_changes(caseload), cursor="1")
    child = caseload.children[0]
    seen_at = fixed_now - timedelta(days=3)
    seen = SeenData(child_id=child.child_id, last_seen_at=seen_at, last_visit_at=seen_at)
    change = CaseloadChange(kind="seen", entity_id=child.child_id, version=1,
                            child_id=child.child_id, data=seen.model_dump(mode="json"))  # fmt: skip
    repo.apply_caseload_changes([change], cursor="2")
    summary = next(s for s in repo.caseload_summary() if s.child.child_id == child.child_id)
    assert summary.last_seen_on == seen_at.date()


# Settings ----------------------------------------------------------------------------------------
def test_settings_round_trip_and_plain_settings_are_restricted(repo: Device) -> None:
    repo.set_setting("server_url", "https://central.example.invalid")
    repo.set_setting("device_credential", "credential-value")
    assert repo.get_setting("device_credential") == "credential-value"
    repo.delete_setting("device_credential")
    assert repo.get_setting("device_credential") is None
    repo.set_plain_setting("last_sync_at", "2026-03-02T10:30:00+00:00")
    assert repo.get_plain_setting("last_sync_at") == "2026-03-02T10:30:00+00:00"
    with pytest.raises(ValueError, match="sealed"):
        repo.set_plain_setting("device_credential", "x")


def test_replayed_old_tombstone_does_not_remove_a_child_allocated_again(
    repo: Device, caseload: SyntheticCaseload, to_changes: Changes
) -> None:
    child = caseload.children[0]
    data = child.model_dump(mode="json")
    for version, deleted in ((1, False), (2, True), (3, False)):
        change = CaseloadChange(
            kind="child", entity_id=child.child_id, version=version, child_id=child.child_id,
            deleted=deleted, data=None if deleted else data,
        )  # fmt: skip
        repo.apply_caseload_changes([change], cursor=str(version))
    old = CaseloadChange(kind="child", entity_id=child.child_id, version=2, deleted=True)
    assert repo.apply_caseload_changes([old], cursor="3").stale == 1
    assert repo.get_child(child.child_id) == child
