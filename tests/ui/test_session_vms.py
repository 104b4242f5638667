"""Enrol and unlock on the real session: plain words, typed input kept, wrong-PIN delays."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from mobile.services.session import Session
from mobile.ui.viewmodels.enrol import EnrolStage, EnrolViewModel
from mobile.ui.viewmodels.unlock import UnlockViewModel
from tests.services.conftest import make_session
from tests.sync.helpers import World
from tests.ui.conftest import PASSPHRASE, SERVER, Clock


def _new_device(world: World, tmp_path: Path) -> Session:
    return make_session(world, tmp_path / "new-device")


def test_enrol_asks_for_server_and_code_in_plain_words(world: World, tmp_path: Path) -> None:
    vm = EnrolViewModel(session=_new_device(world, tmp_path), on_enrolled=lambda: None)
    assert not vm.next()
    assert "server address" in vm.error
    vm.set_server_url("central.example")
    assert not vm.next()
    assert "https://" in vm.error
    vm.set_server_url(SERVER)
    assert not vm.next()
    assert "enrolment code" in vm.error
    vm.set_code("ANY-CODE")
    assert vm.next()
    assert vm.stage == EnrolStage.PASSPHRASE


def test_enrol_from_a_scanned_code_fills_both_fields(world: World, tmp_path: Path) -> None:
    vm = EnrolViewModel(session=_new_device(world, tmp_path), on_enrolled=lambda: None)
    vm.set_scanned("https://central.example.invalid#ABC-123")
    assert (vm.server_url, vm.code) == ("https://central.example.invalid", "ABC-123")


def test_enrol_weak_or_mismatched_passphrase_is_explained_before_anything_is_sent(
    world: World, tmp_path: Path
) -> None:
    device = _new_device(world, tmp_path)
    vm = EnrolViewModel(session=device, on_enrolled=lambda: None)
    vm.set_server_url(SERVER)
    vm.set_code(world.code_for(world.worker))
    vm.next()
    vm.set_passphrase("123456")
    assert not vm.enrol()
    assert "numbers alone is not safe enough" in vm.error
    vm.set_passphrase("short one")
    assert not vm.enrol()
    assert "at least 12 characters" in vm.error
    vm.set_passphrase("lantern orbit cobble")
    vm.set_confirm("lantern orbit cobbles")
    assert not vm.enrol()
    assert "different" in vm.error
    assert vm.passphrase == "lantern orbit cobble"  # never thrown away
    assert not device.is_enrolled


def test_enrol_with_a_bad_code_goes_back_keeping_what_was_typed(
    world: World, tmp_path: Path
) -> None:
    device = _new_device(world, tmp_path)
    done: list[bool] = []
    vm = EnrolViewModel(session=device, on_enrolled=lambda: done.append(True))
    vm.set_server_url(SERVER)
    vm.set_code("WRONG-CODE-0000")
    vm.next()
    vm.set_passphrase(PASSPHRASE)
    vm.set_confirm(PASSPHRASE)
    assert not vm.enrol()
    assert vm.stage == EnrolStage.DEVICE
    assert "not recognised" in vm.error
    assert vm.code == "WRONG-CODE-0000" and vm.server_url == SERVER
    assert not device.is_enrolled
    vm.set_code(world.code_for(world.worker))
    vm.next()
    assert vm.enrol(), vm.error
    assert done == [True]
    assert device.is_enrolled and device.is_unlocked
    device.close()


def test_unlock_wrong_pin_says_tries_left_and_how_long_to_wait(
    session: Session, world: World, clock: Clock
) -> None:
    opened: list[bool] = []
    vm = UnlockViewModel(session=session, on_unlocked=lambda: opened.append(True), clock=clock)
    assert not vm.unlock()
    assert vm.error == "Type your PIN or passphrase."
    vm.set_secret("not my passphrase")
    assert not vm.unlock()
    assert vm.remaining_attempts == 9
    assert "9 tries left" in vm.status()
    assert vm.secret == "not my passphrase"  # kept, to correct a typo
    assert vm.can_try  # the first wrong tries cost no wait
    vm.unlock()
    vm.unlock()  # the third wrong try: from now on each costs a wait
    assert vm.remaining_attempts == 7
    assert vm.wait_seconds() == 30
    assert vm.status() == (
        "That PIN or passphrase is not right. 7 tries left. Try again in 30 seconds."
    )
    assert not vm.can_try
    vm.set_secret(PASSPHRASE)
    assert not vm.unlock()  # still waiting: the session is not even asked
    assert not session.is_unlocked
    clock.advance(30)
    world.clock.advance(timedelta(seconds=30))
    assert vm.can_try
    assert vm.unlock()
    assert opened == [True]
    assert vm.secret == ""
    assert session.is_unlocked


def test_unlock_locked_out_after_ten_wrong_tries_stops_trying(
    session: Session, world: World, clock: Clock
) -> None:
    vm = UnlockViewModel(session=session, on_unlocked=lambda: None, clock=clock)
    vm.set_secret("not my passphrase")
    for _ in range(10):
        clock.advance(3600)
        world.clock.advance(timedelta(hours=1))
        assert not vm.unlock()
    assert vm.locked_out and not vm.can_try
    assert "Too many wrong PINs: the app is locked" in vm.status()
    vm.set_secret(PASSPHRASE)
    assert not vm.unlock()
    assert not session.is_unlocked
