"""The device's contract for the caseload and settings: pages from the central record, tombstones,
the summary; every workflow runs over the fake unit of work and the SQLite store."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mobile.store import RecordNotFound
from models.caseload import SeenData
from models.enums import RecordStatus, SafeguardingConcernNow, YesNo
from models.receipt import CaseloadChange
from synthetic import SyntheticCaseload
from tests.store.conftest import Changes, _accept, _submit
from tests.store.device import Device


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
