"""The device's contract for what the practitioner records: drafts, submitting, amendments and
concerns; every workflow runs over the fake unit of work and the SQLite store."""

from __future__ import annotations

import hashlib

import pytest

from mobile.store import AlreadyAcknowledged, RecordNotFound
from models.amendment import Amendment
from models.canonical import content_hash
from models.concern import Acknowledgement
from models.enums import RecordStatus
from models.errors import AmendmentRejected, RecordLocked, SubmissionBlocked
from models.ids import new_id
from models.receipt import RecordKind
from models.visit import Visit
from synthetic import SyntheticCaseload
from tests.store.conftest import Changes, _accept, _amendment, _submit, canonical
from tests.store.device import Device


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
