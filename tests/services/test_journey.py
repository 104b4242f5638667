"""The device's services end to end: real encrypted store, real central record (in-process)."""

from __future__ import annotations

import base64
import random
from datetime import timedelta
from pathlib import Path

import pytest

from mobile import codes
from mobile.services.errors import (
    AppError,
    DeviceWipedError,
    LockedOutError,
    SessionLockedError,
    SubmissionBlockedError,
    WrongPinError,
)
from mobile.services.shapes import ChildFlag
from mobile.store.crypto import generate_recovery_keypair, open_recovery_wrap
from models.amendment import FieldChange
from models.enums import ReasonNotSeen, RecordStatus, VisitOutcome, YesNo
from models.lifecycle import IDENTITY_FIELDS
from models.receipt import SyncState
from sync.server import services as sv
from synthetic import synthetic_visit
from tests.services.conftest import PASSPHRASE, SERVER, make_session
from tests.sync.helpers import ORG, visit_item


def recorded_visit(session, world, *, seed=1, not_seen=False):
    """Start a visit through the service, then fill it with a synthetic visit's answers."""
    services = session.services()
    load = world.worker.load
    rng = random.Random(seed)
    answers = synthetic_visit(rng, load, load.children[0])
    draft = services.visits.start(child_ids=[c.child_id for c in answers.children])
    filled = draft.model_copy(
        update={k: v for k, v in answers.__dict__.items() if k not in IDENTITY_FIELDS}
    )
    if not_seen:
        filled.visit_outcome = VisitOutcome.COMPLETED_NOT_ALL_CHILDREN_SEEN
        child = filled.children[0]
        child.child_seen = YesNo.NO
        child.reason_not_seen = ReasonNotSeen.CHILD_IN_HOSPITAL
    services.visits.save_draft(filled)
    return filled


def test_enrol_refuses_a_short_pin_without_a_platform_secret_before_contacting_anyone(
    world, tmp_path: Path
):
    device = make_session(world, tmp_path / "d")
    with pytest.raises(AppError) as caught:
        device.enrol(server_url=SERVER, code=world.code_for(world.worker), passphrase="1234")
    assert caught.value.code == codes.WEAK_PASSPHRASE  # the store's code, not a session's
    assert not device.is_enrolled


def test_enrol_with_a_bad_code_leaves_the_device_unenrolled(world, tmp_path: Path):
    device = make_session(world, tmp_path / "d")
    with pytest.raises(AppError) as caught:
        device.enrol(server_url=SERVER, code="WRONG-CODE-0000", passphrase=PASSPHRASE)
    assert caught.value.code == "enrol.code_invalid"
    assert "not recognised" in caught.value.message
    assert not device.is_enrolled


def test_wrong_pin_says_how_many_tries_are_left_and_right_pin_unlocks(session):
    session.lock()
    with pytest.raises(SessionLockedError):
        session.services()
    with pytest.raises(WrongPinError) as caught:
        session.unlock("not the passphrase at all")
    assert caught.value.remaining_attempts == 9
    session.unlock(PASSPHRASE)
    assert session.is_unlocked


def test_first_sync_brings_the_caseload(session, world):
    services = session.services()
    progress = services.sync.sync_now()
    assert progress.last_error == ""
    rows = services.caseload.rows()
    assert {r.child_id for r in rows} == {c.child_id for c in world.worker.load.children}
    assert all(r.name for r in rows)


def test_submitted_visit_is_acknowledged_with_a_receipt_after_sync(session, world):
    services = session.services()
    services.sync.sync_now()
    visit = recorded_visit(session, world)
    submitted = services.visits.submit(visit.visit_id)
    assert submitted.status == RecordStatus.SUBMITTED
    [waiting] = services.sync.records()
    assert waiting.status == SyncState.PENDING
    progress = services.sync.sync_now()
    assert progress.pending == 0 and progress.last_error == ""
    [done] = services.sync.records()
    assert done.status == SyncState.ACKNOWLEDGED
    assert done.receipt_id is not None


def test_incomplete_visit_cannot_be_submitted_and_stays_a_draft(session, world):
    services = session.services()
    services.sync.sync_now()
    visit = recorded_visit(session, world)
    visit.children[0].child_seen = None
    services.visits.save_draft(visit)
    with pytest.raises(SubmissionBlockedError) as caught:
        services.visits.submit(visit.visit_id)
    name = world.worker.load.children[0].name
    assert [p.message for p in caught.value.check.problems] == [f"Say whether {name} was seen."]
    assert services.visits.get(visit.visit_id).status == RecordStatus.DRAFT


def test_offline_sync_keeps_everything_says_so_and_sends_it_later(session, world, network):
    services = session.services()
    services.sync.sync_now()
    visit = recorded_visit(session, world)
    services.visits.submit(visit.visit_id)
    network.up = False
    progress = services.sync.sync_now()
    assert progress.pending == 1
    assert progress.last_error.startswith("No connection to the central record.")
    [record] = services.sync.records()
    assert record.status in (SyncState.PENDING, SyncState.SENT)
    network.up = True
    progress = services.sync.sync_now()
    assert (progress.pending, progress.acknowledged, progress.last_error) == (0, 1, "")


def test_child_not_seen_shows_on_the_caseload_after_submit(session, world):
    services = session.services()
    services.sync.sync_now()
    visit = recorded_visit(session, world, not_seen=True)
    services.visits.submit(visit.visit_id)
    rows = {r.child_id: r for r in services.caseload.rows()}
    assert ChildFlag.NOT_SEEN_LAST_VISIT in rows[visit.children[0].child_id].flags
    assert rows[visit.children[0].child_id].unsynced == 1


def test_amendment_needs_a_reason_and_syncs(session, world):
    services = session.services()
    services.sync.sync_now()
    visit = recorded_visit(session, world)
    services.visits.submit(visit.visit_id)
    change = FieldChange(
        field_path="announced", old_value=visit.announced, new_value=not visit.announced
    )
    with pytest.raises(AppError, match="Say why"):
        services.visits.amend(visit_id=visit.visit_id, changes=[change], reason="")
    amended = services.visits.amend(
        visit_id=visit.visit_id, changes=[change], reason="Misread the diary"
    )
    assert amended.revision == 2
    services.sync.sync_now()
    assert {r.status for r in services.sync.records()} == {SyncState.ACKNOWLEDGED}


def test_acknowledging_a_concern_syncs_back(session, world):
    services = session.services()
    services.sync.sync_now()
    awaiting = services.caseload.concerns_awaiting()
    assert awaiting, "the synthetic caseload has concerns for this worker"
    services.caseload.acknowledge_concern(awaiting[0].concern_id, action_taken="Called back")
    services.sync.sync_now()
    assert awaiting[0].concern_id not in {
        c.concern_id for c in services.caseload.concerns_awaiting()
    }
    assert all(r.status == SyncState.ACKNOWLEDGED for r in services.sync.records())


def test_revoked_device_is_wiped_on_next_contact(session, world):
    services = session.services()
    services.sync.sync_now()
    for device in sv.list_devices(db=world.db, practitioner_id=world.worker.practitioner_id):
        sv.revoke_device(db=world.db, device_id=device.device_id, now=world.clock())
    with pytest.raises(DeviceWipedError):
        services.sync.sync_now()
    assert not session.is_enrolled
    assert not any((session.data_dir).glob("records.db*"))


def test_a_visit_recorded_on_another_device_updates_last_seen_here(session, world):
    services = session.services()
    services.sync.sync_now()
    other_device = world.device(world.worker)
    load = world.worker.load
    visit = synthetic_visit(random.Random(5), load, load.children[0])
    visit.started_at = world.clock() - timedelta(days=2)
    visit.ended_at = visit.started_at + timedelta(hours=1)
    seen = [c.child_id for c in visit.children if c.child_seen == YesNo.YES]
    [receipt] = other_device.push([visit_item(visit)]).receipts
    assert receipt.status == "accepted"
    services.sync.sync_now()
    rows = {r.child_id: r for r in services.caseload.rows()}
    assert seen, "the synthetic visit saw at least one child"
    assert visit.started_at is not None
    for child_id in seen:
        assert rows[child_id].last_seen == visit.started_at.date()


def test_app_locking_during_a_sync_keeps_the_outbox_and_says_to_unlock(session, world, network):
    services = session.services()
    services.sync.sync_now()
    visit = recorded_visit(session, world)
    services.visits.submit(visit.visit_id)
    real_push = services.sync._push  # the store locks (idle) just as the push starts

    def lock_then_push(client, device_id):
        session.lock()
        real_push(client, device_id)

    services.sync._push = lock_then_push
    with pytest.raises(SessionLockedError):
        services.sync.sync_now()  # progress cannot be read while locked: the app says unlock
    session.unlock(PASSPHRASE)
    services.sync._push = real_push
    assert services.sync.progress().last_error.startswith("The app locked")
    assert services.sync.sync_now().acknowledged == 1


def test_a_locked_out_device_is_recovered_with_the_organisation_key_keeping_unsynced_visits(
    world, tmp_path: Path
):
    private, public = generate_recovery_keypair()
    sv.set_recovery_key(
        db=world.db, org_id=ORG, public_key=base64.b64encode(public).decode(), now=world.clock()
    )
    device = make_session(world, tmp_path / "device")
    device.enrol(server_url=SERVER, code=world.code_for(world.worker), passphrase=PASSPHRASE)
    device.services().sync.sync_now()
    visit = recorded_visit(device, world)
    device.services().visits.submit(visit.visit_id)
    device.lock()
    for _ in range(10):
        world.clock.advance(timedelta(hours=1))  # past each escalating delay
        with pytest.raises((WrongPinError, LockedOutError)):
            device.unlock("not the passphrase at all")
    with pytest.raises(LockedOutError):
        device.unlock(PASSPHRASE)  # even the right one: only recovery opens it now
    device.recover(
        unwrap=lambda blob: open_recovery_wrap(private, blob),
        new_passphrase="new lantern orbit meadow",
    )
    assert device.is_unlocked
    assert device.services().sync.sync_now().acknowledged == 1  # the unsynced visit survived
    device.close()


def test_recovery_with_the_wrong_organisation_key_changes_nothing(world, tmp_path: Path):
    _, public = generate_recovery_keypair()
    stranger, _ = generate_recovery_keypair()
    sv.set_recovery_key(
        db=world.db, org_id=ORG, public_key=base64.b64encode(public).decode(), now=world.clock()
    )
    device = make_session(world, tmp_path / "device")
    device.enrol(server_url=SERVER, code=world.code_for(world.worker), passphrase=PASSPHRASE)
    device.lock()
    with pytest.raises(AppError) as caught:
        device.recover(
            unwrap=lambda blob: open_recovery_wrap(stranger, blob),
            new_passphrase="quiet harbour ladder",
        )
    assert caught.value.code == "store.recovery_failed"
    device.unlock(PASSPHRASE)  # the old passphrase still works
    device.close()


def test_a_device_whose_enrolment_did_not_finish_says_so_instead_of_recording_blank_identity(
    session, world
):
    services = session.services()
    services.sync.sync_now()
    session._open_store().delete_setting("practitioner_id")  # as if set-up stopped half way
    with pytest.raises(AppError) as caught:
        recorded_visit(session, world)
    assert caught.value.code == "session.enrolment_incomplete"
    assert services.visits.drafts() == []


def test_a_visit_carries_this_device_and_practitioner(session, world):
    session.services().sync.sync_now()
    visit = recorded_visit(session, world)
    assert visit.device_id == session.about().device_id
    assert visit.practitioner_id == world.worker.practitioner_id
