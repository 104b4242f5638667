"""Regression tests for the audit's device defects (issue 8, items 8 and 9), device side: a real
Session over a real encrypted store, syncing with the real central record in-process.

A device synced weekly was refused in week 13 and could not be enrolled again; revoking a device
erased the visits it had not sent."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from mobile.services.errors import DeviceWipedError
from mobile.services.session import Session
from mobile.ui.viewmodels.enrol import EnrolViewModel
from sync import protocol
from sync.server import services as sv
from sync.server.services import Actor, StaffRole
from sync.server.tables import RecordReviewRow
from tests.services.conftest import PASSPHRASE
from tests.services.devices import copies_on_server, record_visits, settled
from tests.sync.helpers import ORG, World


def _advance(world: World, session: Session, days: float) -> None:
    """Time passes; the app locked meanwhile and the practitioner unlocks it again."""
    world.clock.advance(timedelta(days=days))
    session.lock()
    session.unlock(PASSPHRASE)


def _device_id(world: World) -> UUID:
    (device,) = sv.list_devices(db=world.db, practitioner_id=world.worker.practitioner_id)
    return device.device_id


def test_a_device_synced_weekly_for_a_hundred_days_is_never_refused(
    session: Session, world: World
) -> None:
    sync = session.services().sync
    sync.sync_now()
    for _week in range(15):
        _advance(world, session, 7)
        progress = sync.sync_now()
        assert progress.last_error == "" and not progress.needs_new_code
    assert world.audit(action="device.credential_renewed")
    (device,) = sv.list_devices(db=world.db, practitioner_id=world.worker.practitioner_id)
    assert device.revoked_at is None


def test_a_renewal_whose_answer_was_superseded_leaves_the_device_signed_in(
    session: Session, world: World
) -> None:
    sync = session.services().sync
    sync.sync_now()
    _advance(world, session, 50)
    sync.sync_now()  # offered, and stored as pending
    (offered,) = world.audit(action="device.credential_offered")
    assert offered["device_id"] == _device_id(world)
    # The central record hands out another (as if the device had asked again and that answer
    # had been lost): the one the device stored is no longer known.
    sv.renew_credential(
        db=world.db,
        actor=Actor(
            device_id=_device_id(world),
            practitioner_id=world.worker.practitioner_id,
            org_id=ORG,
            role=StaffRole.SOCIAL_WORKER,
            team_id=world.team_a,
            scope_version=1,
        ),
        now=world.clock(),
        credential_ttl=world.settings.credential_ttl,
    )

    progress = sync.sync_now()

    assert progress.last_error == "" and not progress.needs_new_code
    _advance(world, session, 1)
    assert sync.sync_now().last_error == ""
    assert world.audit(action="device.credential_renewed")


def test_a_device_left_idle_past_its_sign_in_is_re_enrolled_and_its_visit_reaches_the_server(
    session: Session, world: World
) -> None:
    sync = session.services().sync
    sync.sync_now()
    device_id = session.about().device_id
    ids = record_visits(session, world.worker.load, 1, seed=21, now=world.clock())
    _advance(world, session, 100)

    expired = sync.sync_now()

    assert expired.needs_new_code and expired.pending == 1
    assert "new enrolment code" in expired.last_error and "lost" in expired.last_error
    assert copies_on_server(world, ids) == {ids[0]: (0, 0)}

    session.re_enrol(code=world.code_for(world.worker))
    progress = sync.sync_now()

    assert progress.last_error == "" and not progress.needs_new_code and settled(session)
    assert copies_on_server(world, ids) == {ids[0]: (1, 1)}
    assert session.about().device_id == device_id == _device_id(world)


def test_a_retired_device_sends_what_it_holds_then_wipes_and_says_so(
    session: Session, world: World
) -> None:
    sync = session.services().sync
    sync.sync_now()
    ids = record_visits(session, world.worker.load, 2, seed=22, now=world.clock())
    sv.revoke_device(
        db=world.db, device_id=_device_id(world), now=world.clock(), mode=sv.RevokeMode.RETIRE
    )
    _advance(world, session, 1 / 24)

    with pytest.raises(DeviceWipedError) as wiped:
        sync.sync_now()

    assert "retired" in wiped.value.message and "sent" in wiped.value.message
    assert wiped.value.code == protocol.DEVICE_RETIRING  # the code the central record sent
    assert copies_on_server(world, ids) == {i: (1, 1) for i in ids}
    assert world.count(RecordReviewRow) == 2
    assert not session.is_enrolled
    assert not any(session.data_dir.glob("records.db*"))


def test_a_lost_device_wipes_at_once(session: Session, world: World) -> None:
    sync = session.services().sync
    sync.sync_now()
    ids = record_visits(session, world.worker.load, 1, seed=23, now=world.clock())
    sv.revoke_device(
        db=world.db,
        device_id=_device_id(world),
        now=world.clock(),
        mode=sv.RevokeMode.LOST,
        confirm_unsent_lost=True,
    )

    with pytest.raises(DeviceWipedError) as wiped:
        sync.sync_now()

    assert "withdrawn" in wiped.value.message
    assert wiped.value.code == protocol.DEVICE_REVOKED  # never a code of the app's own
    assert copies_on_server(world, ids) == {ids[0]: (0, 0)}  # what the admin confirmed
    assert not session.is_enrolled


def test_an_expired_device_offers_a_new_code_instead_of_already_set_up(
    session: Session, world: World
) -> None:
    sync = session.services().sync
    sync.sync_now()
    _advance(world, session, 100)
    assert sync.sync_now().needs_new_code
    done: list[bool] = []
    vm = EnrolViewModel.for_new_code(session=session, on_enrolled=lambda: done.append(True))

    vm.set_code("AAAA-BBBB-CCCC")
    assert not vm.next() and "not recognised" in vm.error and not done
    vm.set_code(world.code_for(world.worker))
    assert vm.next() and done and vm.error == ""

    progress = sync.sync_now()
    assert progress.last_error == "" and not progress.needs_new_code
    assert session.is_enrolled
